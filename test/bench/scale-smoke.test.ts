import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

/** The scale benchmark runs end to end on tiny data, and its exactness figures hold (timings are not asserted). */
describe('npm run bench:scale on tiny data', () => {
  it('prints its table, with recall 1.000 for plain and rare-tag vector search, and writes the rows as JSON', () => {
    const dir = mkdtempSync(join(tmpdir(), 'memvault-bench-'));
    const out = join(dir, 'latest.json');
    const r = spawnSync(process.execPath, [resolve(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'bench/scale.ts'], {
      cwd: ROOT,
      env: { ...process.env, BENCH_N: '400', BENCH_OUT: out },
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(r.status, r.stderr).toBe(0);
    const written = JSON.parse(readFileSync(out, 'utf8')) as { bench: string; n: number; machine: { cores: number }; rows: { figure: string; ratio: string }[] };
    rmSync(dir, { recursive: true, force: true });
    expect(written).toMatchObject({ bench: 'scale', n: 400 });
    expect(written.machine.cores).toBeGreaterThan(0);
    expect(written.rows.map((row) => row.figure)).toEqual(expect.arrayContaining(['bulk add 400 (one addMemories)', 'disk bytes after the bulk add (WAL checkpointed)', 'hybrid search k=10 p50 / p95']));
    expect(r.stdout).toMatch(/^disk bytes after the bulk add \(WAL checkpointed\)\s+payload \d+ MiB; plain SQLite \+ FTS5 \d+ MiB\s+\d+ MiB\s+[\d.]+x payload/m);
    expect(r.stdout).toMatch(/^N=400, 512 dims/m);
    expect(r.stdout).toMatch(/vector search recall@10\s+exact JS scan\s+1\.000/);
    expect(r.stdout).toMatch(/vector search, tag on 20 of 400, recall@10\s+filtered exact JS scan\s+1\.000/);
  });
});
