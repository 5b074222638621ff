import type { SpaceImage } from './space-index.js';

/**
 * The byte layout of a space's index image (docs/formats.md, "Index snapshot"): a 32-byte
 * header, the ids as a JSON array padded with zero bytes to a multiple of 4, the vectors as
 * float32 little-endian rows, then the SQLite database.
 *
 *   0 "MVIX" | 4 format u32 | 8 dimensions u32 | 12 flags u32 (bit 0: duplicate keys)
 *   16 rows u32 | 20 id bytes u32 | 24 database bytes u32 | 28 zero u32     (all little-endian)
 */
const IMAGE_MAGIC = 'MVIX';
const IMAGE_FORMAT = 1;
const IMAGE_HEADER_BYTES = 32;
/** SQLite refuses to grow an in-memory database past 1 GiB, so a larger one is never imaged. */
export const MAX_IMAGE_DB_BYTES = 512 * 2 ** 20;
const MAX_ID_BYTES = 256 * 2 ** 20;
const SQLITE_MAGIC = 'SQLite format 3\0';
const FLAG_DUP_KEYS = 1;

export class ImageFormatError extends Error {
  constructor(what: string) {
    super(`index image: ${what}`);
  }
}

const pad4 = (n: number): number => (4 - (n % 4)) % 4;

/** Where an image's database is read into, and how that buffer is given back (zeroed). */
export interface PlainBuffers {
  allocate(bytes: number): Buffer;
  release(buffer: Buffer): void;
}

/** Ordinary Buffers: zeroed on release, their memory returned whenever the collector runs. */
const HEAP_BUFFERS: PlainBuffers = {
  allocate: (bytes) => Buffer.allocUnsafeSlow(bytes),
  release: (buffer) => void buffer.fill(0),
};

/** The image's pieces in order (the vectors and database as views, not copies) and their total length. */
export function imagePieces(image: SpaceImage, dimensions: number): { pieces: Uint8Array[]; bytes: number } {
  const rows = image.ids.length;
  const ids = new TextEncoder().encode(JSON.stringify(image.ids));
  const header = new Uint8Array(IMAGE_HEADER_BYTES);
  header.set(new TextEncoder().encode(IMAGE_MAGIC));
  const view = new DataView(header.buffer);
  view.setUint32(4, IMAGE_FORMAT, true);
  view.setUint32(8, dimensions, true);
  view.setUint32(12, image.dupKeys ? FLAG_DUP_KEYS : 0, true);
  view.setUint32(16, rows, true);
  view.setUint32(20, ids.length, true);
  view.setUint32(24, image.db.length, true);
  const vectors = new Uint8Array(image.vectors.buffer, image.vectors.byteOffset, rows * dimensions * 4);
  const pieces = [header, ids, new Uint8Array(pad4(ids.length)), vectors, image.db];
  return { pieces, bytes: pieces.reduce((n, p) => n + p.length, 0) };
}

/** Fixed-size chunks of consecutive pieces; the chunk handed out is reused, so `each` must be done with it when it returns. */
export function forEachChunk(pieces: Uint8Array[], chunkBytes: number, each: (chunk: Uint8Array, last: boolean) => void): void {
  const total = pieces.reduce((n, p) => n + p.length, 0);
  const chunk = new Uint8Array(Math.min(chunkBytes, Math.max(total, 1)));
  let filled = 0;
  let sent = 0;
  try {
    for (const piece of pieces) {
      for (let at = 0; at < piece.length; ) {
        const n = Math.min(chunk.length - filled, piece.length - at);
        chunk.set(piece.subarray(at, at + n), filled);
        filled += n;
        at += n;
        if (filled === chunk.length) {
          sent += filled;
          each(chunk, sent === total);
          filled = 0;
        }
      }
    }
    if (filled > 0 || total === 0) each(chunk.subarray(0, filled), true);
  } finally {
    chunk.fill(0);
  }
}

type Phase = 'header' | 'ids' | 'pad' | 'vectors' | 'db' | 'done';

/**
 * Reads an image pushed in pieces of any size, straight into where its parts will live: the
 * vectors into an array with room for `capacity(rows)` rows, the database into one buffer.
 * Every length is checked against the header, and the header against what the caller expects.
 */
export class ImageReader {
  private phase: Phase = 'header';
  private readonly header = new Uint8Array(IMAGE_HEADER_BYTES);
  private idBytes = new Uint8Array(0);
  private filled = 0;
  private rows = 0;
  private padBytes = 0;
  private dupKeys = false;
  private ids: string[] = [];
  private vectors: Float32Array | null = null;
  private vectorBytes: Uint8Array | null = null;
  private db: Buffer | null = null;

