import type { Memory, MemoryState } from '../contract/memory.js';
import type { ProgressEvent } from '../contract/vault.js';
import type { AgentGrant } from '../contract/agent.js';
import type { KdfPreset } from '../crypto/kdf.js';
import { sealToPublicKey } from '../crypto/keys.js';
import { DecryptionError } from '../crypto/aead.js';
import type { Db } from '../store/database.js';
import type { HeadStore } from '../store/head-store.js';
import { Checkpointer } from '../store/checkpointer.js';
import { PlainIndex, type IndexChange, type StoredMemory } from '../store/plain-index.js';
import { appendAudit, type AuditEntry, type Outcome } from '../audit/chain.js';
import { ChainGuard } from '../audit/chain-guard.js';
import type { AuditDetails } from '../audit/mask.js';
import type { Embedder } from '../embed/embedder.js';
import { OPERATION_PERMISSION, WRITE_OPERATIONS, actorMay, type Operation } from './policy.js';
import { VaultError, agentAuthFailed, forbidden, notFound } from './errors.js';
import { loadAgentKeys, loadProfileKeys } from './keyring.js';
import type { Session, AgentActor } from './session.js';
import { RateMeter, type RateState } from './rate-meter.js';
import { RefusalBudget, type RefusalSummary } from './refusal-budget.js';
import { ReadGroup, type PendingRead } from './read-group.js';
import { openRecord, type PlainFields, type RecordPlace } from './records.js';
import { usableVector } from './vectors.js';
import { normalizeForDuplicates } from './text.js';
import { IndexSnapshots } from './index-snapshots.js';
import { type ProfileRow, type VersionRow, type CurrentRow, type AgentRow, type AuditTrail, DAY_MS, iso, readMeta, decrypted, sealedOf, agentRefusal } from './rows.js';

/** Error codes that mean "refused" rather than "went wrong" in the audit log. */
const REFUSALS: ReadonlySet<string> = new Set(['forbidden', 'throttled']);
/** Rows loaded into the index between two progress events. */
const PROGRESS_EVERY = 2_000;
/** How often counted refusals are looked at, so they reach the file within seconds. */
const REFUSAL_FLUSH_MS = 1_000;

/**
 * What every part of the vault service shares: the open file, the vault's identity, the
 * embedder and clock, the unlocked sessions, and the guarded step (permission check, one
 * transaction, audit event, signed chain head) every operation takes.
 */
export class VaultContext {
  readonly sessions = new Set<Session>();
  /** One plaintext index per process, shared by every session that holds a space's key. */
  readonly index: PlainIndex;
  /** Sealed images of spaces' indexes, so an unlock restores a space instead of opening every memory. */
  readonly snapshots: IndexSnapshots;
  /** Who holds each indexed space; the last one to let go drops it. */
  private readonly holders = new Map<string, Set<Session>>();
  /** Index changes of the open write transaction, applied once it commits. */
  private staged: { spaceId: string; change: IndexChange }[] = [];
  /** change_seq before this transaction's first write (null: it has not written a memory yet). */
  private seqBeforeWrite: number | null = null;
  readonly spaceNames = new Map<string, string>();
  readonly guard: ChainGuard;
  private readonly refusals = new RefusalBudget();
  private readonly rates = new RateMeter();
  private readonly flushTimer: NodeJS.Timeout;
  private readonly reads = new ReadGroup((batch) => this.writeReads(batch));
  /** Copies the write-ahead log into the file from another thread, outside the commits. */
  readonly checkpointer: Checkpointer;

  constructor(
    readonly db: Db,
    readonly vaultId: string,
    readonly signingPublicKey: Uint8Array,
    readonly embedder: Embedder,
    readonly clock: () => number,
    readonly kdfPreset: KdfPreset,
    readonly pins: HeadStore,
    private readonly sessionIdleMs: number | null,
  ) {
    this.guard = new ChainGuard(db, vaultId, signingPublicKey, pins, clock);
    this.checkpointer = new Checkpointer(db);
    this.index = new PlainIndex(embedder.dimensions, normalizeForDuplicates);
    this.snapshots = new IndexSnapshots(db, vaultId, embedder.modelId, this.index);
    this.flushTimer = setInterval(() => {
      this.flushDueRefusals();
      this.expireIdleQuietly();
    }, REFUSAL_FLUSH_MS);
    this.flushTimer.unref();
  }

