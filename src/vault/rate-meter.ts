/** What an agent has left of its per-minute budget. */
export interface RateState {
  limit: number;
  remaining: number;
  resetSeconds: number;
}

const WINDOW_MS = 60_000;

/**
 * Per-agent calls per minute, counted where every operation passes (the vault service), so a
 * batch of MCP tool calls in one HTTP request, and `memvault mcp` over stdio, count each call.
 * Fixed windows, per process: each process serving an agent enforces the limit on its own.
 */
export class RateMeter {
  private readonly windows = new Map<string, { start: number; used: number }>();

  /** Throws nothing: returns whether a call fits, without counting it. */
  fits(agentId: string, limit: number, now: number): boolean {
    return this.window(agentId, now).used < limit;
  }

  take(agentId: string, limit: number, now: number): boolean {
    const w = this.window(agentId, now);
    if (w.used >= limit) return false;
    w.used++;
    return true;
  }

  state(agentId: string, limit: number, now: number): RateState {
    const w = this.window(agentId, now);
    return { limit, remaining: Math.max(0, limit - w.used), resetSeconds: Math.max(1, Math.ceil((w.start + WINDOW_MS - now) / 1000)) };
  }

  private window(agentId: string, now: number): { start: number; used: number } {
    let w = this.windows.get(agentId);
    if (!w || now - w.start >= WINDOW_MS) {
      w = { start: now, used: 0 };
      this.windows.set(agentId, w);
      if (this.windows.size > 10_000) for (const [id, old] of this.windows) if (now - old.start >= WINDOW_MS) this.windows.delete(id);
    }
    return w;
  }
}
