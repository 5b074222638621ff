import { SpaceIndex, type SpaceImage } from './space-index.js';
import type { VectorHit } from './vector-set.js';

/** A decrypted memory as the in-memory index holds it; times are epoch milliseconds. */
export interface IndexedMemory {
  id: string;
  spaceId: string;
  kind: string;
  state: string;
  content: string;
  context: string;
  tags: string[];
  metadata: string;
  source: string;
  importance: number;
  createdAt: number;
  updatedAt: number;
  validFrom: number | null;
  validUntil: number | null;
  version: number;
  vector: Float32Array | null;
}

/** What reads of the index return: the decrypted memory without its vector. */
export type StoredMemory = Omit<IndexedMemory, 'vector'>;

/** Filters resolved to ids and epoch times by the service. */
export interface IndexFilter {
  spaceIds: string[];
  kinds?: string[];
  tags?: string[];
  source?: string;
  since?: number;
  until?: number;
  states: string[];
}

export type Ranked = VectorHit;

/** A change to one space's part of the index: a memory to (re)index, or an id to drop. */
export type IndexChange = { upsert: IndexedMemory } | { remove: string };

/**
 * The plaintext view of every space some session of this process holds, one copy per space
 * whoever holds it: a SpaceIndex each (rows, tags and keyword index in a private SQLite
 * database in memory, vectors in one contiguous array). Filters are exact SQL over the rows;
 * vector search scans exactly the rows that pass. Searches and lists over several spaces merge
 * what each space answers.
 */
export class PlainIndex {
  private readonly spaces = new Map<string, SpaceIndex>();

  /** `duplicateKey` maps content to the form two near-identical texts share (case, spacing, punctuation removed). */
  constructor(
    readonly dimensions: number,
    private readonly duplicateKey: (content: string) => string,
  ) {
    if (!Number.isInteger(dimensions) || dimensions < 1) throw new Error('bad dimensions');
  }

  isLoaded(spaceId: string): boolean {
    return this.spaces.has(spaceId);
  }

  /** The change sequence a loaded space reflects (-1 when it is not loaded). */
  seq(spaceId: string): number {
    return this.spaces.get(spaceId)?.seq ?? -1;
  }

  loadedSpaces(): string[] {
    return [...this.spaces.keys()];
  }

  /** Makes room for a space about to be loaded with `rows` memories, so its vector array is sized once. */
  reserve(spaceId: string, rows: number): void {
    this.entry(spaceId).reserve(rows);
  }

  /** Applies changes to one space (loading it when new) in one transaction, and records the sequence they bring it to. */
  apply(spaceId: string, changes: Iterable<IndexChange>, seq: number): void {
    const e = this.entry(spaceId);
    const fresh = !e.loaded;
    if (Array.isArray(changes)) e.vectors.reserve(e.vectors.size + changes.length);
    try {
      e.transaction(() => {
        for (const c of changes) {
          if ('remove' in c) e.remove(c.remove);
          else if (c.upsert.spaceId === spaceId) e.upsert(c.upsert, fresh);
        }
      });
    } catch (err) {
      // SQLite rolled back, but the vectors and held-back keyword entries did not: the space is
      // forgotten, so that the next sync loads it whole again.
      this.drop(spaceId);
      throw err;
    }
    e.loaded = true;
    e.seq = Math.max(e.seq, seq);
  }

  /**
   * Puts the space an image holds, at the sequence it was taken, in place of what the index held
   * of it. Throws ImageFormatError (or SQLite's error) for an image it cannot use, leaving the index as it was.
   */
  restore(spaceId: string, image: SpaceImage, seq: number): void {
    const space = SpaceIndex.restore(spaceId, this.dimensions, this.duplicateKey, image, seq);
    this.drop(spaceId);
    this.spaces.set(spaceId, space);
  }

  /** A loaded space, to take its image. */
  space(spaceId: string): SpaceIndex | undefined {
    const e = this.spaces.get(spaceId);
    return e?.loaded ? e : undefined;
  }

