import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { addMemoriesSchema, addMemorySchema, type AddMemoriesResult, listMemoriesSchema, memoryIdPrefixSchema, memoryIdSchema, memoryIdsSchema, searchSchema, updateMemorySchema, type Memory, type MemoryVersion, type Page, type SearchHit, type MemoryState, type UpdateResult } from '../contract/memory.js';
import type { IndexFilter, StoredMemory } from '../store/plain-index.js';
import { VaultError, forbidden, notFound } from './errors.js';
import { actorMay } from './policy.js';
import type { Session } from './session.js';
import { sealRecord, type PlainFields, type RecordPlace } from './records.js';
import { parseVector } from './vectors.js';
import { trigramSimilarityTo } from '../store/near-duplicates.js';
import { ftsQuery, normalizeForDuplicates, reciprocalRankFusion } from './text.js';
import { parse } from './validate.js';
import { type VersionRow, type CurrentRow, iso, ms, decrypted, dedupe, encodeCursor, decodeCursor } from './rows.js';
import type { VaultContext } from './vault-context.js';

/** Thresholds for a near-duplicate: embedding cosine similarity and character-trigram overlap. */
const NEAR_DUPLICATE_SIMILARITY = 0.9;
const NEAR_DUPLICATE_TRIGRAMS = 0.85;
/**
 * Hybrid search fuses this many candidates per wanted result from each ranking, at least
 * MIN_VECTOR_CANDIDATES and MIN_KEYWORD_CANDIDATES. A keyword hit missing from the vector candidates gets no vector share at all,
 * so a deep vector list lets the lightly weighted embedder reorder the keyword list rather than
 * only lift its own top few. LoCoMo dev (`npm run bench:quality`), hybrid recall@5 / recall@10 /
 * MRR@10 at 50, 100, 200, 300 candidates: 0.670 / 0.773 / 0.521, 0.684 / 0.774 / 0.529,
 * 0.685 / 0.774 / 0.535, 0.684 / 0.772 / 0.535 (with the speakers still in the context, 50:
 * 0.668 / 0.768 / 0.514, 200: 0.677 / 0.772 / 0.528). The keyword pool's depth changes nothing
 * there, so it stays at 50 (each keyword candidate costs a BM25 rank); the vector scan is exact
 * whatever the depth, only its kept top grows.
 */
const CANDIDATES_PER_RESULT = 4;
const MIN_VECTOR_CANDIDATES = 200;
const MIN_KEYWORD_CANDIDATES = 50;
/**
 * The offline model is weak alone, so its ranks count 0.15 of the keyword ranks in hybrid
 * fusion. LoCoMo dev, turn recall@10. Bare turns (the old bench:locomo): keyword 0.613, vector
 * 0.409, hybrid at weight 1: 0.570, 0.5: 0.603, 0.25: 0.629, 0.15: 0.628. Turns with context
 * and the session date (`npm run bench:quality`): keyword 0.760, hybrid at 0.25: 0.764,
 * 0.15: 0.768, 0.1: 0.768. With the static model (vector 0.434 where USE-lite had 0.402):
 * hybrid at 0.15: 0.764 (USE-lite 0.770 in the same run), 0.25: 0.773 with recall@5 0.649
 * against 0.668.
 */
const HYBRID_VECTOR_WEIGHT = 0.15;
/** Texts embedded per call during a bulk add, and how often its store phase reports progress. */
const EMBED_BATCH = 64;
const STORE_PROGRESS_EVERY = 1000;
/** Placeholder until a bulk add's embeddings arrive; never stored. */
const EMPTY_VECTOR = new Float32Array(0);

type ParsedAddMemory = z.output<typeof addMemorySchema>;

/** One new row of `memory_versions`, before sealing. */
interface NewVersion {
  kind: string;
  state: MemoryState;
  importance: number;
  validFrom: number | null;
  validUntil: number | null;
  change: MemoryVersion['change'];
  model: string | null;
  fields: PlainFields;
  /** Who changed it and when, where that is not this session now (a version from a backup). */
  changedAt?: number;
  changedBy?: string;
}
export type ImportedVersion = NewVersion & { changedAt: number; changedBy: string };