  /** Locks (and so zeroes) every session unused for longer than the idle limit, with a lock event saying why. */
  expireIdle(): void {
    // Locking writes an event: never from inside another transaction, which could still roll back.
    if (this.sessionIdleMs === null || this.db.inTransaction) return;
    const cutoff = this.clock() - this.sessionIdleMs;
    for (const s of [...this.sessions]) if (s.lastUsedAt < cutoff) this.lock(s, 'idle');
  }

  /** From a read or the timer: a busy file must not fail the caller; the next call or tick tries again. */
  private expireIdleQuietly(): void {
    try {
      this.expireIdle();
    } catch {
      // A busy file: the next tick tries again; the sessions stay until then.
    }
  }

  /** A new session counts as used now. */
  adopt(session: Session): void {
    session.lastUsedAt = this.clock();
    this.sessions.add(session);
  }

  /** One write transaction; a chain head signed inside it counts (and is pinned) only once it commits. */
  write<T>(work: () => T, pinNow = false): T {
    // A write inside another one is a savepoint: the index waits for the outermost commit.
    const nested = this.db.inTransaction;
    // Reads that came before this write are logged before it.
    if (!nested) this.reads.flush();
    let result: T;
    try {
      result = this.db.transaction(work).immediate();
    } catch (err) {
      this.guard.rolledBack();
      this.staged = [];
      this.seqBeforeWrite = null;
      throw err;
    }
    if (nested) return result;
    this.checkpointer.committed();
    this.guard.committed(pinNow);
    this.applyStaged();
    return result;
  }

  /**
   * A change this transaction made, from the plaintext in hand; the index sees it only once
   * the transaction commits, so a rollback leaves nothing behind.
   */
  stageIndex(spaceId: string, change: IndexChange): void {
    this.staged.push({ spaceId, change });
  }

  /**
   * The write lock was held from the transaction's start, and each session synced its spaces
   * before writing, so every space that was at the sequence before the first write is, with
   * the staged changes, at the sequence after the last one.
   */
  private applyStaged(): void {
    const staged = this.staged;
    const before = this.seqBeforeWrite;
    this.staged = [];
    this.seqBeforeWrite = null;
    if (before === null && staged.length === 0) return;
    const after = Number(this.metaValue('change_seq'));
    const bySpace = new Map<string, IndexChange[]>();
    for (const { spaceId, change } of staged) {
      if (!this.index.isLoaded(spaceId)) continue;
      let list = bySpace.get(spaceId);
      if (!list) bySpace.set(spaceId, (list = []));
      list.push(change);
    }
    for (const spaceId of this.index.loadedSpaces()) {
      const caughtUp = before !== null && this.index.seq(spaceId) === before;
      const changes = bySpace.get(spaceId);
      if (changes) this.index.apply(spaceId, changes, caughtUp ? after : -1);
      else if (caughtUp) this.index.advance(spaceId, before, after);
    }
  }

  lock(session: Session, reason?: 'idle'): void {
    if (session.locked) return;
    // The keys go whatever happens to the lock's audit event (a busy or failing file): a lock that throws still locks.
    try {
      this.reads.flush();
      this.write(() => {
        this.appendEvent({ actorType: session.actor.type, actorId: session.actor.name, action: 'lock', targets: [], outcome: 'ok', details: reason ? { reason } : {} });
        this.guard.sign(session.signer, true);
      }, true);
    } finally {
      this.release(session);
      session.wipe();
      this.sessions.delete(session);
    }
  }

  /** Ends the timer and writes what is pending; the file is about to close. */
  close(): void {
    clearInterval(this.flushTimer);
    this.reads.flush();
    this.flushRefusals(this.refusals.drain());
  }

  /** The session no longer holds these spaces (all of them by default); a space nobody holds leaves the index. */
  private release(session: Session, keep: ReadonlySet<string> = new Set()): void {
    for (const [spaceId, set] of this.holders) {
      if (keep.has(spaceId) || !set.delete(session)) continue;
      if (set.size > 0) continue;
      this.holders.delete(spaceId);
      this.saveSnapshot(session, spaceId);
      this.index.drop(spaceId);
    }
  }

