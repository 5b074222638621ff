import usearch from 'usearch';

/** A hit of an exact scan: the slot's memory id and its cosine similarity to the query. */
export interface VectorHit {
  id: string;
  score: number;
}

/**
 * Below this many candidate rows a filtered search scans just those rows in JavaScript
 * (0.06 ms for 20 of 100k in FACTS); above it the native scan of the whole set is cheaper.
 */
const SMALL_SUBSET = 4096;

/**
 * One space's vectors in one contiguous Float32Array, unit length, so cosine similarity is a
 * dot product and the whole set is scanned near memory bandwidth by usearch's native exact
 * search (sqlite-vec's npm build is ~7x the floor at 100k, see README). Removing a vector moves
 * the last one into its slot, so the array never has holes, and zeroes the row it frees: rows
 * past the last are always zero, so zeroing and copying stop at the last row.
 */
export class VectorSet {
  private data: Float32Array;
  private ids: string[] = [];
  private readonly slots = new Map<string, number>();

  constructor(readonly dimensions: number, capacity = 64) {
    this.data = new Float32Array(Math.max(1, capacity) * dimensions);
  }

  get size(): number {
    return this.ids.length;
  }

  /** Bytes one full scan reads. */
  get scanBytes(): number {
    return this.ids.length * this.dimensions * 4;
  }

  has(id: string): boolean {
    return this.slots.has(id);
  }

  /** Stores a unit-length copy; a vector of another length or of zero norm is not searchable and is left out. */
  set(id: string, vector: Float32Array): void {
    if (vector.length !== this.dimensions) return this.remove(id);
    let norm = 0;
    for (let i = 0; i < vector.length; i++) norm += vector[i]! * vector[i]!;
    if (!(norm > 0) || !Number.isFinite(norm)) return this.remove(id);
    let slot = this.slots.get(id);
    if (slot === undefined) {
      slot = this.ids.length;
      this.grow(slot + 1);
      this.ids.push(id);
      this.slots.set(id, slot);
    }
    const scale = 1 / Math.sqrt(norm);
    const base = slot * this.dimensions;
    for (let i = 0; i < vector.length; i++) this.data[base + i] = vector[i]! * scale;
  }

  remove(id: string): void {
    const slot = this.slots.get(id);
    if (slot === undefined) return;
    const last = this.ids.length - 1;
    if (slot !== last) {
      const moved = this.ids[last]!;
      this.data.copyWithin(slot * this.dimensions, last * this.dimensions, (last + 1) * this.dimensions);
      this.ids[slot] = moved;
      this.slots.set(moved, slot);
    }
    this.ids.pop();
    this.slots.delete(id);
    this.data.fill(0, last * this.dimensions, (last + 1) * this.dimensions);
  }

  /** Zeroes the plaintext vectors and forgets them (rows past the last are zero already). */
  clear(): void {
    this.data.fill(0, 0, this.ids.length * this.dimensions);
    this.data = new Float32Array(this.dimensions);
    this.ids = [];
    this.slots.clear();
  }

  /**
   * Cosine similarity of the query with each of these ids' vectors (null: no vector), for the
   * near-duplicate check, which scores the few candidates its band keys drew.
   */
  similarities(query: Float32Array, ids: string[]): (number | null)[] {
    const q = query.length === this.dimensions ? unit(query) : null;
    return ids.map((id) => {
      const slot = this.slots.get(id);
      return q && slot !== undefined ? this.dot(q, slot) : null;
    });
  }

  /**
   * The `k` nearest vectors among those `allowed` accepts, exactly. `allowedCount` says how
   * many ids pass (when known): few pass, those rows are scanned directly; few are excluded,
   * the native scan draws `k` plus the excluded count, which must hold the top `k` that pass;
   * otherwise every row is scored in JavaScript. Exact at any selectivity either way.
   */
  search(query: Float32Array, k: number, allowed?: { test(id: string): boolean; count: number; ids?: Iterable<string> }): VectorHit[] {
    const n = this.ids.length;
    if (n === 0 || k <= 0 || query.length !== this.dimensions) return [];
    const q = unit(query);
    if (!q) return [];
    if (!allowed || allowed.count >= n) return this.nativeTop(q, Math.min(k, n), () => true);
    if (allowed.ids && allowed.count <= SMALL_SUBSET) return this.scoreIds(q, k, allowed.ids);
    const excluded = n - allowed.count;
    if (excluded <= SMALL_SUBSET) return this.nativeTop(q, Math.min(n, k + excluded), (id) => allowed.test(id)).slice(0, k);
    return this.scoreAll(q, k, (id) => allowed.test(id));
  }

