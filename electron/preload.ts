import { contextBridge, ipcRenderer } from 'electron';
import { IPC_CHANNEL, IPC_METHODS, type IpcMethod } from '../src/contract/ipc-client.js';

const METHODS: ReadonlySet<string> = new Set(IPC_METHODS);

// The page gets one frozen object with one function, and nothing of Electron or Node. It returns
// plain reply data: an error thrown across contextBridge would keep only its message, so the
// typed client (and its ClientError) is built in the page, from src/contract/ipc-client.ts.
contextBridge.exposeInMainWorld(
  'memvaultIpc',
  Object.freeze({
    invoke: (method: IpcMethod, ...args: unknown[]): Promise<unknown> => {
      if (!METHODS.has(method)) return Promise.resolve({ ok: false, error: { code: 'not_found', message: 'the app has no such call' } });
      return ipcRenderer.invoke(IPC_CHANNEL, method, ...args);
    },
  }),
);