  /** The last holder lets go of a space: its index is sealed into the file first when the stored snapshot fell behind. */
  private saveSnapshot(session: Session, spaceId: string): void {
    if (!session.keys.has(spaceId) || this.db.inTransaction) return;
    try {
      this.snapshots.saveIfStale(spaceId, session.keys.current(spaceId), (seq) => this.changedSince(spaceId, seq), this.clock(), (phase, done, total) => this.report(phase, spaceId, done, total));
    } catch {
      // A snapshot is a cache: one that cannot be written (a busy or full disk) must not fail the
      // lock that let go of the space. The next unlock loads the space from its memories.
    }
  }

  private changedSince(spaceId: string, seq: number): number {
    return this.db.prepare('SELECT count(*) FROM memories WHERE space_id = ? AND change_seq > ?').pluck().get(spaceId, seq) as number;
  }

  /**
   * The session is still open, and its actor, keys and index match the file: when another
   * session (here or in another process) granted, revoked, rotated or removed something since
   * this one loaded its keys, they are reloaded first. Runs outside transactions (an index
   * can only be attached outside one).
   */
  assertUnlocked(session: Session): void {
    this.expireIdleQuietly();
    if (session.locked || !this.sessions.has(session)) throw new VaultError('locked', 'the vault is locked for this profile; unlock it again');
    session.lastUsedAt = this.clock();
    const seq = this.keySeq();
    if (seq === session.keySeq) return;
    if (session.actor.type === 'profile') this.refreshProfile(session, session.actor.id);
    else this.refreshAgent(session, session.actor.id);
    session.keySeq = seq;
  }

  private refreshProfile(session: Session, profileId: string): void {
    const row = this.profileById(profileId);
    if (!row) {
      this.endSession(session);
      throw new VaultError('locked', 'this profile was removed');
    }
    if (!Buffer.from(row.public_key).equals(session.keyPair.publicKey)) {
      this.endSession(session);
      throw new VaultError('locked', 'this profile’s password was reset; unlock with the new one');
    }
    const { keyring, vaultKey } = loadProfileKeys(this.db, row.id, session.keyPair);
    session.actor = { ...session.actor, type: 'profile', role: row.role };
    this.adoptKeys(session, keyring, vaultKey);
  }

  private refreshAgent(session: Session, agentId: string): void {
    const row = this.db.prepare('SELECT * FROM agents WHERE id = ?').get(agentId) as AgentRow | undefined;
    if (!row || agentRefusal(row, this.clock()) !== null) {
      this.endSession(session);
      throw agentAuthFailed();
    }
    session.actor = { ...(session.actor as AgentActor), grants: JSON.parse(row.grants) as AgentGrant[] };
    this.adoptKeys(session, loadAgentKeys(this.db, row.id, session.keyPair), null);
  }

  /** New keys; spaces the session lost are let go (the next sync loads any it gained). */
  private adoptKeys(session: Session, keyring: Session['keys'], vaultKey: Uint8Array | null): void {
    session.replaceKeys(keyring, vaultKey);
    this.release(session, new Set(keyring.spaceIds()));
  }

  /** Drops a session without an event of its own (the change that ended it was audited). */
  endSession(session: Session): void {
    this.reads.flush();
    this.sessions.delete(session);
    this.release(session);
    if (!session.locked) session.wipe();
  }

  /** Permission check for methods that do slow work (KDF, embedding) before their transaction. */
  authorize(session: Session, op: Operation, targets: string[]): void {
    this.assertUnlocked(session);
    const permission = OPERATION_PERMISSION[op];
    if (!actorMay(session.actor, permission)) {
      this.denied(session, op, targets, { permission });
      const who = session.actor.type === 'profile' ? `role ${session.actor.role}` : 'this agent';
      throw new VaultError('forbidden', `${who} may not ${op}`, { details: { permission } });
    }
    if (session.actor.type === 'agent' && !this.rates.fits(session.actor.id, session.actor.requestsPerMinute, this.clock())) this.overRate(session, op);
  }

