import sodium from 'sodium-native';
import { bufferView } from './buffer-view.js';

/** Overwrites secrets in place (libsodium's memzero, which the compiler may not drop). */
export function zeroize(...buffers: (Uint8Array | undefined | null)[]): void {
  for (const b of buffers) if (b && b.byteLength > 0) sodium.sodium_memzero(bufferView(b));
}
