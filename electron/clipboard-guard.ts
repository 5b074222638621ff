/** What the guard needs of Electron's clipboard. */
export interface ClipboardLike {
  /** Electron 45's clipboard answers asynchronously. */
  readText(): string | Promise<string>;
  writeText(text: string): void;
  clear(): void;
}

export const CLIPBOARD_CLEAR_MS = 30_000;

/**
 * Copies a token or memory for the user and takes it back: after 30 s, at lock and at quit,
 * the clipboard is cleared, but only if it still holds what we put there (the user may have
 * copied something else since).
 */
export class ClipboardGuard {
  private ours: string | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly clipboard: ClipboardLike, private readonly timers: { set: typeof setTimeout; clear: typeof clearTimeout } = { set: setTimeout, clear: clearTimeout }) {}

  copy(text: string): void {
    this.clipboard.writeText(text);
    this.ours = text;
    if (this.timer) this.timers.clear(this.timer);
    this.timer = this.timers.set(() => void this.takeBack(), CLIPBOARD_CLEAR_MS);
  }

  /** At lock and quit, and when the 30 s are up. */
  async takeBack(): Promise<void> {
    if (this.timer) this.timers.clear(this.timer);
    this.timer = null;
    const ours = this.ours;
    this.ours = null;
    if (ours !== null && (await this.clipboard.readText()) === ours) this.clipboard.clear();
  }
}