  /** Counts one call against an agent's per-minute budget; every operation an agent makes passes here once. */
  charge(session: Session, op: string): void {
    if (session.actor.type !== 'agent') return;
    if (!this.rates.take(session.actor.id, session.actor.requestsPerMinute, this.clock())) this.overRate(session, op);
  }

  rateState(session: Session): RateState | null {
    return session.actor.type === 'agent' ? this.rates.state(session.actor.id, session.actor.requestsPerMinute, this.clock()) : null;
  }

  private overRate(session: Session, op: string): never {
    const state = this.rateState(session)!;
    this.denied(session, 'rateLimit', [], { reason: 'requests per minute exceeded', operation: op });
    throw new VaultError('throttled', 'this agent is over its request rate limit', { retryAfterSeconds: state.resetSeconds });
  }

  denied(session: Session, op: string, targets: string[], details: AuditDetails): void {
    this.write(() => this.audit(session, op, { targets, details }, 'denied'));
  }

  /**
   * Runs `work` in one write transaction with its audit event. A typed failure rolls the work
   * back and is then recorded on its own, so denials and failures are in the log too.
   */
  act<T>(session: Session, op: Operation, work: (trail: AuditTrail) => T): T {
    this.authorize(session, op, []);
    this.charge(session, op);
    const trail: AuditTrail = { targets: [], details: {} };
    try {
      return this.write(() => {
        if (WRITE_OPERATIONS.has(op)) this.chargeWrites(session, 1);
        const result = work(trail);
        this.audit(session, op, trail, 'ok');
        return result;
      });
    } catch (err) {
      throw this.recordFailure(session, op, trail, err);
    }
  }

  /**
   * Logs a failed operation on its own (its work was rolled back, or it failed before any) and
   * returns the typed error to throw. A backup's refusal reason (not_a_recipient, rolled_back…) goes with it.
   */
  recordFailure(session: Session, op: Operation, trail: AuditTrail, err: unknown): VaultError {
    const error = err instanceof VaultError ? err : new VaultError('internal', 'internal error', {}, err);
    const details: AuditDetails = { ...trail.details, error: error.code };
    const reason = error.extra.details?.reason;
    if (typeof reason === 'string') details.reason = reason;
    this.write(() => this.audit(session, op, { targets: trail.targets, details }, REFUSALS.has(error.code) ? 'denied' : 'failed'));
    return error;
  }

  /**
   * A read: one read transaction, so no write lock (a long import in another process does not
   * stall it), and its event joins the next group commit (read-group.ts). A refused or failed
   * read is logged at once, like every refusal.
   */
  observe<T>(session: Session, op: Operation, work: (trail: AuditTrail) => T): T {
    this.authorize(session, op, []);
    this.charge(session, op);
    const trail: AuditTrail = { targets: [], details: {} };
    let result: T;
    try {
      result = this.read(session, () => work(trail));
    } catch (err) {
      throw this.recordFailure(session, op, trail, err);
    }
    this.reads.add({ session, action: op, trail, at: this.clock() });
    return result;
  }

  /**
   * One transaction for a group of reads' events, signed once by the latest session in it that
   * is still open (sessions flush before they end, so there is one).
   */
  private writeReads(batch: PendingRead[]): void {
    if (!this.db.open) return;
    const signer = batch.findLast((r) => !r.session.locked)?.session;
    const lastUse = new Map<string, number>();
    this.write(() => {
      for (const r of batch) {
        const actor = r.session.actor;
        const entry = { actorType: actor.type, actorId: actor.name, action: r.action, targets: r.trail.targets, outcome: 'ok' as const, details: r.trail.details };
        this.guard.appended(appendAudit(this.db, entry, r.at));
        if (actor.type === 'agent') lastUse.set(actor.id, r.at);
      }
      const touch = this.db.prepare('UPDATE agents SET last_used_at = max(coalesce(last_used_at, 0), ?) WHERE id = ?');
      for (const [agentId, at] of lastUse) touch.run(at, agentId);
      if (signer) this.guard.sign(signer.signer, false);
    });
  }

