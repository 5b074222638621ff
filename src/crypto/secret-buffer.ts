import sodium from 'sodium-native';
import { zeroize } from './zeroize.js';

/** sodium-native has `sodium_free` (5.1.0, index.js); @types/sodium-native does not declare it. */
const free = (sodium as unknown as { sodium_free(buffer: Buffer): void }).sodium_free;

/**
 * A buffer for a large plaintext that should not outlive its use: libsodium's guarded
 * allocation (guard pages, left out of core dumps, locked in memory where the limit allows).
 * Unlike a Buffer, which returns its memory only when a major collection happens to run (an
 * unlock from a 100k index snapshot kept 88 MiB of a freed image for that), `releaseSecret`
 * zeroes it now and the pages go back to the system at the event loop's next turn.
 */
export function secretBuffer(bytes: number): Buffer {
  return sodium.sodium_malloc(bytes);
}

/** Zeroes a buffer from `secretBuffer` and frees it; the buffer is empty afterwards. */
export function releaseSecret(buffer: Buffer): void {
  zeroize(buffer);
  free(buffer);
}
