import { describe, expect, it } from 'vitest';
import { DecryptionError, open, seal } from '../../src/crypto/aead.js';
import { loadSodium } from '../../src/crypto/sodium.js';
import { zeroize } from '../../src/crypto/zeroize.js';
import { seededRandom } from '../support/random.js';

const bytes = (n: number, seed: number): Uint8Array => {
  const r = seededRandom(seed);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor((r() + 0.5) * 256) & 255;
  return out;
};
const concat = (a: Uint8Array, b: Uint8Array): Uint8Array => {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
};

// Files written before sodium-native sealed with libsodium-wrappers: both must read each other's boxes.
describe('XChaCha20-Poly1305 (sodium-native) against libsodium-wrappers', () => {
  it('opens what libsodium-wrappers sealed, and libsodium-wrappers opens what it seals, at sizes around a 4 MiB chunk', async () => {
    const wrappers = await loadSodium();
    const key = bytes(32, 1);
    const ad = bytes(40, 2);
    for (const size of [0, 1, 1500, 4 * 2 ** 20 + 3]) {
      const plain = bytes(size, size + 3);
      const nonce = bytes(24, 4);
      const theirs = concat(nonce, wrappers.crypto_aead_xchacha20poly1305_ietf_encrypt(plain, ad, null, nonce, key));
      expect(Buffer.from(open(key, theirs, ad)).equals(Buffer.from(plain))).toBe(true);
      const ours = seal(key, plain, ad);
      expect(Buffer.from(wrappers.crypto_aead_xchacha20poly1305_ietf_decrypt(null, ours.subarray(24), ad, ours.subarray(0, 24), key)).equals(Buffer.from(plain))).toBe(true);
    }
  });

  it('opens a box held in a view with an offset into a larger buffer', () => {
    const key = bytes(32, 5);
    const ad = bytes(8, 6);
    const box = seal(key, bytes(100, 7), ad);
    const backing = new Uint8Array(box.length + 13);
    backing.set(box, 13);
    expect(open(key, backing.subarray(13), ad)).toEqual(bytes(100, 7));
  });

  it('opens into a buffer it is given, returning a view of it, and refuses a box longer than that buffer', () => {
    const key = bytes(32, 12);
    const ad = bytes(8, 13);
    const into = new Uint8Array(64).fill(1);
    const plain = open(key, seal(key, bytes(40, 14), ad), ad, into);
    expect(plain.buffer).toBe(into.buffer);
    expect([...plain]).toEqual([...bytes(40, 14)]);
    expect(into[40]).toBe(1);
    expect(() => open(key, seal(key, bytes(65, 15), ad), ad, into)).toThrow(DecryptionError);
  });

  it('refuses a flipped byte, another associated data, a short box and a key of the wrong length with a DecryptionError', () => {
    const key = bytes(32, 8);
    const ad = bytes(8, 9);
    const box = seal(key, bytes(64, 10), ad);
    const flipped = box.slice();
    flipped[30]! ^= 1;
    expect(() => open(key, flipped, ad)).toThrow(DecryptionError);
    expect(() => open(key, box, bytes(8, 11))).toThrow(DecryptionError);
    expect(() => open(key, box.subarray(0, 39), ad)).toThrow(DecryptionError);
    expect(() => open(key.subarray(0, 31), box, ad)).toThrow(DecryptionError);
  });

  it('zeroize overwrites only the bytes of the view it is given', () => {
    const backing = new Uint8Array(16).fill(9);
    zeroize(backing.subarray(4, 12), null, new Uint8Array(0));
    expect([...backing]).toEqual([9, 9, 9, 9, 0, 0, 0, 0, 0, 0, 0, 0, 9, 9, 9, 9]);
  });
});