  /**
   * Counts writes against an agent's quota for the current UTC day, inside the write's
   * transaction; a batch that does not fit in what is left is refused whole. Profiles have no quota.
   */
  chargeWrites(session: Session, count: number): void {
    const actor = session.actor;
    if (actor.type !== 'agent') return;
    const now = this.clock();
    const day = new Date(now).toISOString().slice(0, 10);
    const used = (this.db.prepare('SELECT writes FROM agent_usage WHERE agent_id = ? AND day = ?').get(actor.id, day) as { writes: number } | undefined)?.writes ?? 0;
    if (used + count > actor.dailyWrites) {
      const retryAfterSeconds = Math.ceil((DAY_MS - (now % DAY_MS)) / 1000);
      const message = used >= actor.dailyWrites ? 'this agent has used its daily write quota' : `this agent has ${actor.dailyWrites - used} writes left today, fewer than the ${count} asked for`;
      throw new VaultError('throttled', message, { retryAfterSeconds, details: { quota: actor.dailyWrites, remaining: Math.max(0, actor.dailyWrites - used) } });
    }
    this.db
      .prepare('INSERT INTO agent_usage (agent_id, day, writes) VALUES (?, ?, ?) ON CONFLICT (agent_id, day) DO UPDATE SET writes = writes + excluded.writes')
      .run(actor.id, day, count);
  }

  /** A consistent read of the file and the index, without an audit event (callers audit). */
  read<T>(session: Session, work: () => T): T {
    this.assertUnlocked(session);
    return this.db.transaction(() => {
      this.syncIndex(session);
      return work();
    })();
  }

  /** Appends the event and signs the new head with the session's key, after checking the chain it extends. */
  audit(session: Session, action: string, trail: AuditTrail, outcome: Outcome): void {
    this.appendEvent({ actorType: session.actor.type, actorId: session.actor.name, action, targets: trail.targets, outcome, details: trail.details });
    if (session.actor.type === 'agent') this.db.prepare('UPDATE agents SET last_used_at = ? WHERE id = ?').run(this.clock(), session.actor.id);
    // A session locked while its operation awaited (a KDF, embedding) has zeroed keys: its event
    // is left for the next open session's checkpoint to cover, as a group of reads is.
    if (!session.locked) this.guard.sign(session.signer, false);
  }

  /** Writes one event; refusals go through the budget, so a flood of them becomes a count. */
  appendEvent(entry: AuditEntry): void {
    const now = this.clock();
    if (entry.outcome === 'ok') {
      this.guard.appended(appendAudit(this.db, entry, now));
      return;
    }
    const { log, due } = this.refusals.admit(entry.actorType, entry.actorId, now);
    for (const summary of due) this.appendSummary(summary, now);
    if (log) this.guard.appended(appendAudit(this.db, entry, now));
  }

  private flushDueRefusals(): void {
    this.flushRefusals(this.refusals.takeEnded(this.clock()));
  }

  private flushRefusals(summaries: RefusalSummary[]): void {
    if (summaries.length === 0 || !this.db.open) return;
    const now = this.clock();
    this.write(() => {
      for (const summary of summaries) this.appendSummary(summary, now);
    });
  }

  private appendSummary(s: RefusalSummary, now: number): void {
    appendAudit(
      this.db,
      { actorType: s.actorType, actorId: s.actorId, action: 'repeatedRefusals', targets: [], outcome: 'denied', details: { count: s.count, from: iso(s.from), to: iso(s.to) } },
      now,
    );
  }

  /**
   * Brings the session's spaces in the shared index up to the file: a space nobody indexed yet
   * is loaded whole; a loaded one gets every memory whose change sequence is newer, from this
   * process or another (the CLI writing while the app is open); purged ids are dropped. Inside
   * a transaction that already wrote, what it reads is not committed yet: it is staged.
   */
  syncIndex(session: Session): void {
    const head = Number(this.metaValue('change_seq'));
    const spaceIds = session.keys.spaceIds();
    for (const spaceId of spaceIds) {
      let set = this.holders.get(spaceId);
      if (!set) this.holders.set(spaceId, (set = new Set()));
      set.add(session);
    }
    const behind = spaceIds.filter((id) => this.index.seq(id) !== head);
    if (behind.length === 0) return;
    const dirty = this.seqBeforeWrite !== null;
    for (const spaceId of behind) {
      const from = this.index.seq(spaceId);
      if (from < 0 && dirty) continue;
      const since = Math.max(from, 0);
      const changes = this.changesSince(session, spaceId, since);
      if (dirty) for (const change of changes) this.stageIndex(spaceId, change);
      else if (from >= 0) this.index.apply(spaceId, changes, head);
      else {
        const total = this.db.prepare('SELECT count(*) FROM memories WHERE space_id = ?').pluck().get(spaceId) as number;
        const restored = this.restoreSnapshot(session, spaceId, total);
        if (restored !== null) {
          if (restored !== head) this.index.apply(spaceId, this.changesSince(session, spaceId, restored), head);
          continue;
        }
        this.index.reserve(spaceId, total);
        this.index.apply(spaceId, this.reporting(spaceId, changes, total), head);
      }
    }
  }