/** Remembering, reading, searching, changing and forgetting memories. */
export class MemoryOps {
  constructor(private readonly ctx: VaultContext) {}

  async addMemory(session: Session, raw: unknown): Promise<Memory> {
    this.ctx.authorize(session, 'addMemory', []);
    const input = parse(addMemorySchema, raw);
    const spaceId = this.ctx.spaceIdFor(session, input.space);
    const vector = input.vector ? this.checkVector(input.vector) : (await this.ctx.embedder.embed([input.content]))[0]!;
    const model = input.vector ? `caller:${this.ctx.embedder.modelId}` : this.ctx.embedder.modelId;
    return this.ctx.act(session, 'addMemory', (trail) => {
      this.ctx.syncIndex(session);
      // The duplicate check answers "something like this exists": only for callers who may read.
      if (!input.force && actorMay(session.actor, 'memory.read')) {
        const existing = this.findDuplicate(spaceId, normalizeForDuplicates(input.content), vector);
        if (existing)
          throw new VaultError('duplicate', 'an identical or near-identical memory is already stored in this space (use force to store it anyway)', {
            details: { existingId: existing },
          });
      }
      const stored = this.create(session, spaceId, input, vector, model, this.ctx.bumpChangeSeq());
      trail.targets.push(stored.id, spaceId);
      trail.details.kind = input.kind;
      return this.ctx.toMemory(stored);
    });
  }

  /**
   * Many memories in one transaction: every one is stored, or none (a failure rolls all back).
   * Embeddings are computed first, in batches, outside the transaction; `onProgress` hears of
   * both phases. Callers who may read get near-duplicates left out and listed, as `addMemory`
   * would refuse them; an exact repeat within the batch counts too.
   */
  async addMemories(session: Session, raw: unknown, onProgress: (phase: 'embed' | 'store', done: number, total: number) => void = () => {}): Promise<AddMemoriesResult> {
    this.ctx.authorize(session, 'addMemories', []);
    const { memories } = parse(addMemoriesSchema, raw);
    const spaceIds = memories.map((m) => this.ctx.spaceIdFor(session, m.space));
    const vectors: Float32Array[] = memories.map((m) => (m.vector ? this.checkVector(m.vector) : EMPTY_VECTOR));
    const toEmbed = memories.flatMap((m, i) => (m.vector ? [] : [i]));
    onProgress('embed', 0, toEmbed.length);
    for (let at = 0; at < toEmbed.length; at += EMBED_BATCH) {
      const batch = toEmbed.slice(at, at + EMBED_BATCH);
      const embedded = await this.ctx.embedder.embed(batch.map((i) => memories[i]!.content));
      batch.forEach((i, j) => (vectors[i] = embedded[j]!));
      onProgress('embed', Math.min(at + EMBED_BATCH, toEmbed.length), toEmbed.length);
    }
    return this.ctx.act(session, 'addMemories', (trail) => {
      this.ctx.syncIndex(session);
      const checks = actorMay(session.actor, 'memory.read');
      // The whole batch commits at once, so its rows share one change sequence.
      const seq = this.ctx.bumpChangeSeq();
      const inBatch = new Map<string, string>();
      // Stored rows whose duplicate key is not computed yet: only a later checked row needs them.
      const unkeyed: { spaceId: string; content: string; id: string }[] = [];
      const batchKey = (spaceId: string, normalized: string): string => `${spaceId}\n${normalized}`;
      const ids: (string | null)[] = [];
      const duplicates: { index: number; existingId: string }[] = [];
      memories.forEach((m, i) => {
        const spaceId = spaceIds[i]!;
        let normalized: string | null = null;
        if (!m.force && checks) {
          for (const u of unkeyed.splice(0)) inBatch.set(batchKey(u.spaceId, normalizeForDuplicates(u.content)), u.id);
          normalized = normalizeForDuplicates(m.content);
          const existing = inBatch.get(batchKey(spaceId, normalized)) ?? this.findDuplicate(spaceId, normalized, vectors[i]!);
          if (existing) {
            ids.push(null);
            duplicates.push({ index: i, existingId: existing });
            return;
          }
        }
        const stored = this.create(session, spaceId, m, vectors[i]!, m.vector ? `caller:${this.ctx.embedder.modelId}` : this.ctx.embedder.modelId, seq);
        if (normalized === null) unkeyed.push({ spaceId, content: m.content, id: stored.id });
        else inBatch.set(batchKey(spaceId, normalized), stored.id);
        ids.push(stored.id);
        if ((i + 1) % STORE_PROGRESS_EVERY === 0) onProgress('store', i + 1, memories.length);
      });
      const added = ids.length - duplicates.length;
      this.ctx.chargeWrites(session, added);
      onProgress('store', memories.length, memories.length);
      trail.targets.push(...new Set(spaceIds));
      trail.details = { count: memories.length, added, duplicates: duplicates.length };
      return { added, ids, duplicates: checks ? duplicates : [] };
    });
  }

