import type { Db } from '../store/database.js';
import type { HeadStore } from '../store/head-store.js';
import { chainHead, checkpointMessage, eventHash, signCheckpoint, signedAtOnce, signedAtOnceAfter, verifyChain, type AuditRow, type ChainHead } from './chain.js';
import { verifySignature } from '../crypto/keys.js';
import { trustedSigners, type SignerKey } from './signers.js';

/** The pinned head is written at most this often, and always at lock and close. */
const PIN_EVERY_MS = 1_000;

/**
 * Verification before signing. The first signature of a process walks the whole chain (and
 * the pinned head); later ones check only the events since the last verified head. A chain
 * found broken is never signed again by this process, so no signature seals tampering.
 * Heads signed inside a transaction count only once it commits. An action (an event that is
 * always signed in its own transaction) that this process did not write must already be under
 * a valid signature, so events forged into the file between two of our actions are not sealed.
 */
export class ChainGuard {
  private verified: ChainHead | null = null;
  private pending: ChainHead | null = null;
  private broken = false;
  private lastPinAt = 0;
  private pinnedSeq = 0;
  /** Events this process appended in the open transaction, which its next signature covers. */
  private readonly own = new Set<number>();

  constructor(
    private readonly db: Db,
    private readonly vaultId: string,
    private readonly vaultPublicKey: Uint8Array,
    private readonly pins: HeadStore,
    private readonly clock: () => number,
  ) {}

  /** An event this process just wrote, inside the transaction that will sign it. */
  appended(seq: number): void {
    this.own.add(seq);
  }

  /** Signs the head if the chain up to it is sound; inside the caller's write transaction. */
  sign(signer: SignerKey, permanent: boolean): void {
    if (!this.mayExtend()) return;
    const head = signCheckpoint(this.db, this.vaultId, signer, this.clock(), permanent);
    if (head) this.pending = head;
    this.own.clear();
  }

  /**
   * The transaction that signed committed: the head is verified, and pinned outside the file
   * now and then. The work is already committed, so a pin that cannot be written (a read-only
   * state folder) must not turn it into a failure; `verify` then finds an older pin or none.
   */
  committed(forcePin = false): void {
    if (this.pending) this.verified = this.pending;
    this.pending = null;
    this.own.clear();
    const now = this.clock();
    if (!this.verified || this.verified.seq === this.pinnedSeq || (!forcePin && now - this.lastPinAt < PIN_EVERY_MS)) return;
    this.lastPinAt = now;
    try {
      this.pin(this.verified);
    } catch {
      // Left for the next commit or verify to try again.
    }
  }

  rolledBack(): void {
    this.pending = null;
    this.own.clear();
  }

  /** A full verification that passed (or found only an unsigned tail) becomes the pinned head. */
  pin(head: ChainHead): void {
    this.pins.write({ vaultId: this.vaultId, signingPublicKey: Buffer.from(this.vaultPublicKey).toString('hex'), seq: head.seq, hash: head.hash.toString('hex') });
    this.pinnedSeq = head.seq;
  }

  private mayExtend(): boolean {
    if (this.broken) return false;
    const base = this.pending ?? this.verified;
    this.broken = base ? !this.linksFrom(base) : !this.fullyVerified();
    return !this.broken;
  }

  private fullyVerified(): boolean {
    let pinned;
    try {
      pinned = this.pins.read(this.vaultId);
    } catch {
      return false;
    }
    const report = verifyChain(this.db, this.vaultId, this.vaultPublicKey, pinned);
    if (report.ok || report.problem === 'unsigned_tail') return true;
    // The actions this process is about to sign are unsigned too; only someone else's is a forgery.
    return report.problem === 'unsigned_action' && signedAtOnceAfter(this.db, report.signedThrough).every((seq) => this.own.has(seq));
  }

  /**
   * The event at `base` is unchanged, every later event links to it, and the last action
   * another process wrote since then is covered by a valid signature (that process signed it).
   */
  private linksFrom(base: ChainHead): boolean {
    const at = this.db.prepare('SELECT hash FROM audit_events WHERE seq = ?').get(base.seq) as { hash: Buffer } | undefined;
    if (!at?.hash.equals(base.hash)) return false;
    let prev: Buffer = base.hash;
    let expected = base.seq + 1;
    let foreignAction = 0;
    const hashes = new Map<number, Buffer>();
    for (const r of this.db.prepare('SELECT * FROM audit_events WHERE seq > ? ORDER BY seq').iterate(base.seq) as IterableIterator<AuditRow>) {
      if (r.seq !== expected++ || !prev.equals(r.prev_hash)) return false;
      prev = eventHash(prev, r);
      if (!prev.equals(r.hash)) return false;
      hashes.set(r.seq, prev);
      if (signedAtOnce(r) && !this.own.has(r.seq)) foreignAction = r.seq;
    }
    if ((chainHead(this.db)?.seq ?? 0) !== expected - 1) return false;
    return foreignAction === 0 || this.coveredBySignature(foreignAction, hashes);
  }

  /** Some checkpoint at or after `seq`, over a hash the chain has, is signed by a certified key. */
  private coveredBySignature(seq: number, hashes: Map<number, Buffer>): boolean {
    const trusted = trustedSigners(this.db, this.vaultId, this.vaultPublicKey);
    const cps = this.db.prepare('SELECT seq, hash, signature, signer FROM audit_checkpoints WHERE seq >= ? ORDER BY seq DESC').all(seq) as {
      seq: number;
      hash: Buffer;
      signature: Buffer;
      signer: string;
    }[];
    return cps.some((c) => {
      const key = trusted.get(c.signer);
      return key !== undefined && hashes.get(c.seq)?.equals(c.hash) === true && verifySignature(key, checkpointMessage(this.vaultId, c.signer, c.seq, c.hash), c.signature);
    });
  }
}
