// What the shell's preload exposes, built for a plain page: the same typed IPC client, with
// the page's `invoke` bound to a Playwright binding instead of ipcRenderer.
import { createIpcClient, type IpcMethod } from '../../../src/contract/ipc-client.js';

declare const __memvaultInvoke: (method: IpcMethod, ...args: unknown[]) => Promise<unknown>;
Object.defineProperty(window, 'memvault', { value: Object.freeze(createIpcClient((method, ...args) => __memvaultInvoke(method, ...args))), writable: false });
