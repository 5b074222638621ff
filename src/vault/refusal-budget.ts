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
 * so a local process hammering the API costs a few rows a minute, not one per request.
 */
export class RefusalBudget {
  private readonly tallies = new Map<string, Tally>();

  constructor(
    private readonly perWindow = 30,
    private readonly windowMs = 60_000,
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

  private takeEnded(now: number): RefusalSummary[] {
    const ended: RefusalSummary[] = [];
    for (const [key, t] of this.tallies) {
      if (now - t.windowStart < this.windowMs) continue;
      if (t.suppressed > 0) ended.push(summaryOf(t));
      this.tallies.delete(key);
    }
    return ended;
  }
}

const summaryOf = (t: Tally): RefusalSummary => ({ actorType: t.actorType, actorId: t.actorId, count: t.suppressed, from: t.firstSuppressed, to: t.lastSuppressed });
