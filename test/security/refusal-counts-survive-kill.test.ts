import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { refusalRows } from '../support/audit-rows.js';
import { createCliVault, startServe, stopServe, type CliVault, type Served } from './cli-harness.js';


/**
 * Item 14: past 30 a minute, refusals of one source are only counted, to keep a flood from
 * filling the disk. The counts were written at the end of the minute or at close, so a server
 * killed with SIGKILL (an OOM kill, a crash, `kill -9` by whoever was flooding it) lost them:
 * the log showed 30 refusals where there were many more.
 */
describe('item 14: counted refusals reach the file within seconds, so SIGKILL does not lose them', () => {
  const REQUESTS = 60;
  const LOGGED_ONE_BY_ONE = 30;
  const badToken = `mvat_${'0'.repeat(32)}_${'A'.repeat(43)}`;
  let v: CliVault;
  let served: Served | undefined;

  beforeEach(async () => {
    v = createCliVault();
    served = await startServe(v);
  });
  afterEach(async () => {
    await stopServe(served);
    served = undefined;
    v.cleanup();
  });

  it('a flood of bad tokens, then SIGKILL: every refusal is in the file, written or counted', async () => {
    const statuses = new Set<number>();
    for (let i = 0; i < REQUESTS; i++) {
      const r = await fetch(`${served!.url}/v1/me`, { headers: { authorization: `Bearer ${badToken}` } });
      statuses.add(r.status);
      await r.arrayBuffer();
    }
    // 401, and 429 once the client has failed too often: every one of them is a refusal.
    expect([...statuses].every((s) => s === 401 || s === 429)).toBe(true);
    // Counts are due about two seconds after the first counted refusal; wait a little longer.
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    served!.child.kill('SIGKILL');
    await served!.exited;

    const rows = refusalRows(v.vault);
    const oneByOne = rows.filter((r) => r.action === 'authenticateAgent');
    expect(oneByOne).toHaveLength(LOGGED_ONE_BY_ONE);
    for (const r of oneByOne) expect(r).toMatchObject({ actor_type: 'anonymous', outcome: 'failed' });
    const counted = rows.filter((r) => r.action === 'repeatedRefusals');
    expect(counted.length).toBeGreaterThan(0);
    const total = counted.reduce((n, r) => n + (JSON.parse(r.details) as { count: number }).count, 0);
    expect(total).toBe(REQUESTS - LOGGED_ONE_BY_ONE);
  });
});
