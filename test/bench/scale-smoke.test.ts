import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

/** The scale benchmark runs end to end on tiny data, and its exactness figures hold (timings are not asserted). */
describe('npm run bench:scale on tiny data', () => {
  it('prints its table, with recall 1.000 for plain and rare-tag vector search', () => {
    const r = spawnSync(process.execPath, [resolve(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'bench/scale.ts'], {
      cwd: ROOT,
      env: { ...process.env, BENCH_N: '400' },
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^N=400, 512 dims/m);
    expect(r.stdout).toMatch(/vector search recall@10\s+exact JS scan\s+1\.000/);
    expect(r.stdout).toMatch(/vector search, tag on 20 of 400, recall@10\s+filtered exact JS scan\s+1\.000/);
  });
});