  /** Inserts a new memory at version 1, inside the caller's transaction. */
  private create(session: Session, spaceId: string, input: ParsedAddMemory, vector: Float32Array, model: string, seq: number): StoredMemory {
    const id = randomUUID();
    const now = this.ctx.clock();
    this.ctx.db.prepare('INSERT INTO memories (id, space_id, version, created_at, change_seq) VALUES (?, ?, 1, ?, ?)').run(id, spaceId, now, seq);
    return this.insertVersion(session, { vaultId: this.ctx.vaultId, spaceId, memoryId: id, version: 1 }, now, {
      kind: input.kind,
      state: 'active',
      importance: input.importance,
      validFrom: ms(input.validFrom),
      validUntil: ms(input.validUntil),
      change: 'create',
      model,
      fields: { content: input.content, context: input.context, tags: dedupe(input.tags), metadata: JSON.stringify(input.metadata), source: session.label, embedding: vector },
    });
  }

  getMemory(session: Session, id: unknown): Memory {
    return this.ctx.observe(session, 'getMemory', (trail) => {
      const memoryId = parse(memoryIdSchema, id);
      trail.targets.push(memoryId);
      const row = this.currentRow(session, memoryId);
      // A tombstone is gone for readers; its versions stay reachable through memoryHistory.
      if (row.state === 'deleted') throw notFound('memory');
      return this.memoryFromDisk(session, row);
    });
  }

  listMemories(session: Session, raw: unknown = {}): Page<Memory> {
    return this.ctx.observe(session, 'listMemories', (trail) => {
      const input = parse(listMemoriesSchema, raw);
      this.ctx.syncIndex(session);
      const after = input.cursor ? decodeCursor(input.cursor) : null;
      const rows = this.ctx.index.list(this.resolveFilter(session, input), input.limit + 1, after);
      const page = rows.slice(0, input.limit);
      const last = page.at(-1);
      trail.details.count = page.length;
      return {
        items: page.map((m) => this.ctx.toMemory(m)),
        nextCursor: rows.length > input.limit && last ? encodeCursor(last.createdAt, last.id) : null,
      };
    });
  }

