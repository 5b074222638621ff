import sodium from 'libsodium-wrappers';

let ready: Promise<typeof sodium> | undefined;

/** libsodium is WebAssembly and must be initialised once before any call. */
export function loadSodium(): Promise<typeof sodium> {
  ready ??= sodium.ready.then(() => sodium);
  return ready;
}

/** For synchronous code paths that run only after `loadSodium()` resolved. */
export function sodiumSync(): typeof sodium {
  return sodium;
}
