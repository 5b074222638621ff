import { spawn } from 'node:child_process';

/** The desktop's opener for a URL; without one (a server, CI) the printed link is all there is. */
const OPENERS: Readonly<Partial<Record<NodeJS.Platform, [string, string[]]>>> = {
  darwin: ['open', []],
  win32: ['cmd', ['/c', 'start', '""']],
  linux: ['xdg-open', []],
};

export function openInBrowser(url: string): void {
  const opener = OPENERS[process.platform];
  if (!opener) return;
  try {
    const child = spawn(opener[0], [...opener[1], url], { stdio: 'ignore', detached: true });
    child.on('error', () => {});
    child.unref();
  } catch {
    // No opener installed: the link was printed.
  }
}
