import { randomUUID } from 'node:crypto';
import { chmodSync, existsSync } from 'node:fs';
import type { AddMemoriesResult, Memory, MemoryVersion, Page, SearchHit, UpdateResult } from '../contract/memory.js';
import { auditFilterSchema, auditQuerySchema, type AuditActivity, passwordSchema, profileNameSchema, type IndexStatus, type ProgressEvent, type UpkeepReport, type PasswordReset, type ProfileInfo, type SessionInfo, type SpaceInfo, type VaultStats } from '../contract/vault.js';
import type { AgentGrant, AgentInfo, AgentSelf, IssuedAgent } from '../contract/agent.js';
import type { BackupCheck, BackupInspection, ContactInfo, ExportedBackup, ImportReport, PublicIdentityInfo } from '../contract/backup.js';
import type { OperationArgs, OperationName, OperationSurface } from '../contract/operations.js';
import { loadSodium } from '../crypto/sodium.js';
import { deriveKey, newKdfParams, type KdfPreset } from '../crypto/kdf.js';
import { formatRecoveryKey, keyFromRecoveryKey, newBoxKeyPair, newSigningKeyPair, newSymmetricKey, profileSigningKeyPair, sealToPublicKey, wrapSecret } from '../crypto/keys.js';
import { randomBytes } from '../crypto/random.js';
import { zeroize } from '../crypto/zeroize.js';
import { openDatabase, type Db } from '../store/database.js';
import { defaultStateDir } from '../store/default-path.js';
import { HeadStore } from '../store/head-store.js';
import { AuditRowError, appendAudit, auditActivity, chainHead, listAudit, rowToEvent, signCheckpoint, verifyChain, type AuditEvent, type AuditRow, type VerifyReport } from '../audit/chain.js';
import { profileSigner, registerSigner, VAULT_SIGNER } from '../audit/signers.js';
import type { Embedder } from '../embed/embedder.js';
import { defaultEmbedder } from '../embed/static-embedder.js';
import { VaultError } from './errors.js';
import { OPERATION_PERMISSION, actorMay } from './policy.js';
import type { RateState } from './rate-meter.js';
import type { Session } from './session.js';
import { parse } from './validate.js';
import { AgentOps } from './agents.js';
import { BackupOps } from './backups.js';
import { MemoryOps } from './memories.js';
import { ProfileOps } from './profiles.js';
import { ReindexOps } from './reindex.js';
import { SpaceOps } from './spaces.js';
import { VaultContext } from './vault-context.js';
import { KeyRotation } from './rotation.js';
import { configOfVault, describeChoice, describeEmbedder, embedderChoiceRejected, embedderOfVault, probeEmbedder, storeEmbedder } from './embedder-config.js';
import { embedderConfigSchema, type EmbedderInfo } from '../contract/embedder.js';
import { Upkeep, type UpkeepPhase } from './upkeep.js';
import { SIGNING_REF, spaceRef } from './keyring.js';
import { DEFAULT_SPACE, readMeta } from './rows.js';

/** One argument of an operation as the contract declares it (validated again inside). */
type In<N extends OperationName, I extends number> = OperationArgs<N>[I];

function headStore(options: VaultOptions): HeadStore {
  return new HeadStore(options.stateDir ?? defaultStateDir());
}

export interface VaultOptions {
  embedder?: Embedder;
  /** Epoch milliseconds; tests move time forward to exercise throttling. */
  clock?: () => number;
  /** Cost preset for profiles created through this instance. */
  kdf?: KdfPreset;
  /** Folder outside the vault file for the last verified audit head (default: the OS config folder, or $MEMVAULT_STATE_DIR). */
  stateDir?: string;
  /**
   * Long-running hosts (the API server, the app) lock a session nobody used for this long,
   * zeroing its keys; unset, sessions last until they are locked (the CLI's one command).
   */
  sessionIdleMs?: number;
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

/**
 * Every capability of Memvault is one method here. Each checks the caller's permission in the
 * policy table, validates input, does its work in one SQLite transaction and appends the audit
 * event in that same transaction. Front doors only translate to and from this class.
 */
export class VaultService implements OperationSurface<Session> {
  private readonly memories: MemoryOps;
  private readonly reindexing: ReindexOps;
  private readonly spaces: SpaceOps;
  private readonly profiles: ProfileOps;
  private readonly agents: AgentOps;
  private readonly backups: BackupOps;
  private readonly rotation: KeyRotation;
  private readonly upkeeping: Upkeep;

