import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ImageFormatError, ImageReader, forEachChunk, imagePieces, type PlainBuffers } from '../../src/store/space-image.js';
import Database from 'better-sqlite3';
import { SpaceIndex, type SpaceImage } from '../../src/store/space-index.js';

const DIMS = 2;
/** SHA-256 of the fixture's 79 bytes, pinned so a change to the layout is a deliberate one. */
const IMAGE_SHA256 = '92fbb5e7d3d83813d541da98038c6c155ed0f8ac9cc3e1e9ec8b4bc85c7fb995';
/** A stand-in database: the reader checks only SQLite's 16-byte magic (SQLite itself checks the rest). */
const FAKE_DB = Buffer.concat([Buffer.from('SQLite format 3\0', 'latin1'), Buffer.from([1, 2, 3])]);

function fixture(): SpaceImage {
  return { db: FAKE_DB, ids: ['a', 'bc'], vectors: new Float32Array([1, 0, 0, -1]), dupKeys: true };
}

function bytesOf(image: SpaceImage): Buffer {
  return Buffer.concat(imagePieces(image, DIMS).pieces);
}

function read(bytes: Uint8Array, pieceBytes = bytes.length, capacity = (rows: number) => rows + 3): SpaceImage {
  const reader = new ImageReader(DIMS, capacity);
  for (let at = 0; at < bytes.length; at += pieceBytes) reader.push(bytes.subarray(at, at + pieceBytes));
  return reader.finish();
}

