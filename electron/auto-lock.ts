/** Which system events lock the app, per platform; Settings shows the answer instead of pretending. */
export const SYSTEM_LOCK_EVENTS: Readonly<Partial<Record<NodeJS.Platform, readonly ('suspend' | 'lock-screen')[]>>> = {
  darwin: ['suspend', 'lock-screen'],
  win32: ['suspend', 'lock-screen'],
  // Electron reports suspend on Linux; a screen lock comes only over logind's D-Bus signals, which this shell does not read yet.
  linux: ['suspend'],
};

export function systemLockEvents(platform: NodeJS.Platform): readonly ('suspend' | 'lock-screen')[] {
  return SYSTEM_LOCK_EVENTS[platform] ?? [];
}
