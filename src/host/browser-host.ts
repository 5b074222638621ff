import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, type RunningServer } from '../api/server.js';
import type { ProgressEvent } from '../contract/vault.js';
import { VaultError, VaultService, type KdfPreset } from '../vault/index.js';
import { AppSessions } from './app-sessions.js';
import { registerAppRoutes, type AppHttpHost } from './app-routes.js';
import { AppService, type AppHostCore } from './app-service.js';
import { LoginCodes } from './login-codes.js';
import { loadStaticFiles } from './static-files.js';

/** Keys of a served agent, or of an app session the page stopped using, stay in memory at most this long. */
const SESSION_IDLE_MS = 15 * 60_000;
/** How often idle app sessions are looked for. */
const IDLE_SWEEP_MS = 5_000;

/** The page may load only its own scripts and styles and talk only to its own origin: no inline code, no eval, nothing external. */
export const APP_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** The renderer's build, the same from src/host/ and dist/host/. */
export const DEFAULT_ASSETS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../renderer/dist');
const BIN_PATH = resolve(dirname(fileURLToPath(import.meta.url)), '../../bin/memvault.js');

export interface BrowserHostOptions {
  vaultPath: string;
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  kdf?: KdfPreset;
  stateDir?: string;
  assetsDir?: string;
  /** Where to write port and pid for CLI commands that look for a running server; null writes none. */
  connectionFile?: string | null;
  clock?: () => number;
}

export interface BrowserHost {
  url: string;
  /** A fresh one-time login link (the previous one stops working). */
  loginLink(): string;
  close(): Promise<void>;
}

/**
 * The app in a browser: the renderer's files, the app's routes and the agent API on one
 * loopback port. The vault file may not exist yet; the first run creates it from the page.
 */
export async function startBrowserHost(options: BrowserHostOptions): Promise<BrowserHost> {
  const clock = options.clock ?? Date.now;
  const assetsDir = options.assetsDir ?? DEFAULT_ASSETS_DIR;
  if (!existsSync(join(assetsDir, 'index.html'))) throw new VaultError('unavailable', `the app is not built (no ${join(assetsDir, 'index.html')}): run \`npm run build\``);
  const vaultOptions = { sessionIdleMs: SESSION_IDLE_MS, clock, ...(options.kdf ? { kdf: options.kdf } : {}), ...(options.stateDir ? { stateDir: options.stateDir } : {}) };
  let progress: ProgressEvent | null = null;
  const watch = (service: VaultService): VaultService => {
    service.onProgress((event) => (progress = event));
    return service;
  };
  let service: VaultService | null = existsSync(options.vaultPath) ? watch(await VaultService.open(options.vaultPath, vaultOptions)) : null;
  let server: RunningServer | null = null;
  let creating: Promise<{ service: VaultService; recoveryKey: string }> | null = null;
  let agentApiOn = true;

  const core: AppHostCore = {
    service: () => service,
    // One first run at a time: a second browser finishing the form meanwhile is told the vault exists.
    createVault(owner, password) {
      if (service || creating) throw new VaultError('conflict', 'a vault exists already (or is being created): unlock it');
      creating = VaultService.create(options.vaultPath, { ...vaultOptions, ownerName: owner, password }).then((created) => {
        service = watch(created.service);
        return { service: created.service, recoveryKey: created.recoveryKey };
      });
      return creating.finally(() => (creating = null));
    },
    agentApiUrl: () => server?.url ?? null,
    agentApi: { on: () => agentApiOn, set: (on) => void (agentApiOn = on) },
    vaultPath: resolve(options.vaultPath),
    binPath: BIN_PATH,
    latestProgress: () => progress,
    clock,
  };
  const host: AppHttpHost = {
    app: new AppService(core),
    codes: new LoginCodes(clock),
    sessions: new AppSessions(clock),
    files: loadStaticFiles(assetsDir),
    port: () => server?.port ?? 0,
    clock,
  };

  try {
    server = await startServer({
      service: () => {
        if (!service) throw new VaultError('unavailable', 'no vault has been created yet: finish the first run in the app');
        return service;
      },
      host: options.host ?? '127.0.0.1',
      port: options.port ?? 0,
      connectionFile: options.connectionFile ?? null,
      extra: { register: (app, origins) => registerAppRoutes(app, host, origins), pageCsp: APP_CSP },
      agentApiOn: () => agentApiOn,
    });
  } catch (err) {
    service?.close();
    throw err;
  }
  const running = server;
  const sweep = setInterval(() => host.app.lockIdle(host.sessions.all()), IDLE_SWEEP_MS);
  sweep.unref();

  return {
    url: running.url,
    // In the fragment, which browsers never send to a server nor put in a Referer; the page exchanges it by POST.
    loginLink: () => `${running.url}/#login=${host.codes.issue()}`,
    async close() {
      clearInterval(sweep);
      await running.close();
      service?.close();
    },
  };
}
