import Database from 'better-sqlite3';
import { VectorSet, type VectorHit } from './vector-set.js';

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
 * Per space: the change sequence it reflects, its vectors, the state of each vector's memory
 * and how many are in each state, and whether its rows carry duplicate keys yet (they are
 * computed at the first duplicate check, so a space only searched never pays for them).
 */
interface SpaceEntry {
  seq: number;
  vectors: VectorSet;
  vectorState: Map<string, string>;
  stateCounts: Map<string, number>;
  dupKeys: boolean;
  /** False until the first apply, which loads the space whole. */
  loaded: boolean;
}

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

/** Keyword entries not yet in FTS5, by rowid: the space and the three columns. */
type PendingEntries = Map<number, [spaceId: string, content: string, tags: string, context: string]>;

/**
 * Room a loaded space's vector array keeps for the adds that follow. Without it the first add
 * after unlocking 100k memories copied the whole array into a larger one (467 ms). Pages of the
 * room are not touched until used, so they cost address space, not memory.
 */
const LOAD_HEADROOM = 0.125;
const LOAD_HEADROOM_MIN = 1024;

/** FTS5 matches ranked per wanted result before the filter is applied (keywordSearch). */
const KEYWORD_DRAW = 2;

/** Candidates the near-duplicate check draws from the int8 pass before exact rescoring. */
const DUPLICATE_DRAW = 64;
/** Rows given duplicate keys per transaction when a space first needs them. */
const DUP_KEY_CHUNK = 5_000;

/**
 * The plaintext view of every space some session of this process holds, one copy per space
 * whoever holds it. Rows, tags and the keyword index live in a private `:memory:` SQLite
 * connection (never on disk, and outside the vault file's transactions, so a rolled-back write
 * cannot leave it half changed); vectors live in one contiguous array per space. Filters are
 * exact SQL over the rows; vector search scans exactly the rows that pass.
 */
export class PlainIndex {
  private readonly db: Database.Database;
  private readonly spaces = new Map<string, SpaceEntry>();
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
  private ftsPending: PendingEntries = new Map();
  /**
   * The apply in progress: its space, and the held-back entries of other spaces it wrote to FTS5,
   * which a rollback takes out again (its own space's are forgotten with the space).
   */
  private applying: { spaceId: string; flushed: PendingEntries } | null = null;

