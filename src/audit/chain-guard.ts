import type { Db } from '../store/database.js';
import type { HeadStore } from '../store/head-store.js';
import { chainHead, eventHash, signCheckpoint, verifyChain, type AuditRow, type ChainHead } from './chain.js';
import type { SignerKey } from './signers.js';

/** The pinned head is written at most this often, and always at lock and close. */
const PIN_EVERY_MS = 1_000;

/**
 * Verification before signing. The first signature of a process walks the whole chain (and
 * the pinned head); later ones check only the events since the last verified head. A chain
 * found broken is never signed again by this process, so no signature seals tampering.
 * Heads signed inside a transaction count only once it commits.
 */
export class ChainGuard {
  private verified: ChainHead | null = null;
  private pending: ChainHead | null = null;
  private broken = false;
  private lastPinAt = 0;
  private pinnedSeq = 0;

  constructor(
    private readonly db: Db,
    private readonly vaultId: string,
    private readonly vaultPublicKey: Uint8Array,
    private readonly pins: HeadStore,
    private readonly clock: () => number,
  ) {}

  /** Signs the head if the chain up to it is sound; inside the caller's write transaction. */
  sign(signer: SignerKey, permanent: boolean): void {
    if (!this.mayExtend()) return;
    const head = signCheckpoint(this.db, this.vaultId, signer, this.clock(), permanent);
    if (head) this.pending = head;
  }

  /**
   * The transaction that signed committed: the head is verified, and pinned outside the file
   * now and then. The work is already committed, so a pin that cannot be written (a read-only
   * state folder) must not turn it into a failure; `verify` then finds an older pin or none.
   */
  committed(forcePin = false): void {
    if (this.pending) this.verified = this.pending;
    this.pending = null;
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
    return report.ok || report.problem === 'unsigned_tail';
  }

  /** The event at `base` is unchanged and every later event links to it. */
  private linksFrom(base: ChainHead): boolean {
    const at = this.db.prepare('SELECT hash FROM audit_events WHERE seq = ?').get(base.seq) as { hash: Buffer } | undefined;
    if (!at?.hash.equals(base.hash)) return false;
    let prev: Buffer = base.hash;
    let expected = base.seq + 1;
    for (const r of this.db.prepare('SELECT * FROM audit_events WHERE seq > ? ORDER BY seq').iterate(base.seq) as IterableIterator<AuditRow>) {
      if (r.seq !== expected++ || !prev.equals(r.prev_hash)) return false;
      prev = eventHash(prev, r);
      if (!prev.equals(r.hash)) return false;
    }
    return (chainHead(this.db)?.seq ?? 0) === expected - 1;
  }
}
