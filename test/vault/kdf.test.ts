import { describe, expect, it } from 'vitest';
import { KDF_FLOOR, newKdfParams } from '../../src/crypto/kdf.js';

describe('password KDF parameters', () => {
  it('calibrated parameters never go below the floor, and each profile gets its own salt', async () => {
    const a = await newKdfParams('calibrate');
    expect(a.algorithm).toBe('argon2id');
    expect(a.memoryKiB).toBeGreaterThanOrEqual(KDF_FLOOR.memoryKiB);
    expect(a.iterations).toBeGreaterThanOrEqual(KDF_FLOOR.iterations);
    expect(a.parallelism).toBeGreaterThanOrEqual(KDF_FLOOR.parallelism);
    const b = await newKdfParams('insecure-test-only');
    expect(Buffer.from(a.salt, 'base64')).toHaveLength(16);
    expect(b.salt).not.toBe(a.salt);
  });
});
