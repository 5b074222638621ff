import Database from 'better-sqlite3';
import { BANDS, bandKeys } from './near-duplicates.js';
import { ImageFormatError } from './space-image.js';
import { VectorSet, type VectorHit } from './vector-set.js';
import type { IndexFilter, IndexedMemory, StoredMemory } from './plain-index.js';

/**
 * BM25 weight of each keyword column. Context (the turns around a reply, the document it came
 * from) counts half: on the LoCoMo dev split (`npm run bench:quality`, hybrid recall@10) 0.5
 * gave 0.768, 0.3 and 0.7 gave 0.762 each; issue 9 measured 0.770 against 0.762 with the
 * neighbouring turns in the content.
 */
const BM25_CONTENT = 1.0;
const BM25_TAGS = 1.0;
const BM25_CONTEXT = 0.5;

/**
 * Keyword entries held back before they go into FTS5 together. FTS5 writes a new segment at
 * every commit, which made one memory's keyword entry cost 140 us of a single add's 210 us in
 * the index; held back, a batch shares one segment. Searches flush first, so they see them.
 */
const FTS_FLUSH_AT = 256;

/**
 * Room a loaded space's vector array keeps for the adds that follow. Without it the first add
 * after unlocking 100k memories copied the whole array into a larger one (467 ms). Pages of the
 * room are not touched until used, so they cost address space, not memory.
 */
const LOAD_HEADROOM = 0.125;
const LOAD_HEADROOM_MIN = 1024;

/** FTS5 matches ranked per wanted result before the filter is applied (keywordSearch). */
const KEYWORD_DRAW = 2;

/** Rows given duplicate keys per transaction when a space first needs them. */
const DUP_KEY_CHUNK = 5_000;

/** `PRAGMA user_version` of a space's index database; an image of another schema is not restored. */
const INDEX_SCHEMA = 2;

/** One space's index as bytes (`image`), from which `SpaceIndex.restore` rebuilds it. */
export interface SpaceImage {
  /** The SQLite database: rows, tags and the keyword index. */
  db: Buffer;
  /** Memory ids in vector order: `vectors` holds row i of id i. */
  ids: string[];
  /** The rows, then (when restoring) zeros as room for the adds that follow. */
  vectors: Float32Array;
  dupKeys: boolean;
}

/**
 * One space of the plaintext index: its rows, tags and keyword index in a private SQLite
 * database in memory (never on disk, and outside the vault file's transactions, so a rolled-back
 * write cannot leave it half changed), and its vectors in one contiguous array. A database per
 * space means keyword scores depend on that space alone, a space leaves by closing its
 * database, and a space can be saved and restored whole (`image`, `restore`).
 */
export class SpaceIndex {
  /** The change sequence this space reflects; -1 until its first load. */
  seq = -1;
  /** False until the first apply, which loads the space whole. */
  loaded = false;
  /** Whether rows carry duplicate keys and band keys yet (computed at the first duplicate check or snapshot, so a space only searched never pays for them). */
  private dupKeys = false;
  private readonly db: Database.Database;
  readonly vectors: VectorSet;
  /** The state of the memory behind each vector, and how many vectors are in each state. */
  private readonly vectorState = new Map<string, string>();
  private readonly stateCounts = new Map<string, number>();
  private readonly statements = new Map<string, Database.Statement>();
  private readonly insertRow: Database.Statement;
  private readonly insertTag: Database.Statement;
  private readonly insertFts: Database.Statement;
  private readonly rowidOf: Database.Statement;
  private readonly deleteRow: Database.Statement;
  private readonly deleteTags: Database.Statement;
  private readonly deleteFts: Database.Statement;
  private readonly getRow: Database.Statement;
  private readonly dupCandidates: Database.Statement;
  private readonly insertBands: Database.Statement;
  private readonly deleteBands: Database.Statement;
  private readonly bandCandidates: Database.Statement;
  private readonly contentOf: Database.Statement;
  /** Keyword entries not yet in FTS5, by rowid: content, tags, context. */
  private ftsPending = new Map<number, [content: string, tags: string, context: string]>();