  /** `duplicateKey` maps content to the form two near-identical texts share (case, spacing, punctuation removed). */
  constructor(
    readonly dimensions: number,
    private readonly duplicateKey: (content: string) => string,
  ) {
    if (!Number.isInteger(dimensions) || dimensions < 1) throw new Error('bad dimensions');
    this.db = new Database(':memory:');
    this.db.pragma('temp_store = MEMORY');
    // Freed pages are overwritten, so a dropped space's plaintext does not linger in them.
    this.db.pragma('secure_delete = ON');
    this.db.exec(`
      CREATE TABLE mem (
        rowid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, space_id TEXT NOT NULL, kind TEXT NOT NULL,
        state TEXT NOT NULL, content TEXT NOT NULL, context TEXT NOT NULL, tags TEXT NOT NULL, metadata TEXT NOT NULL,
        source TEXT NOT NULL, importance REAL NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
        valid_from INTEGER, valid_until INTEGER, version INTEGER NOT NULL, dup_key INTEGER);
      CREATE INDEX mem_created ON mem(created_at, id);
      CREATE INDEX mem_space ON mem(space_id);
      CREATE INDEX mem_dup ON mem(space_id, dup_key) WHERE dup_key IS NOT NULL;
      CREATE TABLE mem_tags (rowid INTEGER NOT NULL, tag TEXT NOT NULL);
      CREATE INDEX mem_tags_tag ON mem_tags(tag, rowid);
      CREATE INDEX mem_tags_row ON mem_tags(rowid);
      CREATE VIRTUAL TABLE fts USING fts5(content, tags, context, content='', contentless_delete=1, tokenize='porter unicode61 remove_diacritics 2');
    `);
    this.insertRow = this.db.prepare(
      `INSERT INTO mem (id, space_id, kind, state, content, context, tags, metadata, source, importance,
         created_at, updated_at, valid_from, valid_until, version, dup_key)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.insertTag = this.db.prepare('INSERT INTO mem_tags (rowid, tag) VALUES (?, ?)');
    this.insertFts = this.db.prepare('INSERT INTO fts (rowid, content, tags, context) VALUES (?, ?, ?, ?)');
    this.rowidOf = this.db.prepare('SELECT rowid FROM mem WHERE id = ?').pluck();
    this.deleteRow = this.db.prepare('DELETE FROM mem WHERE rowid = ?');
    this.deleteTags = this.db.prepare('DELETE FROM mem_tags WHERE rowid = ?');
    this.deleteFts = this.db.prepare('DELETE FROM fts WHERE rowid = ?');
    this.getRow = this.db.prepare('SELECT * FROM mem WHERE id = ?');
    this.dupCandidates = this.db.prepare("SELECT id, content FROM mem WHERE space_id = ? AND dup_key = ? AND state != 'deleted'");
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
    this.entry(spaceId).vectors.reserve(rows + Math.max(LOAD_HEADROOM_MIN, Math.ceil(rows * LOAD_HEADROOM)));
  }

  /** Applies changes to one space (loading it when new) in one transaction, and records the sequence they bring it to. */
  apply(spaceId: string, changes: Iterable<IndexChange>, seq: number): void {
    const e = this.entry(spaceId);
    const fresh = !e.loaded;
    if (Array.isArray(changes)) e.vectors.reserve(e.vectors.size + changes.length);
    // An apply that fails leaves SQLite as it was, but not this space's vectors and held-back
    // keyword entries: the space is forgotten, so that the next sync loads it whole again. Entries
    // of other spaces it wrote to FTS5 were rolled back with it, so they wait again.
    const flushed: PendingEntries = new Map();
    this.applying = { spaceId, flushed };
    try {
      this.db.transaction(() => {
        for (const c of changes) {
          if ('remove' in c) this.removeOne(e, c.remove);
          else if (c.upsert.spaceId === spaceId) this.upsertOne(e, c.upsert, fresh);
        }
      })();
    } catch (err) {
      for (const [rowid, entry] of flushed) this.ftsPending.set(rowid, entry);
      this.drop(spaceId);
      throw err;
    } finally {
      this.applying = null;
    }
    e.loaded = true;
    e.seq = Math.max(e.seq, seq);
  }

  private entry(spaceId: string): SpaceEntry {
    let e = this.spaces.get(spaceId);
    if (!e) this.spaces.set(spaceId, (e = { seq: -1, vectors: new VectorSet(this.dimensions), vectorState: new Map(), stateCounts: new Map(), dupKeys: false, loaded: false }));
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
    this.db.transaction(() => {
      if (this.spaces.size === 1) {
        // The last space: emptying everything at once is much faster than row by row.
        this.cached("INSERT INTO fts (fts) VALUES ('delete-all')").run();
        this.cached('DELETE FROM mem_tags').run();
        this.cached('DELETE FROM mem').run();
        return;
      }
      this.cached('DELETE FROM fts WHERE rowid IN (SELECT rowid FROM mem WHERE space_id = ?)').run(spaceId);
      this.cached('DELETE FROM mem_tags WHERE rowid IN (SELECT rowid FROM mem WHERE space_id = ?)').run(spaceId);
      this.cached('DELETE FROM mem WHERE space_id = ?').run(spaceId);
    })();
    for (const [rowid, [pendingSpace]] of this.ftsPending) if (pendingSpace === spaceId) this.ftsPending.delete(rowid);
    e.vectors.clear();
    this.spaces.delete(spaceId);
  }

  close(): void {
    for (const id of [...this.spaces.keys()]) this.drop(id);
    this.db.close();
  }

  count(spaceIds: string[]): number {
    return this.cached(`SELECT count(*) FROM mem WHERE space_id IN (SELECT value FROM json_each(?))`).pluck().get(JSON.stringify(spaceIds)) as number;
  }

  /** Bytes of vectors a full scan of these spaces reads. */
  vectorBytes(spaceIds: string[]): number {
    return spaceIds.reduce((sum, id) => sum + (this.spaces.get(id)?.vectors.scanBytes ?? 0), 0);
  }

  get(id: string): StoredMemory | undefined {
    const row = this.getRow.get(id) as IndexRow | undefined;
    return row && fromRow(row);
  }

  getMany(ids: string[]): Map<string, StoredMemory> {
    const rows = this.cached('SELECT * FROM mem WHERE id IN (SELECT value FROM json_each(?))').all(JSON.stringify(ids)) as IndexRow[];
    return new Map(rows.map((r) => [r.id, fromRow(r)]));
  }

  /** A memory of the space (not deleted) whose duplicate key is `key`. */
  findByDuplicateKey(spaceId: string, key: string): string | undefined {
    const e = this.spaces.get(spaceId);
    if (!e) return undefined;
    this.ensureDupKeys(spaceId, e);
    const candidates = this.dupCandidates.all(spaceId, hashKey(key)) as { id: string; content: string }[];
    return candidates.find((c) => this.duplicateKey(c.content) === key)?.id;
  }

  private ensureDupKeys(spaceId: string, e: SpaceEntry): void {
    if (e.dupKeys) return;
    const chunk = this.cached('SELECT rowid, content FROM mem WHERE space_id = ? AND rowid > ? ORDER BY rowid LIMIT ?');
    const set = this.cached('UPDATE mem SET dup_key = ? WHERE rowid = ?');
    for (let after = 0; ; ) {
      const rows = chunk.all(spaceId, after, DUP_KEY_CHUNK) as { rowid: number; content: string }[];
      this.db.transaction(() => rows.forEach((r) => set.run(hashKey(this.duplicateKey(r.content)), r.rowid)))();
      if (rows.length < DUP_KEY_CHUNK) break;
      after = rows.at(-1)!.rowid;
    }
    e.dupKeys = true;
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
    return rows.map(fromRow);
  }

  /**
   * The best `limit` keyword matches the filter admits. FTS5's best `limit * KEYWORD_DRAW`
   * matches are ranked first without the filter (joining every match to its row was a third of
   * the time at 100k); when at least `limit` of them pass, they are the answer, since every
   * match left out scores below all of them. Otherwise every match is joined and filtered.
   */
  keywordSearch(matchQuery: string, filter: IndexFilter, limit: number): Ranked[] {
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
    ).all({ ...params, match: matchQuery, limit }) as Ranked[];
  }

  /**
   * Exact k nearest neighbours by cosine similarity over the memories the filter admits, in
   * every space of the filter. A filter on state alone is answered from the vectors' own state
   * map; any other filter first selects the admitted ids in SQL, so a tag on 20 of 100k rows
   * scores exactly those 20.
   */
  vectorSearch(query: Float32Array, filter: IndexFilter, limit: number): Ranked[] {
    if (query.length !== this.dimensions || limit <= 0) return [];
    const stateOnly = !filter.kinds?.length && !filter.tags?.length && filter.source === undefined && filter.since === undefined && filter.until === undefined;
    const states = new Set(filter.states);
    const hits: Ranked[] = [];
    for (const spaceId of new Set(filter.spaceIds)) {
      const e = this.spaces.get(spaceId);
      if (!e || e.vectors.size === 0) continue;
      let allowed: { test(id: string): boolean; count: number; ids?: Iterable<string> };
      if (stateOnly) {
        let count = 0;
        for (const s of states) count += e.stateCounts.get(s) ?? 0;
        allowed = { test: (id) => states.has(e.vectorState.get(id) ?? ''), count };
      } else {
        const { where, params } = filterSql({ ...filter, spaceIds: [spaceId] });
        const ids = new Set(this.cached(`SELECT m.id FROM mem m WHERE ${where}`).pluck().all(params) as string[]);
        allowed = { test: (id) => ids.has(id), count: ids.size, ids };
      }
      if (allowed.count === 0) continue;
      hits.push(...e.vectors.search(query, limit, allowed));
    }
    return hits.sort((a, b) => b.score - a.score).slice(0, limit);
  }

  /**
   * The few nearest vectors of one space among memories in these states with a similarity of at
   * least `floor`, for the near-duplicate check of an add: an int8 first pass draws
   * DUPLICATE_DRAW candidates and those near the floor are rescored exactly
   * (VectorSet.nearestApprox). User searches stay exact (`vectorSearch`).
   */
  nearestForDuplicates(query: Float32Array, spaceId: string, states: string[], limit: number, floor: number): Ranked[] {
    const e = this.spaces.get(spaceId);
    if (!e) return [];
    const admit = new Set(states);
    return e.vectors.nearestApprox(query, limit, DUPLICATE_DRAW, floor, (id) => admit.has(e.vectorState.get(id) ?? ''));
  }

  /** `fresh`: the space is being loaded whole, so nothing of it is in the index to replace. */
  private upsertOne(e: SpaceEntry, m: IndexedMemory, fresh: boolean): void {
    if (!fresh) this.removeRows(m.id);
    const dupKey = e.dupKeys ? hashKey(this.duplicateKey(m.content)) : null;
    const { lastInsertRowid } = this.insertRow.run(m.id, m.spaceId, m.kind, m.state, m.content, m.context, JSON.stringify(m.tags), m.metadata, m.source, m.importance,
      m.createdAt, m.updatedAt, m.validFrom, m.validUntil, m.version, dupKey);
    for (const t of m.tags) this.insertTag.run(lastInsertRowid, t);
    this.ftsPending.set(Number(lastInsertRowid), [m.spaceId, m.content, m.tags.join(' '), m.context]);
    if (this.ftsPending.size >= FTS_FLUSH_AT) this.writeFts();
    if (m.vector) e.vectors.set(m.id, m.vector);
    else e.vectors.remove(m.id);
    setVectorState(e, m.id, e.vectors.has(m.id) ? m.state : null);
  }

  private removeOne(e: SpaceEntry, id: string): void {
    this.removeRows(id);
    e.vectors.remove(id);
    setVectorState(e, id, null);
  }

  private removeRows(id: string): void {
    const rowid = this.rowidOf.get(id) as number | undefined;
    if (rowid === undefined) return;
    if (!this.ftsPending.delete(rowid)) this.deleteFts.run(rowid);
    this.deleteTags.run(rowid);
    this.deleteRow.run(rowid);
  }

  /** Moves the held-back keyword entries into FTS5, inside the caller's transaction (upserts run inside `apply`'s). */
  private writeFts(): void {
    for (const [rowid, entry] of this.ftsPending) {
      this.insertFts.run(rowid, entry[1], entry[2], entry[3]);
      if (this.applying && entry[0] !== this.applying.spaceId) this.applying.flushed.set(rowid, entry);
    }
    this.ftsPending = new Map();
  }

  /** Filter shapes are few (which filters are present), so each statement is compiled once. */
  private cached(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) this.statements.set(sql, (s = this.db.prepare(sql)));
    return s;
  }
}

/** Records the state of the memory behind a vector (null: it has none), keeping the counts per state. */
function setVectorState(e: SpaceEntry, id: string, state: string | null): void {
  const old = e.vectorState.get(id);
  if (old === state) return;
  if (old !== undefined) e.stateCounts.set(old, e.stateCounts.get(old)! - 1);
  if (state === null) e.vectorState.delete(id);
  else {
    e.vectorState.set(id, state);
    e.stateCounts.set(state, (e.stateCounts.get(state) ?? 0) + 1);
  }
}

function filterSql(filter: IndexFilter): { where: string; params: Record<string, unknown> } {
  const conds = ['m.space_id IN (SELECT value FROM json_each(@spaces))', 'm.state IN (SELECT value FROM json_each(@states))'];
  const params: Record<string, unknown> = { spaces: JSON.stringify(filter.spaceIds), states: JSON.stringify(filter.states) };
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

function fromRow(r: IndexRow): StoredMemory {
  return {
    id: r.id,
    spaceId: r.space_id,
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

interface IndexRow {
  rowid: number;
  id: string;
  space_id: string;
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