  constructor(
    private readonly dimensions: number,
    private readonly capacity: (rows: number) => number,
    private readonly buffers: PlainBuffers = HEAP_BUFFERS,
  ) {}

  push(bytes: Uint8Array): void {
    for (let at = 0; at < bytes.length; ) {
      const target = this.target();
      if (!target) throw new ImageFormatError('bytes after the database');
      const n = Math.min(target.length - this.filled, bytes.length - at);
      target.set(bytes.subarray(at, at + n), this.filled);
      this.filled += n;
      at += n;
      if (this.filled === target.length) this.next();
    }
  }

  /** The whole image; the caller calls `release` once SQLite has its copy of `db`. */
  finish(): SpaceImage {
    while (this.phase !== 'done' && this.target()?.length === 0) this.next();
    if (this.phase !== 'done') throw new ImageFormatError('cut short');
    return { db: this.db!, ids: this.ids, vectors: this.vectors!, dupKeys: this.dupKeys };
  }

  /** Zeroes what was read so far (a failed read leaves no plaintext behind in its buffers). */
  discard(): void {
    this.idBytes.fill(0);
    this.vectors?.fill(0);
    this.release();
    this.phase = 'done';
  }

  /** Gives the database buffer back, zeroed; the vectors stay with whoever took the image. */
  release(): void {
    if (this.db) this.buffers.release(this.db);
    this.db = null;
  }

  private target(): Uint8Array | null {
    switch (this.phase) {
      case 'header':
        return this.header;
      case 'ids':
        return this.idBytes;
      case 'pad':
        return new Uint8Array(this.padBytes);
      case 'vectors':
        return this.vectorBytes;
      case 'db':
        return this.db;
      case 'done':
        return null;
    }
  }

  private next(): void {
    this.filled = 0;
    switch (this.phase) {
      case 'header':
        this.readHeader();
        this.phase = 'ids';
        break;
      case 'ids':
        this.ids = parseIds(this.idBytes, this.rows);
        this.idBytes.fill(0);
        this.phase = 'pad';
        break;
      case 'pad':
        this.phase = 'vectors';
        break;
      case 'vectors':
        this.phase = 'db';
        break;
      case 'db':
        if (this.db!.subarray(0, SQLITE_MAGIC.length).toString('latin1') !== SQLITE_MAGIC) throw new ImageFormatError('the database is not SQLite');
        this.phase = 'done';
        break;
      case 'done':
        break;
    }
  }

  private readHeader(): void {
    const view = new DataView(this.header.buffer);
    if (new TextDecoder().decode(this.header.subarray(0, 4)) !== IMAGE_MAGIC) throw new ImageFormatError('not an index image');
    if (view.getUint32(4, true) !== IMAGE_FORMAT) throw new ImageFormatError(`format ${view.getUint32(4, true)} is not ${IMAGE_FORMAT}`);
    if (view.getUint32(8, true) !== this.dimensions) throw new ImageFormatError('vectors of other dimensions');
    const flags = view.getUint32(12, true);
    if ((flags & ~FLAG_DUP_KEYS) !== 0 || view.getUint32(28, true) !== 0) throw new ImageFormatError('unknown flags');
    this.dupKeys = (flags & FLAG_DUP_KEYS) !== 0;
    this.rows = view.getUint32(16, true);
    const idBytes = view.getUint32(20, true);
    const dbBytes = view.getUint32(24, true);
    if (idBytes < 2 || idBytes > MAX_ID_BYTES) throw new ImageFormatError('id list length');
    if (dbBytes < SQLITE_MAGIC.length || dbBytes > MAX_IMAGE_DB_BYTES) throw new ImageFormatError('database length');
    const rowsRoom = this.capacity(this.rows);
    if (!Number.isSafeInteger(rowsRoom) || rowsRoom < this.rows) throw new Error('capacity below the rows');
    this.idBytes = new Uint8Array(idBytes);
    this.padBytes = pad4(idBytes);
    this.vectors = new Float32Array(Math.max(rowsRoom, 1) * this.dimensions);
    this.vectorBytes = new Uint8Array(this.vectors.buffer, 0, this.rows * this.dimensions * 4);
    this.db = this.buffers.allocate(dbBytes);
  }
}

function parseIds(bytes: Uint8Array, rows: number): string[] {
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw new ImageFormatError('the id list is not JSON');
  }
  if (!Array.isArray(raw) || raw.length !== rows || !raw.every((id) => typeof id === 'string' && id.length > 0)) throw new ImageFormatError('the id list does not match the rows');
  return raw as string[];
}
