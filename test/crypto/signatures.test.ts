import { beforeAll, describe, expect, it } from 'vitest';
import { sign, signingKeyPairFromSeed, verifySignature } from '../../src/crypto/keys.js';
import { loadSodium } from '../../src/crypto/sodium.js';

const hex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'hex'));

/** RFC 8032, section 7.1, tests 1 and 2. */
const RFC8032 = [
  {
    seed: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
    publicKey: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
    message: '',
    signature: 'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
  },
  {
    seed: '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb',
    publicKey: '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
    message: '72',
    signature: '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00',
  },
];

describe('Ed25519 signatures (sodium-native)', () => {
  // Key pairs still come from libsodium-wrappers, which must be loaded first.
  beforeAll(async () => {
    await loadSodium();
  });

  it('known answers: RFC 8032 tests 1 and 2 sign to the published bytes and verify', () => {
    for (const v of RFC8032) {
      const keys = signingKeyPairFromSeed(hex(v.seed));
      expect(Buffer.from(keys.publicKey).toString('hex')).toBe(v.publicKey);
      const signature = sign(keys.secretKey, hex(v.message));
      expect(Buffer.from(signature).toString('hex')).toBe(v.signature);
      expect(verifySignature(keys.publicKey, hex(v.message), signature)).toBe(true);
    }
  });

  // Checkpoints in existing vaults were signed by libsodium-wrappers' WebAssembly build.
  it('signs the same bytes as libsodium-wrappers, and each verifies the other', async () => {
    const wrappers = await loadSodium();
    const kp = wrappers.crypto_sign_keypair();
    for (const size of [0, 1, 96, 5000]) {
      const message = new Uint8Array(size).map((_, i) => (i * 31 + size) & 255);
      const ours = sign(kp.privateKey, message);
      expect(Buffer.from(ours).equals(Buffer.from(wrappers.crypto_sign_detached(message, kp.privateKey)))).toBe(true);
      expect(wrappers.crypto_sign_verify_detached(ours, message, kp.publicKey)).toBe(true);
      expect(verifySignature(kp.publicKey, message, wrappers.crypto_sign_detached(message, kp.privateKey))).toBe(true);
    }
  });

  it('a changed message or signature, another key, or a short signature or key does not verify', () => {
    const keys = signingKeyPairFromSeed(hex(RFC8032[1]!.seed));
    const other = signingKeyPairFromSeed(hex(RFC8032[0]!.seed));
    const message = hex('72');
    const signature = sign(keys.secretKey, message);
    expect(verifySignature(keys.publicKey, hex('73'), signature)).toBe(false);
    const flipped = signature.slice();
    flipped[10]! ^= 1;
    expect(verifySignature(keys.publicKey, message, flipped)).toBe(false);
    expect(verifySignature(other.publicKey, message, signature)).toBe(false);
    expect(verifySignature(keys.publicKey, message, signature.subarray(0, 63))).toBe(false);
    expect(verifySignature(keys.publicKey.subarray(0, 31), message, signature)).toBe(false);
  });

  it('refuses a signing key that is not 64 bytes', () => {
    expect(() => sign(new Uint8Array(32), hex('72'))).toThrow('signing key must be 64 bytes');
  });
});
