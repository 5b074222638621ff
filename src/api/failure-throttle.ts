/**
 * Slows down a client that keeps presenting bad credentials. Only failures are counted and
 * only failing requests are held back, so a valid token is never locked out by someone
 * else's guessing (on loopback every client shares one address).
 */
export class FailureThrottle {
  private readonly failures = new Map<string, { count: number; windowStart: number }>();

  constructor(
    private readonly freeFailures = 5,
    private readonly windowMs = 60_000,
  ) {}

  /** Seconds the client must wait before its next failing attempt is even checked, or 0. */
  retryAfterSeconds(client: string, now: number): number {
    const f = this.current(client, now);
    if (!f || f.count < this.freeFailures) return 0;
    return Math.max(1, Math.ceil((f.windowStart + this.windowMs - now) / 1000));
  }

  recordFailure(client: string, now: number): void {
    const f = this.current(client, now);
    if (f) f.count++;
    else this.failures.set(client, { count: 1, windowStart: now });
    if (this.failures.size > 10_000) this.prune(now);
  }

  private current(client: string, now: number): { count: number; windowStart: number } | undefined {
    const f = this.failures.get(client);
    if (f && now - f.windowStart >= this.windowMs) {
      this.failures.delete(client);
      return undefined;
    }
    return f;
  }

  private prune(now: number): void {
    for (const [client, f] of this.failures) if (now - f.windowStart >= this.windowMs) this.failures.delete(client);
  }
}
