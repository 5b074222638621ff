import type { Db } from './database.js';

/** A decrypted memory as the in-memory index holds it; times are epoch milliseconds. */
export interface IndexedMemory {
  id: string;
  spaceId: string;
  kind: string;
  state: string;
  content: string;
  tags: string[];
  metadata: string;
  source: string;
  importance: number;
  createdAt: number;
  updatedAt: number;
  validFrom: number | null;
  validUntil: number | null;
  version: number;
  normalized: string;
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

export interface Ranked {
  id: string;
  score: number;
}

const MAX_KNN = 4096;

/**
 * Plaintext view of the granted spaces, in an attached in-memory database: it never touches
 * the disk (temp_store=MEMORY, no journal). Dropped at lock.
 */
export class MemoryIndex {
  private readonly s: string;

  constructor(
    private readonly db: Db,
    schema: string,
    readonly dimensions: number,
  ) {
    if (!/^idx_[0-9]+$/.test(schema)) throw new Error('bad index schema name');
    if (!Number.isInteger(dimensions) || dimensions < 1) throw new Error('bad dimensions');
    this.s = schema;
    db.prepare('ATTACH DATABASE ? AS ' + schema).run(':memory:');
    db.exec(`
      CREATE TABLE ${this.s}.mem (
        rowid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, space_id TEXT NOT NULL, kind TEXT NOT NULL,
        state TEXT NOT NULL, content TEXT NOT NULL, tags TEXT NOT NULL, metadata TEXT NOT NULL,
        source TEXT NOT NULL, importance REAL NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
        valid_from INTEGER, valid_until INTEGER, version INTEGER NOT NULL, normalized TEXT NOT NULL);
      CREATE INDEX ${this.s}.mem_created ON mem(created_at, id);
      CREATE INDEX ${this.s}.mem_norm ON mem(space_id, normalized);
      CREATE TABLE ${this.s}.mem_tags (rowid INTEGER NOT NULL, tag TEXT NOT NULL);
      CREATE INDEX ${this.s}.mem_tags_tag ON mem_tags(tag, rowid);
      CREATE INDEX ${this.s}.mem_tags_row ON mem_tags(rowid);
      CREATE VIRTUAL TABLE ${this.s}.fts USING fts5(content, tags, tokenize='porter unicode61 remove_diacritics 2');
      CREATE VIRTUAL TABLE ${this.s}.vec USING vec0(
        embedding float[${dimensions}] distance_metric=cosine,
        space_id text, state text, kind text, source text, created_at integer);
    `);
  }

  drop(): void {
    this.db.exec(`DETACH DATABASE ${this.s}`);
  }

  count(): number {
    return (this.db.prepare(`SELECT count(*) AS n FROM ${this.s}.mem`).get() as { n: number }).n;
  }