  async searchMemories(session: Session, raw: unknown): Promise<SearchHit[]> {
    this.ctx.authorize(session, 'searchMemories', []);
    const input = parse(searchSchema, raw);
    // A vector is checked even where keyword mode leaves it unused: the API document states one rule for it.
    const given = input.vector ? this.checkVector(input.vector) : null;
    let queryVector: Float32Array | null = null;
    if (input.mode !== 'keyword') queryVector = given ?? (input.text !== undefined ? (await this.ctx.embedder.embed([input.text]))[0]! : null);
    return this.ctx.observe(session, 'searchMemories', (trail) => {
      this.ctx.syncIndex(session);
      const filter = this.resolveFilter(session, input);
      const vectorPool = Math.max(input.k * CANDIDATES_PER_RESULT, MIN_VECTOR_CANDIDATES);
      const keywordPool = Math.max(input.k * CANDIDATES_PER_RESULT, MIN_KEYWORD_CANDIDATES);
      const vectorHits = queryVector ? this.ctx.index.vectorSearch(queryVector, filter, input.mode === 'vector' ? input.k : vectorPool) : [];
      const match = input.mode !== 'vector' && input.text !== undefined ? ftsQuery(input.text) : null;
      const keywordHits = match ? this.ctx.index.keywordSearch(match, filter, input.mode === 'keyword' ? input.k : keywordPool) : [];
      let ranked: { id: string; score: number; vectorRank: number | null; keywordRank: number | null }[];
      if (input.mode === 'vector') ranked = vectorHits.map((h, i) => ({ ...h, vectorRank: i + 1, keywordRank: null }));
      else if (input.mode === 'keyword') ranked = keywordHits.map((h, i) => ({ ...h, vectorRank: null, keywordRank: i + 1 }));
      else {
        ranked = [...reciprocalRankFusion([vectorHits, keywordHits], [HYBRID_VECTOR_WEIGHT, 1])]
          .map(([id, f]) => ({ id, score: f.score, vectorRank: f.ranks[0] ?? null, keywordRank: f.ranks[1] ?? null }))
          .sort((a, b) => b.score - a.score);
      }
      const top = ranked.slice(0, input.k);
      const rows = this.ctx.index.getMany(top.map((h) => h.id));
      trail.details = { mode: input.mode, k: input.k, results: top.length };
      return top.map((h) => ({ memory: this.ctx.toMemory(rows.get(h.id)!), score: h.score, vectorRank: h.vectorRank, keywordRank: h.keywordRank }));
    });
  }

  memoryHistory(session: Session, id: unknown): MemoryVersion[] {
    return this.ctx.observe(session, 'memoryHistory', (trail) => {
      const memoryId = parse(memoryIdSchema, id);
      trail.targets.push(memoryId);
      const head = this.currentRow(session, memoryId);
      // A forgotten memory and its history are for those who may restore or purge it.
      if (head.state === 'deleted' && !actorMay(session.actor, 'memory.deleted')) throw notFound('memory');
      const versions = this.ctx.db.prepare('SELECT * FROM memory_versions WHERE memory_id = ? ORDER BY version').all(memoryId) as VersionRow[];
      return versions.map((v) => {
        const f = this.ctx.openOrFail(session, head.space_id, v);
        return {
          kind: v.kind,
          content: f.content,
          context: f.context,
          tags: f.tags,
          metadata: JSON.parse(f.metadata) as Record<string, unknown>,
          source: f.source,
          validFrom: iso(v.valid_from),
          validUntil: iso(v.valid_until),
          importance: v.importance,
          state: v.state,
          version: v.version,
          changedBy: v.changed_by,
          changedAt: new Date(v.changed_at).toISOString(),
          change: v.change,
        };
      });
    });
  }

