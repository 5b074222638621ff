import { randomUUID } from 'node:crypto';
import { chmodSync, existsSync } from 'node:fs';
import type { Role } from '../contract/roles.js';
import {
  addMemorySchema,
  listMemoriesSchema,
  memoryIdSchema,
  searchSchema,
  spaceNameSchema,
  updateMemorySchema,
  type Memory,
  type MemoryVersion,
  type Page,
  type SearchHit,
  type MemoryState,
} from '../contract/memory.js';
import {
  addProfileSchema,
  auditQuerySchema,
  passwordSchema,
  profileNameSchema,
  roleSchema,
  type IndexStatus,
  type ProfileInfo,
  type SessionInfo,
  type SpaceInfo,
  type VaultStats,
} from '../contract/vault.js';
import { addAgentSchema, agentNameSchema, type AgentGrant, type AgentInfo, type AgentSelf, type AgentState, type IssuedAgent } from '../contract/agent.js';
import { agentTokenKeys, newAgentToken, parseAgentToken, verifierMatches } from '../crypto/agent-token.js';
import { loadSodium } from '../crypto/sodium.js';
import { deriveKey, newKdfParams, KDF_FLOOR, type KdfParams, type KdfPreset } from '../crypto/kdf.js';
import {
  formatRecoveryKey,
  keyFromRecoveryKey,
  newBoxKeyPair,
  newSigningKeyPair,
  newSymmetricKey,
  openSealed,
  parseRecoveryKey,
  sealToPublicKey,
  unwrapSecret,
  wrapSecret,
  type BoxKeyPair,
} from '../crypto/keys.js';
import { DecryptionError } from '../crypto/aead.js';
import { randomBytes } from '../crypto/random.js';
import { zeroize } from '../crypto/zeroize.js';
import { openDatabase, type Db } from '../store/database.js';
import { MemoryIndex, type IndexFilter, type StoredMemory } from '../store/memory-index.js';
import { appendAudit, listAudit, signCheckpoint, verifyChain, type AuditEntry, type AuditEvent, type Outcome, type VerifyReport } from '../audit/chain.js';
import type { AuditDetails } from '../audit/mask.js';
import type { Embedder } from '../embed/embedder.js';
import { defaultEmbedder } from '../embed/use-lite.js';
import { OPERATION_PERMISSION, WRITE_OPERATIONS, actorMay, mayGrant, mayManageAgent, mayManageProfile, roleMay, type Operation } from './policy.js';
import { VaultError, forbidden, invalid, notFound } from './errors.js';
import { Session, type AgentActor, type ProfileActor } from './session.js';
import { openFields, sealEmbedding, sealFields, type PlainFields, type RecordPlace, type SealedFields } from './records.js';
import { ftsQuery, normalizeForDuplicates, reciprocalRankFusion, trigramSimilarity } from './text.js';
import { parse } from './validate.js';

export interface VaultOptions {
  embedder?: Embedder;
  /** Epoch milliseconds; tests move time forward to exercise throttling. */
  clock?: () => number;
  /** Cost preset for profiles created through this instance. */
  kdf?: KdfPreset;
}

export interface CreateVaultOptions extends VaultOptions {
  ownerName: string;
  password: string;
}

export interface CreatedVault {
  service: VaultService;
  vaultId: string;
  recoveryKey: string;
}

interface ProfileRow {
  id: string;
  name: string;
  role: Role;
  kdf: string;
  public_key: Buffer;
  wrapped_secret: Buffer;
  recovery_wrapped: Buffer | null;
  failed_attempts: number;
  last_failed_at: number;
  created_at: number;
}

interface VersionRow {
  memory_id: string;
  version: number;
  kind: string;
  state: MemoryState;
  importance: number;
  valid_from: number | null;
  valid_until: number | null;
  changed_at: number;
  changed_by: string;
  change: MemoryVersion['change'];
  embed_model: string | null;
  content: Buffer;
  tags: Buffer;
  metadata: Buffer;
  source: Buffer;
  embedding: Buffer | null;
}

interface CurrentRow extends VersionRow {
  space_id: string;
  created_at: number;
  change_seq: number;
}

interface AgentRow {
  id: string;
  name: string;
  id_hash: Buffer;
  verifier: Buffer;
  grants: string;
  state: AgentState;
  created_by: string;
  created_at: number;
  expires_at: number | null;
  last_used_at: number | null;
  requests_per_minute: number;
  daily_writes: number;
  require_signing: number;
}

interface AuditTrail {
  targets: string[];
  details: AuditDetails;
}

const SIGNING_REF = 'signing';
const spaceRef = (spaceId: string): string => `space:${spaceId}`;
const DEFAULT_SPACE = 'default';
/** Thresholds for a near-duplicate: embedding cosine similarity and character-trigram overlap. */
const NEAR_DUPLICATE_SIMILARITY = 0.9;
const NEAR_DUPLICATE_TRIGRAMS = 0.85;
const DUPLICATE_CANDIDATES = 5;
const THROTTLE_AFTER = 3;
const THROTTLE_MAX_SECONDS = 300;
const CANDIDATES_PER_RESULT = 4;
const MIN_CANDIDATES = 50;
const REINDEX_BATCH = 32;
/**
 * The offline model is weak alone, so its ranks count a quarter of the keyword ranks in
 * hybrid fusion. LoCoMo dev, turn recall@10 (`npm run bench:locomo`): keyword 0.613,
 * vector 0.409, hybrid at weight 1: 0.570, 0.5: 0.603, 0.25: 0.629, 0.15: 0.628.
 */
const HYBRID_VECTOR_WEIGHT = 0.25;

/** Error codes that mean "refused" rather than "went wrong" in the audit log. */
const REFUSALS: ReadonlySet<string> = new Set(['forbidden', 'throttled']);
const DAY_MS = 86_400_000;

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
const ms = (isoTime: string | null | undefined): number | null => (isoTime ? Date.parse(isoTime) : null);

/**
 * Every capability of Memvault is one method here. Each checks the caller's permission in the
 * policy table, validates input, does its work in one SQLite transaction and appends the audit
 * event in that same transaction. Front doors only translate to and from this class.
 */
export class VaultService {
  private readonly sessions = new Set<Session>();
  private readonly spaceNames = new Map<string, string>();
  /** Agent sessions by agent id, kept between requests while their token stays valid. */
  private readonly agentSessions = new Map<string, Session>();
  private nextSchema = 1;

  private constructor(
    private readonly db: Db,
    readonly vaultId: string,
    private readonly signingPublicKey: Uint8Array,
    private readonly embedder: Embedder,
    private readonly clock: () => number,
    private readonly kdfPreset: KdfPreset,
  ) {}

  // ---------------------------------------------------------------- lifecycle

