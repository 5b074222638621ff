import { contextBridge, ipcRenderer } from 'electron';
import { IPC_CHANNEL, createIpcClient } from '../src/contract/ipc-client.js';

// The page gets one frozen object, the typed client over IPC, and nothing of Electron or Node.
contextBridge.exposeInMainWorld('memvault', Object.freeze(createIpcClient((method, ...args) => ipcRenderer.invoke(IPC_CHANNEL, method, ...args))));