  private constructor(private readonly ctx: VaultContext) {
    this.rotation = new KeyRotation(ctx);
    this.memories = new MemoryOps(ctx);
    this.reindexing = new ReindexOps(ctx);
    this.upkeeping = new Upkeep(ctx, this.rotation, this.reindexing);
    this.spaces = new SpaceOps(ctx, this.rotation);
    this.profiles = new ProfileOps(ctx, this.rotation);
    this.agents = new AgentOps(ctx, this.rotation);
    this.backups = new BackupOps(ctx, this.memories, this.spaces);
  }

  get vaultId(): string {
    return this.ctx.vaultId;
  }

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
        const seal = db.prepare('INSERT INTO sealed_keys (key_ref, epoch, profile_id, sealed) VALUES (?, 0, ?, ?)');
        seal.run(spaceRef(spaceId), ownerId, sealToPublicKey(owner.publicKey, spaceKey));
        seal.run(SIGNING_REF, ownerId, sealToPublicKey(owner.publicKey, signing.secretKey));
        const vaultSigner = { id: VAULT_SIGNER, secretKey: signing.secretKey };
        const ownerSigning = profileSigningKeyPair(owner.secretKey);
        registerSigner(db, vaultId, profileSigner(ownerId), ownerSigning.publicKey, vaultSigner, now);
        zeroize(ownerSigning.secretKey);
        appendAudit(db, { actorType: 'profile', actorId: ownerName, action: 'createVault', targets: [vaultId], outcome: 'ok' }, now);
        appendAudit(db, { actorType: 'profile', actorId: ownerName, action: 'createSpace', targets: [spaceId], outcome: 'ok', details: { space: DEFAULT_SPACE } }, now);
        signCheckpoint(db, vaultId, vaultSigner, now, true);
      })();
    } catch (err) {
      db.close();
      throw err;
    } finally {
      zeroize(kek, owner.secretKey, signing.secretKey, recoveryKey, spaceKey);
    }
    const service = new VaultService(new VaultContext(db, vaultId, signing.publicKey, embedder, clock, preset, headStore(options), options.sessionIdleMs ?? null));
    service.verifyChainNow();
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
    // The embedder choice is checked against the vault key this machine pinned, when it has one:
    // a file whose key was swapped must not get to choose where content is sent.
    const pins = headStore(options);
    const trustedKey = (): Uint8Array => {
      const pinned = pins.read(vaultId)?.signingPublicKey;
      return new Uint8Array(pinned ? Buffer.from(pinned, 'hex') : signingPublicKey);
    };
    const embedder = options.embedder ?? embedderOfVault(db, vaultId, trustedKey());
    const service = new VaultService(
      new VaultContext(db, vaultId, new Uint8Array(signingPublicKey), embedder, options.clock ?? Date.now, options.kdf ?? 'calibrate', pins, options.sessionIdleMs ?? null),
    );
    service.adoptEmbedder();
    return service;
  }

  /** Writes pending refusal counts, locks every session (signing the tail) and closes the file. */
  close(): void {
    this.ctx.close();
    for (const s of [...this.ctx.sessions]) this.ctx.lock(s);
    this.ctx.index.close();
    this.ctx.checkpointer.close();
    this.ctx.db.close();
  }

  /** A new embedding model is recorded once; stored vectors of the old one become stale until `reindex`. */
  private adoptEmbedder(): void {
    const current = this.ctx.metaValue('embed_model');
    if (current === this.ctx.embedder.modelId) return;
    this.ctx.write(() => {
      this.ctx.setMeta('embed_model', this.ctx.embedder.modelId);
      this.ctx.setMeta('embed_dims', this.ctx.embedder.dimensions);
      appendAudit(
        this.ctx.db,
        { actorType: 'system', actorId: 'memvault', action: 'changeEmbedder', targets: [], outcome: 'ok', details: { from: String(current), to: this.ctx.embedder.modelId } },
        this.ctx.clock(),
      );
    });
  }

  listAudit(session: Session, raw: In<'listAudit', 0> = {}): AuditEvent[] {
    return this.ctx.act(session, 'listAudit', () => eventsFromFile(() => listAudit(this.ctx.db, parse(auditQuerySchema, raw))));
  }

  auditActivity(session: Session, raw: In<'auditActivity', 0> = {}): AuditActivity {
    return this.ctx.act(session, 'auditActivity', () => auditActivity(this.ctx.db, parse(auditFilterSchema, raw)));
  }

  /** Verifies the chain as it stands, then records that it was verified (that event is signed after the check). */
  verifyAudit(session: Session): VerifyReport {
    this.ctx.authorize(session, 'verifyAudit', []);
    const report = this.verifyChainNow();
    this.ctx.act(session, 'verifyAudit', (trail) => {
      trail.details = { ok: report.ok, events: report.events, problem: report.problem };
    });
    return report;
  }

  /**
   * Chain verification needs only the vault's public signing key and the head pinned outside
   * the file, so `doctor` and `audit verify` run it before anyone unlocks (and signs). A
   * chain found sound moves the pinned head forward.
   */
  verifyChainNow(): VerifyReport {
    let pinned;
    try {
      pinned = this.ctx.pins.read(this.ctx.vaultId);
    } catch (err) {
      return { ok: false, events: 0, checkpoints: 0, signedThrough: 0, unsignedEvents: 0, firstBadSeq: null, problem: 'rollback', reason: (err as Error).message };
    }
    const report = this.ctx.db.transaction(() => verifyChain(this.ctx.db, this.ctx.vaultId, this.ctx.signingPublicKey, pinned))();
    const head = chainHead(this.ctx.db);
    try {
      if (report.ok && head) this.ctx.guard.pin(head);
    } catch {
      // The report stands; only the record of it could not be kept (a read-only state folder).
    }
    return report;
  }

  /**
   * Every event up to the head at the start, in order, to `write`; the export itself is one
   * event, appended after the ones exported.
   */
  exportAudit(session: Session, write: (event: AuditEvent) => void): { exported: number } {
    return this.ctx.act(session, 'exportAudit', (trail) => {
      let exported = 0;
      for (const r of this.ctx.db.prepare('SELECT * FROM audit_events ORDER BY seq').iterate() as IterableIterator<AuditRow>) {
        write(eventsFromFile(() => rowToEvent(r)));
        exported++;
      }
      trail.details = { count: exported };
      return { exported };
    });
  }

  /** SQLite's own page-level check; reads only structure, so no login is needed. */
  integrityCheck(): string {
    const result = this.ctx.db.pragma('integrity_check', { simple: true });
    if (result !== 'ok') throw new VaultError('integrity', 'the database file is damaged (PRAGMA integrity_check failed)');
    return 'ok';
  }

  stats(session: Session): VaultStats {
    return this.ctx.observe(session, 'stats', () => {
      const spaces = this.ctx.db
        .prepare(
          `SELECT s.name AS name,
             sum(v.state = 'active') AS active, sum(v.state = 'archived') AS archived, sum(v.state = 'deleted') AS deleted
           FROM spaces s LEFT JOIN memories m ON m.space_id = s.id
           LEFT JOIN memory_versions v ON v.memory_id = m.id AND v.version = m.version
           GROUP BY s.id ORDER BY s.name`,
        )
        .all() as { name: string; active: number | null; archived: number | null; deleted: number | null }[];
      const count = (sql: string): number => (this.ctx.db.prepare(sql).get() as { n: number }).n;
      return {
        vaultId: this.ctx.vaultId,
        profiles: count('SELECT count(*) AS n FROM profiles'),
        spaces: spaces.map((s) => ({ name: s.name, active: s.active ?? 0, archived: s.archived ?? 0, deleted: s.deleted ?? 0 })),
        auditEvents: count('SELECT count(*) AS n FROM audit_events'),
      };
    });
  }

  // ---------------------------------------------------------------- memories

  addMemory(session: Session, raw: In<'addMemory', 0>): Promise<Memory> {
    return this.memories.addMemory(session, raw);
  }

  /** Stores `{ memories: [...] }` in one transaction, all or none; progress of embedding, then storing. */
  addMemories(session: Session, raw: In<'addMemories', 0>, onProgress?: (phase: 'embed' | 'store', done: number, total: number) => void): Promise<AddMemoriesResult> {
    return this.memories.addMemories(session, raw, onProgress);
  }

  resolveMemoryId(session: Session, prefix: In<'resolveMemoryId', 0>): string {
    return this.memories.resolveMemoryId(session, prefix);
  }

  getMemory(session: Session, id: In<'getMemory', 0>): Memory {
    return this.memories.getMemory(session, id);
  }

  listMemories(session: Session, raw?: In<'listMemories', 0>): Page<Memory> {
    return this.memories.listMemories(session, raw);
  }

  searchMemories(session: Session, raw: In<'searchMemories', 0>): Promise<SearchHit[]> {
    return this.memories.searchMemories(session, raw);
  }

  memoryHistory(session: Session, id: In<'memoryHistory', 0>): MemoryVersion[] {
    return this.memories.memoryHistory(session, id);
  }

  updateMemory(session: Session, raw: In<'updateMemory', 0>): Promise<UpdateResult> {
    return this.memories.updateMemory(session, raw);
  }

  archiveMemories(session: Session, raw: In<'archiveMemories', 0>): { changed: number } {
    return this.memories.changeMemories(session, 'archiveMemories', raw);
  }

  deleteMemories(session: Session, raw: In<'deleteMemories', 0>): { changed: number } {
    return this.memories.changeMemories(session, 'deleteMemories', raw);
  }

  deleteMemory(session: Session, id: In<'deleteMemory', 0>): void {
    return this.memories.deleteMemory(session, id);
  }

  purgeMemory(session: Session, id: In<'purgeMemory', 0>): void {
    return this.memories.purgeMemory(session, id);
  }

  // ---------------------------------------------------------------- embedding index

  indexStatus(session: Session): IndexStatus {
    return this.reindexing.indexStatus(session);
  }

  /**
   * Sets the model that embeds this vault's memories, after asking the endpoint once (which
   * tells its dimensions). It takes effect when the vault is next opened; then the upkeep of
   * an owner's or admin's unlock re-embeds every memory, with progress.
   */
  async setEmbedder(session: Session, raw: In<'setEmbedder', 0>): Promise<EmbedderInfo> {
    this.ctx.authorize(session, 'setEmbedder', []);
    const stored = await probeEmbedder(parse(embedderConfigSchema, raw));
    return this.ctx.act(session, 'setEmbedder', (trail) => {
      if (!session.vaultKey) throw new VaultError('forbidden', 'only a profile holding the vault key may choose the embedder');
      storeEmbedder(this.ctx.db, this.ctx.vaultId, session.vaultKey, stored);
      const { config } = stored;
      trail.details = config.kind === 'offline' ? { kind: config.kind } : { kind: config.kind, model: config.model, host: new URL(config.url).host, dimensions: stored.dimensions };
      return describeChoice(stored);
    });
  }

  /** How many numbers a vector in a request must have (the model's), for the API document: no session needed. */
  vectorDimensions(): number {
    return this.ctx.embedder.dimensions;
  }

  /** Why the stored embedder choice is not used (changed outside Memvault), or null: for `doctor`, no session needed. */
  embedderChoiceProblem(): string | null {
    return embedderChoiceRejected(this.ctx.db, this.ctx.vaultId, this.ctx.signingPublicKey)
      ? 'the embedder choice stored in the vault is not signed by the vault key (changed outside Memvault); the built-in model is used until the owner sets it again'
      : null;
  }

  /** The model this process embeds with (a configuration set since takes effect at the next open). */
  embedderInfo(session: Session): EmbedderInfo {
    this.ctx.assertUnlocked(session);
    return describeEmbedder(this.ctx.embedder, configOfVault(this.ctx.db, this.ctx.vaultId, this.ctx.signingPublicKey));
  }

  reindex(session: Session, onProgress?: (done: number, total: number) => void): Promise<{ reindexed: number }> {
    return this.reindexing.reindex(session, onProgress);
  }

  // ---------------------------------------------------------------- spaces

  createSpace(session: Session, name: In<'createSpace', 0>): SpaceInfo {
    return this.spaces.createSpace(session, name);
  }

  listSpaces(session: Session): SpaceInfo[] {
    return this.spaces.listSpaces(session);
  }

  grantSpace(session: Session, space: In<'grantSpace', 0>, profile: In<'grantSpace', 1>): void {
    return this.spaces.grantSpace(session, space, profile);
  }

  revokeSpace(session: Session, space: In<'revokeSpace', 0>, profile: In<'revokeSpace', 1>): void {
    return this.spaces.revokeSpace(session, space, profile);
  }

  /** Versions still sealed under a retired key in the session's spaces (what `rekeySpaces` has left), and whether it may run it. */
  rekeyStatus(session: Session): { pending: number; mayRekey: boolean } {
    const pending = this.ctx.read(session, () => this.rotation.pending(session));
    return { pending, mayRekey: actorMay(session.actor, OPERATION_PERMISSION.rekeySpaces) };
  }

  /** Re-encrypts versions sealed under a retired space key; resumable, in batches, with progress. */
  rekeySpaces(session: Session, onProgress: (done: number, total: number) => void = () => {}): { rekeyed: number } {
    this.ctx.authorize(session, 'rekeySpaces', []);
    return this.rotation.rekey(session, onProgress);
  }

  /** Reports long work (loading a space into the index) to `listener` until the returned function is called. */
  onProgress(listener: (event: ProgressEvent) => void): () => void {
    this.ctx.progress.add(listener);
    return () => this.ctx.progress.delete(listener);
  }

  /** A progress event as this session may see it: the space named only if its profile holds it. */
  progressFor(session: Session, event: ProgressEvent): ProgressEvent {
    return this.whoami(session).spaces.includes(event.space) ? event : { ...event, space: '' };
  }

  /** Run by every front door after an unlock: re-seals old versions, re-embeds stale vectors, as far as this profile may. */
  upkeep(session: Session, onProgress: (phase: UpkeepPhase, done: number, total: number) => void = () => {}): Promise<UpkeepReport> {
    return this.upkeeping.run(session, onProgress);
  }

  // ---------------------------------------------------------------- profiles: unlock, recovery, management

  unlock(profileName: string, password: string): Promise<Session> {
    return this.profiles.unlock(profileName, password);
  }

  recoverOwner(recoveryKeyText: string, newPassword: string): Promise<void> {
    return this.profiles.recoverOwner(recoveryKeyText, newPassword);
  }

  /** Profile names are not secret from whoever can read the file; an unlock screen offers them. */
  profileNames(): string[] {
    return this.profiles.profileNames();
  }

  ownerName(): string {
    return this.profiles.ownerName();
  }

  whoami(session: Session): SessionInfo {
    return this.profiles.whoami(session);
  }

  addProfile(session: Session, raw: In<'addProfile', 0>): Promise<ProfileInfo> {
    return this.profiles.addProfile(session, raw);
  }

  listProfiles(session: Session): ProfileInfo[] {
    return this.profiles.listProfiles(session);
  }

  changeRole(session: Session, profile: In<'changeRole', 0>, role: In<'changeRole', 1>): ProfileInfo {
    return this.profiles.changeRole(session, profile, role);
  }

  removeProfile(session: Session, profile: In<'removeProfile', 0>): void {
    return this.profiles.removeProfile(session, profile);
  }

  changePassword(session: Session, current: In<'changePassword', 0>, next: In<'changePassword', 1>): Promise<void> {
    return this.profiles.changePassword(session, current, next);
  }

  resetPassword(session: Session, profile: In<'resetPassword', 0>, next: In<'resetPassword', 1>): Promise<PasswordReset> {
    return this.profiles.resetPassword(session, profile, next);
  }

  // ---------------------------------------------------------------- backups and contacts

  /** Writes a backup or team bundle; progress and cancelling stay in process. */
  exportBackup(session: Session, raw: In<'exportBackup', 0>, onProgress?: (event: ProgressEvent) => void, signal?: AbortSignal): Promise<ExportedBackup> {
    return this.backups.exportBackup(session, raw, onProgress, signal);
  }

  /** A file's header, before any unlock or key. */
  static inspectBackupFile(file: string): Promise<BackupInspection> {
    return BackupOps.inspect(file);
  }

  inspectBackup(session: Session, file: In<'inspectBackup', 0>): Promise<BackupInspection> {
    return this.backups.inspectBackup(session, file);
  }

  checkBackup(session: Session, raw: In<'checkBackup', 0>, onProgress?: (event: ProgressEvent) => void): Promise<BackupCheck> {
    return this.backups.checkBackup(session, raw, onProgress);
  }

  importBackup(session: Session, raw: In<'importBackup', 0>, onProgress?: (event: ProgressEvent) => void): Promise<ImportReport> {
    return this.backups.importBackup(session, raw, onProgress);
  }

  publicIdentity(session: Session): PublicIdentityInfo {
    return this.backups.publicIdentity(session);
  }

  addContact(session: Session, name: In<'addContact', 0>, key: In<'addContact', 1>, replace?: In<'addContact', 2>): ContactInfo {
    return this.backups.addContact(session, name, key, replace);
  }

  listContacts(session: Session): ContactInfo[] {
    return this.backups.listContacts(session);
  }

  verifyContact(session: Session, name: In<'verifyContact', 0>): ContactInfo {
    return this.backups.verifyContact(session, name);
  }

  // ---------------------------------------------------------------- agent credentials

  addAgent(session: Session, raw: In<'addAgent', 0>): IssuedAgent {
    return this.agents.addAgent(session, raw);
  }

  listAgents(session: Session): AgentInfo[] {
    return this.agents.listAgents(session);
  }

  pauseAgent(session: Session, name: In<'pauseAgent', 0>): AgentInfo {
    return this.agents.pauseAgent(session, name);
  }

  resumeAgent(session: Session, name: In<'resumeAgent', 0>): AgentInfo {
    return this.agents.resumeAgent(session, name);
  }

  revokeAgent(session: Session, name: In<'revokeAgent', 0>): AgentInfo {
    return this.agents.revokeAgent(session, name);
  }

  rotateAgent(session: Session, name: In<'rotateAgent', 0>): IssuedAgent {
    return this.agents.rotateAgent(session, name);
  }

  authenticateAgent(token: unknown): Session {
    return this.agents.authenticateAgent(token);
  }

  /** What an agent session may do, for a front door that offers only those tools (MCP); not a call of its own, so not counted. */
  agentGrants(session: Session): AgentGrant[] {
    return session.actor.type === 'agent' ? [...session.actor.grants] : [];
  }

  agentSelf(session: Session): AgentSelf {
    return this.agents.agentSelf(session);
  }

  recordRefusal(session: Session, action: string, reason: string): void {
    return this.agents.recordRefusal(session, action, reason);
  }

  recordAnonymousRefusal(action: string, reason: string): void {
    return this.agents.recordAnonymousRefusal(action, reason);
  }

  claimRequestNonce(session: Session, nonce: string, expiresAtSeconds: number): boolean {
    return this.agents.claimRequestNonce(session, nonce, expiresAtSeconds);
  }

  /** An agent's per-minute budget as it stands (null for profiles), for RateLimit headers. */
  rateState(session: Session): RateState | null {
    return this.ctx.rateState(session);
  }

  /** Ends a profile's or an agent's session: its keys are zeroed and its index dropped. */
  lock(session: Session): void {
    this.ctx.lock(session);
  }
}

/** Audit rows are parsed on the way out of the file; a row of the wrong shape is the file's integrity problem. */
function eventsFromFile<T>(read: () => T): T {
  try {
    return read();
  } catch (err) {
    if (err instanceof AuditRowError) throw new VaultError('integrity', `${err.message}: run \`memvault audit verify\``);
    throw err;
  }
}