  private entry(spaceId: string): SpaceIndex {
    let e = this.spaces.get(spaceId);
    if (!e) this.spaces.set(spaceId, (e = SpaceIndex.empty(spaceId, this.dimensions, this.duplicateKey)));
    return e;
  }

  /** Moves a space forward to `seq` when nothing in it changed since `from`. */
  advance(spaceId: string, from: number, seq: number): void {
    const e = this.spaces.get(spaceId);
    if (e && e.seq === from) e.seq = seq;
  }

  /** Forgets a space: its rows, keyword entries and vectors (zeroed). */
  drop(spaceId: string): void {
    const e = this.spaces.get(spaceId);
    if (!e) return;
    this.spaces.delete(spaceId);
    e.close();
  }

  close(): void {
    for (const id of [...this.spaces.keys()]) this.drop(id);
  }

  count(spaceIds: string[]): number {
    return this.among(spaceIds).reduce((n, e) => n + e.count(), 0);
  }

  /** Bytes of vectors a full scan of these spaces reads. */
  vectorBytes(spaceIds: string[]): number {
    return this.among(spaceIds).reduce((sum, e) => sum + e.vectors.scanBytes, 0);
  }

  get(id: string): StoredMemory | undefined {
    for (const e of this.spaces.values()) {
      const m = e.get(id);
      if (m) return m;
    }
    return undefined;
  }

  getMany(ids: string[]): Map<string, StoredMemory> {
    const found = new Map<string, StoredMemory>();
    for (const e of this.spaces.values()) for (const m of e.getMany(ids)) found.set(m.id, m);
    return found;
  }

  /** A memory of the space (not deleted) whose duplicate key is `key`. */
  findByDuplicateKey(spaceId: string, key: string): string | undefined {
    return this.spaces.get(spaceId)?.findByDuplicateKey(key);
  }

  /** Page ordered newest first; `after` is the (created_at, id) of the last item already shown. */
  list(filter: IndexFilter, limit: number, after: { createdAt: number; id: string } | null): StoredMemory[] {
    const pages = this.among(filter.spaceIds).map((e) => e.list(filter, limit, after));
    if (pages.length === 1) return pages[0]!;
    return pages
      .flat()
      .sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
      .slice(0, limit);
  }

  /** The best `limit` keyword matches the filter admits, each space scored on its own keyword index. */
  keywordSearch(matchQuery: string, filter: IndexFilter, limit: number): Ranked[] {
    return best(this.among(filter.spaceIds).map((e) => e.keywordSearch(matchQuery, filter, limit)), limit);
  }

  /** Exact k nearest neighbours by cosine similarity over the memories the filter admits, in every space of the filter. */
  vectorSearch(query: Float32Array, filter: IndexFilter, limit: number): Ranked[] {
    if (query.length !== this.dimensions || limit <= 0) return [];
    return best(this.among(filter.spaceIds).map((e) => e.vectorSearch(query, filter, limit)), limit);
  }

  /** A memory of one space that is a near-duplicate of `key` and `query` (SpaceIndex.nearDuplicate). */
  nearDuplicate(spaceId: string, key: string, query: Float32Array, states: string[], floor: number, isNear: (candidateKey: string) => boolean): string | undefined {
    return this.spaces.get(spaceId)?.nearDuplicate(key, query, states, floor, isNear);
  }

  private among(spaceIds: string[]): SpaceIndex[] {
    return [...new Set(spaceIds)].flatMap((id) => this.spaces.get(id) ?? []);
  }
}

/** The best `limit` hits of several spaces' lists, each sorted best first. */
function best(lists: Ranked[][], limit: number): Ranked[] {
  if (lists.length <= 1) return lists[0] ?? [];
  return lists
    .flat()
    .sort((a, b) => b.score - a.score)
    .slice(0, limit);
}
