import { app, BrowserWindow, clipboard, dialog, ipcMain, powerMonitor, protocol, session } from 'electron';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { IPC_CHANNEL } from '../src/contract/ipc-client.js';
import { startServer } from '../src/api/server.js';
import { AppService, type AppHostCore } from '../src/host/app-service.js';
import { AppSessions } from '../src/host/app-sessions.js';
import { APP_CSP } from '../src/host/browser-host.js';
import type { ProgressEvent } from '../src/contract/vault.js';
import { loadStaticFiles } from '../src/host/static-files.js';
import { VaultError, VaultService, defaultVaultPath, type KdfPreset } from '../src/vault/index.js';
import { AgentApiControl } from './agent-api.js';
import { systemLockEvents, systemLocks } from './auto-lock.js';
import { watchLogindLock } from './logind-lock.js';
import { ClipboardGuard } from './clipboard-guard.js';
import { ipcHandler } from './ipc/handlers.js';
import { APP_ORIGIN, APP_SCHEME, resolveAppRequest } from './protocol/app-protocol.js';
import { denyWindowOpen, mayNavigate } from './security/navigation.js';
import { denyDevicePermission, denyPermissionCheck, denyPermissionRequest } from './security/permissions.js';

/**
 * The desktop shell: one hardened window showing the same renderer as the browser host, the
 * typed client over IPC, the agent API on its usual port. It opens the vault through the core's
 * public entry only; every rule lives in the core.
 */
const SESSION_IDLE_MS = 15 * 60_000;
const vaultPath = process.env.MEMVAULT_VAULT ?? defaultVaultPath();
const kdf: KdfPreset = process.env.MEMVAULT_INSECURE_TEST_KDF === '1' ? 'insecure-test-only' : 'calibrate';

// Privileged before ready: a standard, secure scheme with fetch, so the page is a normal secure origin.
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

if (!app.requestSingleInstanceLock()) app.quit();
else
  start().catch((err: unknown) => {
    // No window would ever open: say why, and end instead of running on invisibly.
    dialog.showErrorBox('Memvault could not start', err instanceof Error ? err.message : String(err));
    app.exit(1);
  });

async function start(): Promise<void> {
  await app.whenReady();
  // The renderer's bundle inside the app (the ASAR archive when packaged).
  const files = loadStaticFiles(join(app.getAppPath(), 'renderer', 'dist'));
  let progress: ProgressEvent | null = null;
  const watch = (opened: VaultService): VaultService => {
    opened.onProgress((event) => (progress = event));
    return opened;
  };
  let service: VaultService | null = existsSync(vaultPath) ? watch(await VaultService.open(vaultPath, { kdf, sessionIdleMs: SESSION_IDLE_MS })) : null;
  const agentApi = new AgentApiControl(join(app.getPath('userData'), 'agent-api.json'), (port) =>
    startServer({
      service: () => {
        if (!service) throw new VaultError('unavailable', 'no vault has been created yet: finish the first run in the app');
        return service;
      },
      port,
      connectionFile: null,
    }),
  );
  let creating: Promise<{ service: VaultService; recoveryKey: string }> | null = null;
  const guard = new ClipboardGuard(clipboard);
  // Settled before the app state is first read, so Settings says what really locks the app; a
  // lock signal before the window's session exists has nothing to lock yet.
  let lockNow: () => void = () => undefined;
  const logind = process.platform === 'linux' ? await watchLogindLock(() => lockNow()) : null;
  // Also where the app ends without before-quit (a failed start, app.exit): no gdbus is left behind.
  process.on('exit', () => logind?.stop());
  const core: AppHostCore = {
    service: () => service,
    // One first run at a time, as in the browser host: a second click is told the vault exists.
    createVault(owner, password) {
      if (service || creating) throw new VaultError('conflict', 'a vault exists already (or is being created): unlock it');
      creating = VaultService.create(vaultPath, { kdf, sessionIdleMs: SESSION_IDLE_MS, ownerName: owner, password }).then((created) => {
        service = watch(created.service);
        return created;
      });
      return creating.finally(() => (creating = null));
    },
    onLock: () => void guard.takeBack(),
    systemLock: systemLocks(process.platform, logind !== null),
    agentApiUrl: () => agentApi.url(),
    agentApi,
    latestProgress: () => progress,
    clock: Date.now,
    vaultPath: resolve(vaultPath),
    // Inside a packaged app the CLI sits in the ASAR archive, which no Node outside can run.
    binPath: app.isPackaged ? null : resolve(app.getAppPath(), 'bin/memvault.js'),
  };
  const appService = new AppService(core);
  // One window, one app session: who is unlocked in it.
  const windowSession = new AppSessions(Date.now).open().session;
  lockNow = () => {
    appService.lock(windowSession);
    void guard.takeBack();
  };

  protocol.handle(APP_SCHEME, (request) => {
    const answer = resolveAppRequest(request.url, files);
    return new Response(typeof answer.body === 'string' ? answer.body : new Uint8Array(answer.body), { status: answer.status, headers: { 'content-type': answer.type, 'content-security-policy': APP_CSP, 'x-content-type-options': 'nosniff' } });
  });
  session.defaultSession.setPermissionRequestHandler(denyPermissionRequest);
  session.defaultSession.setPermissionCheckHandler(denyPermissionCheck);
  session.defaultSession.setDevicePermissionHandler(denyDevicePermission);

  const handle = ipcHandler(appService, () => windowSession, Date.now, (text) => guard.copy(text));
  ipcMain.handle(IPC_CHANNEL, (event, method: unknown, ...args: unknown[]) => handle(event, method, ...args));

  for (const name of systemLockEvents(process.platform)) powerMonitor.on(name as 'suspend', lockNow);
  const sweep = setInterval(() => appService.lockIdle([windowSession]), 5_000);
  app.on('before-quit', () => {
    clearInterval(sweep);
    logind?.stop();
    lockNow();
    void agentApi.stop();
    service?.close();
  });

  await agentApi.start();

  // Electron's security checklist item by item, written out here where electronegativity reads
  // it (test/electron/window.test.ts pins it): an isolated, sandboxed page with no Node, no
  // webviews, the same-origin policy on and no middle-click windows; the preload is its only bridge.
  const window = new BrowserWindow({
    width: 1280,
    height: 860,
    show: false,
    webPreferences: {
      preload: join(import.meta.dirname, 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      disableBlinkFeatures: 'Auxclick',
      spellcheck: false,
      devTools: false,
    },
  });
  // The app opens no windows and links nowhere outside itself: every window.open is refused.
  window.webContents.setWindowOpenHandler(denyWindowOpen);
  window.webContents.on('will-navigate', (event, url) => {
    if (!mayNavigate(url)) event.preventDefault();
  });
  window.webContents.on('will-frame-navigate', (event) => {
    if (!mayNavigate(event.url)) event.preventDefault();
  });
  window.webContents.on('will-attach-webview', (event) => event.preventDefault());
  window.once('ready-to-show', () => window.show());
  app.on('second-instance', () => {
    if (window.isMinimized()) window.restore();
    window.focus();
  });
  await window.loadURL(`${APP_ORIGIN}/`);
}
