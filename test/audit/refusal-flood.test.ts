import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readLogged, refusalRows } from '../support/audit-rows.js';
import { createTestVault, expectCode, type TestVault } from '../support/vault.js';


describe('a flood of refusals', () => {
  let v: TestVault;
  let now: number;

  beforeEach(async () => {
    now = Date.parse('2026-11-22T12:00:00Z');
    v = await createTestVault({ clock: () => now });
  });
  afterEach(() => v.cleanup());

  const rows = () => refusalRows(v.path);
  const badToken = `mvat_${'0'.repeat(32)}_${'A'.repeat(43)}`;

  it('writes the first refusals of a source, counts the rest, and writes the counts within seconds', async () => {
    const { token } = v.service.addAgent(v.owner, { name: 'coder', spaces: ['default'], grants: ['read'] });
    for (let i = 0; i < 200; i++) {
      now += 100;
      await expectCode(() => v.service.authenticateAgent(badToken), 'auth_failed');
    }
    const reader = v.service.authenticateAgent(token);
    await expectCode(() => v.service.addMemory(reader, { content: 'not allowed' }), 'forbidden');

    const during = rows();
    expect(during.filter((r) => r.action === 'authenticateAgent')).toHaveLength(30);
    expect(during.some((r) => r.actor_id === 'coder' && r.action === 'addMemory')).toBe(true);

    now += 60_000;
    await expectCode(() => v.service.authenticateAgent(badToken), 'auth_failed');
    const summary = rows().filter((r) => r.action === 'repeatedRefusals');
    for (const s of summary) expect(s).toMatchObject({ actor_type: 'anonymous', actor_id: 'agent-token', outcome: 'denied' });
    const counts = summary.map((s) => JSON.parse(s.details) as { count: number; from: string; to: string });
    expect(counts.reduce((n, c) => n + c.count, 0)).toBe(170);
    // No count waited more than the flush delay (2 s) before it was written.
    for (const c of counts) expect(Date.parse(c.to) - Date.parse(c.from)).toBeLessThanOrEqual(2_000);
    expect(counts[0]!.from).toBe('2026-11-22T12:00:03.100Z');
    expect(rows().filter((r) => r.action === 'authenticateAgent')).toHaveLength(31);
    // Anonymous refusals have no key to sign them: they stay an unsigned tail until the next actor signs.
    expect(v.service.verifyChainNow()).toMatchObject({ ok: false, problem: 'unsigned_tail' });
    // The owner's next action signs over them, a read too once its group is written.
    v.service.stats(v.owner);
    await readLogged(v.path, 'stats');
    expect(v.service.verifyChainNow().ok).toBe(true);
  });

  it('writes pending counts when the vault closes', async () => {
    for (let i = 0; i < 35; i++) await expectCode(() => v.service.authenticateAgent('nonsense'), 'auth_failed');
    v.service.close();
    const summary = rows().filter((r) => r.action === 'repeatedRefusals');
    expect(summary.map((r) => JSON.parse(r.details) as { count: number })).toMatchObject([{ count: 5 }]);
  });
});
