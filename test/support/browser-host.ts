import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBrowserHost, type BrowserHost } from '../../src/host/browser-host.js';

export interface TestBrowserHost {
  host: BrowserHost;
  dir: string;
  vaultPath: string;
  origin: string;
  /** Signs in with a fresh link: the session cookie and its CSRF token. */
  signIn(): Promise<{ cookie: string; csrf: string }>;
  /** fetch as the app's page would: same Origin, JSON, cookie and CSRF token when given. */
  app(path: string, init?: { method?: string; body?: unknown; cookie?: string; csrf?: string; headers?: Record<string, string> }): Promise<Response>;
  close(): Promise<void>;
}

/** A real browser host on 127.0.0.1 port 0 with a stand-in page (the tests need no renderer build). */
export async function startTestBrowserHost(options: { clock?: () => number } = {}): Promise<TestBrowserHost> {
  const dir = mkdtempSync(join(tmpdir(), 'memvault-host-'));
  const assetsDir = join(dir, 'app');
  mkdirSync(join(assetsDir, 'assets'), { recursive: true });
  writeFileSync(join(assetsDir, 'index.html'), '<!doctype html><title>Memvault</title><script type="module" src="./assets/app.js"></script>');
  writeFileSync(join(assetsDir, 'assets', 'app.js'), 'export {};');
  const vaultPath = join(dir, 'vault.db');
  const host = await startBrowserHost({ vaultPath, port: 0, kdf: 'insecure-test-only', stateDir: join(dir, 'state'), assetsDir, ...(options.clock ? { clock: options.clock } : {}) });
  const origin = host.url;
  const app: TestBrowserHost['app'] = (path, init = {}) => {
    const headers: Record<string, string> = { origin, ...init.headers };
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    if (init.cookie) headers.cookie = init.cookie;
    if (init.csrf) headers['x-memvault-csrf'] = init.csrf;
    return fetch(`${origin}${path}`, { method: init.method ?? (init.body === undefined ? 'GET' : 'POST'), headers, ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }) });
  };
  return {
    host,
    dir,
    vaultPath,
    origin,
    app,
    async signIn() {
      const code = host.loginLink().split('#login=')[1]!;
      const res = await app('/app/login', { body: { code } });
      if (res.status !== 200) throw new Error(`login failed: ${res.status}`);
      const cookie = res.headers.get('set-cookie')!.split(';')[0]!;
      return { cookie, csrf: ((await res.json()) as { csrf: string }).csrf };
    },
    async close() {
      await host.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
