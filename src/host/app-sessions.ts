import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Session } from '../vault/index.js';

/** A browser's session with the host: proof of the login link, and the vault session once someone unlocks. */
export interface AppSession {
  readonly csrf: string;
  vault: Session | null;
  /** The last change the page made (reads and polls do not count). */
  lastUsed: number;
  /** This browser session's auto-lock timeout. */
  idleLockMs: number;
  /** How long its last unlock took (the Argon2 derivation dominates), for Settings. */
  lastUnlockMs: number | null;
}

export const DEFAULT_IDLE_LOCK_MS = 5 * 60_000;

/** An app session nobody used for this long is forgotten (its vault session was locked long before). */
const FORGET_AFTER_MS = 12 * 3_600_000;
const digest = (secret: string): string => createHash('sha256').update(secret, 'utf8').digest('hex');

/**
 * Sessions are looked up by a hash of the cookie, never by the cookie itself, so the map's
 * string comparison never runs on the secret; the CSRF token is compared in constant time.
 */
export class AppSessions {
  private readonly byCookieHash = new Map<string, AppSession>();

  constructor(private readonly clock: () => number) {}

  open(): { cookie: string; session: AppSession } {
    this.forgetStale();
    const cookie = randomBytes(32).toString('base64url');
    const session: AppSession = { csrf: randomBytes(32).toString('base64url'), vault: null, lastUsed: this.clock(), idleLockMs: DEFAULT_IDLE_LOCK_MS, lastUnlockMs: null };
    this.byCookieHash.set(digest(cookie), session);
    return { cookie, session };
  }

  find(cookie: string | undefined): AppSession | null {
    if (!cookie || cookie.length > 128) return null;
    return this.byCookieHash.get(digest(cookie)) ?? null;
  }

  all(): IterableIterator<AppSession> {
    return this.byCookieHash.values();
  }

  static csrfMatches(session: AppSession, sent: string | undefined): boolean {
    if (sent === undefined) return false;
    const a = Buffer.from(session.csrf, 'utf8');
    const b = Buffer.from(sent, 'utf8');
    return a.length === b.length && timingSafeEqual(a, b);
  }

  private forgetStale(): void {
    const now = this.clock();
    for (const [key, s] of this.byCookieHash) if (now - s.lastUsed > FORGET_AFTER_MS && s.vault === null) this.byCookieHash.delete(key);
  }
}
