import { createHash, hkdfSync } from 'node:crypto';
import sodium from 'sodium-native';
import { bufferView as view } from './buffer-view.js';
import { sodiumSync } from './sodium.js';
import { randomBytes } from './random.js';
import { seal, open, associatedData } from './aead.js';

export interface BoxKeyPair {
  publicKey: Uint8Array;
  secretKey: Uint8Array;
}

export function newBoxKeyPair(): BoxKeyPair {
  const kp = sodiumSync().crypto_box_keypair();
  return { publicKey: kp.publicKey, secretKey: kp.privateKey };
}

export function newSymmetricKey(): Uint8Array {
  return randomBytes(32);
}

export type SigningKeyPair = BoxKeyPair;

export function newSigningKeyPair(): SigningKeyPair {
  const kp = sodiumSync().crypto_sign_keypair();
  return { publicKey: kp.publicKey, secretKey: kp.privateKey };
}

/** Key pairs derived from a 32-byte seed that is itself a secret (a token's, a profile's), so nothing more is stored. */
export function boxKeyPairFromSeed(seed: Uint8Array): BoxKeyPair {
  const kp = sodiumSync().crypto_box_seed_keypair(seed);
  return { publicKey: kp.publicKey, secretKey: kp.privateKey };
}

export function signingKeyPairFromSeed(seed: Uint8Array): SigningKeyPair {
  const kp = sodiumSync().crypto_sign_seed_keypair(seed);
  return { publicKey: kp.publicKey, secretKey: kp.privateKey };
}

/**
 * A profile's own audit-signing key, derived from its X25519 secret: a password change
 * rewraps that secret and leaves this key as it is, and no second secret needs storing.
 */
export function profileSigningKeyPair(boxSecretKey: Uint8Array): SigningKeyPair {
  const seed = new Uint8Array(hkdfSync('sha256', boxSecretKey, 'memvault-profile-v1', 'audit-signing', 32));
  try {
    return signingKeyPairFromSeed(seed);
  } finally {
    seed.fill(0);
  }
}

/** Wraps a secret under a symmetric key, bound to what it is and whose it is. */
export function wrapSecret(wrappingKey: Uint8Array, secret: Uint8Array, ...context: string[]): Uint8Array {
  return seal(wrappingKey, secret, associatedData('memvault-wrap', ...context));
}

export function unwrapSecret(wrappingKey: Uint8Array, wrapped: Uint8Array, ...context: string[]): Uint8Array {
  return open(wrappingKey, wrapped, associatedData('memvault-wrap', ...context));
}

/** Anonymous sealed box: only the holder of the recipient's secret key can open it. */
export function sealToPublicKey(recipient: Uint8Array, secret: Uint8Array): Uint8Array {
  return sodiumSync().crypto_box_seal(secret, recipient);
}

export function openSealed(keyPair: BoxKeyPair, sealed: Uint8Array): Uint8Array {
  return sodiumSync().crypto_box_seal_open(sealed, keyPair.publicKey, keyPair.secretKey);
}

/*
 * Ed25519 signing and verification run in sodium-native: every action signs the chain head,
 * and 15 us against WebAssembly's 40 us per signature (41 against 100 per verification,
 * measured here) was a tenth of a single add. The signatures are the same bytes (Ed25519 is
 * deterministic; test/crypto/signatures.test.ts checks one library against the other).
 */
export function sign(secretKey: Uint8Array, message: Uint8Array): Uint8Array {
  if (secretKey.length !== sodium.crypto_sign_SECRETKEYBYTES) throw new Error('signing key must be 64 bytes');
  const signature = new Uint8Array(sodium.crypto_sign_BYTES);
  sodium.crypto_sign_detached(view(signature), view(message), view(secretKey));
  return signature;
}

export function verifySignature(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (publicKey.length !== sodium.crypto_sign_PUBLICKEYBYTES || signature.length !== sodium.crypto_sign_BYTES) return false;
  try {
    return sodium.crypto_sign_verify_detached(view(signature), view(message), view(publicKey));
  } catch {
    return false;
  }
}

export function publicKeyFromBoxSecret(secretKey: Uint8Array): Uint8Array {
  return sodiumSync().crypto_scalarmult_base(secretKey);
}

/** The recovery key is already 256 random bits, so a hash (not a slow KDF) turns it into a key. */
export function keyFromRecoveryKey(recoveryKey: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update('memvault-recovery-v1').update(recoveryKey).digest());
}

const RECOVERY_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** Human-typable form: 52 base32 characters in groups of four. */
export function formatRecoveryKey(bytes: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += RECOVERY_ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += RECOVERY_ALPHABET[(value << (5 - bits)) & 31];
  return out.match(/.{1,4}/g)!.join('-');
}

export function parseRecoveryKey(text: string): Uint8Array | null {
  const clean = text.toUpperCase().replace(/[\s-]/g, '');
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const ch of clean) {
    const idx = RECOVERY_ALPHABET.indexOf(ch);
    if (idx < 0) return null;
    value = ((value << 5) | idx) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return out.length === 32 ? new Uint8Array(out) : null;
}
