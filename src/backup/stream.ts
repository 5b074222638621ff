import { sodiumSync } from '../crypto/sodium.js';
import { BackupError } from './errors.js';

/** Plaintext bytes per chunk; every chunk but the last is exactly this long. */
export const CHUNK_BYTES = 64 * 1024;
export const STREAM_HEADER_BYTES = 24;
const ABYTES = 17;
export const SEALED_CHUNK_BYTES = CHUNK_BYTES + ABYTES;

/** Each chunk's associated data: the header MAC, then the chunk's index (u64 big-endian), so no chunk fits another file or place. */
function chunkAd(headerMac: Uint8Array, index: number): Uint8Array {
  const ad = new Uint8Array(headerMac.length + 8);
  ad.set(headerMac);
  new DataView(ad.buffer).setBigUint64(headerMac.length, BigInt(index));
  return ad;
}

/**
 * The body as a libsodium secretstream: buffers what it is given and hands each sealed chunk
 * to `sink`. A full chunk is sealed only once more data follows it, so the last chunk (FINAL)
 * always holds what remains: 1 to CHUNK_BYTES bytes, or none for an empty body.
 */
export class BodyWriter {
  private readonly state: unknown;
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private index = 0;

  constructor(
    private readonly sink: (bytes: Uint8Array) => void,
    payloadKey: Uint8Array,
    private readonly headerMac: Uint8Array,
  ) {
    const { state, header } = sodiumSync().crypto_secretstream_xchacha20poly1305_init_push(payloadKey);
    this.state = state;
    sink(header);
  }

  write(bytes: Uint8Array): void {
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
    while (this.pendingBytes > CHUNK_BYTES) this.seal(this.take(CHUNK_BYTES), false);
  }

  end(): void {
    this.seal(this.take(this.pendingBytes), true);
  }

  private take(n: number): Uint8Array {
    const all = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending);
    this.pending = all.length > n ? [all.subarray(n)] : [];
    this.pendingBytes = all.length - n;
    return all.subarray(0, n);
  }

  private seal(plain: Uint8Array, final: boolean): void {
    const s = sodiumSync();
    const tag = final ? s.crypto_secretstream_xchacha20poly1305_TAG_FINAL : s.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE;
    this.sink(s.crypto_secretstream_xchacha20poly1305_push(this.state as never, plain, chunkAd(this.headerMac, this.index++), tag));
  }
}

/**
 * Opens the body chunk by chunk from `read(offset, length)` (fewer bytes at end of file). It is
 * accepted only when the FINAL tag arrives exactly at end of file: a cut at a chunk boundary
 * lacks FINAL, a cut inside a chunk fails it, bytes after FINAL are refused.
 */
export function* openBody(read: (offset: number, length: number) => Uint8Array, offset: number, payloadKey: Uint8Array, headerMac: Uint8Array): Generator<Uint8Array> {
  const s = sodiumSync();
  const header = read(offset, STREAM_HEADER_BYTES);
  if (header.length < STREAM_HEADER_BYTES) throw new BackupError('truncated', 'before the body');
  const state = s.crypto_secretstream_xchacha20poly1305_init_pull(header, payloadKey);
  let at = offset + STREAM_HEADER_BYTES;
  for (let index = 0; ; index++) {
    const sealed = read(at, SEALED_CHUNK_BYTES);
    if (sealed.length === 0) throw new BackupError('missing_final');
    if (sealed.length < ABYTES) throw new BackupError('truncated', `in part ${index}`);
    const opened = s.crypto_secretstream_xchacha20poly1305_pull(state, sealed, chunkAd(headerMac, index)) as { message: Uint8Array; tag: number } | false;
    // A short piece that does not open is a final chunk cut short; a full one was changed or moved.
    if (!opened) throw new BackupError(sealed.length < SEALED_CHUNK_BYTES ? 'truncated' : 'bad_chunk', `part ${index}`);
    at += sealed.length;
    yield opened.message;
    if (opened.tag === s.crypto_secretstream_xchacha20poly1305_TAG_FINAL) {
      if (read(at, 1).length > 0) throw new BackupError('trailing_data');
      return;
    }
    if (sealed.length < SEALED_CHUNK_BYTES) throw new BackupError('missing_final');
  }
}
