import { randomFillSync } from 'node:crypto';

/**
 * Random bytes from node:crypto. libsodium-wrappers' randombytes_buf goes through a per-byte
 * path in Node and costs more than the encryption it feeds (see FACTS.md).
 */
export function randomBytes(length: number): Uint8Array {
  return randomFillSync(new Uint8Array(length));
}
