import Database from 'better-sqlite3';
import { DecryptionError, associatedData, open, seal } from '../crypto/aead.js';
import { randomBytes } from '../crypto/random.js';
import { releaseSecret, secretBuffer } from '../crypto/secret-buffer.js';
import { zeroize } from '../crypto/zeroize.js';
import type { Db } from '../store/database.js';
import { ImageFormatError, ImageReader, MAX_IMAGE_DB_BYTES, forEachChunk, imagePieces, type PlainBuffers } from '../store/space-image.js';
import type { PlainIndex } from '../store/plain-index.js';
import { withHeadroom } from '../store/space-index.js';
import { SNAPSHOT_ID_BYTES, SnapshotTable, type SnapshotHead } from '../store/snapshot-table.js';

/** Plaintext bytes per sealed chunk: few AEAD calls (libsodium's per-call cost stays out of the loop), small rows. */
export const SNAPSHOT_CHUNK_BYTES = 4 * 2 ** 20;
/** Below this many memories a space loads from its records about as fast (10k took 0.8 s), so it is not imaged. */
export const SNAPSHOT_MIN_MEMORIES = 2_000;
/** A snapshot is replaced once this share of the space's memories changed after it (each is opened again at restore). */
export const SNAPSHOT_STALE_SHARE = 0.1;
const AD_LABEL = 'memvault/index-snapshot/v1';
/** The decrypted database of an image is handed back as soon as SQLite has its copy, not at the next major collection. */
const IMAGE_BUFFERS: PlainBuffers = { allocate: secretBuffer, release: releaseSecret };

/** A space key of one epoch, as the keyring hands it out. */
export interface EpochKey {
  epoch: number;
  key: Uint8Array;
}

/**
 * Every chunk is bound to the vault, the space, this snapshot (a random id, so chunks of two
 * snapshots never mix), what the snapshot claims (sequence, key epoch, model, sizes) and its
 * own place among the chunks: a chunk moved, dropped or taken from elsewhere does not open.
 */
export function snapshotChunkAd(vaultId: string, head: SnapshotHead, n: number): Uint8Array {
  return associatedData(AD_LABEL, vaultId, head.spaceId, Buffer.from(head.snapshotId).toString('hex'), head.changeSeq, head.keyEpoch, head.model, head.vectors, head.bytes, head.chunks, n);
}

/** Progress of writing a snapshot: which step, and how far, in memories of the space. */
export type SnapshotProgress = (phase: 'keys' | 'snapshot', done: number, total: number) => void;

/**
 * Sealed images of spaces' plaintext indexes in the vault file (docs/formats.md, "Index
 * snapshot"), so an unlock restores a space in about the time it takes to decrypt it instead of
 * opening and indexing every memory. A snapshot is a cache of what the memories already say:
 * sealed under the space's current key (readable by exactly those who can read the memories),
 * replaced when it falls behind, dropped when a memory is purged or the key rotates, and a
 * snapshot that does not open is ignored, never trusted.
 */
export class IndexSnapshots {
  private readonly table: SnapshotTable;
  /** Spaces whose stored snapshot did not open or no longer fits: the next save replaces it whatever changed. */
  private readonly unusable = new Set<string>();

  constructor(
    private readonly db: Db,
    private readonly vaultId: string,
    private readonly model: string,
    private readonly index: PlainIndex,
  ) {
    this.table = new SnapshotTable(db);
  }

