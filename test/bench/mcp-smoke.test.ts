import { describe, expect, it } from 'vitest';
import { runBench } from '../support/bench-run.js';

/** The MCP benchmark drives both servers end to end on tiny data (timings are not asserted). */
describe('npm run bench:mcp on tiny data', () => {
  it('times remember against mcp-memory-keeper’s context_save and writes the rows as JSON', () => {
    const r = runBench('bench/mcp.ts', { BENCH_N: '150', BENCH_CALLS: '4' });
    expect(r.status, r.stderr).toBe(0);
    for (const kind of ['notes of 50-2,000 characters, \\d+ English words', 'templated notes, 25-word vocabulary \\(worst case\\)'])
      expect(r.stdout).toMatch(
        new RegExp(`^${kind}: one memory per call over MCP stdio, 150 stored \\(p50 / mean\\)\\s+mcp-memory-keeper context_save: [\\d.]+ ms / [\\d.]+ ms\\s+remember: [\\d.]+ ms / [\\d.]+ ms\\s+[\\d.]+x the time`, 'm'),
      );
    expect(r.written).toMatchObject({ bench: 'mcp', n: 150, calls: 4 });
    expect((r.written as { rows: unknown[] }).rows).toHaveLength(4);
  });
});
