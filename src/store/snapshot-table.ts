import type Database from 'better-sqlite3';

/** What the vault file says of one space's sealed index image; every field is also bound into each chunk's associated data. */
export interface SnapshotHead {
  spaceId: string;
  snapshotId: Uint8Array;
  changeSeq: number;
  keyEpoch: number;
  model: string;
  /** Rows of vectors in the image. */
  vectors: number;
  bytes: number;
  chunks: number;
}

export const SNAPSHOT_ID_BYTES = 16;

/** The `index_snapshots` and `index_snapshot_chunks` tables, statements prepared once. */
export class SnapshotTable {
  private readonly headOf: Database.Statement;
  private readonly chunksOf: Database.Statement;
  private readonly forgetOne: Database.Statement;
  private readonly putHead: Database.Statement;
  private readonly putChunk: Database.Statement;

  constructor(private readonly db: Database.Database) {
    this.headOf = db.prepare('SELECT * FROM index_snapshots WHERE space_id = ?');
    this.chunksOf = db.prepare('SELECT n, sealed FROM index_snapshot_chunks WHERE space_id = ? ORDER BY n');
    this.forgetOne = db.prepare('DELETE FROM index_snapshots WHERE space_id = ?');
    this.putHead = db.prepare(
      `INSERT INTO index_snapshots (space_id, snapshot_id, change_seq, key_epoch, model, vectors, bytes, chunks, written_at)
       VALUES (@spaceId, @snapshotId, @changeSeq, @keyEpoch, @model, @vectors, @bytes, @chunks, @writtenAt)`,
    );
    this.putChunk = db.prepare('INSERT INTO index_snapshot_chunks (space_id, n, sealed) VALUES (?, ?, ?)');
  }

  /** The head of a space's snapshot, checked as it is read back (a malformed row counts as none). */
  head(spaceId: string): SnapshotHead | null {
    const r = this.headOf.get(spaceId) as Record<string, unknown> | undefined;
    if (!r) return null;
    const count = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
    if (
      !(r.snapshot_id instanceof Uint8Array) ||
      r.snapshot_id.length !== SNAPSHOT_ID_BYTES ||
      !count(r.change_seq) ||
      !count(r.key_epoch) ||
      typeof r.model !== 'string' ||
      !count(r.vectors) ||
      !count(r.bytes) ||
      !count(r.chunks)
    )
      return null;
    return { spaceId, snapshotId: r.snapshot_id, changeSeq: r.change_seq, keyEpoch: r.key_epoch, model: r.model, vectors: r.vectors, bytes: r.bytes, chunks: r.chunks };
  }

  /** The sealed chunks in order; the caller checks they are numbered 0, 1, 2... */
  chunks(spaceId: string): IterableIterator<{ n: number; sealed: Buffer }> {
    return this.chunksOf.iterate(spaceId) as IterableIterator<{ n: number; sealed: Buffer }>;
  }

  /** Replaces a space's snapshot; runs inside the caller's write transaction, chunks written as they are sealed. */
  replace(head: SnapshotHead, writtenAt: number, writeChunks: (put: (n: number, sealed: Uint8Array) => void) => void): void {
    this.forgetOne.run(head.spaceId);
    this.putHead.run({ ...head, snapshotId: Buffer.from(head.snapshotId), writtenAt });
    writeChunks((n, sealed) => this.putChunk.run(head.spaceId, n, sealed));
  }

  forget(spaceId: string): void {
    this.forgetOne.run(spaceId);
  }
}