  /** A caller that may write but not read gets a receipt, never the merged memory. */
  async updateMemory(session: Session, raw: unknown): Promise<UpdateResult> {
    this.ctx.authorize(session, 'updateMemory', []);
    const input = parse(updateMemorySchema, raw);
    const before = this.ctx.read(session, () => this.currentRow(session, input.id));
    if (before.state === 'deleted') throw notFound('memory');
    let vector: Float32Array | null | undefined;
    if (input.vector) vector = this.checkVector(input.vector);
    else if (input.content !== undefined) vector = (await this.ctx.embedder.embed([input.content]))[0]!;
    return this.ctx.act(session, 'updateMemory', (trail) => {
      trail.targets.push(input.id, before.space_id);
      const cur = this.currentRow(session, input.id);
      if (input.expectedVersion !== undefined && cur.version !== input.expectedVersion)
        throw new VaultError('conflict', `the memory is at version ${cur.version}, not ${input.expectedVersion}; read it again before changing it`, {
          details: { currentVersion: cur.version },
        });
      if (cur.version !== before.version) throw new VaultError('conflict', 'the memory changed while this update was prepared; try again');
      const old = this.ctx.openOrFail(session, cur.space_id, cur);
      const state = input.state ?? (cur.state as 'active' | 'archived');
      const change = state === 'archived' && cur.state !== 'archived' ? 'archive' : 'update';
      const stored = this.writeNewVersion(session, cur, {
        kind: input.kind ?? cur.kind,
        state,
        importance: input.importance ?? cur.importance,
        validFrom: input.validFrom === undefined ? cur.valid_from : ms(input.validFrom),
        validUntil: input.validUntil === undefined ? cur.valid_until : ms(input.validUntil),
        change,
        model: vector === undefined ? cur.embed_model : input.vector ? `caller:${this.ctx.embedder.modelId}` : this.ctx.embedder.modelId,
        fields: {
          content: input.content ?? old.content,
          context: input.context ?? old.context,
          tags: input.tags ? dedupe(input.tags) : old.tags,
          metadata: input.metadata ? JSON.stringify(input.metadata) : old.metadata,
          source: old.source,
          embedding: vector === undefined ? old.embedding : vector,
        },
      });
      trail.details.change = change;
      const memory = this.ctx.toMemory(stored);
      if (actorMay(session.actor, 'memory.read')) return memory;
      return { id: memory.id, space: memory.space, version: memory.version, state: memory.state, updatedAt: memory.updatedAt };
    });
  }

  /** Tombstone: a new version in state `deleted`; history stays until `purgeMemory`. */
  deleteMemory(session: Session, id: unknown): void {
    this.ctx.act(session, 'deleteMemory', (trail) => {
      const memoryId = parse(memoryIdSchema, id);
      trail.targets.push(memoryId);
      this.tombstone(session, memoryId);
    });
  }

  /** Many memories archived or deleted in one transaction: all of them, or none (a missing one refuses the whole selection). */
  changeMemories(session: Session, op: 'archiveMemories' | 'deleteMemories', raw: unknown): { changed: number } {
    return this.ctx.act(session, op, (trail) => {
      const { ids } = parse(memoryIdsSchema, raw);
      const unique = [...new Set(ids)];
      trail.targets.push(...unique);
      let changed = 0;
      for (const memoryId of unique) {
        if (op === 'deleteMemories') this.tombstone(session, memoryId);
        else if (!this.archive(session, memoryId)) continue;
        changed++;
      }
      trail.details.count = changed;
      return { changed };
    });
  }

  private tombstone(session: Session, memoryId: string): void {
    this.changeState(session, memoryId, 'deleted');
  }

  /** False when the memory was archived already (no new version). */
  private archive(session: Session, memoryId: string): boolean {
    return this.changeState(session, memoryId, 'archived');
  }

  /** A new version that only changes the state; a tombstone drops the vector. False when the state is already that. */
  private changeState(session: Session, memoryId: string, state: 'archived' | 'deleted'): boolean {
    const cur = this.currentRow(session, memoryId);
    if (cur.state === 'deleted') throw notFound('memory');
    if (cur.state === state) return false;
    const old = this.ctx.openOrFail(session, cur.space_id, cur);
    const deleting = state === 'deleted';
    this.writeNewVersion(session, cur, {
      kind: cur.kind,
      state,
      importance: cur.importance,
      validFrom: cur.valid_from,
      validUntil: cur.valid_until,
      change: deleting ? 'delete' : 'archive',
      model: deleting ? null : cur.embed_model,
      fields: deleting ? { ...old, embedding: null } : old,
    });
    return true;
  }

