import type { AuditTrail } from './rows.js';
import type { Session } from './session.js';

/** A read's audit event, waiting for its group commit. */
export interface PendingRead {
  session: Session;
  action: string;
  trail: AuditTrail;
  at: number;
}

/** How long a read's event may wait, and how many may wait, before their group is written. */
export const READ_GROUP_MS = 100;
export const READ_GROUP_EVENTS = 100;

/**
 * Reads take no write lock per request: their events are collected here and written together
 * in one transaction (one signature) by `flush`, which the owner calls before any other write,
 * before a session ends, at close, and from the timer. A crash loses at most the events of the
 * reads still waiting here.
 */
export class ReadGroup {
  private pending: PendingRead[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly write: (batch: PendingRead[]) => void) {}

  add(read: PendingRead): void {
    this.pending.push(read);
    if (this.pending.length >= READ_GROUP_EVENTS) this.flushQuietly();
    else this.arm();
  }

  private arm(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => this.flushQuietly(), READ_GROUP_MS);
    this.timer.unref();
  }

  /** Writes the waiting events; if the write fails they wait for the next flush, in order. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.pending;
    if (batch.length === 0) return;
    this.pending = [];
    try {
      this.write(batch);
    } catch (err) {
      this.pending = [...batch, ...this.pending];
      this.arm();
      throw err;
    }
  }

  /** From the timer, or a read that filled the group: a busy file leaves the events for the re-armed timer, and the read still answers. */
  private flushQuietly(): void {
    try {
      this.flush();
    } catch {
      // flush put the batch back and re-armed the timer.
    }
  }
}
