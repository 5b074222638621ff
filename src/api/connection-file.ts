import { lstatSync, mkdirSync, renameSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { closedToOthers, ownedByMe } from './file-access.js';
import { VaultError } from '../vault/index.js';

export interface ConnectionInfo {
  url: string;
  host: string;
  port: number;
  pid: number;
  startedAt: string;
}

/** Next to the vault, so each vault's server is found from the vault path alone. */
export function defaultConnectionFile(vaultPath: string): string {
  return join(dirname(vaultPath), 'run', 'server.json');
}

/**
 * Creates the folder (0700) if needed and refuses one that others can enter or that belongs to
 * someone else, and the same for a file left from an earlier run (0600). Runs before the bind,
 * so a bad folder stops the server before it listens.
 */
export function checkConnectionFolder(file: string): void {
  const dir = dirname(file);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const d = lstatSync(dir);
  if (!d.isDirectory() || !ownedByMe(d) || !closedToOthers(d))
    throw new VaultError('forbidden', `refusing to start: ${dir} must be a folder owned by you with mode 0700 (chmod 700 it)`);
  let f;
  try {
    f = lstatSync(file);
  } catch {
    return;
  }
  if (!f.isFile() || !ownedByMe(f) || !closedToOthers(f))
    throw new VaultError('forbidden', `refusing to start: ${file} must be a file owned by you with mode 0600`);
}

/**
 * Refuses to start a second server for the same vault: agents find the server through this
 * file, so a second one would take it over. A file whose process is gone, or whose address no
 * longer answers as Memvault (the pid was reused after a crash), is stale and is replaced.
 */
export async function refuseIfRunning(file: string): Promise<void> {
  let info: Partial<ConnectionInfo>;
  try {
    info = JSON.parse(readFileSync(file, 'utf8')) as Partial<ConnectionInfo>;
  } catch {
    return;
  }
  if (typeof info.pid !== 'number' || info.pid === process.pid || !processAlive(info.pid) || typeof info.url !== 'string') return;
  if (await answersAsMemvault(info.url))
    throw new VaultError('conflict', `a Memvault server for this vault is already running at ${info.url} (pid ${info.pid}); stop it first`);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function answersAsMemvault(url: string): Promise<boolean> {
  let health: URL;
  try {
    health = new URL('/v1/health', url);
  } catch {
    return false;
  }
  // Only ever probe our own loopback, whatever the file says.
  if (health.protocol !== 'http:' || !['127.0.0.1', '[::1]'].includes(health.hostname)) return false;
  try {
    const r = await fetch(health, { signal: AbortSignal.timeout(2000) });
    const body = (await r.json()) as { status?: unknown; api?: unknown };
    return r.ok && body.status === 'ok' && body.api === 'v1';
  } catch {
    return false;
  }
}

/** Written after the bind succeeds, through a temporary file so readers never see half of it. */
export function writeConnectionFile(file: string, info: ConnectionInfo): void {
  checkConnectionFolder(file);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(info, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  renameSync(tmp, file);
}

/** Removes the file only if it still describes this process. */
export function removeConnectionFile(file: string): void {
  try {
    const info = JSON.parse(readFileSync(file, 'utf8')) as Partial<ConnectionInfo>;
    if (info.pid === process.pid) rmSync(file);
  } catch {
    // already gone or replaced by another server
  }
}
