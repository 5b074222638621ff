import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');

export interface BenchRun {
  status: number | null;
  stdout: string;
  stderr: string;
  /** What the benchmark wrote through `BENCH_OUT` (null when it wrote nothing). */
  written: unknown;
}

/** Runs a benchmark script through tsx with these variables, its JSON sent to a temporary file. */
export function runBench(script: string, env: Record<string, string>): BenchRun {
  const dir = mkdtempSync(join(tmpdir(), 'memvault-bench-'));
  try {
    const out = join(dir, 'results.json');
    const r = spawnSync(process.execPath, [resolve(ROOT, 'node_modules/tsx/dist/cli.mjs'), script], {
      cwd: ROOT,
      env: { ...process.env, ...env, BENCH_OUT: out },
      encoding: 'utf8',
      timeout: 120_000,
    });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr, written: existsSync(out) ? (JSON.parse(readFileSync(out, 'utf8')) as unknown) : null };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