  /** A space from its sealed snapshot (the sequence it reflects, or null), reported as one step of the index phase (decrypting it is the long part). */
  private restoreSnapshot(session: Session, spaceId: string, total: number): number | null {
    if (!session.keys.has(spaceId)) return null;
    const restored = this.snapshots.restore(spaceId, session.keys.current(spaceId), () => this.report('index', spaceId, 0, total));
    if (restored !== null) this.report('index', spaceId, total, total);
    return restored;
  }

  /** Listeners for long work (front doors show a bar); a listener that throws is not this vault's failure. */
  readonly progress = new Set<(event: ProgressEvent) => void>();

  private report(phase: ProgressEvent['phase'], spaceId: string, done: number, total: number): void {
    const event: ProgressEvent = { phase, space: this.spaceName(spaceId), done, total };
    for (const listener of this.progress) {
      try {
        listener(event);
      } catch {
        // A broken progress display must not fail the read it reports on.
      }
    }
  }

  private *reporting(spaceId: string, changes: Iterable<IndexChange>, total: number): Generator<IndexChange> {
    let done = 0;
    this.report('index', spaceId, 0, total);
    for (const change of changes) {
      yield change;
      if (++done % PROGRESS_EVERY === 0) this.report('index', spaceId, done, total);
    }
    if (done % PROGRESS_EVERY !== 0 || done === 0) this.report('index', spaceId, done, total);
  }

  /** Streamed, so loading a large space never holds all its ciphertext rows at once. */
  private *changesSince(session: Session, spaceId: string, from: number): Generator<IndexChange> {
    const rows = this.db
      .prepare(
        `SELECT v.*, m.space_id, m.created_at, m.change_seq FROM memories m
         JOIN memory_versions v ON v.memory_id = m.id AND v.version = m.version
         WHERE m.space_id = ? AND m.change_seq > ?`,
      )
      .iterate(spaceId, from) as IterableIterator<CurrentRow>;
    for (const r of rows) {
      let f: PlainFields;
      try {
        f = this.openRow(session, r);
      } catch (err) {
        if (!(err instanceof DecryptionError)) throw err;
        // A row that fails to authenticate stays out of search; reading it by id reports the integrity error.
        yield { remove: r.memory_id };
        continue;
      }
      yield { upsert: { ...decrypted(r, f), vector: this.searchableVector(r.embed_model, f.embedding) } };
    }
    if (from > 0) for (const id of this.db.prepare('SELECT memory_id FROM purges WHERE change_seq > ?').pluck().all(from) as string[]) yield { remove: id };
  }

  /** A stored vector is searched only when the current model (or a caller speaking for it) made it and it is usable. */
  searchableVector(model: string | null, vector: Float32Array | null): Float32Array | null {
    return model !== null && model.endsWith(this.embedder.modelId) && vector !== null && usableVector(vector) ? vector : null;
  }

  placeOf(r: CurrentRow): RecordPlace {
    return { vaultId: this.vaultId, spaceId: r.space_id, memoryId: r.memory_id, version: r.version };
  }

  /** Opens a version with the key of the epoch it was sealed under; a missing epoch key fails like a bad ciphertext. */
  openVersion(session: Session, spaceId: string, row: VersionRow): PlainFields {
    const key = session.keys.key(spaceId, row.key_epoch);
    if (!key) throw new DecryptionError();
    return openRecord(key, { vaultId: this.vaultId, spaceId, memoryId: row.memory_id, version: row.version }, sealedOf(row));
  }

