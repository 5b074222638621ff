import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

const ROOT = resolve(import.meta.dirname, '../..');

export interface AppHost {
  url: string;
  dir: string;
  vaultPath: string;
  /** A fresh one-time login link (what pressing Enter in the terminal prints). */
  link(): Promise<string>;
  close(): Promise<void>;
}

/** `memvault start --json --no-open` on port 0 with a fresh vault folder, as a user runs it (test KDF cost). */
export async function startAppHost(): Promise<AppHost> {
  const dir = mkdtempSync(join(tmpdir(), 'memvault-app-'));
  const vaultPath = join(dir, 'vault.db');
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [join(ROOT, 'bin/memvault.js'), '--json', '--vault', vaultPath, 'start', '--no-open', '--port', '0'], {
    env: { ...process.env, MEMVAULT_INSECURE_TEST_KDF: '1', MEMVAULT_STATE_DIR: join(dir, 'state') },
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const lines = createInterface({ input: child.stdout });
  const waiting: ((line: string) => void)[] = [];
  const queued: string[] = [];
  lines.on('line', (line) => {
    const next = waiting.shift();
    if (next) next(line);
    else queued.push(line);
  });
  const nextLine = () =>
    new Promise<string>((resolveLine, reject) => {
      const early = queued.shift();
      if (early !== undefined) return resolveLine(early);
      const timer = setTimeout(() => reject(new Error(`memvault start printed nothing: ${stderr}`)), 30_000);
      waiting.push((line) => (clearTimeout(timer), resolveLine(line)));
    });
  const first = JSON.parse(await nextLine()) as { url: string; loginLink: string };
  let pending: string | null = first.loginLink;
  return {
    url: first.url,
    dir,
    vaultPath,
    async link() {
      if (pending) {
        const l = pending;
        pending = null;
        return l;
      }
      child.stdin.write('\n');
      return (JSON.parse(await nextLine()) as { loginLink: string }).loginLink;
    },
    async close() {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
