import { createRoot } from 'react-dom/client';
import type { VaultClient } from '../../src/contract/client.js';
import { createIpcClient, type IpcMethod } from '../../src/contract/ipc-client.js';
import { App } from './app/App.js';
import { applyTheme, storedTheme } from './app/theme.js';
import { HttpVaultClient } from './transport/http-client.js';
import './styles/app.css';

declare global {
  interface Window {
    /** Set by the Electron shell's preload: one function that carries a call over IPC and returns its plain reply. */
    memvaultIpc?: { invoke(method: IpcMethod, ...args: unknown[]): Promise<unknown> };
  }
}

applyTheme(storedTheme());

/** The desktop shell hands over its IPC client; in a browser the page signs in with its login link. */
async function connect(): Promise<{ client: VaultClient; signedIn: boolean; loginError?: unknown }> {
  const ipc = window.memvaultIpc;
  if (ipc) return { client: createIpcClient((method, ...args) => ipc.invoke(method, ...args)), signedIn: true };
  const http = new HttpVaultClient();
  const code = /^#login=([A-Za-z0-9_-]{1,128})$/.exec(window.location.hash)?.[1] ?? null;
  // The code leaves the address bar and history before anything else happens.
  if (code) history.replaceState(null, '', window.location.pathname);
  try {
    return { client: http, signedIn: await http.signIn(code) };
  } catch (err) {
    return { client: http, signedIn: false, loginError: err };
  }
}

const root = createRoot(document.getElementById('root')!);
void connect().then(({ client, signedIn, loginError }) => root.render(<App client={client} signedIn={signedIn} loginError={loginError} />));