describe('index image bytes (docs/formats.md, "Index snapshot")', () => {
  it('known answer: header, ids as JSON padded to 4 bytes, float32 rows, then the database', () => {
    const bytes = bytesOf(fixture());
    expect(bytes.subarray(0, 32).toString('hex')).toBe('4d564958' + '01000000' + '02000000' + '01000000' + '02000000' + '0a000000' + '13000000' + '00000000');
    expect(bytes.subarray(32, 44).toString('latin1')).toBe('["a","bc"]\0\0');
    expect(bytes.subarray(44, 60).toString('hex')).toBe('0000803f' + '00000000' + '00000000' + '000080bf');
    expect(bytes.subarray(60)).toEqual(FAKE_DB);
    expect(bytes.length).toBe(79);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(IMAGE_SHA256);
  });

  it('reads back whatever the piece sizes, into vectors with room for more rows (zeros)', () => {
    const bytes = bytesOf(fixture());
    for (const piece of [1, 3, 7, 32, bytes.length]) {
      const image = read(bytes, piece);
      expect(image.ids).toEqual(['a', 'bc']);
      expect(image.dupKeys).toBe(true);
      expect([...image.vectors]).toEqual([1, 0, 0, -1, 0, 0, 0, 0, 0, 0]);
      expect(Buffer.from(image.db)).toEqual(FAKE_DB);
    }
  });

  it('reads the database into the buffer its pool hands out, and gives it back zeroed on release or discard', () => {
    const bytes = bytesOf(fixture());
    const handed: Buffer[] = [];
    const returned: Buffer[] = [];
    const pool: PlainBuffers = {
      allocate: (n) => {
        const b = Buffer.alloc(n);
        handed.push(b);
        return b;
      },
      release: (b) => {
        returned.push(Buffer.from(b));
        b.fill(0);
      },
    };
    const reader = new ImageReader(DIMS, (rows) => rows, pool);
    reader.push(bytes);
    const image = reader.finish();
    expect(image.db).toBe(handed[0]);
    expect(Buffer.from(image.db)).toEqual(FAKE_DB);
    reader.release();
    expect(returned).toEqual([FAKE_DB]);
    expect(handed[0]!.every((b) => b === 0)).toBe(true);
    reader.release();
    expect(returned).toHaveLength(1);

    const cut = new ImageReader(DIMS, (rows) => rows, pool);
    cut.push(bytes.subarray(0, bytes.length - 2));
    cut.discard();
    expect(returned).toHaveLength(2);
    expect(handed[1]!.every((b) => b === 0)).toBe(true);
  });

  it('chunks cover the pieces exactly, the last one flagged, and the reused chunk is zeroed at the end', () => {
    const { pieces, bytes } = imagePieces(fixture(), DIMS);
    const seen: Buffer[] = [];
    let lastFlags: boolean[] = [];
    let handed: Uint8Array | null = null;
    forEachChunk(pieces, 16, (chunk, last) => {
      handed = chunk;
      seen.push(Buffer.from(chunk));
      lastFlags = [...lastFlags, last];
    });
    expect(Buffer.concat(seen)).toEqual(Buffer.concat(pieces));
    expect(seen.map((c) => c.length)).toEqual([16, 16, 16, 16, bytes - 64]);
    expect(lastFlags).toEqual([false, false, false, false, true]);
    expect([...handed!.subarray(0, 1)]).toEqual([0]);
  });

  it('refuses a wrong magic, format, dimension count or flag, with ImageFormatError', () => {
    const good = bytesOf(fixture());
    const at = (offset: number, value: number) => {
      const b = Buffer.from(good);
      b.writeUInt32LE(value, offset);
      return b;
    };
    for (const [bytes, message] of [
      [at(0, 0x4d564959), 'not an index image'],
      [at(4, 2), 'format 2 is not 1'],
      [at(8, 3), 'vectors of other dimensions'],
      [at(12, 2), 'unknown flags'],
      [at(28, 1), 'unknown flags'],
      [at(24, 0x7fffffff), 'database length'],
    ] as const) {
      expect(() => read(bytes)).toThrow(new ImageFormatError(message));
    }
  });

  it('refuses an image cut short, one with bytes after the database, ids that do not match the rows, and a database that is not SQLite', () => {
    const good = bytesOf(fixture());
    expect(() => read(good.subarray(0, good.length - 1))).toThrow(new ImageFormatError('cut short'));
    expect(() => read(Buffer.concat([good, Buffer.from([0])]))).toThrow(new ImageFormatError('bytes after the database'));
    const moreRows = Buffer.from(good);
    moreRows.writeUInt32LE(3, 16);
    expect(() => read(moreRows)).toThrow(new ImageFormatError('the id list does not match the rows'));
    const notJson = Buffer.from(good);
    notJson.write('{', 32, 'latin1');
    expect(() => read(notJson)).toThrow(new ImageFormatError('the id list is not JSON'));
    const notSqlite = Buffer.from(good);
    notSqlite.write('X', 60, 'latin1');
    expect(() => read(notSqlite)).toThrow(new ImageFormatError('the database is not SQLite'));
  });

  it('a database of an earlier index schema (1, before band keys) is refused with ImageFormatError, so its snapshot is ignored', () => {
    const old = new Database(':memory:');
    old.exec('CREATE TABLE mem (rowid INTEGER PRIMARY KEY, id TEXT); PRAGMA user_version = 1;');
    const image: SpaceImage = { db: old.serialize(), ids: [], vectors: new Float32Array(4), dupKeys: false };
    old.close();
    expect(() => SpaceIndex.restore('space-1', 4, (t) => t, image, 1)).toThrow(ImageFormatError);
    // Vectors without room for their ids are refused the same way, not with an error the unlock would not expect.
    const empty = SpaceIndex.empty('space-1', 4, (t) => t);
    expect(() => SpaceIndex.restore('space-1', 4, (t) => t, { ...empty.image(), ids: ['a'], vectors: new Float32Array(4) }, 1)).toThrow(ImageFormatError);
    empty.close();
    const current = SpaceIndex.empty('space-1', 4, (t) => t);
    const restored = SpaceIndex.restore('space-1', 4, (t) => t, { ...current.image(), vectors: new Float32Array(4) }, 1);
    expect(restored.count()).toBe(0);
    current.close();
    restored.close();
  });
});
