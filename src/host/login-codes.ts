import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** How long a printed login link works. */
export const LOGIN_CODE_TTL_MS = 2 * 60_000;

const digest = (code: string): Buffer => createHash('sha256').update(code, 'utf8').digest();

/**
 * The one-time code of the login link the host prints. It proves only that the browser
 * belongs to whoever started the host; the vault still asks for a profile and its password.
 * One code is live at a time, it works once, and only within its two minutes.
 */
export class LoginCodes {
  private live: { hash: Buffer; expiresAt: number } | null = null;

  constructor(private readonly clock: () => number = Date.now) {}

  issue(): string {
    const code = randomBytes(24).toString('base64url');
    this.live = { hash: digest(code), expiresAt: this.clock() + LOGIN_CODE_TTL_MS };
    return code;
  }

  /** True once for the live code; the code is spent by that call. */
  redeem(code: string): boolean {
    const live = this.live;
    if (!live) return false;
    const matches = timingSafeEqual(digest(code), live.hash);
    if (!matches) return false;
    this.live = null;
    return this.clock() <= live.expiresAt;
  }
}