  /**
   * Puts the space into the index as its snapshot left it and returns the snapshot's change
   * sequence, or returns null when there is no usable one. `starting` runs once a snapshot of
   * this key and model is found, before the long part (opening it).
   */
  restore(spaceId: string, key: EpochKey, starting: () => void = () => {}): number | null {
    const head = this.table.head(spaceId);
    if (!head) return null;
    if (head.keyEpoch !== key.epoch || head.model !== this.model) {
      this.unusable.add(spaceId);
      return null;
    }
    starting();
    const reader = new ImageReader(this.index.dimensions, withHeadroom, IMAGE_BUFFERS);
    const scratch = new Uint8Array(SNAPSHOT_CHUNK_BYTES);
    let image;
    try {
      let expected = 0;
      for (const { n, sealed } of this.table.chunks(spaceId)) {
        if (n !== expected || n >= head.chunks) throw new ImageFormatError('chunks out of order');
        reader.push(open(key.key, sealed, snapshotChunkAd(this.vaultId, head, n), scratch));
        expected++;
      }
      if (expected !== head.chunks) throw new ImageFormatError('chunks missing');
      image = reader.finish();
      if (image.ids.length !== head.vectors) throw new ImageFormatError('vector count');
    } catch (err) {
      reader.discard();
      if (!(err instanceof DecryptionError || err instanceof ImageFormatError)) throw err;
      this.unusable.add(spaceId);
      return null;
    } finally {
      zeroize(scratch);
    }
    try {
      this.index.restore(spaceId, image, head.changeSeq);
      return head.changeSeq;
    } catch (err) {
      // An authentic image that SQLite or the index's own checks refuse: written by a build with a
      // bug, so it is not used; the space loads from its memories.
      if (!(err instanceof ImageFormatError || err instanceof Database.SqliteError)) throw err;
      image.vectors.fill(0);
      this.unusable.add(spaceId);
      return null;
    } finally {
      reader.release();
    }
  }

  /**
   * Seals the space's image under `key` when the stored one is missing, unusable or stale
   * (`changedSince(seq)`: memories changed after that sequence). Runs outside other transactions.
   * `onProgress` hears both long steps, each counted in the space's memories: keying them for
   * the near-duplicate check (when no check has yet), then sealing the image chunk by chunk.
   */
  saveIfStale(spaceId: string, key: EpochKey, changedSince: (seq: number) => number, now: number, onProgress: SnapshotProgress = () => {}): boolean {
    const space = this.index.space(spaceId);
    if (!space) return false;
    const memories = space.count();
    const stored = this.table.head(space.spaceId);
    if (memories < SNAPSHOT_MIN_MEMORIES) {
      if (stored) this.db.transaction(() => this.table.forget(space.spaceId)).immediate();
      return false;
    }
    const usable = stored !== null && !this.unusable.has(space.spaceId) && stored.keyEpoch === key.epoch && stored.model === this.model;
    if (usable && changedSince(stored.changeSeq) < memories * SNAPSHOT_STALE_SHARE) return false;
    space.ensureDupKeys((done, total) => onProgress('keys', done, total));
    const image = space.image();
    try {
      if (image.db.length > MAX_IMAGE_DB_BYTES) return false;
      const { pieces, bytes } = imagePieces(image, this.index.dimensions);
      const head: SnapshotHead = {
        spaceId: space.spaceId,
        snapshotId: randomBytes(SNAPSHOT_ID_BYTES),
        changeSeq: space.seq,
        keyEpoch: key.epoch,
        model: this.model,
        vectors: image.ids.length,
        bytes,
        chunks: Math.max(1, Math.ceil(bytes / SNAPSHOT_CHUNK_BYTES)),
      };
      this.db
        .transaction(() =>
          this.table.replace(head, now, (put) => {
            let n = 0;
            forEachChunk(pieces, SNAPSHOT_CHUNK_BYTES, (chunk) => {
              put(n, seal(key.key, chunk, snapshotChunkAd(this.vaultId, head, n)));
              n++;
              onProgress('snapshot', Math.round((memories * n) / head.chunks), memories);
            });
          }),
        )
        .immediate();
      this.unusable.delete(space.spaceId);
      return true;
    } finally {
      image.db.fill(0);
    }
  }

  /** Drops a space's snapshot, inside the caller's transaction (a purge, a new key). */
  forget(spaceId: string): void {
    this.table.forget(spaceId);
  }
}
