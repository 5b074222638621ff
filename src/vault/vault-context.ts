import type { Memory, MemoryState } from '../contract/memory.js';
import type { KdfPreset } from '../crypto/kdf.js';
import { sealToPublicKey } from '../crypto/keys.js';
import { DecryptionError } from '../crypto/aead.js';
import type { Db } from '../store/database.js';
import type { StoredMemory } from '../store/memory-index.js';
import { appendAudit, signCheckpoint, type AuditEntry, type Outcome } from '../audit/chain.js';
import type { AuditDetails } from '../audit/mask.js';
import type { Embedder } from '../embed/embedder.js';
import { OPERATION_PERMISSION, WRITE_OPERATIONS, actorMay, type Operation } from './policy.js';
import { VaultError, forbidden, notFound } from './errors.js';
import { Session, type AgentActor } from './session.js';
import { RefusalBudget, type RefusalSummary } from './refusal-budget.js';
import { openFields, type PlainFields, type RecordPlace } from './records.js';
import { type ProfileRow, type VersionRow, type CurrentRow, type AuditTrail, DAY_MS, iso, readMeta, decrypted, sealedOf } from './rows.js';

/** Error codes that mean "refused" rather than "went wrong" in the audit log. */
const REFUSALS: ReadonlySet<string> = new Set(['forbidden', 'throttled']);

/**
 * What every part of the vault service shares: the open file, the vault's identity, the
 * embedder and clock, the unlocked sessions, and the guarded step (permission check, one
 * transaction, audit event) every operation takes.
 */
export class VaultContext {
  readonly sessions = new Set<Session>();
  readonly spaceNames = new Map<string, string>();
  private readonly refusals = new RefusalBudget();
  nextSchema = 1;

  constructor(
    readonly db: Db,
    readonly vaultId: string,
    readonly signingPublicKey: Uint8Array,
    readonly embedder: Embedder,
    readonly clock: () => number,
    readonly kdfPreset: KdfPreset,
  ) {}

  lock(session: Session): void {
    if (session.locked) return;
    this.db.transaction(() => {
      this.audit(session, 'lock', { targets: [], details: {} }, 'ok');
      if (session.signingKey) signCheckpoint(this.db, this.vaultId, session.signingKey, this.clock(), true);
    }).immediate();
    session.wipe();
    this.sessions.delete(session);
  }

  assertUnlocked(session: Session): void {
    if (session.locked || !this.sessions.has(session)) throw new VaultError('locked', 'the vault is locked for this profile; unlock it again');
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
  }

  denied(session: Session, op: string, targets: string[], details: AuditDetails): void {
    this.db.transaction(() => this.audit(session, op, { targets, details }, 'denied')).immediate();
  }

  /**
   * Runs `work` in one write transaction with its audit event. A typed failure rolls the work
   * back and is then recorded on its own, so denials and failures are in the log too.
   */
  act<T>(session: Session, op: Operation, work: (trail: AuditTrail) => T): T {
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

  /** A consistent read of the file and the index, without an audit event (callers audit). */
  read<T>(session: Session, work: () => T): T {
    this.assertUnlocked(session);
    return this.db.transaction(() => {
      this.syncIndex(session);
      return work();
    })();
  }

  audit(session: Session, action: string, trail: AuditTrail, outcome: Outcome): void {
    this.appendEvent({ actorType: session.actor.type, actorId: session.actor.name, action, targets: trail.targets, outcome, details: trail.details });
    if (session.actor.type === 'agent') this.db.prepare('UPDATE agents SET last_used_at = ? WHERE id = ?').run(this.clock(), session.actor.id);
    if (session.signingKey) signCheckpoint(this.db, this.vaultId, session.signingKey, this.clock(), false);
  }

  /** Writes one event; refusals go through the budget, so a flood of them becomes a count. */
  appendEvent(entry: AuditEntry): void {
    const now = this.clock();
    if (entry.outcome === 'ok') {
      appendAudit(this.db, entry, now);
      return;
    }
    const { log, due } = this.refusals.admit(entry.actorType, entry.actorId, now);
    for (const summary of due) this.appendSummary(summary, now);
    if (log) appendAudit(this.db, entry, now);
  }

  /** Writes the counts of refusals not yet written one by one; the vault is closing. */
  flushRefusals(): void {
    const pending = this.refusals.drain();
    if (pending.length === 0) return;
    const now = this.clock();
    this.db.transaction(() => {
      for (const summary of pending) this.appendSummary(summary, now);
    }).immediate();
  }

  private appendSummary(s: RefusalSummary, now: number): void {
    appendAudit(
      this.db,
      { actorType: s.actorType, actorId: s.actorId, action: 'repeatedRefusals', targets: [], outcome: 'denied', details: { count: s.count, from: iso(s.from), to: iso(s.to) } },
      now,
    );
  }

  /**
   * Brings the session's index up to the file: every memory whose change sequence is newer,
   * from this process or another one (the CLI writing while the app is open), is decrypted
   * and re-indexed; purged ids are dropped.
   */
  syncIndex(session: Session): void {
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

  placeOf(r: CurrentRow): RecordPlace {
    return { vaultId: this.vaultId, spaceId: r.space_id, memoryId: r.memory_id, version: r.version };
  }

  openOrFail(key: Uint8Array, place: RecordPlace, row: VersionRow): PlainFields {
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

  toMemory(m: StoredMemory): Memory {
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

  grantedSpaceId(session: Session, name: string): string {
    const space = this.spaceByName(name);
    if (!space || !session.spaceKeys.has(space.id)) throw notFound('space');
    return space.id;
  }

  spaceIdFor(session: Session, name: string | undefined): string {
    if (name !== undefined) return this.grantedSpaceId(session, name);
    const fallback = String(this.metaValue('default_space'));
    if (session.spaceKeys.has(fallback)) return fallback;
    const first = [...session.spaceKeys.keys()][0];
    if (!first) throw forbidden('this profile holds no space to write to');
    return first;
  }

  grantedSpaceNames(session: Session): string[] {
    return [...session.spaceKeys.keys()].map((id) => this.spaceName(id)).sort();
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

  sealKeyTo(keyRef: string, profileId: string, publicKey: Uint8Array, key: Uint8Array): void {
    this.db.prepare('INSERT OR REPLACE INTO sealed_keys (key_ref, profile_id, sealed) VALUES (?, ?, ?)').run(keyRef, profileId, sealToPublicKey(publicKey, key));
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
    return (this.db.prepare("UPDATE meta SET value = value + 1 WHERE key = 'change_seq' RETURNING value").get() as { value: number }).value;
  }
}
