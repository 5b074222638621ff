import { describe, expect, it } from 'vitest';
import { runBench } from '../support/bench-run.js';

/** The scale benchmark runs end to end on tiny data, and its exactness figures hold (timings are not asserted). */
describe('npm run bench:scale on tiny data', () => {
  it('prints its table, with recall 1.000 for plain and rare-tag vector search, and writes the rows as JSON', () => {
    const r = runBench('bench/scale.ts', { BENCH_N: '400' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^N=400, 512 dims/m);
    expect(r.stdout).toMatch(/vector search recall@10\s+exact JS scan\s+1\.000/);
    expect(r.stdout).toMatch(/vector search, tag on 20 of 400, recall@10\s+filtered exact JS scan\s+1\.000/);
    expect(r.stdout).toMatch(/^disk bytes after the bulk add \(WAL checkpointed\)\s+payload \d+ MiB; plain SQLite \+ FTS5 \d+ MiB\s+\d+ MiB\s+[\d.]+x payload/m);
    const written = r.written as { bench: string; n: number; machine: { cores: number }; rows: { figure: string }[] };
    expect(written).toMatchObject({ bench: 'scale', n: 400 });
    expect(written.machine.cores).toBeGreaterThan(0);
    expect(written.rows.map((row) => row.figure)).toEqual(expect.arrayContaining(['bulk add 400 (one addMemories)', 'disk bytes after the bulk add (WAL checkpointed)', 'hybrid search k=10 p50 / p95']));
  });
});
