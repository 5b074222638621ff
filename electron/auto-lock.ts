/** Which system events lock the app, per platform; Settings shows the answer instead of pretending. */
export const SYSTEM_LOCK_EVENTS: Readonly<Partial<Record<NodeJS.Platform, readonly ('suspend' | 'lock-screen')[]>>> = {
  darwin: ['suspend', 'lock-screen'],
  win32: ['suspend', 'lock-screen'],
  // Electron reports suspend on Linux; the screen lock comes from logind (logind-lock.ts).
  linux: ['suspend'],
};

/** The powerMonitor events to lock on. */
export function systemLockEvents(platform: NodeJS.Platform): readonly ('suspend' | 'lock-screen')[] {
  return SYSTEM_LOCK_EVENTS[platform] ?? [];
}

/** What Settings is told locks the app: the powerMonitor events, and the screen lock where logind's signal is followed. */
export function systemLocks(platform: NodeJS.Platform, logindLock: boolean): readonly ('suspend' | 'lock-screen')[] {
  const events = systemLockEvents(platform);
  return logindLock && !events.includes('lock-screen') ? [...events, 'lock-screen'] : events;
}