  private nativeTop(q: Float32Array, count: number, accept: (id: string) => boolean): VectorHit[] {
    // usearch ignores a typed array's byte offset (FACTS) but honours its length: a view from
    // offset 0 over the filled rows needs no copy (a copy of 100k rows cost ~200 ms a query).
    const dataset = this.data.subarray(0, this.ids.length * this.dimensions);
    const result = usearch.exactSearch(dataset, q, this.dimensions, count, usearch.MetricKind.IP, 1) as { keys: BigUint64Array; distances: Float32Array };
    const hits: VectorHit[] = [];
    for (let i = 0; i < result.keys.length; i++) {
      const id = this.ids[Number(result.keys[i])];
      if (id !== undefined && accept(id)) hits.push({ id, score: 1 - result.distances[i]! });
    }
    return hits;
  }

  private scoreIds(q: Float32Array, k: number, ids: Iterable<string>): VectorHit[] {
    const top = new TopK(k);
    for (const id of ids) {
      const slot = this.slots.get(id);
      if (slot !== undefined) top.offer(id, this.dot(q, slot));
    }
    return top.sorted();
  }

  private scoreAll(q: Float32Array, k: number, accept: (id: string) => boolean): VectorHit[] {
    const top = new TopK(k);
    for (let slot = 0; slot < this.ids.length; slot++) {
      const id = this.ids[slot]!;
      if (accept(id)) top.offer(id, this.dot(q, slot));
    }
    return top.sorted();
  }

  private dot(q: Float32Array, slot: number): number {
    const d = this.data;
    const base = slot * this.dimensions;
    let s = 0;
    for (let i = 0; i < q.length; i++) s += q[i]! * d[base + i]!;
    return s;
  }

  /**
   * Takes over saved vectors into an empty set: `data` holds unit-length row i for `ids[i]`,
   * then zeros, which are room for the adds that follow (the array is adopted, not copied).
   */
  load(ids: string[], data: Float32Array): void {
    if (this.ids.length > 0) throw new Error('load into a set that holds vectors');
    if (data.length < ids.length * this.dimensions || data.length % this.dimensions !== 0 || data.length === 0) throw new Error('rows do not match ids');
    for (let slot = 0; slot < ids.length; slot++) this.slots.set(ids[slot]!, slot);
    if (this.slots.size !== ids.length) {
      this.slots.clear();
      throw new Error('an id twice among saved vectors');
    }
    this.data = data;
    this.ids = ids;
  }

  /** The ids in slot order (a copy). */
  slotIds(): string[] {
    return [...this.ids];
  }

  /** The filled rows, as a view (no copy): row i is the vector of `slotIds()[i]`. */
  rows(): Float32Array {
    return this.data.subarray(0, this.ids.length * this.dimensions);
  }

  /** Room for `rows` vectors without growing again. */
  reserve(rows: number): void {
    this.grow(rows);
  }

  private grow(rows: number): void {
    if (rows * this.dimensions <= this.data.length) return;
    // 1.5x, not 2x: a space loaded at its exact size must not double its memory at the next add.
    const next = new Float32Array(Math.max(rows, Math.ceil((this.data.length / this.dimensions) * 1.5)) * this.dimensions);
    const used = this.ids.length * this.dimensions;
    next.set(this.data.subarray(0, used));
    this.data.fill(0, 0, used);
    this.data = next;
  }
}

function unit(v: Float32Array): Float32Array | null {
  let norm = 0;
  for (let i = 0; i < v.length; i++) norm += v[i]! * v[i]!;
  if (!(norm > 0) || !Number.isFinite(norm)) return null;
  const scale = 1 / Math.sqrt(norm);
  const out = new Float32Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = v[i]! * scale;
  return out;
}

/** The best `k` scores seen, kept sorted; k is small (tens), so insertion beats a heap. */
class TopK {
  private readonly hits: VectorHit[] = [];
  constructor(private readonly k: number) {}

  offer(id: string, score: number): void {
    const h = this.hits;
    if (h.length === this.k && score <= h[h.length - 1]!.score) return;
    let i = h.length;
    while (i > 0 && h[i - 1]!.score < score) i--;
    h.splice(i, 0, { id, score });
    if (h.length > this.k) h.pop();
  }

  sorted(): VectorHit[] {
    return this.hits;
  }
}
