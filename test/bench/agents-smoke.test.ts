import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

/** The 32-agent benchmark runs end to end on tiny data: every agent's search answers 200 (timings are not asserted). */
describe('npm run bench:agents on tiny data', () => {
  it('prints its table', () => {
    const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', 'bench/agents.ts'], { cwd: ROOT, env: { ...process.env, BENCH_N: '200' }, encoding: 'utf8', timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^N=200, 32 agents, one space, gc exposed/m);
    expect(r.stdout).toMatch(/RSS growth, 32 agents vs 1 +1 agent: -?\d+ MiB/);
  });
});
