import type { ActorType } from '../audit/chain.js';

/** Refusals of one source that were counted instead of written one by one. */
export interface RefusalSummary {
  actorType: ActorType;
  actorId: string;
  count: number;
  from: number;
  to: number;
}

interface Tally {
  actorType: ActorType;
  actorId: string;
  windowStart: number;
  logged: number;
  suppressed: number;
  firstSuppressed: number;
  lastSuppressed: number;
}

/**
 * Bounds how fast refusals (bad tokens, blocked requests, denied operations) can grow the
 * audit log. Each source (an agent, a profile, or the anonymous caller) gets `perWindow`
 * events a window; the rest are counted and written as one summary once the window is over,
 * so a local process hammering the API costs a few rows a minute, not one per request; counts
 * are written within seconds (`flushAfterMs`), not only when the window ends.
 */
export class RefusalBudget {
  private readonly tallies = new Map<string, Tally>();

  constructor(
    private readonly perWindow = 30,
    private readonly windowMs = 60_000,
    /** Counted refusals wait at most this long before they are written, so a killed process loses only seconds of them. */
    private readonly flushAfterMs = 2_000,
  ) {}

  /**
   * Decides whether this refusal is written, and returns the summaries whose windows have
   * ended (for any source) so the caller writes them in the same transaction.
   */
  admit(actorType: ActorType, actorId: string, now: number): { log: boolean; due: RefusalSummary[] } {
    const due = this.takeEnded(now);
    const key = `${actorType}\u0000${actorId}`;
    let tally = this.tallies.get(key);
    if (!tally) {
      tally = { actorType, actorId, windowStart: now, logged: 0, suppressed: 0, firstSuppressed: 0, lastSuppressed: 0 };
      this.tallies.set(key, tally);
    }
    if (tally.logged < this.perWindow) {
      tally.logged++;
      return { log: true, due };
    }
    if (tally.suppressed === 0) tally.firstSuppressed = now;
    tally.suppressed++;
    tally.lastSuppressed = now;
    return { log: false, due };
  }

  /** Every pending summary, ended or not: for closing the vault. */
  drain(): RefusalSummary[] {
    const all = [...this.tallies.values()].filter((t) => t.suppressed > 0).map(summaryOf);
    this.tallies.clear();
    return all;
  }

  /** Summaries of windows that ended, and of counts that have waited flushAfterMs; counted ones start again from zero. */
  takeEnded(now: number): RefusalSummary[] {
    const due: RefusalSummary[] = [];
    for (const [key, t] of this.tallies) {
      const ended = now - t.windowStart >= this.windowMs;
      if (t.suppressed > 0 && (ended || now - t.firstSuppressed >= this.flushAfterMs)) {
        due.push(summaryOf(t));
        t.suppressed = 0;
      }
      if (ended) this.tallies.delete(key);
    }
    return due;
  }
}

const summaryOf = (t: Tally): RefusalSummary => ({ actorType: t.actorType, actorId: t.actorId, count: t.suppressed, from: t.firstSuppressed, to: t.lastSuppressed });
