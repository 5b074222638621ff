// What the shell's preload exposes, for a plain page: one frozen invoke function, here bound to
// a Playwright binding instead of ipcRenderer. The page builds the typed client itself, as it does
// in Electron.
declare const __memvaultInvoke: (method: string, ...args: unknown[]) => Promise<unknown>;
Object.defineProperty(window, 'memvaultIpc', { value: Object.freeze({ invoke: (method: string, ...args: unknown[]) => __memvaultInvoke(method, ...args) }), writable: false });