  private constructor(
    readonly spaceId: string,
    dimensions: number,
    private readonly duplicateKey: (content: string) => string,
    image: SpaceImage | null,
  ) {
    this.db = new Database(image ? image.db : ':memory:');
    this.db.pragma('temp_store = MEMORY');
    // Freed pages are overwritten, so a removed memory's plaintext does not linger in them.
    this.db.pragma('secure_delete = ON');
    if (!image) createSchema(this.db);
    else if (this.db.pragma('user_version', { simple: true }) !== INDEX_SCHEMA) {
      this.db.close();
      throw new ImageFormatError('a database of another schema');
    }
    this.vectors = new VectorSet(dimensions);
    this.insertRow = this.db.prepare(
      `INSERT INTO mem (id, kind, state, content, context, tags, metadata, source, importance,
         created_at, updated_at, valid_from, valid_until, version, dup_key)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.insertTag = this.db.prepare('INSERT INTO mem_tags (rowid, tag) VALUES (?, ?)');
    this.insertFts = this.db.prepare('INSERT INTO fts (rowid, content, tags, context) VALUES (?, ?, ?, ?)');
    this.rowidOf = this.db.prepare('SELECT rowid FROM mem WHERE id = ?').pluck();
    this.deleteRow = this.db.prepare('DELETE FROM mem WHERE rowid = ?');
    this.deleteTags = this.db.prepare('DELETE FROM mem_tags WHERE rowid = ?');
    this.deleteFts = this.db.prepare('DELETE FROM fts WHERE rowid = ?');
    this.getRow = this.db.prepare('SELECT * FROM mem WHERE id = ?');
    this.dupCandidates = this.db.prepare("SELECT id, content FROM mem WHERE dup_key = ? AND state != 'deleted'");
    const bandList = Array.from({ length: BANDS }, () => '?').join(', ');
    // One statement per memory for its band keys: better-sqlite3's per-call cost was most of keying a space.
    this.insertBands = this.db.prepare(`INSERT OR IGNORE INTO mem_bands (band, mem) VALUES ${Array.from({ length: BANDS }, () => '(?, @mem)').join(', ')}`);
    this.deleteBands = this.db.prepare(`DELETE FROM mem_bands WHERE mem = ? AND band IN (${bandList})`);
    this.bandCandidates = this.db.prepare(`SELECT DISTINCT m.id, m.state, m.rowid FROM mem_bands b JOIN mem m ON m.rowid = b.mem WHERE b.band IN (${bandList})`).raw();
    this.contentOf = this.db.prepare('SELECT content FROM mem WHERE rowid = ?').pluck();
  }

  static empty(spaceId: string, dimensions: number, duplicateKey: (content: string) => string): SpaceIndex {
    return new SpaceIndex(spaceId, dimensions, duplicateKey, null);
  }

  /**
   * Rebuilds a space from its image, at the sequence the image was taken. The image's rows are
   * checked against its ids (every vector belongs to a row), so a mismatched image is refused.
   */
  static restore(spaceId: string, dimensions: number, duplicateKey: (content: string) => string, image: SpaceImage, seq: number): SpaceIndex {
    const s = new SpaceIndex(spaceId, dimensions, duplicateKey, image);
    try {
      s.dupKeys = image.dupKeys;
      const rows = image.ids.length;
      try {
        s.vectors.load(image.ids, image.vectors);
      } catch (err) {
        throw new ImageFormatError((err as Error).message);
      }
      let withVector = 0;
      for (const [id, state] of s.db.prepare('SELECT id, state FROM mem').raw().all() as [string, string][]) {
        if (!s.vectors.has(id)) continue;
        s.setVectorState(id, state);
        withVector++;
      }
      if (withVector !== rows) throw new ImageFormatError('a vector without its row');
    } catch (err) {
      s.close();
      throw err;
    }
    s.seq = seq;
    s.loaded = true;
    return s;
  }

  /** The space as bytes, keyword entries held back included; the vectors are a view, not a copy. */
  image(): SpaceImage {
    if (this.ftsPending.size > 0) this.db.transaction(() => this.writeFts())();
    return { db: this.db.serialize(), ids: this.vectors.slotIds(), vectors: this.vectors.rows(), dupKeys: this.dupKeys };
  }

  /** Makes room for `rows` memories about to be loaded, so the vector array is sized once. */
  reserve(rows: number): void {
    this.vectors.reserve(withHeadroom(rows));
  }

  /** Runs `work` in one transaction of this space's database. */
  transaction(work: () => void): void {
    this.db.transaction(work)();
  }

  /** `fresh`: the space is being loaded whole, so nothing of it is in the index to replace. */
  upsert(m: IndexedMemory, fresh: boolean): void {
    if (!fresh) this.removeRows(m.id);
    const key = this.dupKeys ? this.duplicateKey(m.content) : null;
    const { lastInsertRowid } = this.insertRow.run(m.id, m.kind, m.state, m.content, m.context, JSON.stringify(m.tags), m.metadata, m.source, m.importance,
      m.createdAt, m.updatedAt, m.validFrom, m.validUntil, m.version, key === null ? null : hashKey(key));
    if (key !== null) this.insertBands.run(...bandKeys(key), { mem: lastInsertRowid });
    for (const t of m.tags) this.insertTag.run(lastInsertRowid, t);
    this.ftsPending.set(Number(lastInsertRowid), [m.content, m.tags.join(' '), m.context]);
    if (this.ftsPending.size >= FTS_FLUSH_AT) this.writeFts();
    if (m.vector) this.vectors.set(m.id, m.vector);
    else this.vectors.remove(m.id);
    this.setVectorState(m.id, this.vectors.has(m.id) ? m.state : null);
  }

  remove(id: string): void {
    this.removeRows(id);
    this.vectors.remove(id);
    this.setVectorState(id, null);
  }

  /** Zeroes what it can reach (rows through secure_delete, vectors) and closes the database. */
  close(): void {
    if (this.db.open) {
      this.db.transaction(() => {
        this.cached("INSERT INTO fts (fts) VALUES ('delete-all')").run();
        this.cached('DELETE FROM mem_tags').run();
        this.cached('DELETE FROM mem').run();
      })();
      this.db.close();
    }
    this.ftsPending.clear();
    this.vectors.clear();
  }

  count(): number {
    return this.cached('SELECT count(*) FROM mem').pluck().get() as number;
  }

  get(id: string): StoredMemory | undefined {
    const row = this.getRow.get(id) as IndexRow | undefined;
    return row && this.fromRow(row);
  }

  getMany(ids: string[]): StoredMemory[] {
    const rows = this.cached('SELECT * FROM mem WHERE id IN (SELECT value FROM json_each(?))').all(JSON.stringify(ids)) as IndexRow[];
    return rows.map((r) => this.fromRow(r));
  }

  /** A memory (not deleted) whose duplicate key is `key`. */
  findByDuplicateKey(key: string): string | undefined {
    this.ensureDupKeys();
    const candidates = this.dupCandidates.all(hashKey(key)) as { id: string; content: string }[];
    return candidates.find((c) => this.duplicateKey(c.content) === key)?.id;
  }

  /**
   * Gives every row its duplicate key and band keys, once (about 40 us a row). The first
   * duplicate check of a space calls it, and so does a snapshot about to be written, so that a
   * space restored from it does not pay this again at its first checked add. `onProgress`
   * hears the rows keyed so far after each chunk (a space of 100k takes seconds).
   */
  ensureDupKeys(onProgress: (done: number, total: number) => void = () => {}): void {
    if (this.dupKeys) return;
    const total = this.count();
    let done = 0;
    const chunk = this.cached('SELECT rowid, content FROM mem WHERE rowid > ? ORDER BY rowid LIMIT ?');
    const set = this.cached('UPDATE mem SET dup_key = ? WHERE rowid = ?');
    for (let after = 0; ; ) {
      const rows = chunk.all(after, DUP_KEY_CHUNK) as { rowid: number; content: string }[];
      this.db.transaction(() =>
        rows.forEach((r) => {
          const key = this.duplicateKey(r.content);
          set.run(hashKey(key), r.rowid);
          this.insertBands.run(...bandKeys(key), { mem: r.rowid });
        }),
      )();
      done += rows.length;
      if (rows.length > 0) onProgress(done, total);
      if (rows.length < DUP_KEY_CHUNK) break;
      after = rows.at(-1)!.rowid;
    }
    this.dupKeys = true;
  }

  /** Page ordered newest first; `after` is the (created_at, id) of the last item already shown. */
  list(filter: IndexFilter, limit: number, after: { createdAt: number; id: string } | null): StoredMemory[] {
    const { where, params } = filterSql(filter);
    const cursor = after ? 'AND (m.created_at < @afterTime OR (m.created_at = @afterTime AND m.id < @afterId))' : '';
    const rows = this.cached(`SELECT m.* FROM mem m WHERE ${where} ${cursor} ORDER BY m.created_at DESC, m.id DESC LIMIT @limit`).all({
      ...params,
      limit,
      ...(after ? { afterTime: after.createdAt, afterId: after.id } : {}),
    }) as IndexRow[];
    return rows.map((r) => this.fromRow(r));
  }

  /**
   * The best `limit` keyword matches the filter admits. FTS5's best `limit * KEYWORD_DRAW`
   * matches are ranked first without the filter (joining every match to its row was a third of
   * the time at 100k); when at least `limit` of them pass, they are the answer, since every
   * match left out scores below all of them. Otherwise every match is joined and filtered.
   */
  keywordSearch(matchQuery: string, filter: IndexFilter, limit: number): VectorHit[] {
    if (this.ftsPending.size > 0) this.db.transaction(() => this.writeFts())();
    const { where, params } = filterSql(filter);
    const draw = limit * KEYWORD_DRAW;
    const best = this.cached(
      `SELECT rowid, -bm25(fts, ${BM25_CONTENT}, ${BM25_TAGS}, ${BM25_CONTEXT}) AS score FROM fts WHERE fts MATCH @match ORDER BY score DESC LIMIT @draw`,
    ).all({ match: matchQuery, draw }) as { rowid: number; score: number }[];
    const passing = new Map(
      (this.cached(`SELECT m.rowid AS rowid, m.id AS id FROM mem m WHERE m.rowid IN (SELECT value FROM json_each(@rowids)) AND ${where}`).all({
        ...params,
        rowids: JSON.stringify(best.map((b) => b.rowid)),
      }) as { rowid: number; id: string }[]).map((r) => [r.rowid, r.id]),
    );
    if (passing.size >= limit || best.length < draw) return best.flatMap((b) => (passing.has(b.rowid) ? [{ id: passing.get(b.rowid)!, score: b.score }] : [])).slice(0, limit);
    return this.cached(
      `SELECT m.id AS id, -bm25(fts, ${BM25_CONTENT}, ${BM25_TAGS}, ${BM25_CONTEXT}) AS score FROM fts JOIN mem m ON m.rowid = fts.rowid
       WHERE fts MATCH @match AND ${where} ORDER BY score DESC LIMIT @limit`,
    ).all({ ...params, match: matchQuery, limit }) as VectorHit[];
  }

  /**
   * Exact k nearest neighbours by cosine similarity over the memories the filter admits. A
   * filter on state alone is answered from the vectors' own state map; any other filter first
   * selects the admitted ids in SQL, so a tag on 20 of 100k rows scores exactly those 20.
   */
  vectorSearch(query: Float32Array, filter: IndexFilter, limit: number): VectorHit[] {
    if (this.vectors.size === 0) return [];
    const stateOnly = !filter.kinds?.length && !filter.tags?.length && filter.source === undefined && filter.since === undefined && filter.until === undefined;
    let allowed: { test(id: string): boolean; count: number; ids?: Iterable<string> };
    if (stateOnly) {
      const states = new Set(filter.states);
      let count = 0;
      for (const s of states) count += this.stateCounts.get(s) ?? 0;
      allowed = { test: (id) => states.has(this.vectorState.get(id) ?? ''), count };
    } else {
      const { where, params } = filterSql(filter);
      const ids = new Set(this.cached(`SELECT m.id FROM mem m WHERE ${where}`).pluck().all(params) as string[]);
      allowed = { test: (id) => ids.has(id), count: ids.size, ids };
    }
    if (allowed.count === 0) return [];
    return this.vectors.search(query, limit, allowed);
  }

  /**
   * The near-duplicate check of an add: the memory in these states, among those whose text
   * shares a band key with `key` (a duplicate key: the normalized text) and whose vector has a
   * similarity of at least `floor` with `query`, that `isNear` accepts given its duplicate key,
   * nearest vector first. Sublinear: the band keys (near-duplicates.ts) draw the few texts that
   * could be that close, instead of a scan of every vector; contents are read only for the
   * candidates past the floor, one at a time until one is accepted.
   */
  nearDuplicate(key: string, query: Float32Array, states: string[], floor: number, isNear: (candidateKey: string) => boolean): string | undefined {
    this.ensureDupKeys();
    const admit = new Set(states);
    const rows = (this.bandCandidates.all(...bandKeys(key)) as [string, string, number][]).filter(([, state]) => admit.has(state));
    const scores = this.vectors.similarities(
      query,
      rows.map(([id]) => id),
    );
    const near = rows.flatMap(([id, , rowid], i) => (scores[i] !== null && scores[i]! >= floor ? [{ id, rowid, score: scores[i]! }] : [])).sort((a, b) => b.score - a.score);
    return near.find((h) => isNear(this.duplicateKey(this.contentOf.get(h.rowid) as string)))?.id;
  }

  private removeRows(id: string): void {
    const rowid = this.rowidOf.get(id) as number | undefined;
    if (rowid === undefined) return;
    if (this.dupKeys) this.deleteBands.run(rowid, ...bandKeys(this.duplicateKey(this.contentOf.get(rowid) as string)));
    if (!this.ftsPending.delete(rowid)) this.deleteFts.run(rowid);
    this.deleteTags.run(rowid);
    this.deleteRow.run(rowid);
  }

  /** Moves the held-back keyword entries into FTS5, inside the caller's transaction (upserts run inside `apply`'s). */
  private writeFts(): void {
    for (const [rowid, [content, tags, context]] of this.ftsPending) this.insertFts.run(rowid, content, tags, context);
    this.ftsPending = new Map();
  }

  /** Records the state of the memory behind a vector (null: it has none), keeping the counts per state. */
  private setVectorState(id: string, state: string | null): void {
    const old = this.vectorState.get(id);
    if (old === state) return;
    if (old !== undefined) this.stateCounts.set(old, this.stateCounts.get(old)! - 1);
    if (state === null) this.vectorState.delete(id);
    else {
      this.vectorState.set(id, state);
      this.stateCounts.set(state, (this.stateCounts.get(state) ?? 0) + 1);
    }
  }

  /** Filter shapes are few (which filters are present), so each statement is compiled once. */
  private cached(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) this.statements.set(sql, (s = this.db.prepare(sql)));
    return s;
  }

  private fromRow(r: IndexRow): StoredMemory {
    return {
      id: r.id,
      spaceId: this.spaceId,
      kind: r.kind,
      state: r.state,
      content: r.content,
      context: r.context,
      tags: JSON.parse(r.tags) as string[],
      metadata: r.metadata,
      source: r.source,
      importance: r.importance,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
      validFrom: r.valid_from,
      validUntil: r.valid_until,
      version: r.version,
    };
  }
}

/** Vector rows a space loaded with `rows` memories keeps room for. */
export function withHeadroom(rows: number): number {
  return rows + Math.max(LOAD_HEADROOM_MIN, Math.ceil(rows * LOAD_HEADROOM));
}

function createSchema(db: Database.Database): void {
  db.exec(`
    CREATE TABLE mem (
      rowid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, kind TEXT NOT NULL,
      state TEXT NOT NULL, content TEXT NOT NULL, context TEXT NOT NULL, tags TEXT NOT NULL, metadata TEXT NOT NULL,
      source TEXT NOT NULL, importance REAL NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
      valid_from INTEGER, valid_until INTEGER, version INTEGER NOT NULL, dup_key INTEGER);
    CREATE INDEX mem_created ON mem(created_at, id);
    CREATE INDEX mem_dup ON mem(dup_key) WHERE dup_key IS NOT NULL;
    CREATE TABLE mem_tags (rowid INTEGER NOT NULL, tag TEXT NOT NULL);
    CREATE INDEX mem_tags_tag ON mem_tags(tag, rowid);
    CREATE INDEX mem_tags_row ON mem_tags(rowid);
    CREATE TABLE mem_bands (band INTEGER NOT NULL, mem INTEGER NOT NULL, PRIMARY KEY (band, mem)) WITHOUT ROWID;
    CREATE VIRTUAL TABLE fts USING fts5(content, tags, context, content='', contentless_delete=1, tokenize='porter unicode61 remove_diacritics 2');
    PRAGMA user_version = ${INDEX_SCHEMA};
  `);
}

/** Every row of a space's database is that space's, so filters name states and the rest, never the space. */
function filterSql(filter: IndexFilter): { where: string; params: Record<string, unknown> } {
  const conds = ['m.state IN (SELECT value FROM json_each(@states))'];
  const params: Record<string, unknown> = { states: JSON.stringify(filter.states) };
  if (filter.kinds?.length) {
    conds.push('m.kind IN (SELECT value FROM json_each(@kinds))');
    params.kinds = JSON.stringify(filter.kinds);
  }
  if (filter.tags?.length) {
    conds.push(`(SELECT count(DISTINCT t.tag) FROM mem_tags t WHERE t.rowid = m.rowid
             AND t.tag IN (SELECT value FROM json_each(@tags))) = json_array_length(@tags)`);
    params.tags = JSON.stringify(filter.tags);
  }
  if (filter.source !== undefined) {
    conds.push('m.source = @source');
    params.source = filter.source;
  }
  if (filter.since !== undefined) {
    conds.push('m.created_at >= @since');
    params.since = filter.since;
  }
  if (filter.until !== undefined) {
    conds.push('m.created_at <= @until');
    params.until = filter.until;
  }
  return { where: conds.join(' AND '), params };
}

interface IndexRow {
  rowid: number;
  id: string;
  kind: string;
  state: string;
  content: string;
  context: string;
  tags: string;
  metadata: string;
  source: string;
  importance: number;
  created_at: number;
  updated_at: number;
  valid_from: number | null;
  valid_until: number | null;
  version: number;
  dup_key: number | null;
}

/** A 53-bit hash (cyrb53) of a duplicate key: the index stores a number, not a second copy of the text. */
function hashKey(key: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}