  private openRow(session: Session, r: CurrentRow): PlainFields {
    return this.openVersion(session, r.space_id, r);
  }

  openOrFail(session: Session, spaceId: string, row: VersionRow): PlainFields {
    try {
      return this.openVersion(session, spaceId, row);
    } catch (err) {
      if (err instanceof DecryptionError)
        throw new VaultError('integrity', 'a stored memory failed authentication: the vault file was changed outside Memvault', {
          details: { memoryId: row.memory_id },
        });
      throw err;
    }
  }

  toMemory(m: StoredMemory): Memory {
    return {
      id: m.id,
      space: this.spaceName(m.spaceId),
      kind: m.kind,
      content: m.content,
      context: m.context,
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

  grantedSpaceId(session: Session, name: string): string {
    const space = this.spaceByName(name);
    if (!space || !session.keys.has(space.id)) throw notFound('space');
    return space.id;
  }

  spaceIdFor(session: Session, name: string | undefined): string {
    if (name !== undefined) return this.grantedSpaceId(session, name);
    // The vault's default space if held, else the first by name: the order /v1/me, list_spaces and `space list` show.
    const fallback = String(this.metaValue('default_space'));
    if (session.keys.has(fallback)) return fallback;
    const first = this.grantedSpaceNames(session)[0];
    if (first === undefined) throw forbidden('this profile holds no space to write to');
    return this.grantedSpaceId(session, first);
  }

  grantedSpaceNames(session: Session): string[] {
    return session.keys.spaceIds().map((id) => this.spaceName(id)).sort();
  }

  spaceByName(name: string): { id: string } | undefined {
    return this.db.prepare('SELECT id FROM spaces WHERE name = ?').get(name) as { id: string } | undefined;
  }

  requireSpace(name: string): string {
    const space = this.spaceByName(name);
    if (!space) throw notFound('space');
    return space.id;
  }

  /** Space names never change, so each is read once; results and lists name the space of every memory. */
  spaceName(id: string): string {
    let name = this.spaceNames.get(id);
    if (name === undefined) {
      name = (this.db.prepare('SELECT name FROM spaces WHERE id = ?').get(id) as { name: string }).name;
      this.spaceNames.set(id, name);
    }
    return name;
  }

  sealKeyTo(keyRef: string, epoch: number, profileId: string, publicKey: Uint8Array, key: Uint8Array): void {
    this.db.prepare('INSERT OR REPLACE INTO sealed_keys (key_ref, epoch, profile_id, sealed) VALUES (?, ?, ?, ?)').run(keyRef, epoch, profileId, sealToPublicKey(publicKey, key));
  }

  sealKeyToAgent(agentId: string, spaceId: string, epoch: number, publicKey: Uint8Array, key: Uint8Array): void {
    this.db.prepare('INSERT OR REPLACE INTO agent_sealed_keys (agent_id, space_id, epoch, sealed) VALUES (?, ?, ?, ?)').run(agentId, spaceId, epoch, sealToPublicKey(publicKey, key));
  }

  profileByName(name: string): ProfileRow | undefined {
    return this.db.prepare('SELECT * FROM profiles WHERE name = ?').get(name) as ProfileRow | undefined;
  }

  profileById(id: string): ProfileRow | undefined {
    return this.db.prepare('SELECT * FROM profiles WHERE id = ?').get(id) as ProfileRow | undefined;
  }

  requireProfile(name: string): ProfileRow {
    const row = this.profileByName(name);
    if (!row) throw notFound('profile');
    return row;
  }

  metaValue(key: string): unknown {
    return readMeta(this.db, key);
  }

  setMeta(key: string, value: string | number): void {
    this.db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run(key, value);
  }

  bumpChangeSeq(): number {
    const seq = (this.db.prepare("UPDATE meta SET value = value + 1 WHERE key = 'change_seq' RETURNING value").get() as { value: number }).value;
    this.seqBeforeWrite ??= seq - 1;
    return seq;
  }

  keySeq(): number {
    return Number(this.metaValue('key_seq') ?? 0);
  }

  /** Who holds which key changed: every session reloads its keys (and actor) before its next operation. */
  keysChanged(): void {
    this.db.prepare("UPDATE meta SET value = value + 1 WHERE key = 'key_seq'").run();
  }
}
