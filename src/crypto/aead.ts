import { sodiumSync } from './sodium.js';
import { nonceBytes } from './random.js';

const NONCE_BYTES = 24;
const TAG_BYTES = 16;
const KEY_BYTES = 32;

export class DecryptionError extends Error {
  constructor() {
    super('ciphertext could not be authenticated');
  }
}

/** XChaCha20-Poly1305 with a fresh random nonce; output is nonce || ciphertext || tag. */
export function seal(key: Uint8Array, plaintext: Uint8Array, associatedData: Uint8Array): Uint8Array {
  if (key.length !== KEY_BYTES) throw new Error('AEAD key must be 32 bytes');
  const s = sodiumSync();
  const nonce = nonceBytes(NONCE_BYTES);
  const ct = s.crypto_aead_xchacha20poly1305_ietf_encrypt(plaintext, associatedData, null, nonce, key);
  const out = new Uint8Array(NONCE_BYTES + ct.length);
  out.set(nonce, 0);
  out.set(ct, NONCE_BYTES);
  return out;
}

export function open(key: Uint8Array, sealed: Uint8Array, associatedData: Uint8Array): Uint8Array {
  if (sealed.length < NONCE_BYTES + TAG_BYTES) throw new DecryptionError();
  const s = sodiumSync();
  try {
    return s.crypto_aead_xchacha20poly1305_ietf_decrypt(
      null,
      sealed.subarray(NONCE_BYTES),
      associatedData,
      sealed.subarray(0, NONCE_BYTES),
      key,
    );
  } catch {
    throw new DecryptionError();
  }
}

/** Associated data binds a ciphertext to its place; fields are length-prefixed so no two tuples collide. */
export function associatedData(...parts: (string | number)[]): Uint8Array {
  const enc = new TextEncoder();
  const chunks = parts.map((p) => enc.encode(String(p)));
  const total = chunks.reduce((n, c) => n + 4 + c.length, 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  let at = 0;
  for (const c of chunks) {
    view.setUint32(at, c.length);
    out.set(c, at + 4);
    at += 4 + c.length;
  }
  return out;
}
