import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';
import { eventHash, type AuditRow } from '../../src/audit/chain.js';

/**
 * Helpers for the attacks in test/security that go through the real `memvault` binary and the
 * real vault file. Kept free of anything the 0.1.0-era tree lacks (the same file is copied into
 * the old worktree to show that each attack succeeded there).
 */
export const BIN = resolve(import.meta.dirname, '../../bin/memvault.js');
export const PASSWORD = 'security-owner-password';

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  out: string;
  err: string;
}

export interface CliVault {
  dir: string;
  vault: string;
  /** This vault's MEMVAULT_STATE_DIR: where the head verified on "this machine" is pinned. */
  stateDir: string;
  env(extra?: Record<string, string>): NodeJS.ProcessEnv;
  run(args: string[], opts?: { env?: Record<string, string>; timeoutMs?: number }): CliResult;
  json<T>(args: string[], opts?: { env?: Record<string, string> }): T;
  /** The file, opened the way an attacker with a copy would: plain SQLite, no Memvault code. */
  open(readonly?: boolean): Database.Database;
  cleanup(): void;
}

/** A fresh vault created by `memvault init`, with a state folder of its own. */
export function createCliVault(prefix = 'memvault-sec-'): CliVault {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const vault = join(dir, 'vault.db');
  const stateDir = join(dir, 'state');
  const env = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
    ...process.env,
    MEMVAULT_VAULT: vault,
    MEMVAULT_INSECURE_TEST_KDF: '1',
    MEMVAULT_PASSWORD: PASSWORD,
    MEMVAULT_STATE_DIR: stateDir,
    ...extra,
  });
  const run = (args: string[], opts: { env?: Record<string, string>; timeoutMs?: number } = {}): CliResult => {
    const r = spawnSync(process.execPath, [BIN, ...args], { env: env(opts.env), input: '', encoding: 'utf8', timeout: opts.timeoutMs ?? 60_000 });
    return { code: r.status, signal: r.signal, out: r.stdout ?? '', err: r.stderr ?? '' };
  };
  const v: CliVault = {
    dir,
    vault,
    stateDir,
    env,
    run,
    json<T>(args: string[], opts?: { env?: Record<string, string> }): T {
      const r = run(['--json', ...args], opts);
      if (r.code !== 0) throw new Error(`memvault ${args.join(' ')} exited ${r.code}: ${r.err}`);
      return JSON.parse(r.out) as T;
    },
    open: (readonly = false) => new Database(vault, { readonly, fileMustExist: true }),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
  const init = run(['init', '--owner', 'olivia']);
  if (init.code !== 0) throw new Error(`memvault init exited ${init.code}: ${init.err}`);
  return v;
}

/** Runs `work` on the file and closes it (folding the WAL back in, as an attacker's editor would). */
export function tamper<T>(v: CliVault, work: (db: Database.Database) => T): T {
  const db = v.open();
  try {
    return work(db);
  } finally {
    db.close();
  }
}

export const maxSeq = (db: Database.Database, table: 'audit_events' | 'audit_checkpoints'): number =>
  (db.prepare(`SELECT coalesce(max(seq), 0) AS m FROM ${table}`).get() as { m: number }).m;

/**
 * Rewrites every hash from `fromSeq` on, the way a forger who knows the (public) hash rule
 * would, so the chain of hashes is consistent again after an edit.
 */
export function rehashFrom(db: Database.Database, fromSeq: number): void {
  const rows = db.prepare('SELECT * FROM audit_events WHERE seq >= ? ORDER BY seq').all(fromSeq) as AuditRow[];
  let prev: Buffer = fromSeq === 1 ? Buffer.alloc(32) : (db.prepare('SELECT hash FROM audit_events WHERE seq = ?').get(fromSeq - 1) as { hash: Buffer }).hash;
  const update = db.prepare('UPDATE audit_events SET prev_hash = ?, hash = ? WHERE seq = ?');
  for (const r of rows) {
    const hash = eventHash(prev, r);
    update.run(prev, hash, r.seq);
    prev = hash;
  }
}

export interface Served {
  child: ChildProcess;
  url: string;
  /** Resolves with the exit code (or null after a signal). */
  exited: Promise<number | null>;
}

/** `memvault --json serve --port 0`; the first stdout line names the URL. */
export async function startServe(v: CliVault): Promise<Served> {
  const child = spawn(process.execPath, [BIN, '--json', 'serve', '--port', '0'], { env: v.env(), stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const first = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    void exited.then((code) => reject(new Error(`serve exited ${code}: ${err}`)));
  });
  return { child, url: (JSON.parse(first) as { url: string }).url, exited };
}

/** Kills a server this test started, if it is still running, and waits for it to be gone. */
export async function stopServe(s: Served | undefined, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (!s) return;
  if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill(signal);
  await s.exited;
}
