import { sodiumSync } from './sodium.js';

export function zeroize(...buffers: (Uint8Array | undefined | null)[]): void {
  for (const b of buffers) if (b) sodiumSync().memzero(b);
}
