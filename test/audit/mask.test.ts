import { describe, expect, it } from 'vitest';
import { maskDetails } from '../../src/audit/mask.js';

describe('audit detail masking', () => {
  it('masks e-mail addresses and key-like strings, and caps long values', () => {
    const masked = maskDetails({
      to: 'write to alice.smith@example.com today',
      token: 'mv_3q8ZrT0x9PkLm2NvB7cY1aQe5WdF4gHj6KsUoIpE',
      long: 'word '.repeat(100),
      count: 3,
    });
    expect(masked.to).toBe('write to a***@example.com today');
    expect(masked.token).toBe('mv_3…[masked]');
    expect(String(masked.long).length).toBeLessThanOrEqual(201);
    expect(masked.count).toBe(3);
  });
});
