import { APP_ORIGIN } from '../protocol/app-protocol.js';

/** The page may move only within the app itself; any other navigation (a link, a redirect, a drop) is stopped. */
export function mayNavigate(url: string): boolean {
  return originOf(url) === APP_ORIGIN;
}

/** `setWindowOpenHandler`: the app opens no windows (it has no links outside itself), so every request is refused. */
export const denyWindowOpen = (): { action: 'deny' } => ({ action: 'deny' });

export function originOf(url: string): string | null {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}`;
  } catch {
    return null;
  }
}