  static async create(path: string, options: CreateVaultOptions): Promise<CreatedVault> {
    await loadSodium();
    const ownerName = parse(profileNameSchema, options.ownerName);
    const password = parse(passwordSchema, options.password);
    if (existsSync(path)) throw new VaultError('conflict', 'a vault already exists at that path');
    const embedder = options.embedder ?? defaultEmbedder();
    const clock = options.clock ?? Date.now;
    const preset = options.kdf ?? 'calibrate';
    const params = await newKdfParams(preset);
    const kek = await deriveKey(password, params);

    const db = openDatabase(path, { create: true });
    chmodSync(path, 0o600);
    const vaultId = randomUUID();
    const ownerId = randomUUID();
    const owner = newBoxKeyPair();
    const signing = newSigningKeyPair();
    const recovery = randomBytes(32);
    const recoveryKey = keyFromRecoveryKey(recovery);
    const spaceId = randomUUID();
    const spaceKey = newSymmetricKey();
    const now = clock();
    try {
      db.transaction(() => {
        const meta = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)');
        meta.run('vault_id', vaultId);
        meta.run('signing_public_key', signing.publicKey);
        meta.run('embed_model', embedder.modelId);
        meta.run('embed_dims', embedder.dimensions);
        meta.run('change_seq', 0);
        meta.run('default_space', spaceId);
        db.prepare(
          `INSERT INTO profiles (id, name, role, kdf, public_key, wrapped_secret, recovery_wrapped, created_at, updated_at)
           VALUES (?, ?, 'owner', ?, ?, ?, ?, ?, ?)`,
        ).run(
          ownerId,
          ownerName,
          JSON.stringify(params),
          owner.publicKey,
          wrapSecret(kek, owner.secretKey, 'profile', vaultId, ownerId),
          wrapSecret(recoveryKey, owner.secretKey, 'recovery', vaultId, ownerId),
          now,
          now,
        );
        db.prepare('INSERT INTO spaces (id, name, created_at) VALUES (?, ?, ?)').run(spaceId, DEFAULT_SPACE, now);
        const seal = db.prepare('INSERT INTO sealed_keys (key_ref, profile_id, sealed) VALUES (?, ?, ?)');
        seal.run(spaceRef(spaceId), ownerId, sealToPublicKey(owner.publicKey, spaceKey));
        seal.run(SIGNING_REF, ownerId, sealToPublicKey(owner.publicKey, signing.secretKey));
        appendAudit(db, { actorType: 'profile', actorId: ownerName, action: 'createVault', targets: [vaultId], outcome: 'ok' }, now);
        appendAudit(db, { actorType: 'profile', actorId: ownerName, action: 'createSpace', targets: [spaceId], outcome: 'ok', details: { space: DEFAULT_SPACE } }, now);
        signCheckpoint(db, vaultId, signing.secretKey, now, true);
      })();
    } catch (err) {
      db.close();
      throw err;
    } finally {
      zeroize(kek, owner.secretKey, signing.secretKey, recoveryKey, spaceKey);
    }
    const service = new VaultService(db, vaultId, signing.publicKey, embedder, clock, preset);
    const text = formatRecoveryKey(recovery);
    zeroize(recovery);
    return { service, vaultId, recoveryKey: text };
  }

  static async open(path: string, options: VaultOptions = {}): Promise<VaultService> {
    await loadSodium();
    if (!existsSync(path)) throw new VaultError('not_found', 'no vault at that path (run `memvault init` first)');
    let db: Db;
    try {
      db = openDatabase(path, { create: false });
    } catch {
      throw new VaultError('integrity', 'the file is not a readable Memvault vault');
    }
    const vaultId = readMeta(db, 'vault_id');
    const signingPublicKey = readMeta(db, 'signing_public_key');
    if (typeof vaultId !== 'string' || !(signingPublicKey instanceof Uint8Array)) {
      db.close();
      throw new VaultError('integrity', 'the file is not a complete Memvault vault');
    }
    const embedder = options.embedder ?? defaultEmbedder();
    const service = new VaultService(db, vaultId, new Uint8Array(signingPublicKey), embedder, options.clock ?? Date.now, options.kdf ?? 'calibrate');
    service.adoptEmbedder();
    return service;
  }

  /** Locks every session and closes the file. */
  close(): void {
    for (const s of [...this.sessions]) this.lock(s);
    this.db.close();
  }

  /** A new embedding model is recorded once; stored vectors of the old one become stale until `reindex`. */
  private adoptEmbedder(): void {
    const current = this.metaValue('embed_model');
    if (current === this.embedder.modelId) return;
    this.db.transaction(() => {
      this.setMeta('embed_model', this.embedder.modelId);
      this.setMeta('embed_dims', this.embedder.dimensions);
      appendAudit(
        this.db,
        { actorType: 'system', actorId: 'memvault', action: 'changeEmbedder', targets: [], outcome: 'ok', details: { from: String(current), to: this.embedder.modelId } },
        this.clock(),
      );
    }).immediate();
  }

  // ---------------------------------------------------------------- unlock, lock, recovery

  async unlock(profileName: string, password: string): Promise<Session> {
    const name = typeof profileName === 'string' ? profileName : '';
    const row = profileNameSchema.safeParse(name).success ? this.profileByName(name) : undefined;
    this.refuseIfThrottled(row, 'unlock');
    const params: KdfParams = row ? (JSON.parse(row.kdf) as KdfParams) : { algorithm: 'argon2id', ...KDF_FLOOR, salt: 'AAAAAAAAAAAAAAAAAAAAAA==' };
    // A missing profile costs the same KDF run as a wrong password, so timing does not tell them apart.
    const kek = await deriveKey(typeof password === 'string' ? password : '', params);
    let secretKey: Uint8Array | undefined;
    try {
      if (row) secretKey = unwrapSecret(kek, row.wrapped_secret, 'profile', this.vaultId, row.id);
    } catch (err) {
      if (!(err instanceof DecryptionError)) throw err;
    } finally {
      zeroize(kek);
    }
    if (!row || !secretKey) {
      this.recordFailedAttempt(row, 'unlock', name);
      throw new VaultError('auth_failed', 'wrong profile name or password');
    }
    return this.startSession(row, { publicKey: new Uint8Array(row.public_key), secretKey });
  }

  lock(session: Session): void {
    if (session.locked) return;
    this.db.transaction(() => {
      this.audit(session, 'lock', { targets: [], details: {} }, 'ok');
      if (session.signingKey) signCheckpoint(this.db, this.vaultId, session.signingKey, this.clock(), true);
    }).immediate();
    session.wipe();
    this.sessions.delete(session);
  }

  /** Resets the owner's password with the recovery key shown at vault creation. */
  async recoverOwner(recoveryKeyText: string, newPassword: string): Promise<void> {
    const password = parse(passwordSchema, newPassword);
    const owner = this.db.prepare("SELECT * FROM profiles WHERE role = 'owner'").get() as ProfileRow;
    this.refuseIfThrottled(owner, 'recoverOwner');
    const raw = parseRecoveryKey(recoveryKeyText);
    let secretKey: Uint8Array | undefined;
    if (raw && owner.recovery_wrapped) {
      const key = keyFromRecoveryKey(raw);
      try {
        secretKey = unwrapSecret(key, owner.recovery_wrapped, 'recovery', this.vaultId, owner.id);
      } catch (err) {
        if (!(err instanceof DecryptionError)) throw err;
      } finally {
        zeroize(key, raw);
      }
    }
    if (!secretKey) {
      this.recordFailedAttempt(owner, 'recoverOwner', owner.name);
      throw new VaultError('auth_failed', 'the recovery key is not valid for this vault');
    }
    try {
      const { kdf, wrapped } = await this.wrapUnderPassword(owner.id, secretKey, password);
      this.db.transaction(() => {
        this.db
          .prepare('UPDATE profiles SET kdf = ?, wrapped_secret = ?, failed_attempts = 0, updated_at = ? WHERE id = ?')
          .run(kdf, wrapped, this.clock(), owner.id);
        this.appendEvent({ actorType: 'profile', actorId: owner.name, action: 'recoverOwner', targets: [owner.id], outcome: 'ok' });
      }).immediate();
    } finally {
      zeroize(secretKey);
    }
  }

  /** The profile a front door unlocks when none is named. Names are not secret. */
  ownerName(): string {
    return (this.db.prepare("SELECT name FROM profiles WHERE role = 'owner'").get() as { name: string }).name;
  }

  whoami(session: Session): SessionInfo {
    this.assertUnlocked(session);
    const { actor } = profileOf(session);
    return { profile: actor.name, role: actor.role, spaces: this.grantedSpaceNames(session) };
  }

  private startSession(row: ProfileRow, keyPair: BoxKeyPair): Session {
    const spaceKeys = new Map<string, Uint8Array>();
    let signingKey: Uint8Array | null = null;
    const sealed = this.db.prepare('SELECT key_ref, sealed FROM sealed_keys WHERE profile_id = ?').all(row.id) as { key_ref: string; sealed: Buffer }[];
    for (const { key_ref, sealed: box } of sealed) {
      let key: Uint8Array;
      try {
        key = openSealed(keyPair, box);
      } catch {
        throw new VaultError('integrity', 'a key sealed to this profile could not be opened');
      }
      if (key_ref === SIGNING_REF) signingKey = key;
      else if (key_ref.startsWith('space:')) spaceKeys.set(key_ref.slice('space:'.length), key);
    }
    const index = new MemoryIndex(this.db, `idx_${this.nextSchema++}`, this.embedder.dimensions);
    const session = new Session({ type: 'profile', id: row.id, name: row.name, role: row.role }, keyPair, spaceKeys, signingKey, index);
    this.sessions.add(session);
    this.db.transaction(() => {
      this.db.prepare('UPDATE profiles SET failed_attempts = 0 WHERE id = ?').run(row.id);
      this.syncIndex(session);
      this.audit(session, 'unlock', { targets: [row.id], details: {} }, 'ok');
      if (signingKey) signCheckpoint(this.db, this.vaultId, signingKey, this.clock(), true);
    }).immediate();
    return session;
  }

  /** Calibrated KDF parameters for a new password and the profile secret wrapped under the derived key. */
  private async wrapUnderPassword(profileId: string, secretKey: Uint8Array, password: string): Promise<{ kdf: string; wrapped: Uint8Array }> {
    const params = await newKdfParams(this.kdfPreset);
    const kek = await deriveKey(password, params);
    try {
      return { kdf: JSON.stringify(params), wrapped: wrapSecret(kek, secretKey, 'profile', this.vaultId, profileId) };
    } finally {
      zeroize(kek);
    }
  }

  /** After THROTTLE_AFTER failures each further attempt waits twice as long as the one before. */
  private refuseIfThrottled(row: ProfileRow | undefined, action: string): void {
    if (!row || row.failed_attempts < THROTTLE_AFTER) return;
    const waitSeconds = Math.min(2 ** (row.failed_attempts - THROTTLE_AFTER), THROTTLE_MAX_SECONDS);
    const remaining = row.last_failed_at + waitSeconds * 1000 - this.clock();
    if (remaining <= 0) return;
    this.db.transaction(() =>
      this.appendEvent({ actorType: 'anonymous', actorId: row.name, action, targets: [row.id], outcome: 'denied', details: { reason: 'throttled' } }),
    ).immediate();
    throw new VaultError('throttled', 'too many failed attempts; wait before trying again', { retryAfterSeconds: Math.ceil(remaining / 1000) });
  }

  private recordFailedAttempt(row: ProfileRow | undefined, action: string, attemptedName: string): void {
    this.db.transaction(() => {
      if (row) this.db.prepare('UPDATE profiles SET failed_attempts = failed_attempts + 1, last_failed_at = ? WHERE id = ?').run(this.clock(), row.id);
      this.appendEvent({
        actorType: 'anonymous',
        actorId: attemptedName.slice(0, 64),
        action,
        targets: row ? [row.id] : [],
        outcome: 'failed',
        details: { reason: 'bad credentials' },
      });
    }).immediate();
  }

  // ---------------------------------------------------------------- memories

  async addMemory(session: Session, raw: unknown): Promise<Memory> {
    this.authorize(session, 'addMemory', []);
    const input = parse(addMemorySchema, raw);
    const spaceId = this.spaceIdFor(session, input.space);
    const vector = input.vector ? this.checkVector(input.vector) : (await this.embedder.embed([input.content]))[0]!;
    const model = input.vector ? `caller:${this.embedder.modelId}` : this.embedder.modelId;
    return this.act(session, 'addMemory', (trail) => {
      this.syncIndex(session);
      if (!input.force) this.refuseDuplicate(session, spaceId, input.content, vector);
      const id = randomUUID();
      const now = this.clock();
      const seq = this.bumpChangeSeq();
      this.db.prepare('INSERT INTO memories (id, space_id, version, created_at, change_seq) VALUES (?, ?, 1, ?, ?)').run(id, spaceId, now, seq);
      this.insertVersion(session, { vaultId: this.vaultId, spaceId, memoryId: id, version: 1 }, {
        kind: input.kind,
        state: 'active',
        importance: input.importance,
        validFrom: ms(input.validFrom),
        validUntil: ms(input.validUntil),
        change: 'create',
        model,
        fields: { content: input.content, tags: dedupe(input.tags), metadata: JSON.stringify(input.metadata), source: session.label, embedding: vector },
      });
      this.syncIndex(session);
      trail.targets.push(id, spaceId);
      trail.details.kind = input.kind;
      return this.memoryFromIndex(session, id);
    });
  }

  getMemory(session: Session, id: unknown): Memory {
    return this.act(session, 'getMemory', (trail) => {
      const memoryId = parse(memoryIdSchema, id);
      trail.targets.push(memoryId);
      const row = this.currentRow(session, memoryId);
      // A tombstone is gone for readers; its versions stay reachable through memoryHistory.
      if (row.state === 'deleted') throw notFound('memory');
      return this.memoryFromDisk(session, row);
    });
  }

  listMemories(session: Session, raw: unknown = {}): Page<Memory> {
    return this.act(session, 'listMemories', (trail) => {
      const input = parse(listMemoriesSchema, raw);
      this.syncIndex(session);
      const after = input.cursor ? decodeCursor(input.cursor) : null;
      const rows = session.index.list(this.resolveFilter(session, input), input.limit + 1, after);
      const page = rows.slice(0, input.limit);
      const last = page.at(-1);
      trail.details.count = page.length;
      return {
        items: page.map((m) => this.toMemory(m)),
        nextCursor: rows.length > input.limit && last ? encodeCursor(last.createdAt, last.id) : null,
      };
    });
  }

  async searchMemories(session: Session, raw: unknown): Promise<SearchHit[]> {
    this.authorize(session, 'searchMemories', []);
    const input = parse(searchSchema, raw);
    let queryVector: Float32Array | null = null;
    if (input.mode !== 'keyword') {
      if (input.vector) queryVector = this.checkVector(input.vector);
      else if (input.text !== undefined) queryVector = (await this.embedder.embed([input.text]))[0]!;
    }
    return this.act(session, 'searchMemories', (trail) => {
      this.syncIndex(session);
      const filter = this.resolveFilter(session, input);
      const pool = Math.max(input.k * CANDIDATES_PER_RESULT, MIN_CANDIDATES);
      const vectorHits = queryVector ? session.index.vectorSearch(queryVector, filter, input.mode === 'vector' ? input.k : pool) : [];
      const match = input.mode !== 'vector' && input.text !== undefined ? ftsQuery(input.text) : null;
      const keywordHits = match ? session.index.keywordSearch(match, filter, input.mode === 'keyword' ? input.k : pool) : [];
      let ranked: { id: string; score: number; vectorRank: number | null; keywordRank: number | null }[];
      if (input.mode === 'vector') ranked = vectorHits.map((h, i) => ({ ...h, vectorRank: i + 1, keywordRank: null }));
      else if (input.mode === 'keyword') ranked = keywordHits.map((h, i) => ({ ...h, vectorRank: null, keywordRank: i + 1 }));
      else {
        ranked = [...reciprocalRankFusion([vectorHits, keywordHits], [HYBRID_VECTOR_WEIGHT, 1])]
          .map(([id, f]) => ({ id, score: f.score, vectorRank: f.ranks[0] ?? null, keywordRank: f.ranks[1] ?? null }))
          .sort((a, b) => b.score - a.score);
      }
      const top = ranked.slice(0, input.k);
      const rows = session.index.getMany(top.map((h) => h.id));
      trail.details = { mode: input.mode, k: input.k, results: top.length };
      return top.map((h) => ({ memory: this.toMemory(rows.get(h.id)!), score: h.score, vectorRank: h.vectorRank, keywordRank: h.keywordRank }));
    });
  }

  memoryHistory(session: Session, id: unknown): MemoryVersion[] {
    return this.act(session, 'memoryHistory', (trail) => {
      const memoryId = parse(memoryIdSchema, id);
      trail.targets.push(memoryId);
      const head = this.currentRow(session, memoryId);
      const key = session.spaceKeys.get(head.space_id)!;
      const versions = this.db.prepare('SELECT * FROM memory_versions WHERE memory_id = ? ORDER BY version').all(memoryId) as VersionRow[];
      return versions.map((v) => {
        const f = this.openOrFail(key, { vaultId: this.vaultId, spaceId: head.space_id, memoryId, version: v.version }, v);
        return {
          kind: v.kind,
          content: f.content,
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

  async updateMemory(session: Session, raw: unknown): Promise<Memory> {
    this.authorize(session, 'updateMemory', []);
    const input = parse(updateMemorySchema, raw);
    const before = this.read(session, () => this.currentRow(session, input.id));
    if (before.state === 'deleted') throw notFound('memory');
    let vector: Float32Array | null | undefined;
    if (input.vector) vector = this.checkVector(input.vector);
    else if (input.content !== undefined) vector = (await this.embedder.embed([input.content]))[0]!;
    return this.act(session, 'updateMemory', (trail) => {
      trail.targets.push(input.id, before.space_id);
      const cur = this.currentRow(session, input.id);
      if (cur.version !== before.version) throw new VaultError('conflict', 'the memory changed while this update was prepared; try again');
      const key = session.spaceKeys.get(cur.space_id)!;
      const place = { vaultId: this.vaultId, spaceId: cur.space_id, memoryId: cur.memory_id, version: cur.version };
      const old = this.openOrFail(key, place, cur);
      const state = input.state ?? (cur.state as 'active' | 'archived');
      const change = state === 'archived' && cur.state !== 'archived' ? 'archive' : 'update';
      this.writeNewVersion(session, cur, {
        kind: input.kind ?? cur.kind,
        state,
        importance: input.importance ?? cur.importance,
        validFrom: input.validFrom === undefined ? cur.valid_from : ms(input.validFrom),
        validUntil: input.validUntil === undefined ? cur.valid_until : ms(input.validUntil),
        change,
        model: vector === undefined ? cur.embed_model : input.vector ? `caller:${this.embedder.modelId}` : this.embedder.modelId,
        fields: {
          content: input.content ?? old.content,
          tags: input.tags ? dedupe(input.tags) : old.tags,
          metadata: input.metadata ? JSON.stringify(input.metadata) : old.metadata,
          source: old.source,
          embedding: vector === undefined ? old.embedding : vector,
        },
      });
      trail.details.change = change;
      return this.memoryFromIndex(session, cur.memory_id);
    });
  }

  /** Tombstone: a new version in state `deleted`; history stays until `purgeMemory`. */
  deleteMemory(session: Session, id: unknown): void {
    this.act(session, 'deleteMemory', (trail) => {
      const memoryId = parse(memoryIdSchema, id);
      trail.targets.push(memoryId);
      const cur = this.currentRow(session, memoryId);
      if (cur.state === 'deleted') throw notFound('memory');
      const key = session.spaceKeys.get(cur.space_id)!;
      const old = this.openOrFail(key, { vaultId: this.vaultId, spaceId: cur.space_id, memoryId, version: cur.version }, cur);
      this.writeNewVersion(session, cur, {
        kind: cur.kind,
        state: 'deleted',
        importance: cur.importance,
        validFrom: cur.valid_from,
        validUntil: cur.valid_until,
        change: 'delete',
        model: null,
        fields: { ...old, embedding: null },
      });
    });
  }

  /** Removes every version for good; secure_delete overwrites the freed pages. */
  purgeMemory(session: Session, id: unknown): void {
    this.act(session, 'purgeMemory', (trail) => {
      const memoryId = parse(memoryIdSchema, id);
      trail.targets.push(memoryId);
      this.currentRow(session, memoryId);
      const seq = this.bumpChangeSeq();
      this.db.prepare('DELETE FROM memories WHERE id = ?').run(memoryId);
      this.db.prepare('INSERT OR REPLACE INTO purges (memory_id, change_seq) VALUES (?, ?)').run(memoryId, seq);
      this.syncIndex(session);
    });
  }

  // ---------------------------------------------------------------- spaces

  createSpace(session: Session, name: unknown): SpaceInfo {
    return this.act(session, 'createSpace', (trail) => {
      const spaceName = parse(spaceNameSchema, name);
      if (this.spaceByName(spaceName)) throw new VaultError('conflict', 'a space with that name exists');
      const id = randomUUID();
      const key = newSymmetricKey();
      this.db.prepare('INSERT INTO spaces (id, name, created_at) VALUES (?, ?, ?)').run(id, spaceName, this.clock());
      // The owner holds every space so the vault never has a space nobody can manage.
      const owner = this.db.prepare("SELECT id, public_key FROM profiles WHERE role = 'owner'").get() as { id: string; public_key: Buffer };
      this.sealKeyTo(spaceRef(id), owner.id, owner.public_key, key);
      if (session.actor.id !== owner.id) this.sealKeyTo(spaceRef(id), session.actor.id, profileOf(session).keyPair.publicKey, key);
      session.spaceKeys.set(id, key);
      trail.targets.push(id);
      trail.details.space = spaceName;
      return this.spaceInfo(session, id);
    });
  }

  listSpaces(session: Session): SpaceInfo[] {
    return this.act(session, 'listSpaces', () => {
      const seeAll = actorMay(session.actor, 'space.manage') || actorMay(session.actor, 'audit.read');
      const ids = (this.db.prepare('SELECT id FROM spaces ORDER BY name').all() as { id: string }[]).map((r) => r.id);
      return ids.filter((id) => seeAll || session.spaceKeys.has(id)).map((id) => this.spaceInfo(session, id));
    });
  }

  grantSpace(session: Session, space: unknown, profile: unknown): void {
    this.act(session, 'grantSpace', (trail) => {
      const spaceId = this.requireSpace(parse(spaceNameSchema, space));
      const target = this.requireProfile(parse(profileNameSchema, profile));
      trail.targets.push(spaceId, target.id);
      const key = session.spaceKeys.get(spaceId);
      if (!key) throw forbidden('this profile does not hold that space key, so it cannot share it');
      if (!roleMay(target.role, 'memory.read')) throw invalid(`a profile with role ${target.role} never reads memories`);
      this.sealKeyTo(spaceRef(spaceId), target.id, target.public_key, key);
    });
  }

  revokeSpace(session: Session, space: unknown, profile: unknown): void {
    this.act(session, 'revokeSpace', (trail) => {
      const spaceId = this.requireSpace(parse(spaceNameSchema, space));
      const target = this.requireProfile(parse(profileNameSchema, profile));
      trail.targets.push(spaceId, target.id);
      if (target.role === 'owner') throw forbidden('the owner keeps every space');
      this.db.prepare('DELETE FROM sealed_keys WHERE key_ref = ? AND profile_id = ?').run(spaceRef(spaceId), target.id);
    });
  }

  // ---------------------------------------------------------------- profiles

  async addProfile(session: Session, raw: unknown): Promise<ProfileInfo> {
    this.authorize(session, 'addProfile', []);
    const input = parse(addProfileSchema, raw);
    if (!mayManageProfile(session.actor, null, input.role)) {
      this.denied(session, 'addProfile', [], { role: input.role });
      throw forbidden('that role cannot be given');
    }
    const kp = newBoxKeyPair();
    const id = randomUUID();
    try {
      const { kdf, wrapped } = await this.wrapUnderPassword(id, kp.secretKey, input.password);
      return this.act(session, 'addProfile', (trail) => {
        if (this.profileByName(input.name)) throw new VaultError('conflict', 'a profile with that name exists');
        const now = this.clock();
        this.db
          .prepare(
            `INSERT INTO profiles (id, name, role, kdf, public_key, wrapped_secret, created_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(id, input.name, input.role, kdf, kp.publicKey, wrapped, now, now);
        this.giveRoleKeys(session, id, kp.publicKey, input.role);
        for (const spaceName of input.spaces) {
          const spaceId = this.requireSpace(spaceName);
          const key = session.spaceKeys.get(spaceId);
          if (!key) throw forbidden('this profile does not hold that space key, so it cannot share it');
          if (!roleMay(input.role, 'memory.read')) throw invalid(`a profile with role ${input.role} never reads memories`);
          this.sealKeyTo(spaceRef(spaceId), id, kp.publicKey, key);
        }
        trail.targets.push(id);
        trail.details = { name: input.name, role: input.role };
        return this.profileInfo(this.profileById(id)!);
      });
    } finally {
      zeroize(kp.secretKey);
    }
  }

  listProfiles(session: Session): ProfileInfo[] {
    return this.act(session, 'listProfiles', () =>
      (this.db.prepare('SELECT * FROM profiles ORDER BY created_at, name').all() as ProfileRow[]).map((p) => this.profileInfo(p)),
    );
  }

  changeRole(session: Session, profile: unknown, role: unknown): ProfileInfo {
    return this.act(session, 'changeRole', (trail) => {
      const target = this.requireProfile(parse(profileNameSchema, profile));
      const newRole = parse(roleSchema, role);
      trail.targets.push(target.id);
      trail.details = { role: newRole };
      if (!mayManageProfile(session.actor, target.role, newRole)) throw forbidden('that role change is not allowed');
      this.db.prepare('UPDATE profiles SET role = ?, updated_at = ? WHERE id = ?').run(newRole, this.clock(), target.id);
      this.db.prepare('DELETE FROM sealed_keys WHERE key_ref = ? AND profile_id = ?').run(SIGNING_REF, target.id);
      if (!roleMay(newRole, 'memory.read')) this.db.prepare("DELETE FROM sealed_keys WHERE key_ref LIKE 'space:%' AND profile_id = ?").run(target.id);
      this.giveRoleKeys(session, target.id, target.public_key, newRole);
      return this.profileInfo(this.profileById(target.id)!);
    });
  }

  removeProfile(session: Session, profile: unknown): void {
    this.act(session, 'removeProfile', (trail) => {
      const target = this.requireProfile(parse(profileNameSchema, profile));
      trail.targets.push(target.id);
      trail.details.name = target.name;
      if (!mayManageProfile(session.actor, target.role, null)) throw forbidden('the owner cannot be removed');
      this.db.prepare('DELETE FROM profiles WHERE id = ?').run(target.id);
    });
  }

  /** Rewraps only this profile's key blob under the new password; no memory is rewritten. */
  async changePassword(session: Session, current: unknown, next: unknown): Promise<void> {
    this.authorize(session, 'changePassword', [session.actor.id]);
    const newPassword = parse(passwordSchema, next);
    const row = this.profileById(session.actor.id)!;
    const oldKek = await deriveKey(typeof current === 'string' ? current : '', JSON.parse(row.kdf) as KdfParams);
    let ok = false;
    try {
      zeroize(unwrapSecret(oldKek, row.wrapped_secret, 'profile', this.vaultId, row.id));
      ok = true;
    } catch (err) {
      if (!(err instanceof DecryptionError)) throw err;
    } finally {
      zeroize(oldKek);
    }
    if (!ok) {
      this.recordFailedAttempt(row, 'changePassword', row.name);
      throw new VaultError('auth_failed', 'the current password is wrong');
    }
    const { kdf, wrapped } = await this.wrapUnderPassword(row.id, profileOf(session).keyPair.secretKey, newPassword);
    this.act(session, 'changePassword', (trail) => {
      trail.targets.push(row.id);
      this.db.prepare('UPDATE profiles SET kdf = ?, wrapped_secret = ?, updated_at = ? WHERE id = ?').run(kdf, wrapped, this.clock(), row.id);
    });
  }

  // ---------------------------------------------------------------- agent credentials

  /** Issues a token for an agent; it is returned once and only its hashes are stored. */
  addAgent(session: Session, raw: unknown): IssuedAgent {
    return this.act(session, 'addAgent', (trail) => {
      const input = parse(addAgentSchema, raw);
      trail.details = { name: input.name, grants: input.grants.join(',') };
      const refused = input.grants.find((g) => !mayGrant(session.actor, g));
      if (refused) throw forbidden(`this profile cannot hand out ${refused} permission it does not hold`);
      if (this.agentByName(input.name)) throw new VaultError('conflict', 'an agent with that name exists');
      const spaceIds = dedupe(input.spaces).map((name) => this.grantedSpaceId(session, name));
      const id = randomUUID();
      const now = this.clock();
      const { token, parsed } = newAgentToken();
      const keys = agentTokenKeys(parsed.secret);
      try {
        this.db
          .prepare(
            `INSERT INTO agents (id, name, id_hash, verifier, grants, state, created_by, created_at, expires_at,
               requests_per_minute, daily_writes, require_signing)
             VALUES (?, ?, ?, ?, ?, 'active', ?, ?, ?, ?, ?, ?)`,
          )
          .run(id, input.name, parsed.idHash, keys.verifier, JSON.stringify(dedupe(input.grants)), session.actor.id, now,
            input.expiresInDays === undefined ? null : now + input.expiresInDays * DAY_MS, input.requestsPerMinute, input.dailyWrites,
            input.requireSigning ? 1 : 0);
        this.wrapAgentKeys(session, id, spaceIds, keys.wrappingKey);
      } finally {
        zeroize(parsed.secret, keys.wrappingKey, keys.requestKey);
      }
      trail.targets.push(id, ...spaceIds);
      return { agent: this.agentInfo(this.agentRow(id)!), token };
    });
  }

  listAgents(session: Session): AgentInfo[] {
    return this.act(session, 'listAgents', () =>
      (this.db.prepare('SELECT * FROM agents ORDER BY created_at, name').all() as AgentRow[])
        .filter((a) => mayManageAgent(session.actor, a.created_by))
        .map((a) => this.agentInfo(a)),
    );
  }

  pauseAgent(session: Session, name: unknown): AgentInfo {
    return this.setAgentState(session, 'pauseAgent', name, 'paused');
  }

  resumeAgent(session: Session, name: unknown): AgentInfo {
    return this.setAgentState(session, 'resumeAgent', name, 'active');
  }

  /** Final: a revoked agent cannot be resumed; its wrapped space keys are deleted. */
  revokeAgent(session: Session, name: unknown): AgentInfo {
    return this.setAgentState(session, 'revokeAgent', name, 'revoked');
  }

  /** A new token with new key material; the old one stops working at once. */
  rotateAgent(session: Session, name: unknown): IssuedAgent {
    const issued = this.act(session, 'rotateAgent', (trail) => {
      const row = this.manageableAgent(session, name, trail);
      if (row.state === 'revoked') throw new VaultError('conflict', 'a revoked agent cannot be rotated; add a new one');
      const spaceIds = (this.db.prepare('SELECT space_id FROM agent_keys WHERE agent_id = ?').all(row.id) as { space_id: string }[]).map((r) => r.space_id);
      if (spaceIds.some((id) => !session.spaceKeys.has(id))) throw forbidden('this profile does not hold every space of that agent, so it cannot rewrap them');
      const { token, parsed } = newAgentToken();
      const keys = agentTokenKeys(parsed.secret);
      try {
        this.db.prepare('UPDATE agents SET id_hash = ?, verifier = ? WHERE id = ?').run(parsed.idHash, keys.verifier, row.id);
        this.wrapAgentKeys(session, row.id, spaceIds, keys.wrappingKey);
      } finally {
        zeroize(parsed.secret, keys.wrappingKey, keys.requestKey);
      }
      return { agent: this.agentInfo(this.agentRow(row.id)!), token };
    });
    this.dropAgentSession(issued.agent.id);
    return issued;
  }

  /**
   * Turns a presented token into an agent session. Every failure (malformed, unknown, wrong
   * secret, paused, revoked, expired) gives the same error; the audit log keeps the reason.
   * The session is kept while the token stays valid, so later requests skip the key unwrap.
   */
  authenticateAgent(token: unknown): Session {
    const parsed = typeof token === 'string' ? parseAgentToken(token) : null;
    const row = parsed ? (this.db.prepare('SELECT * FROM agents WHERE id_hash = ?').get(parsed.idHash) as AgentRow | undefined) : undefined;
    const keys = parsed ? agentTokenKeys(parsed.secret) : null;
    try {
      const reason = !parsed ? 'malformed token' : !row || !keys ? 'unknown token' : !verifierMatches(row.verifier, keys.verifier) ? 'wrong secret' : this.agentRefusal(row);
      if (reason || !row || !keys) {
        if (row) this.dropAgentSession(row.id);
        this.db.transaction(() =>
          this.appendEvent({
            actorType: row ? 'agent' : 'anonymous',
            actorId: row ? row.name : 'agent-token',
            action: 'authenticateAgent',
            targets: row ? [row.id] : [],
            outcome: 'failed',
            details: { reason: reason ?? 'unknown token' },
          }),
        ).immediate();
        throw new VaultError('auth_failed', 'missing, invalid or expired agent token');
      }
      const cached = this.agentSessions.get(row.id);
      if (cached && !cached.locked) return cached;
      return this.startAgentSession(row, keys.wrappingKey);
    } finally {
      zeroize(parsed?.secret, keys?.wrappingKey, keys?.requestKey);
    }
  }

  /** What an agent may know about itself. */
  agentSelf(session: Session): AgentSelf {
    this.assertUnlocked(session);
    const actor = agentOf(session);
    return {
      agent: actor.name,
      spaces: this.grantedSpaceNames(session),
      grants: [...actor.grants],
      expiresAt: iso(actor.expiresAt),
      requestsPerMinute: actor.requestsPerMinute,
      dailyWrites: actor.dailyWrites,
    };
  }

  /** A front door refused a request of this session (rate limit, bad signature); the log says so. */
  recordRefusal(session: Session, action: string, reason: string): void {
    this.db.transaction(() => this.audit(session, action, { targets: [], details: { reason } }, 'denied')).immediate();
  }

  /** A front door refused a request before anyone was authenticated (Host, Origin, token in the URL). */
  recordAnonymousRefusal(action: string, reason: string): void {
    this.db.transaction(() => this.appendEvent({ actorType: 'anonymous', actorId: 'http', action, targets: [], outcome: 'denied', details: { reason } })).immediate();
  }

  private setAgentState(session: Session, op: 'pauseAgent' | 'resumeAgent' | 'revokeAgent', name: unknown, state: AgentState): AgentInfo {
    const info = this.act(session, op, (trail) => {
      const row = this.manageableAgent(session, name, trail);
      if (row.state === 'revoked') throw new VaultError('conflict', 'that agent is revoked');
      this.db.prepare('UPDATE agents SET state = ? WHERE id = ?').run(state, row.id);
      if (state === 'revoked') this.db.prepare('DELETE FROM agent_keys WHERE agent_id = ?').run(row.id);
      return this.agentInfo(this.agentRow(row.id)!);
    });
    // An in-memory index detaches only outside a transaction.
    if (state !== 'active') this.dropAgentSession(info.id);
    return info;
  }

  private manageableAgent(session: Session, name: unknown, trail: AuditTrail): AgentRow {
    const row = this.agentByName(parse(agentNameSchema, name));
    // Agents of other profiles read as missing to an editor, like memories outside a space.
    if (!row || !mayManageAgent(session.actor, row.created_by)) throw notFound('agent');
    trail.targets.push(row.id);
    trail.details.name = row.name;
    return row;
  }

  private agentRefusal(row: AgentRow): string | null {
    if (row.state !== 'active') return row.state;
    if (row.expires_at !== null && row.expires_at <= this.clock()) return 'expired';
    return null;
  }

  private startAgentSession(row: AgentRow, wrappingKey: Uint8Array): Session {
    const spaceKeys = new Map<string, Uint8Array>();
    for (const k of this.db.prepare('SELECT space_id, wrapped FROM agent_keys WHERE agent_id = ?').all(row.id) as { space_id: string; wrapped: Buffer }[]) {
      try {
        spaceKeys.set(k.space_id, unwrapSecret(wrappingKey, k.wrapped, 'agent-space', this.vaultId, row.id, k.space_id));
      } catch {
        throw new VaultError('integrity', 'a space key wrapped for this agent could not be opened');
      }
    }
    const actor: AgentActor = {
      type: 'agent',
      id: row.id,
      name: row.name,
      grants: JSON.parse(row.grants) as AgentGrant[],
      requestsPerMinute: row.requests_per_minute,
      dailyWrites: row.daily_writes,
      requireSigning: row.require_signing === 1,
      expiresAt: row.expires_at,
    };
    const session = new Session(actor, null, spaceKeys, null, new MemoryIndex(this.db, `idx_${this.nextSchema++}`, this.embedder.dimensions));
    this.sessions.add(session);
    this.agentSessions.set(row.id, session);
    this.db.transaction(() => {
      this.syncIndex(session);
      this.audit(session, 'startAgentSession', { targets: [row.id], details: {} }, 'ok');
    }).immediate();
    return session;
  }

  private dropAgentSession(agentId: string): void {
    const session = this.agentSessions.get(agentId);
    if (!session) return;
    this.agentSessions.delete(agentId);
    this.sessions.delete(session);
    session.wipe();
  }

  private wrapAgentKeys(session: Session, agentId: string, spaceIds: string[], wrappingKey: Uint8Array): void {
    const put = this.db.prepare('INSERT OR REPLACE INTO agent_keys (agent_id, space_id, wrapped) VALUES (?, ?, ?)');
    for (const spaceId of spaceIds) put.run(agentId, spaceId, wrapSecret(wrappingKey, session.spaceKeys.get(spaceId)!, 'agent-space', this.vaultId, agentId, spaceId));
  }

  /** Counts one write against the agent's quota for the current UTC day, inside the write's transaction. */
  private chargeWrite(actor: AgentActor): void {
    const now = this.clock();
    const day = new Date(now).toISOString().slice(0, 10);
    const used = (this.db.prepare('SELECT writes FROM agent_usage WHERE agent_id = ? AND day = ?').get(actor.id, day) as { writes: number } | undefined)?.writes ?? 0;
    if (used >= actor.dailyWrites) {
      const retryAfterSeconds = Math.ceil((DAY_MS - (now % DAY_MS)) / 1000);
      throw new VaultError('throttled', 'this agent has used its daily write quota', { retryAfterSeconds, details: { quota: actor.dailyWrites } });
    }
    this.db
      .prepare('INSERT INTO agent_usage (agent_id, day, writes) VALUES (?, ?, 1) ON CONFLICT (agent_id, day) DO UPDATE SET writes = writes + 1')
      .run(actor.id, day);
  }

  private agentInfo(a: AgentRow): AgentInfo {
    const spaces = (
      this.db.prepare('SELECT s.name FROM agent_keys k JOIN spaces s ON s.id = k.space_id WHERE k.agent_id = ? ORDER BY s.name').all(a.id) as { name: string }[]
    ).map((r) => r.name);
    const creator = this.profileById(a.created_by);
    return {
      id: a.id,
      name: a.name,
      spaces,
      grants: JSON.parse(a.grants) as AgentGrant[],
      createdBy: creator?.name ?? '(removed profile)',
      createdAt: new Date(a.created_at).toISOString(),
      lastUsedAt: iso(a.last_used_at),
      expiresAt: iso(a.expires_at),
      state: a.state === 'active' && this.agentRefusal(a) === 'expired' ? 'expired' : a.state,
      requestsPerMinute: a.requests_per_minute,
      dailyWrites: a.daily_writes,
      requireSigning: a.require_signing === 1,
    };
  }

  private agentRow(id: string): AgentRow | undefined {
    return this.db.prepare('SELECT * FROM agents WHERE id = ?').get(id) as AgentRow | undefined;
  }

  private agentByName(name: string): AgentRow | undefined {
    return this.db.prepare('SELECT * FROM agents WHERE name = ?').get(name) as AgentRow | undefined;
  }

  // ---------------------------------------------------------------- audit, stats, index

  listAudit(session: Session, raw: unknown = {}): AuditEvent[] {
    return this.act(session, 'listAudit', () => listAudit(this.db, parse(auditQuerySchema, raw)));
  }

  verifyAudit(session: Session): VerifyReport {
    return this.act(session, 'verifyAudit', (trail) => {
      const report = this.verifyChainNow();
      trail.details = { ok: report.ok, events: report.events };
      return report;
    });
  }

  /** Chain verification needs only the vault's public signing key, so `doctor` runs it without a login. */
  verifyChainNow(): VerifyReport {
    return verifyChain(this.db, this.vaultId, this.signingPublicKey);
  }

  /** SQLite's own page-level check; reads only structure, so no login is needed. */
  integrityCheck(): string {
    const result = this.db.pragma('integrity_check', { simple: true });
    if (result !== 'ok') throw new VaultError('integrity', 'the database file is damaged (PRAGMA integrity_check failed)');
    return 'ok';
  }

  stats(session: Session): VaultStats {
    return this.act(session, 'stats', () => {
      const spaces = this.db
        .prepare(
          `SELECT s.name AS name,
             sum(v.state = 'active') AS active, sum(v.state = 'archived') AS archived, sum(v.state = 'deleted') AS deleted
           FROM spaces s LEFT JOIN memories m ON m.space_id = s.id
           LEFT JOIN memory_versions v ON v.memory_id = m.id AND v.version = m.version
           GROUP BY s.id ORDER BY s.name`,
        )
        .all() as { name: string; active: number | null; archived: number | null; deleted: number | null }[];
      const count = (sql: string): number => (this.db.prepare(sql).get() as { n: number }).n;
      return {
        vaultId: this.vaultId,
        profiles: count('SELECT count(*) AS n FROM profiles'),
        spaces: spaces.map((s) => ({ name: s.name, active: s.active ?? 0, archived: s.archived ?? 0, deleted: s.deleted ?? 0 })),
        auditEvents: count('SELECT count(*) AS n FROM audit_events'),
      };
    });
  }

  indexStatus(session: Session): IndexStatus {
    this.assertUnlocked(session);
    const stale = this.read(session, () => (this.staleQuery('count(*) AS n').get(...this.staleParams(session)) as { n: number }).n);
    return { modelId: this.embedder.modelId, stale, mayReindex: actorMay(session.actor, OPERATION_PERMISSION.reindex) };
  }

  /** Re-embeds every current version in the session's spaces whose vector came from another model. */
  async reindex(session: Session, onProgress: (done: number, total: number) => void = () => {}): Promise<{ reindexed: number }> {
    this.authorize(session, 'reindex', []);
    const stale = this.staleVersions(session);
    let done = 0;
    onProgress(0, stale.length);
    for (let i = 0; i < stale.length; i += REINDEX_BATCH) {
      const batch = stale.slice(i, i + REINDEX_BATCH);
      const plain = batch.map((r) => this.openOrFail(session.spaceKeys.get(r.space_id)!, this.placeOf(r), r));
      const vectors = await this.embedder.embed(plain.map((p) => p.content));
      this.act(session, 'reindex', (trail) => {
        const update = this.db.prepare('UPDATE memory_versions SET embedding = ?, embed_model = ? WHERE memory_id = ? AND version = ?');
        const touch = this.db.prepare('UPDATE memories SET change_seq = ? WHERE id = ? AND version = ?');
        batch.forEach((r, j) => {
          update.run(sealEmbedding(session.spaceKeys.get(r.space_id)!, this.placeOf(r), vectors[j]!), this.embedder.modelId, r.memory_id, r.version);
          touch.run(this.bumpChangeSeq(), r.memory_id, r.version);
        });
        this.syncIndex(session);
        trail.details = { count: batch.length, model: this.embedder.modelId };
      });
      done += batch.length;
      onProgress(done, stale.length);
    }
    return { reindexed: done };
  }

  private staleVersions(session: Session): CurrentRow[] {
    return this.read(session, () => this.staleQuery('v.*, m.space_id, m.created_at, m.change_seq').all(...this.staleParams(session)) as CurrentRow[]);
  }

  /** Current versions in the session's spaces whose vector is missing or from another model. */
  private staleQuery(columns: string) {
    return this.db.prepare(
      `SELECT ${columns} FROM memories m
       JOIN memory_versions v ON v.memory_id = m.id AND v.version = m.version
       WHERE v.state != 'deleted' AND (v.embed_model IS NULL OR v.embed_model NOT IN (?, ?))
         AND m.space_id IN (SELECT value FROM json_each(?))`,
    );
  }

  private staleParams(session: Session): string[] {
    return [this.embedder.modelId, `caller:${this.embedder.modelId}`, JSON.stringify([...session.spaceKeys.keys()])];
  }

  // ---------------------------------------------------------------- the guarded step every method takes

  private assertUnlocked(session: Session): void {
    if (session.locked || !this.sessions.has(session)) throw new VaultError('locked', 'the vault is locked for this profile; unlock it again');
  }

  /** Permission check for methods that do slow work (KDF, embedding) before their transaction. */
  private authorize(session: Session, op: Operation, targets: string[]): void {
    this.assertUnlocked(session);
    const permission = OPERATION_PERMISSION[op];
    if (!actorMay(session.actor, permission)) {
      this.denied(session, op, targets, { permission });
      const who = session.actor.type === 'profile' ? `role ${session.actor.role}` : 'this agent';
      throw new VaultError('forbidden', `${who} may not ${op}`, { details: { permission } });
    }
  }

  private denied(session: Session, op: string, targets: string[], details: AuditDetails): void {
    this.db.transaction(() => this.audit(session, op, { targets, details }, 'denied')).immediate();
  }

  /**
   * Runs `work` in one write transaction with its audit event. A typed failure rolls the work
   * back and is then recorded on its own, so denials and failures are in the log too.
   */
  private act<T>(session: Session, op: Operation, work: (trail: AuditTrail) => T): T {
    this.authorize(session, op, []);
    const trail: AuditTrail = { targets: [], details: {} };
    const indexedUpTo = session.lastSeq;
    try {
      return this.db.transaction(() => {
        if (session.actor.type === 'agent' && WRITE_OPERATIONS.has(op)) this.chargeWrite(session.actor);
        const result = work(trail);
        this.audit(session, op, trail, 'ok');
        return result;
      }).immediate();
    } catch (err) {
      // The rollback also undid the index rows synced inside the transaction.
      session.lastSeq = indexedUpTo;
      const error = err instanceof VaultError ? err : new VaultError('internal', 'internal error', {}, err);
      this.db.transaction(() =>
        this.audit(session, op, { targets: trail.targets, details: { ...trail.details, error: error.code } }, REFUSALS.has(error.code) ? 'denied' : 'failed'),
      ).immediate();
      throw error;
    }
  }

  /** A consistent read of the file and the index, without an audit event (callers audit). */
  private read<T>(session: Session, work: () => T): T {
    this.assertUnlocked(session);
    return this.db.transaction(() => {
      this.syncIndex(session);
      return work();
    })();
  }

  private audit(session: Session, action: string, trail: AuditTrail, outcome: Outcome): void {
    this.appendEvent({ actorType: session.actor.type, actorId: session.actor.name, action, targets: trail.targets, outcome, details: trail.details });
    if (session.actor.type === 'agent') this.db.prepare('UPDATE agents SET last_used_at = ? WHERE id = ?').run(this.clock(), session.actor.id);
    if (session.signingKey) signCheckpoint(this.db, this.vaultId, session.signingKey, this.clock(), false);
  }

  private appendEvent(entry: AuditEntry): void {
    appendAudit(this.db, entry, this.clock());
  }

  // ---------------------------------------------------------------- index maintenance

  /**
   * Brings the session's index up to the file: every memory whose change sequence is newer,
   * from this process or another one (the CLI writing while the app is open), is decrypted
   * and re-indexed; purged ids are dropped.
   */
  private syncIndex(session: Session): void {
    const head = Number(this.metaValue('change_seq'));
    if (head === session.lastSeq) return;
    const spaces = JSON.stringify([...session.spaceKeys.keys()]);
    const rows = this.db
      .prepare(
        `SELECT v.*, m.space_id, m.created_at, m.change_seq FROM memories m
         JOIN memory_versions v ON v.memory_id = m.id AND v.version = m.version
         WHERE m.change_seq > ? AND m.space_id IN (SELECT value FROM json_each(?))`,
      )
      .all(session.lastSeq, spaces) as CurrentRow[];
    for (const r of rows) {
      const key = session.spaceKeys.get(r.space_id)!;
      let f: PlainFields;
      try {
        f = openFields(key, this.placeOf(r), sealedOf(r));
      } catch (err) {
        if (!(err instanceof DecryptionError)) throw err;
        // A row that fails to authenticate stays out of search; reading it by id reports the integrity error.
        session.index.remove(r.memory_id);
        continue;
      }
      const usable = r.embed_model !== null && r.embed_model.endsWith(this.embedder.modelId);
      session.index.upsert({ ...decrypted(r, f), vector: usable ? f.embedding : null });
    }
    for (const p of this.db.prepare('SELECT memory_id FROM purges WHERE change_seq > ?').all(session.lastSeq) as { memory_id: string }[])
      session.index.remove(p.memory_id);
    session.lastSeq = head;
  }

  /**
   * Near-identical means: the same words, or an embedding this close and nearly the same
   * characters. Embeddings alone call "topic 14" and "topic 21" the same thing.
   */
  private refuseDuplicate(session: Session, spaceId: string, content: string, vector: Float32Array): void {
    const normalized = normalizeForDuplicates(content);
    const exact = session.index.findNormalized(spaceId, normalized);
    const near = exact
      ? undefined
      : session.index
          .vectorSearch(vector, { spaceIds: [spaceId], states: ['active', 'archived'] }, DUPLICATE_CANDIDATES)
          .filter((h) => h.score >= NEAR_DUPLICATE_SIMILARITY)
          .find((h) => trigramSimilarity(session.index.get(h.id)!.normalized, normalized) >= NEAR_DUPLICATE_TRIGRAMS);
    const existing = exact ?? near?.id;
    if (existing)
      throw new VaultError('duplicate', 'an identical or near-identical memory is already stored in this space (use force to store it anyway)', {
        details: { existingId: existing },
      });
  }

  // ---------------------------------------------------------------- rows and records

  private insertVersion(
    session: Session,
    place: RecordPlace,
    v: {
      kind: string;
      state: MemoryState;
      importance: number;
      validFrom: number | null;
      validUntil: number | null;
      change: MemoryVersion['change'];
      model: string | null;
      fields: PlainFields;
    },
  ): void {
    const key = session.spaceKeys.get(place.spaceId)!;
    const sealed = sealFields(key, place, v.fields);
    this.db
      .prepare(
        `INSERT INTO memory_versions (memory_id, version, kind, state, importance, valid_from, valid_until, changed_at,
           changed_by, change, embed_model, content, tags, metadata, source, embedding)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(place.memoryId, place.version, v.kind, v.state, v.importance, v.validFrom, v.validUntil, this.clock(), session.label, v.change,
        v.fields.embedding ? v.model : null, sealed.content, sealed.tags, sealed.metadata, sealed.source, sealed.embedding);
  }

  private writeNewVersion(session: Session, cur: CurrentRow, v: Parameters<VaultService['insertVersion']>[2]): void {
    const version = cur.version + 1;
    this.insertVersion(session, { vaultId: this.vaultId, spaceId: cur.space_id, memoryId: cur.memory_id, version }, v);
    this.db.prepare('UPDATE memories SET version = ?, change_seq = ? WHERE id = ?').run(version, this.bumpChangeSeq(), cur.memory_id);
    this.syncIndex(session);
  }

  /** The current version of a memory in one of the session's spaces; any other id is simply not found. */
  private currentRow(session: Session, memoryId: string): CurrentRow {
    const row = this.db
      .prepare(
        `SELECT v.*, m.space_id, m.created_at, m.change_seq FROM memories m
         JOIN memory_versions v ON v.memory_id = m.id AND v.version = m.version WHERE m.id = ?`,
      )
      .get(memoryId) as CurrentRow | undefined;
    if (!row || !session.spaceKeys.has(row.space_id)) throw notFound('memory');
    return row;
  }

  private placeOf(r: CurrentRow): RecordPlace {
    return { vaultId: this.vaultId, spaceId: r.space_id, memoryId: r.memory_id, version: r.version };
  }

  private openOrFail(key: Uint8Array, place: RecordPlace, row: VersionRow): PlainFields {
    try {
      return openFields(key, place, sealedOf(row));
    } catch (err) {
      if (err instanceof DecryptionError)
        throw new VaultError('integrity', 'a stored memory failed authentication: the vault file was changed outside Memvault', {
          details: { memoryId: place.memoryId },
        });
      throw err;
    }
  }

  private memoryFromDisk(session: Session, r: CurrentRow): Memory {
    return this.toMemory(decrypted(r, this.openOrFail(session.spaceKeys.get(r.space_id)!, this.placeOf(r), r)));
  }

  private memoryFromIndex(session: Session, id: string): Memory {
    const stored = session.index.get(id);
    if (!stored) throw notFound('memory');
    return this.toMemory(stored);
  }

  private toMemory(m: StoredMemory): Memory {
    return {
      id: m.id,
      space: this.spaceName(m.spaceId),
      kind: m.kind,
      content: m.content,
      tags: m.tags,
      metadata: JSON.parse(m.metadata) as Record<string, unknown>,
      source: m.source,
      createdAt: new Date(m.createdAt).toISOString(),
      updatedAt: new Date(m.updatedAt).toISOString(),
      validFrom: iso(m.validFrom),
      validUntil: iso(m.validUntil),
      importance: m.importance,
      state: m.state as MemoryState,
      version: m.version,
    };
  }

  private checkVector(values: number[]): Float32Array {
    if (values.length !== this.embedder.dimensions)
      throw invalid(`vector has ${values.length} dimensions; this vault's model (${this.embedder.modelId}) uses ${this.embedder.dimensions}`);
    return Float32Array.from(values);
  }

  private resolveFilter(
    session: Session,
    f: { spaces?: string[]; kinds?: string[]; tags?: string[]; source?: string; since?: string; until?: string; states?: MemoryState[] },
  ): IndexFilter {
    const spaceIds = f.spaces ? f.spaces.map((name) => this.grantedSpaceId(session, name)) : [...session.spaceKeys.keys()];
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

  private grantedSpaceId(session: Session, name: string): string {
    const space = this.spaceByName(name);
    if (!space || !session.spaceKeys.has(space.id)) throw notFound('space');
    return space.id;
  }

  private spaceIdFor(session: Session, name: string | undefined): string {
    if (name !== undefined) return this.grantedSpaceId(session, name);
    const fallback = String(this.metaValue('default_space'));
    if (session.spaceKeys.has(fallback)) return fallback;
    const first = [...session.spaceKeys.keys()][0];
    if (!first) throw forbidden('this profile holds no space to write to');
    return first;
  }

  private grantedSpaceNames(session: Session): string[] {
    return [...session.spaceKeys.keys()].map((id) => this.spaceName(id)).sort();
  }

  private spaceByName(name: string): { id: string } | undefined {
    return this.db.prepare('SELECT id FROM spaces WHERE name = ?').get(name) as { id: string } | undefined;
  }

  private requireSpace(name: string): string {
    const space = this.spaceByName(name);
    if (!space) throw notFound('space');
    return space.id;
  }

  /** Space names never change, so each is read once; results and lists name the space of every memory. */
  private spaceName(id: string): string {
    let name = this.spaceNames.get(id);
    if (name === undefined) {
      name = (this.db.prepare('SELECT name FROM spaces WHERE id = ?').get(id) as { name: string }).name;
      this.spaceNames.set(id, name);
    }
    return name;
  }

  private spaceInfo(session: Session, id: string): SpaceInfo {
    const s = this.db.prepare('SELECT id, name, created_at FROM spaces WHERE id = ?').get(id) as { id: string; name: string; created_at: number };
    // Agents are not told which people share their spaces.
    const members = session.actor.type === 'agent' ? [] : (
      this.db.prepare('SELECT p.name FROM sealed_keys k JOIN profiles p ON p.id = k.profile_id WHERE k.key_ref = ? ORDER BY p.name').all(spaceRef(id)) as {
        name: string;
      }[]
    ).map((r) => r.name);
    const memories = (this.db.prepare('SELECT count(*) AS n FROM memories WHERE space_id = ?').get(id) as { n: number }).n;
    return { id: s.id, name: s.name, createdAt: new Date(s.created_at).toISOString(), members, granted: session.spaceKeys.has(id), memories };
  }

  private sealKeyTo(keyRef: string, profileId: string, publicKey: Uint8Array, key: Uint8Array): void {
    this.db.prepare('INSERT OR REPLACE INTO sealed_keys (key_ref, profile_id, sealed) VALUES (?, ?, ?)').run(keyRef, profileId, sealToPublicKey(publicKey, key));
  }

  /** Admins (like the owner) sign audit checkpoints, so they receive the vault signing key. */
  private giveRoleKeys(session: Session, profileId: string, publicKey: Uint8Array, role: Role): void {
    if (role !== 'admin') return;
    if (!session.signingKey) throw forbidden('this profile does not hold the vault signing key');
    this.sealKeyTo(SIGNING_REF, profileId, publicKey, session.signingKey);
  }

  private profileByName(name: string): ProfileRow | undefined {
    return this.db.prepare('SELECT * FROM profiles WHERE name = ?').get(name) as ProfileRow | undefined;
  }

  private profileById(id: string): ProfileRow | undefined {
    return this.db.prepare('SELECT * FROM profiles WHERE id = ?').get(id) as ProfileRow | undefined;
  }

  private requireProfile(name: string): ProfileRow {
    const row = this.profileByName(name);
    if (!row) throw notFound('profile');
    return row;
  }

  private profileInfo(p: ProfileRow): ProfileInfo {
    const spaces = (
      this.db
        .prepare("SELECT s.name FROM sealed_keys k JOIN spaces s ON k.key_ref = 'space:' || s.id WHERE k.profile_id = ? ORDER BY s.name")
        .all(p.id) as { name: string }[]
    ).map((r) => r.name);
    return { id: p.id, name: p.name, role: p.role, spaces, createdAt: new Date(p.created_at).toISOString() };
  }

  private metaValue(key: string): unknown {
    return readMeta(this.db, key);
  }

  private setMeta(key: string, value: string | number): void {
    this.db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run(key, value);
  }

  private bumpChangeSeq(): number {
    return (this.db.prepare("UPDATE meta SET value = value + 1 WHERE key = 'change_seq' RETURNING value").get() as { value: number }).value;
  }
}

/** Profile-only operations reach this after the permission check, which no agent passes. */
function profileOf(session: Session): { actor: ProfileActor; keyPair: BoxKeyPair } {
  if (session.actor.type !== 'profile' || !session.keyPair) throw forbidden('only a profile may do this');
  return { actor: session.actor, keyPair: session.keyPair };
}

function agentOf(session: Session): AgentActor {
  if (session.actor.type !== 'agent') throw forbidden('only an agent may do this');
  return session.actor;
}

function readMeta(db: Db, key: string): unknown {
  return (db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: unknown } | undefined)?.value;
}

/** A current version with its opened fields, in the shape the index stores. */
function decrypted(r: CurrentRow, f: PlainFields): StoredMemory {
  return {
    id: r.memory_id,
    spaceId: r.space_id,
    kind: r.kind,
    state: r.state,
    content: f.content,
    tags: f.tags,
    metadata: f.metadata,
    source: f.source,
    importance: r.importance,
    createdAt: r.created_at,
    updatedAt: r.changed_at,
    validFrom: r.valid_from,
    validUntil: r.valid_until,
    version: r.version,
    normalized: normalizeForDuplicates(f.content),
  };
}

function sealedOf(r: VersionRow): SealedFields {
  return { content: r.content, tags: r.tags, metadata: r.metadata, source: r.source, embedding: r.embedding };
}

function dedupe(tags: string[]): string[] {
  return [...new Set(tags)];
}

function encodeCursor(createdAt: number, id: string): string {
  return Buffer.from(JSON.stringify([createdAt, id])).toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: number; id: string } {
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (typeof createdAt === 'number' && typeof id === 'string') return { createdAt, id };
  } catch {
    // falls through to the error below
  }
  throw invalid('cursor is not one this vault issued');
}
