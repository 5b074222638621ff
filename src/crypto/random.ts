import { randomFillSync } from 'node:crypto';

/**
 * Random bytes from node:crypto. libsodium-wrappers' randombytes_buf goes through a per-byte
 * path in Node and costs more than the encryption it feeds (see FACTS.md).
 */
export function randomBytes(length: number): Uint8Array {
  return randomFillSync(new Uint8Array(length));
}

/** Bytes drawn per refill of the nonce pool: 170 nonces of 24 bytes. */
const NONCE_POOL_BYTES = 4096;
let noncePool: Uint8Array = new Uint8Array(0);
let nonceAt = 0;

/**
 * Random bytes for nonces, which are public, cut from a pool refilled from node:crypto: one
 * `randomFillSync` per seal was 11 µs, a tenth of a bulk add's sealing. Each byte is handed out
 * once. Keys never come from here, so no secret waits in a buffer before it is used.
 */
export function nonceBytes(length: number): Uint8Array {
  if (length > NONCE_POOL_BYTES) return randomBytes(length);
  if (nonceAt + length > noncePool.length) {
    noncePool = randomBytes(NONCE_POOL_BYTES);
    nonceAt = 0;
  }
  const out = noncePool.slice(nonceAt, nonceAt + length);
  nonceAt += length;
  return out;
}