  /** Removes every version, and the space's index snapshot, for good; secure_delete overwrites the freed pages. */
  purgeMemory(session: Session, id: unknown): void {
    this.ctx.act(session, 'purgeMemory', (trail) => {
      const memoryId = parse(memoryIdSchema, id);
      trail.targets.push(memoryId);
      const row = this.currentRow(session, memoryId);
      const seq = this.ctx.bumpChangeSeq();
      this.ctx.db.prepare('DELETE FROM memories WHERE id = ?').run(memoryId);
      this.ctx.db.prepare('INSERT OR REPLACE INTO purges (memory_id, change_seq) VALUES (?, ?)').run(memoryId, seq);
      // The space's snapshot holds the memory's plaintext (sealed): it goes too.
      this.ctx.snapshots.forget(row.space_id);
      this.ctx.stageIndex(row.space_id, { remove: memoryId });
    });
  }

  /**
   * Near-identical means: the same words, or an embedding this close and nearly the same
   * characters. Embeddings alone call "topic 14" and "topic 21" the same thing.
   */
  private findDuplicate(spaceId: string, normalized: string, vector: Float32Array): string | undefined {
    let similarity: ((key: string) => number) | undefined;
    const isNear = (key: string) => (similarity ??= trigramSimilarityTo(normalized))(key) >= NEAR_DUPLICATE_TRIGRAMS;
    return this.ctx.index.findByDuplicateKey(spaceId, normalized) ?? this.ctx.index.nearDuplicate(spaceId, normalized, vector, ['active', 'archived'], NEAR_DUPLICATE_SIMILARITY, isNear);
  }

