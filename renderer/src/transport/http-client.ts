import { APP_TOKEN_HEADER, clientErrorFrom, ClientError, appStateSchema, createdVaultSchema, type AppOperationName, type VaultClient } from '../../../src/contract/client.js';
import { OPERATIONS, type OperationArgs, type OperationResult } from '../../../src/contract/operations.js';
import { sessionInfoSchema, type ProgressEvent } from '../../../src/contract/vault.js';

/** Where this tab keeps its session token: sessionStorage is per tab and per origin (port included), unlike cookies. */
export const TOKEN_KEY = 'memvault.token';

/**
 * The app's client over HTTP to the browser host it was served from. The session rides in an
 * HttpOnly cookie the page cannot read, and every call carries the session's token, which only
 * the login exchange hands out and only this tab keeps.
 */
export class HttpVaultClient implements VaultClient {
  private csrf: string | null = sessionStorage.getItem(TOKEN_KEY);

  /** Exchanges the login link's code (from the URL fragment) for a session, or goes on with the one this tab has. */
  async signIn(code: string | null): Promise<boolean> {
    if (code) {
      const reply = await this.send('POST', '/app/login', { code });
      this.csrf = (reply as { csrf: string }).csrf;
      sessionStorage.setItem(TOKEN_KEY, this.csrf);
      return true;
    }
    if (!this.csrf) return false;
    try {
      await this.state();
      return true;
    } catch (err) {
      if (err instanceof ClientError && (err.code === 'auth_failed' || err.code === 'forbidden')) {
        sessionStorage.removeItem(TOKEN_KEY);
        this.csrf = null;
        return false;
      }
      throw err;
    }
  }

  async state() {
    return appStateSchema.parse(await this.send('GET', '/app/state'));
  }

  async createVault(owner: string, password: string) {
    return createdVaultSchema.parse(await this.send('POST', '/app/create', { owner, password }));
  }

  async unlock(profile: string, password: string) {
    return sessionInfoSchema.parse(await this.send('POST', '/app/unlock', { profile, password }));
  }

  async recover(recoveryKey: string, newPassword: string) {
    await this.send('POST', '/app/recover', { recoveryKey, newPassword });
  }

  async lock() {
    await this.send('POST', '/app/lock', {});
  }

  async setIdleLock(ms: number) {
    await this.send('POST', '/app/idle-lock', { idleLockMs: ms });
  }

  async setAgentApi(on: boolean, port?: number) {
    await this.send('POST', '/app/agent-api', port === undefined ? { on } : { on, port });
  }

  async progress(): Promise<ProgressEvent | null> {
    return ((await this.send('GET', '/app/progress')) as { event: ProgressEvent | null }).event;
  }

  /** A browser offers no way to take a copy back: the page only writes it. */
  async copy(text: string): Promise<void> {
    await navigator.clipboard.writeText(text);
  }

  async call<N extends AppOperationName>(name: N, ...args: Extract<OperationArgs<N>, unknown[]>): Promise<OperationResult<N>> {
    const reply = (await this.send('POST', `/app/op/${name}`, { args })) as { result: unknown };
    // What came over the wire is parsed against the declared result, not trusted.
    return OPERATIONS[name].result.parse(reply.result ?? undefined) as OperationResult<N>;
  }

  private async send(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.csrf) headers[APP_TOKEN_HEADER] = this.csrf;
    let res: Response;
    try {
      res = await fetch(path, { method, headers, credentials: 'same-origin', cache: 'no-store', ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    } catch {
      throw new ClientError({ code: 'unavailable', message: 'Memvault is not answering: is it still running?' });
    }
    const text = await res.text();
    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = null;
    }
    if (!res.ok) throw clientErrorFrom(parsed);
    return parsed;
  }
}
