import { describe, expect, it } from 'vitest';
import { nonceBytes } from '../../src/crypto/random.js';
import { open, seal } from '../../src/crypto/aead.js';
import { loadSodium } from '../../src/crypto/sodium.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('nonces from the pool', () => {
  it('hands out every byte once, across refills of the pool', () => {
    // 1,000 nonces of 24 bytes span six refills of the 4 KiB pool. Two nonces cut from
    // overlapping bytes share an 8-byte run; among 17,000 runs of random bytes a repeat is a
    // 1-in-10^11 chance.
    const runs = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const nonce = nonceBytes(24);
      for (let at = 0; at + 8 <= nonce.length; at++) runs.add(hex(nonce.subarray(at, at + 8)));
    }
    expect(runs.size).toBe(1000 * 17);
  });

  it('gives each seal its own nonce, and each sealed box still opens', async () => {
    await loadSodium();
    const key = new Uint8Array(32).fill(7);
    const plain = new TextEncoder().encode('the same plaintext every time');
    const ad = new Uint8Array([1, 2, 3]);
    const boxes = Array.from({ length: 400 }, () => seal(key, plain, ad));
    expect(new Set(boxes.map((b) => hex(b.subarray(0, 24)))).size).toBe(400);
    for (const b of boxes) expect(open(key, b, ad)).toEqual(plain);
  });

  it('serves a request longer than the pool straight from node:crypto', () => {
    const a = nonceBytes(5000);
    const b = nonceBytes(5000);
    expect(a.length).toBe(5000);
    expect(hex(a)).not.toBe(hex(b));
  });
});