  /**
   * New versions are always sealed under the space's current epoch. The index gets the
   * version from the plaintext in hand once the transaction commits; nothing is read back.
   */
  private insertVersion(session: Session, place: RecordPlace, createdAt: number, v: NewVersion): StoredMemory {
    const { epoch, key } = session.keys.current(place.spaceId);
    const changedAt = v.changedAt ?? this.ctx.clock();
    this.ctx.db
      .prepare(
        `INSERT INTO memory_versions (memory_id, version, kind, state, importance, valid_from, valid_until, changed_at,
           changed_by, change, embed_model, key_epoch, record)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(place.memoryId, place.version, v.kind, v.state, v.importance, v.validFrom, v.validUntil, changedAt, v.changedBy ?? session.label, v.change,
        v.fields.embedding ? v.model : null, epoch, sealRecord(key, place, v.fields));
    const stored: StoredMemory = {
      id: place.memoryId,
      spaceId: place.spaceId,
      kind: v.kind,
      state: v.state,
      content: v.fields.content,
      context: v.fields.context,
      tags: v.fields.tags,
      metadata: v.fields.metadata,
      source: v.fields.source,
      importance: v.importance,
      createdAt,
      updatedAt: changedAt,
      validFrom: v.validFrom,
      validUntil: v.validUntil,
      version: place.version,
    };
    this.ctx.stageIndex(place.spaceId, { upsert: { ...stored, vector: this.ctx.searchableVector(v.model, v.fields.embedding) } });
    return stored;
  }

  private writeNewVersion(session: Session, cur: CurrentRow, v: NewVersion): StoredMemory {
    const version = cur.version + 1;
    const stored = this.insertVersion(session, { vaultId: this.ctx.vaultId, spaceId: cur.space_id, memoryId: cur.memory_id, version }, cur.created_at, v);
    this.ctx.db.prepare('UPDATE memories SET version = ?, change_seq = ? WHERE id = ?').run(version, this.ctx.bumpChangeSeq(), cur.memory_id);
    return stored;
  }

  /**
   * Versions from a backup, inside the caller's transaction: a new memory (with its original
   * creation time) when `createdAt` is given, else appended after the memory's current version.
   */
  writeImported(session: Session, spaceId: string, memoryId: string, createdAt: number | null, versions: readonly ImportedVersion[]): void {
    let version = createdAt === null ? (this.ctx.db.prepare('SELECT version FROM memories WHERE id = ?').get(memoryId) as { version: number }).version : 0;
    const created = createdAt ?? (this.ctx.db.prepare('SELECT created_at FROM memories WHERE id = ?').get(memoryId) as { created_at: number }).created_at;
    if (createdAt !== null) this.ctx.db.prepare('INSERT INTO memories (id, space_id, version, created_at, change_seq) VALUES (?, ?, 0, ?, 0)').run(memoryId, spaceId, createdAt);
    for (const v of versions) this.insertVersion(session, { vaultId: this.ctx.vaultId, spaceId, memoryId, version: ++version }, created, v);
    this.ctx.db.prepare('UPDATE memories SET version = ?, change_seq = ? WHERE id = ?').run(version, this.ctx.bumpChangeSeq(), memoryId);
  }

  /** The current version of a memory in one of the session's spaces; any other id is simply not found. */
  /**
   * A memory id from a unique prefix of it, among the memories the caller could read (a prefix
   * never reveals an id in a space the caller does not hold). Ambiguous: the candidates, up to 5.
   */
  resolveMemoryId(session: Session, raw: unknown): string {
    return this.ctx.observe(session, 'resolveMemoryId', () => {
      const prefix = parse(memoryIdPrefixSchema, raw);
      // Only memories the caller could read are candidates, chosen in SQL before any limit:
      // ids in other spaces, and tombstones for roles that may not see them, stay invisible.
      const visible = (
        this.ctx.db
          .prepare(
            `SELECT m.id FROM memories m JOIN memory_versions v ON v.memory_id = m.id AND v.version = m.version
             WHERE m.id >= @p AND m.id < @p || char(127) AND m.space_id IN (SELECT value FROM json_each(@spaces)) AND (@deleted OR v.state != 'deleted')
             ORDER BY m.id LIMIT 6`,
          )
          .all({ p: prefix, spaces: JSON.stringify(session.keys.spaceIds()), deleted: actorMay(session.actor, 'memory.deleted') ? 1 : 0 }) as { id: unknown }[]
      ).map((r) => String(r.id));
      if (visible.includes(prefix)) return prefix;
      if (visible.length === 0) throw notFound('memory');
      if (visible.length > 1)
        throw new VaultError('conflict', `the prefix ${prefix} matches ${visible.length > 5 ? 'more than 5' : visible.length} memories: type more of the id (${visible.slice(0, 5).join(', ')}${visible.length > 5 ? ', …' : ''})`);
      return visible[0]!;
    });
  }

  private currentRow(session: Session, memoryId: string): CurrentRow {
    const row = this.ctx.db
      .prepare(
        `SELECT v.*, m.space_id, m.created_at, m.change_seq FROM memories m
         JOIN memory_versions v ON v.memory_id = m.id AND v.version = m.version WHERE m.id = ?`,
      )
      .get(memoryId) as CurrentRow | undefined;
    if (!row || !session.keys.has(row.space_id)) throw notFound('memory');
    return row;
  }

  private memoryFromDisk(session: Session, r: CurrentRow): Memory {
    return this.ctx.toMemory(decrypted(r, this.ctx.openOrFail(session, r.space_id, r)));
  }

  private checkVector(values: number[]): Float32Array {
    return parseVector(values, this.ctx.embedder.dimensions, this.ctx.embedder.modelId);
  }

  private resolveFilter(
    session: Session,
    f: { spaces?: string[]; kinds?: string[]; tags?: string[]; source?: string; since?: string; until?: string; states?: MemoryState[] },
  ): IndexFilter {
    if (f.states?.includes('deleted') && !actorMay(session.actor, 'memory.deleted')) throw forbidden('deleted memories are visible to the owner and admins only');
    const spaceIds = f.spaces ? f.spaces.map((name) => this.ctx.grantedSpaceId(session, name)) : session.keys.spaceIds();
    return {
      spaceIds,
      kinds: f.kinds,
      tags: f.tags ? dedupe(f.tags) : undefined,
      source: f.source,
      since: ms(f.since) ?? undefined,
      until: ms(f.until) ?? undefined,
      states: f.states ?? ['active'],
    };
  }
}
