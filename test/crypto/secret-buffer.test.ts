import { describe, expect, it } from 'vitest';
import { releaseSecret, secretBuffer } from '../../src/crypto/secret-buffer.js';

describe('secret buffers (a decrypted snapshot image)', () => {
  it('hands out a writable buffer of the size asked for, and release leaves it empty', () => {
    const buffer = secretBuffer(4096);
    expect(buffer.length).toBe(4096);
    buffer.fill(7);
    expect(buffer[4095]).toBe(7);
    const view = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.length);
    releaseSecret(buffer);
    expect(buffer.length).toBe(0);
    expect(view.length).toBe(0);
  });
});