  upsert(m: IndexedMemory): void {
    this.remove(m.id);
    const { lastInsertRowid } = this.db
      .prepare(
        `INSERT INTO ${this.s}.mem (id, space_id, kind, state, content, tags, metadata, source, importance,
           created_at, updated_at, valid_from, valid_until, version, normalized)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(m.id, m.spaceId, m.kind, m.state, m.content, JSON.stringify(m.tags), m.metadata, m.source, m.importance,
        m.createdAt, m.updatedAt, m.validFrom, m.validUntil, m.version, m.normalized);
    const rowid = BigInt(lastInsertRowid);
    const tagStmt = this.db.prepare(`INSERT INTO ${this.s}.mem_tags (rowid, tag) VALUES (?, ?)`);
    for (const t of m.tags) tagStmt.run(rowid, t);
    this.db.prepare(`INSERT INTO ${this.s}.fts (rowid, content, tags) VALUES (?, ?, ?)`).run(rowid, m.content, m.tags.join(' '));
    if (m.vector && m.vector.length === this.dimensions) {
      this.db
        .prepare(`INSERT INTO ${this.s}.vec (rowid, embedding, space_id, state, kind, source, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`)
        .run(rowid, m.vector, m.spaceId, m.state, m.kind, m.source, BigInt(m.createdAt));
    }
  }

  remove(id: string): void {
    const row = this.db.prepare(`SELECT rowid FROM ${this.s}.mem WHERE id = ?`).get(id) as { rowid: number } | undefined;
    if (!row) return;
    const rowid = BigInt(row.rowid);
    this.db.prepare(`DELETE FROM ${this.s}.fts WHERE rowid = ?`).run(rowid);
    this.db.prepare(`DELETE FROM ${this.s}.vec WHERE rowid = ?`).run(rowid);
    this.db.prepare(`DELETE FROM ${this.s}.mem_tags WHERE rowid = ?`).run(rowid);
    this.db.prepare(`DELETE FROM ${this.s}.mem WHERE rowid = ?`).run(rowid);
  }

  get(id: string): StoredMemory | undefined {
    const row = this.db.prepare(`SELECT * FROM ${this.s}.mem WHERE id = ?`).get(id) as IndexRow | undefined;
    return row && fromRow(row);
  }

  getMany(ids: string[]): Map<string, StoredMemory> {
    const rows = this.db
      .prepare(`SELECT * FROM ${this.s}.mem WHERE id IN (SELECT value FROM json_each(?))`)
      .all(JSON.stringify(ids)) as IndexRow[];
    return new Map(rows.map((r) => [r.id, fromRow(r)]));
  }

  findNormalized(spaceId: string, normalized: string): string | undefined {
    const row = this.db
      .prepare(`SELECT id FROM ${this.s}.mem WHERE space_id = ? AND normalized = ? AND state != 'deleted' LIMIT 1`)
      .get(spaceId, normalized) as { id: string } | undefined;
    return row?.id;
  }

  /** Page ordered newest first; `after` is the (created_at, id) of the last item already shown. */
  list(filter: IndexFilter, limit: number, after: { createdAt: number; id: string } | null): StoredMemory[] {
    const { where, params } = this.filterSql(filter, 'm');
    const cursor = after ? 'AND (m.created_at < @afterTime OR (m.created_at = @afterTime AND m.id < @afterId))' : '';
    const rows = this.db
      .prepare(`SELECT m.* FROM ${this.s}.mem m WHERE ${where} ${cursor} ORDER BY m.created_at DESC, m.id DESC LIMIT @limit`)
      .all({ ...params, limit, afterTime: after?.createdAt ?? 0, afterId: after?.id ?? '' }) as IndexRow[];
    return rows.map(fromRow);
  }

  keywordSearch(matchQuery: string, filter: IndexFilter, limit: number): Ranked[] {
    const { where, params } = this.filterSql(filter, 'm');
    return this.db
      .prepare(
        `SELECT m.id AS id, -bm25(fts) AS score FROM ${this.s}.fts JOIN ${this.s}.mem m ON m.rowid = fts.rowid
         WHERE fts MATCH @match AND ${where} ORDER BY bm25(fts) LIMIT @limit`,
      )
      .all({ ...params, match: matchQuery, limit }) as Ranked[];
  }

  /**
   * Exact k-nearest neighbours in vec0. Space, state, kind, source and time are vec0 metadata
   * columns, filtered inside the scan; tags are not, so with a tag filter more candidates are
   * drawn and filtered afterwards.
   */
  vectorSearch(query: Float32Array, filter: IndexFilter, limit: number): Ranked[] {
    if (query.length !== this.dimensions) return [];
    const conds = ['v.embedding MATCH @query', 'k = @k', 'v.space_id IN (SELECT value FROM json_each(@spaces))', 'v.state IN (SELECT value FROM json_each(@states))'];
    const params: Record<string, unknown> = {
      query,
      spaces: JSON.stringify(filter.spaceIds),
      states: JSON.stringify(filter.states),
    };
    if (filter.kinds?.length) {
      conds.push('v.kind IN (SELECT value FROM json_each(@kinds))');
      params.kinds = JSON.stringify(filter.kinds);
    }
    if (filter.source !== undefined) {
      conds.push('v.source = @source');
      params.source = filter.source;
    }
    if (filter.since !== undefined) {
      conds.push('v.created_at >= @since');
      params.since = BigInt(filter.since);
    }
    if (filter.until !== undefined) {
      conds.push('v.created_at <= @until');
      params.until = BigInt(filter.until);
    }
    const tagged = (filter.tags?.length ?? 0) > 0;
    params.k = tagged ? MAX_KNN : limit;
    const tagCond = tagged ? `AND ${this.tagSql('m')}` : '';
    if (tagged) params.tags = JSON.stringify(filter.tags);
    return this.db
      .prepare(
        `SELECT m.id AS id, 1 - v.distance AS score FROM ${this.s}.vec v JOIN ${this.s}.mem m ON m.rowid = v.rowid
         WHERE ${conds.join(' AND ')} ${tagCond} ORDER BY v.distance LIMIT @limit`,
      )
      .all({ ...params, limit }) as Ranked[];
  }

  private tagSql(alias: string): string {
    return `(SELECT count(DISTINCT t.tag) FROM ${this.s}.mem_tags t WHERE t.rowid = ${alias}.rowid
             AND t.tag IN (SELECT value FROM json_each(@tags))) = json_array_length(@tags)`;
  }

  private filterSql(filter: IndexFilter, a: string): { where: string; params: Record<string, unknown> } {
    const conds = [`${a}.space_id IN (SELECT value FROM json_each(@spaces))`, `${a}.state IN (SELECT value FROM json_each(@states))`];
    const params: Record<string, unknown> = { spaces: JSON.stringify(filter.spaceIds), states: JSON.stringify(filter.states) };
    if (filter.kinds?.length) {
      conds.push(`${a}.kind IN (SELECT value FROM json_each(@kinds))`);
      params.kinds = JSON.stringify(filter.kinds);
    }
    if (filter.tags?.length) {
      conds.push(this.tagSql(a));
      params.tags = JSON.stringify(filter.tags);
    }
    if (filter.source !== undefined) {
      conds.push(`${a}.source = @source`);
      params.source = filter.source;
    }
    if (filter.since !== undefined) {
      conds.push(`${a}.created_at >= @since`);
      params.since = filter.since;
    }
    if (filter.until !== undefined) {
      conds.push(`${a}.created_at <= @until`);
      params.until = filter.until;
    }
    return { where: conds.join(' AND '), params };
  }
}

function fromRow(r: IndexRow): StoredMemory {
  return {
    id: r.id,
    spaceId: r.space_id,
    kind: r.kind,
    state: r.state,
    content: r.content,
    tags: JSON.parse(r.tags) as string[],
    metadata: r.metadata,
    source: r.source,
    importance: r.importance,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    validFrom: r.valid_from,
    validUntil: r.valid_until,
    version: r.version,
    normalized: r.normalized,
  };
}

interface IndexRow {
  rowid: number;
  id: string;
  space_id: string;
  kind: string;
  state: string;
  content: string;
  tags: string;
  metadata: string;
  source: string;
  importance: number;
  created_at: number;
  updated_at: number;
  valid_from: number | null;
  valid_until: number | null;
  version: number;
  normalized: string;
}
