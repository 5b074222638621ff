import { createHash } from 'node:crypto';
import type { Db } from '../store/database.js';
import { sign, verifySignature } from '../crypto/keys.js';
import { maskDetails, type AuditDetails } from './mask.js';

export type ActorType = 'profile' | 'agent' | 'system' | 'anonymous';
export type Outcome = 'ok' | 'denied' | 'failed';

export interface AuditEntry {
  actorType: ActorType;
  actorId: string;
  action: string;
  targets: string[];
  outcome: Outcome;
  details?: AuditDetails;
}

export interface AuditEvent extends Required<AuditEntry> {
  seq: number;
  time: string;
  prevHash: string;
  hash: string;
}

/** An audit_events row as stored. */
export interface AuditRow {
  seq: number;
  ts: number;
  actor_type: string;
  actor_id: string;
  action: string;
  targets: string;
  outcome: string;
  details: string;
  prev_hash: Buffer;
  hash: Buffer;
}

const GENESIS = Buffer.alloc(32);


export function eventHash(prev: Uint8Array, r: Omit<AuditRow, 'prev_hash' | 'hash'>): Buffer {
  const body = JSON.stringify([r.seq, r.ts, r.actor_type, r.actor_id, r.action, r.targets, r.outcome, r.details]);
  return createHash('sha256').update(prev).update(body).digest();
}

/** Appends one event; the caller runs this inside the transaction of the action it records. */
export function appendAudit(db: Db, entry: AuditEntry, now: number): number {
  const last = db.prepare('SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1').get() as
    | { seq: number; hash: Buffer }
    | undefined;
  const row = {
    seq: (last?.seq ?? 0) + 1,
    ts: now,
    actor_type: entry.actorType,
    actor_id: entry.actorId,
    action: entry.action,
    targets: JSON.stringify(entry.targets),
    outcome: entry.outcome,
    details: JSON.stringify(maskDetails(entry.details ?? {})),
  };
  const prev = last?.hash ?? GENESIS;
  const hash = eventHash(prev, row);
  db.prepare(
    `INSERT INTO audit_events (seq, ts, actor_type, actor_id, action, targets, outcome, details, prev_hash, hash)
     VALUES (@seq, @ts, @actor_type, @actor_id, @action, @targets, @outcome, @details, @prev_hash, @hash)`,
  ).run({ ...row, prev_hash: prev, hash });
  return row.seq;
}

function checkpointMessage(vaultId: string, seq: number, hash: Uint8Array): Uint8Array {
  return Buffer.concat([Buffer.from(`memvault-audit-checkpoint:${vaultId}:${seq}:`), hash]);
}

/** A permanent checkpoint at least this often, so pruning can restart the chain at one. */
const PERMANENT_EVERY = 64;

/**
 * Signs the current head of the chain. Sessions that hold the vault signing key call this
 * after every action, so an edit anywhere before the head breaks a signature; a permanent
 * checkpoint is kept at unlock, lock and every PERMANENT_EVERY events.
 */
export function signCheckpoint(db: Db, vaultId: string, signingKey: Uint8Array, now: number, permanent: boolean): void {
  const head = db.prepare('SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1').get() as
    | { seq: number; hash: Buffer }
    | undefined;
  if (!head) return;
  const lastPermanent = (db.prepare('SELECT max(seq) AS s FROM audit_checkpoints WHERE permanent = 1').get() as { s: number | null }).s ?? 0;
  const keep = permanent || head.seq - lastPermanent >= PERMANENT_EVERY;
  const signature = sign(signingKey, checkpointMessage(vaultId, head.seq, head.hash));
  db.prepare('DELETE FROM audit_checkpoints WHERE permanent = 0').run();
  db.prepare(
    `INSERT INTO audit_checkpoints (seq, hash, ts, signature, permanent) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (seq) DO UPDATE SET permanent = max(permanent, excluded.permanent)`,
  ).run(
    head.seq,
    head.hash,
    now,
    signature,
    keep ? 1 : 0,
  );
}

export interface VerifyReport {
  ok: boolean;
  events: number;
  checkpoints: number;
  firstBadSeq: number | null;
  reason: string | null;
}

/**
 * Walks the chain from the start: a gap in sequence numbers (deleted or inserted event), a
 * previous-hash mismatch (reordered) or a hash mismatch (edited) stops the walk at that event.
 * Checkpoints must carry a valid vault signature over the hash the chain has at that point.
 */
export function verifyChain(db: Db, vaultId: string, signingPublicKey: Uint8Array): VerifyReport {
  let prev: Uint8Array = GENESIS;
  let expectedSeq = 1;
  let events = 0;
  const hashes = new Map<number, Buffer>();
  const fail = (seq: number, reason: string): VerifyReport => ({
    ok: false,
    events,
    checkpoints: 0,
    firstBadSeq: seq,
    reason,
  });
  for (const r of db.prepare('SELECT * FROM audit_events ORDER BY seq').iterate() as IterableIterator<AuditRow>) {
    if (r.seq !== expectedSeq) return fail(expectedSeq, r.seq > expectedSeq ? 'event missing' : 'sequence out of order');
    if (!Buffer.from(prev).equals(r.prev_hash)) return fail(r.seq, 'previous-hash link broken');
    const hash = eventHash(prev, r);
    if (!hash.equals(r.hash)) return fail(r.seq, 'event content does not match its hash');
    hashes.set(r.seq, hash);
    prev = hash;
    expectedSeq++;
    events++;
  }
  let checkpoints = 0;
  const rows = db.prepare('SELECT seq, hash, signature FROM audit_checkpoints ORDER BY seq').all() as {
    seq: number;
    hash: Buffer;
    signature: Buffer;
  }[];
  for (const c of rows) {
    const chainHash = hashes.get(c.seq);
    if (!chainHash) return fail(c.seq, 'signed checkpoint refers to a missing event');
    if (!chainHash.equals(c.hash) || !verifySignature(signingPublicKey, checkpointMessage(vaultId, c.seq, c.hash), c.signature))
      return fail(c.seq, 'checkpoint signature invalid');
    checkpoints++;
  }
  return { ok: true, events, checkpoints, firstBadSeq: null, reason: null };
}

export function rowToEvent(r: AuditRow): AuditEvent {
  return {
    seq: r.seq,
    time: new Date(r.ts).toISOString(),
    actorType: r.actor_type as ActorType,
    actorId: r.actor_id,
    action: r.action,
    targets: JSON.parse(r.targets) as string[],
    outcome: r.outcome as Outcome,
    details: JSON.parse(r.details) as AuditDetails,
    prevHash: r.prev_hash.toString('hex'),
    hash: r.hash.toString('hex'),
  };
}

export interface AuditQuery {
  afterSeq?: number;
  limit: number;
  actorId?: string;
  action?: string;
  outcome?: Outcome;
}

export function listAudit(db: Db, q: AuditQuery): AuditEvent[] {
  const rows = db
    .prepare(
      `SELECT * FROM audit_events
       WHERE seq > @after
         AND (@actor IS NULL OR actor_id = @actor)
         AND (@action IS NULL OR action = @action)
         AND (@outcome IS NULL OR outcome = @outcome)
       ORDER BY seq LIMIT @limit`,
    )
    .all({ after: q.afterSeq ?? 0, actor: q.actorId ?? null, action: q.action ?? null, outcome: q.outcome ?? null, limit: q.limit }) as AuditRow[];
  return rows.map(rowToEvent);
}
