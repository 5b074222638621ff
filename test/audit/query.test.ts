import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { VaultService } from '../../src/vault/vault-service.js';
import { OWNER_PASSWORD } from '../support/vault.js';
import { createTestVault, expectCode, type TestVault } from '../support/vault.js';

describe('audit queries for a viewer', () => {
  let v: TestVault;
  let now = 0;
  afterEach(() => v.cleanup());

  /** Events an hour apart: the owner's adds, then an agent's refusal-free reads. */
  const seed = async () => {
    now = Date.parse('2026-03-01T10:00:00Z');
    v = await createTestVault({ clock: () => now });
    for (let i = 0; i < 5; i++) {
      now += 3_600_000;
      await v.service.addMemory(v.owner, { content: `Fact number ${i} about the build`, tags: [`t${i}`] });
    }
  };

  it('pages newest first with an offset under a fixed upper bound, so new events do not shift the rows', async () => {
    await seed();
    const all = v.service.listAudit(v.owner, { order: 'asc', limit: 1000 });
    const top = all[all.length - 1]!.seq;
    const page1 = v.service.listAudit(v.owner, { order: 'desc', beforeSeq: top + 1, limit: 3 });
    expect(page1.map((e) => e.seq)).toEqual([top, top - 1, top - 2]);
    // The listAudit call above is itself an event; the bound keeps page 2 where it was.
    const page2 = v.service.listAudit(v.owner, { order: 'desc', beforeSeq: top + 1, offset: 3, limit: 3 });
    expect(page2.map((e) => e.seq)).toEqual([top - 3, top - 4, top - 5]);
  });

  it('filters by action, actor kind, time range and text in the details or targets', async () => {
    await seed();
    const adds = v.service.listAudit(v.owner, { action: 'addMemory', limit: 100 });
    expect(adds).toHaveLength(5);
    expect(v.service.listAudit(v.owner, { action: 'addMemory', actorType: 'agent', limit: 100 })).toHaveLength(0);
    const window = v.service.listAudit(v.owner, { action: 'addMemory', since: '2026-03-01T12:00:00Z', until: '2026-03-01T13:00:00Z', limit: 100 });
    expect(window.map((e) => e.time)).toEqual(['2026-03-01T12:00:00.000Z', '2026-03-01T13:00:00.000Z']);
    const byTarget = v.service.listAudit(v.owner, { text: adds[2]!.targets[0]!.toUpperCase(), limit: 100 });
    expect(byTarget.map((e) => e.seq)).toContain(adds[2]!.seq);
  });

  it('counts the filtered events per time bucket with outcomes apart', async () => {
    await seed();
    const activity = v.service.auditActivity(v.owner, { action: 'addMemory' });
    expect(activity.total).toBe(5);
    // Four hours from the first add to the last: 49 aligned five-minute buckets, the narrowest width that needs at most 120.
    expect(activity.bucketMs).toBe(5 * 60_000);
    expect(activity.buckets).toHaveLength(49);
    // Empty buckets are there too, so a chart keeps time to scale.
    expect(activity.buckets.filter((b) => b.ok > 0).map((b) => [b.start, b.ok, b.denied, b.failed])).toEqual([
      ['2026-03-01T11:00:00.000Z', 1, 0, 0],
      ['2026-03-01T12:00:00.000Z', 1, 0, 0],
      ['2026-03-01T13:00:00.000Z', 1, 0, 0],
      ['2026-03-01T14:00:00.000Z', 1, 0, 0],
      ['2026-03-01T15:00:00.000Z', 1, 0, 0],
    ]);
    expect(activity.buckets[1]).toEqual({ start: '2026-03-01T11:05:00.000Z', ok: 0, denied: 0, failed: 0 });
    expect(v.service.auditActivity(v.owner, { action: 'no-such-action' })).toMatchObject({ total: 0, buckets: [], firstSeq: null, lastSeq: null });
  });

  it('a log spanning years still fits in at most 120 buckets', async () => {
    await seed();
    now += 5 * 365 * 86_400_000;
    await v.service.addMemory(v.owner, { content: 'Five years later' });
    const activity = v.service.auditActivity(v.owner, { action: 'addMemory' });
    expect(activity.buckets.length).toBeLessThanOrEqual(120);
    expect(activity.buckets.reduce((n, b) => n + b.ok, 0)).toBe(6);
  });

  it('a filter value is data, never SQL', async () => {
    await seed();
    expect(v.service.listAudit(v.owner, { action: "addMemory' OR '1'='1", limit: 100 })).toHaveLength(0);
    expect(v.service.listAudit(v.owner, { text: "%' OR 1=1 --", limit: 100 })).toHaveLength(0);
  });

  it('a row whose shape was changed in the file is refused as an integrity error, not cast into an event', async () => {
    await seed();
    const path = v.path;
    v.service.close();
    const db = new Database(path);
    db.prepare("UPDATE audit_events SET outcome = 'ok', actor_type = 'superuser' WHERE seq = 2").run();
    db.close();
    const reopened = await VaultService.open(path, { stateDir: `${v.dir}/state`, kdf: 'insecure-test-only' });
    try {
      const owner = await reopened.unlock('olivia', OWNER_PASSWORD);
      const err = await expectCode(() => reopened.listAudit(owner, { limit: 10 }), 'integrity');
      expect((err as Error).message).toContain('audit event 2');
    } finally {
      reopened.close();
    }
  });
});
