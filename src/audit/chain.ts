import { createHash } from 'node:crypto';
import type { Db } from '../store/database.js';
import { sign, verifySignature } from '../crypto/keys.js';
import type { PinnedHead } from '../store/head-store.js';
import { VAULT_SIGNER, trustedSigners, type SignerKey } from './signers.js';
import { maskDetails, type AuditDetails } from './mask.js';

import { z } from 'zod';
import { auditDetailsSchema, auditEventSchema, type ActorType, type AuditEvent, type Outcome, type VerifyProblem, type VerifyReport } from '../contract/audit.js';

export type { ActorType, AuditEvent, Outcome, VerifyProblem, VerifyReport };

export interface AuditEntry {
  actorType: ActorType;
  actorId: string;
  action: string;
  targets: string[];
  outcome: Outcome;
  details?: AuditDetails;
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

/**
 * Events a session writes and signs in the same transaction: every successful action of a
 * profile or agent. Refusals, failures of callers nobody authenticated and system notices have
 * no key to sign them when they are written; any other event outside a signature was written
 * by someone other than Memvault.
 */
const SIGNED_AT_ONCE_SQL = "outcome = 'ok' AND actor_type IN ('profile', 'agent')";

export function signedAtOnce(r: Pick<AuditRow, 'outcome' | 'actor_type'>): boolean {
  return r.outcome === 'ok' && (r.actor_type === 'profile' || r.actor_type === 'agent');
}

/** The events after `seq` (and after those release 0.1.0 left unsigned) that should carry a signature of their own, in order. */
export function signedAtOnceAfter(db: Db, seq: number): number[] {
  return db
    .prepare(
      `SELECT seq FROM audit_events
       WHERE seq > ? AND seq > coalesce((SELECT value FROM meta WHERE key = 'legacy_unsigned_through'), 0) AND ${SIGNED_AT_ONCE_SQL}
       ORDER BY seq`,
    )
    .pluck()
    .all(seq) as number[];
}

export function eventHash(prev: Uint8Array, r: Omit<AuditRow, 'prev_hash' | 'hash'>): Buffer {
  const body = JSON.stringify([r.seq, r.ts, r.actor_type, r.actor_id, r.action, r.targets, r.outcome, r.details]);
  return createHash('sha256').update(prev).update(body).digest();
}

/** Appends one event; the caller runs this inside the transaction of the action it records. */
export function appendAudit(db: Db, entry: AuditEntry, now: number): number {
  const last = chainHead(db);
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

/**
 * What a checkpoint signs. Checkpoints of the vault key keep the message of release 0.1.0, so
 * old vaults verify; every other signer's message names the signer too.
 */
export function checkpointMessage(vaultId: string, signer: string, seq: number, hash: Uint8Array): Uint8Array {
  const prefix = signer === VAULT_SIGNER ? `memvault-audit-checkpoint:${vaultId}:${seq}:` : `memvault-audit-checkpoint-v2:${vaultId}:${signer}:${seq}:`;
  return Buffer.concat([Buffer.from(prefix), hash]);
}

/** A permanent checkpoint at least this often, so pruning can restart the chain at one. */
const PERMANENT_EVERY = 64;

export interface ChainHead {
  seq: number;
  hash: Buffer;
}

export function chainHead(db: Db): ChainHead | undefined {
  return db.prepare('SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1').get() as ChainHead | undefined;
}

/**
 * Signs the current head of the chain with the acting session's key. Callers check the chain
 * first (ChainGuard), so a signature never seals a tampered log. The latest head keeps one
 * replaceable row; a permanent checkpoint is kept at unlock, lock and every PERMANENT_EVERY events.
 */
export function signCheckpoint(db: Db, vaultId: string, signer: SignerKey, now: number, permanent: boolean): ChainHead | undefined {
  const head = chainHead(db);
  if (!head) return undefined;
  const lastPermanent = (db.prepare('SELECT max(seq) AS s FROM audit_checkpoints WHERE permanent = 1').get() as { s: number | null }).s ?? 0;
  const keep = permanent || head.seq - lastPermanent >= PERMANENT_EVERY;
  const signature = sign(signer.secretKey, checkpointMessage(vaultId, signer.id, head.seq, head.hash));
  db.prepare('DELETE FROM audit_checkpoints WHERE permanent = 0').run();
  db.prepare(
    `INSERT INTO audit_checkpoints (seq, hash, ts, signature, permanent, signer) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (seq) DO UPDATE SET permanent = max(permanent, excluded.permanent)`,
  ).run(head.seq, head.hash, now, signature, keep ? 1 : 0, signer.id);
  return head;
}

/**
 * Why verification failed. `unsigned_tail` alone means every event up to the last checkpoint
 * is sound and the events after it are of the kinds nobody can sign when they are written;
 * `unsigned_action` means the tail holds an action that is always signed at once: a forgery.
 */

/**
 * Walks the whole chain: a gap in sequence numbers (deleted or inserted event), a
 * previous-hash mismatch (reordered) or a hash mismatch (edited) stops the walk at that event.
 * Then: at least one checkpoint; each signed by a certified key over the hash the chain has
 * at that point; the pinned head from outside the file still in the chain; and the head
 * itself covered by a signature. Anything less is a failure that names the first bad event.
 */
export function verifyChain(db: Db, vaultId: string, vaultPublicKey: Uint8Array, pinned: PinnedHead | null): VerifyReport {
  const cps = db.prepare('SELECT seq, hash, signature, signer FROM audit_checkpoints ORDER BY seq').all() as {
    seq: number;
    hash: Buffer;
    signature: Buffer;
    signer: string;
  }[];
  const wanted = new Set(cps.map((c) => c.seq));
  if (pinned) wanted.add(pinned.seq);
  const hashes = new Map<number, Buffer>();
  let prev: Uint8Array = GENESIS;
  let events = 0;
  const report = (problem: VerifyProblem | null, firstBadSeq: number | null, reason: string | null, checkpoints = 0, signedThrough = 0): VerifyReport => ({
    ok: problem === null,
    events,
    checkpoints,
    signedThrough,
    unsignedEvents: Math.max(0, events - signedThrough),
    firstBadSeq,
    problem,
    reason,
  });
  if (pinned && pinned.signingPublicKey !== Buffer.from(vaultPublicKey).toString('hex'))
    return report('key_changed', null, 'the vault signing key is not the one this machine verified before: the file was replaced');
  for (const r of db.prepare('SELECT * FROM audit_events ORDER BY seq').iterate() as IterableIterator<AuditRow>) {
    const expectedSeq = events + 1;
    if (r.seq !== expectedSeq) return report('broken_link', expectedSeq, r.seq > expectedSeq ? 'event missing' : 'sequence out of order');
    if (!Buffer.from(prev).equals(r.prev_hash)) return report('broken_link', r.seq, 'previous-hash link broken');
    const hash = eventHash(prev, r);
    if (!hash.equals(r.hash)) return report('broken_link', r.seq, 'event content does not match its hash');
    if (wanted.has(r.seq)) hashes.set(r.seq, hash);
    prev = hash;
    events++;
  }
  if (events === 0) return report('empty', 1, 'the log has no events: it was wiped');
  if (pinned && pinned.seq > events)
    return report('rollback', events + 1, `the log ends at event ${events}, but event ${pinned.seq} was verified on this machine: events were removed or the file was rolled back`);
  if (pinned && hashes.get(pinned.seq)?.toString('hex') !== pinned.hash)
    return report('rollback', pinned.seq, 'event differs from the one verified on this machine: the file was rolled back or rewritten');
  if (cps.length === 0) return report('no_checkpoint', 1, 'no signed checkpoint: the signatures were removed');
  const trusted = trustedSigners(db, vaultId, vaultPublicKey);
  let signedThrough = 0;
  for (const c of cps) {
    const chainHash = hashes.get(c.seq);
    if (!chainHash) return report('bad_checkpoint', c.seq, 'a signed checkpoint covers more events than the log holds: events were removed', 0, signedThrough);
    const key = trusted.get(c.signer);
    if (!key) return report('bad_checkpoint', c.seq, 'checkpoint signed by a key no owner or admin certified', 0, signedThrough);
    if (!chainHash.equals(c.hash) || !verifySignature(key, checkpointMessage(vaultId, c.signer, c.seq, c.hash), c.signature))
      return report('bad_checkpoint', c.seq, 'checkpoint signature invalid', 0, signedThrough);
    signedThrough = c.seq;
  }
  const forged = signedThrough < events ? signedAtOnceAfter(db, signedThrough)[0] : undefined;
  if (forged !== undefined)
    return report('unsigned_action', forged, 'an action that Memvault always signs at once carries no signature: it was written outside Memvault', cps.length, signedThrough);
  if (signedThrough < events)
    return report('unsigned_tail', signedThrough + 1, `${events - signedThrough} event(s) after the last signed checkpoint are not signed yet`, cps.length, signedThrough);
  return report(null, null, null, cps.length, signedThrough);
}

/** An audit row read back from the file that is not an event this version wrote (a tampered or damaged row). */
export class AuditRowError extends Error {
  constructor(readonly seq: number) {
    super(`audit event ${seq} in the vault file is malformed`);
    this.name = 'AuditRowError';
  }
}

/** The columns as they come from the file: parsed, never cast (the hash chain catches changed values, this catches changed shapes). */
const storedEventSchema = auditEventSchema.omit({ time: true, prevHash: true, hash: true, targets: true, details: true }).extend({
  ts: z.number().int(),
  targets: z.array(z.string()),
  details: auditDetailsSchema,
});

export function rowToEvent(r: AuditRow): AuditEvent {
  let targets: unknown;
  let details: unknown;
  try {
    targets = JSON.parse(r.targets);
    details = JSON.parse(r.details);
  } catch {
    throw new AuditRowError(r.seq);
  }
  const parsed = storedEventSchema.safeParse({ seq: r.seq, ts: r.ts, actorType: r.actor_type, actorId: r.actor_id, action: r.action, targets, outcome: r.outcome, details });
  if (!parsed.success || !Buffer.isBuffer(r.prev_hash) || !Buffer.isBuffer(r.hash)) throw new AuditRowError(r.seq);
  const { ts, ...event } = parsed.data;
  return { ...event, time: new Date(ts).toISOString(), prevHash: r.prev_hash.toString('hex'), hash: r.hash.toString('hex') };
}

export interface AuditFilter {
  actorType?: ActorType;
  actorId?: string;
  action?: string;
  outcome?: Outcome;
  since?: string;
  until?: string;
  text?: string;
}

export interface AuditQuery extends AuditFilter {
  afterSeq?: number;
  beforeSeq?: number;
  order: 'asc' | 'desc';
  offset: number;
  limit: number;
}

/** One fixed WHERE clause with optional parameters: the SQL text never varies, so each statement is compiled once. */
const FILTER_SQL = `(@actorType IS NULL OR actor_type = @actorType)
  AND (@actor IS NULL OR actor_id = @actor)
  AND (@action IS NULL OR action = @action)
  AND (@outcome IS NULL OR outcome = @outcome)
  AND (@since IS NULL OR ts >= @since)
  AND (@until IS NULL OR ts <= @until)
  AND (@text IS NULL OR instr(lower(details), lower(@text)) > 0 OR instr(lower(targets), lower(@text)) > 0)`;

function filterParams(f: AuditFilter): Record<string, string | number | null> {
  return {
    actorType: f.actorType ?? null,
    actor: f.actorId ?? null,
    action: f.action ?? null,
    outcome: f.outcome ?? null,
    since: f.since === undefined ? null : Date.parse(f.since),
    until: f.until === undefined ? null : Date.parse(f.until),
    text: f.text ?? null,
  };
}

export function listAudit(db: Db, q: AuditQuery): AuditEvent[] {
  // Two statements, not ORDER BY CASE: each walks the primary key in its own direction instead of sorting.
  const rows = db
    .prepare(`SELECT * FROM audit_events WHERE seq > @after AND seq < @before AND ${FILTER_SQL} ORDER BY seq ${q.order === 'desc' ? 'DESC' : 'ASC'} LIMIT @limit OFFSET @offset`)
    .all({ ...filterParams(q), after: q.afterSeq ?? 0, before: q.beforeSeq ?? Number.MAX_SAFE_INTEGER, limit: q.limit, offset: q.offset }) as AuditRow[];
  return rows.map(rowToEvent);
}

export interface AuditActivity {
  total: number;
  firstSeq: number | null;
  lastSeq: number | null;
  bucketMs: number;
  buckets: { start: string; ok: number; denied: number; failed: number }[];
}

/** Bucket widths a chart can label: a minute up to a week, then whole weeks. */
const BUCKET_STEPS_MS = [60_000, 5 * 60_000, 15 * 60_000, 3_600_000, 6 * 3_600_000, 86_400_000, 7 * 86_400_000];
const WEEK_MS = 7 * 86_400_000;
const MAX_BUCKETS = 120;

/** How many aligned buckets of `width` the span from `lo` to `hi` touches. */
const bucketCount = (lo: number, hi: number, width: number): number => Math.floor(hi / width) - Math.floor(lo / width) + 1;

/** Counts of the filtered events per time bucket: the narrowest width that needs at most 120 aligned buckets, empty buckets included. */
export function auditActivity(db: Db, f: AuditFilter): AuditActivity {
  const params = filterParams(f);
  const span = db
    .prepare(`SELECT count(*) AS n, min(seq) AS first, max(seq) AS last, min(ts) AS lo, max(ts) AS hi FROM audit_events WHERE ${FILTER_SQL}`)
    .get(params) as { n: number; first: number | null; last: number | null; lo: number | null; hi: number | null };
  if (span.n === 0 || span.lo === null || span.hi === null) return { total: 0, firstSeq: null, lastSeq: null, bucketMs: BUCKET_STEPS_MS[0]!, buckets: [] };
  const lo = span.lo;
  const hi = span.hi;
  const width =
    BUCKET_STEPS_MS.find((w) => bucketCount(lo, hi, w) <= MAX_BUCKETS) ?? WEEK_MS * Math.ceil((hi - lo + 1) / WEEK_MS / (MAX_BUCKETS - 1));
  const counted = db
    .prepare(
      `SELECT CAST(ts / @width AS INTEGER) AS b, sum(outcome = 'ok') AS ok, sum(outcome = 'denied') AS denied, sum(outcome = 'failed') AS failed
       FROM audit_events WHERE ${FILTER_SQL} GROUP BY b`,
    )
    .all({ ...params, width }) as { b: number; ok: number; denied: number; failed: number }[];
  const byBucket = new Map(counted.map((r) => [r.b, r]));
  const first = Math.floor(lo / width);
  const buckets = Array.from({ length: bucketCount(lo, hi, width) }, (_, i) => {
    const r = byBucket.get(first + i);
    return { start: new Date((first + i) * width).toISOString(), ok: r?.ok ?? 0, denied: r?.denied ?? 0, failed: r?.failed ?? 0 };
  });
  return { total: span.n, firstSeq: span.first, lastSeq: span.last, bucketMs: width, buckets };
}
