import sodium from 'sodium-native';

/** Overwrites secrets in place (libsodium's memzero, which the compiler may not drop). */
export function zeroize(...buffers: (Uint8Array | undefined | null)[]): void {
  for (const b of buffers) if (b && b.byteLength > 0) sodium.sodium_memzero(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}
