import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

/** The MCP benchmark drives both servers end to end on tiny data (timings are not asserted). */
describe('npm run bench:mcp on tiny data', () => {
  it('times remember against mcp-memory-keeper’s context_save and writes the rows as JSON', () => {
    const dir = mkdtempSync(join(tmpdir(), 'memvault-bench-'));
    const out = join(dir, 'latest.json');
    const r = spawnSync(process.execPath, [resolve(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'bench/mcp.ts'], {
      cwd: ROOT,
      env: { ...process.env, BENCH_N: '150', BENCH_CALLS: '4', BENCH_OUT: out },
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^one memory per call over MCP stdio, 150 stored \(p50 \/ mean\)\s+mcp-memory-keeper context_save: [\d.]+ ms \/ [\d.]+ ms\s+remember: [\d.]+ ms \/ [\d.]+ ms\s+[\d.]+x the time/m);
    const written = JSON.parse(readFileSync(out, 'utf8')) as { bench: string; n: number; calls: number; rows: { figure: string }[] };
    rmSync(dir, { recursive: true, force: true });
    expect(written).toMatchObject({ bench: 'mcp', n: 150, calls: 4 });
    expect(written.rows).toHaveLength(2);
  });
});
