/** A Buffer over the same bytes as a typed array, no copy (sodium-native's types ask for Buffers). */
export function bufferView(b: Uint8Array): Buffer {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}
