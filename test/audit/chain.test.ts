import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { createTestVault, type TestVault } from '../support/vault.js';
import { readLogged } from '../support/audit-rows.js';
import { eventHash, type AuditRow } from '../../src/audit/chain.js';

/** A forger who knows the hash rule (it is no secret) recomputes hashes with it. */
const forge = (prev: Buffer, r: Omit<AuditRow, 'prev_hash' | 'hash'>): Buffer => eventHash(prev, r);

describe('audit chain', () => {
  let v: TestVault;
  let raw: Database.Database;
  beforeEach(async () => {
    v = await createTestVault();
    for (let i = 0; i < 4; i++) await v.service.addMemory(v.owner, { content: `memory number ${i} about topic ${i * 7}` });
    v.service.listMemories(v.owner, {});
    await readLogged(v.path, 'listMemories');
    raw = new Database(v.path);
  });
  afterEach(() => {
    raw.close();
    v.cleanup();
  });

  const verify = () => v.service.verifyChainNow();
  const row = (seq: number) => raw.prepare('SELECT * FROM audit_events WHERE seq = ?').get(seq) as AuditRow;

  it('an untouched chain verifies, with signed checkpoints', () => {
    const r = verify();
    expect(r.ok).toBe(true);
    expect(r.events).toBeGreaterThanOrEqual(8);
    expect(r.checkpoints).toBeGreaterThanOrEqual(1);
  });

  it('an edited event is found', () => {
    raw.prepare(`UPDATE audit_events SET outcome = 'denied' WHERE seq = 5`).run();
    expect(verify()).toMatchObject({ ok: false, firstBadSeq: 5 });
  });

  it('a deleted event is found', () => {
    raw.prepare('DELETE FROM audit_events WHERE seq = 5').run();
    expect(verify()).toMatchObject({ ok: false, firstBadSeq: 5 });
  });

  it('an inserted event, hashed correctly by a forger, is found at the next link', () => {
    const before = row(4);
    const max = (raw.prepare('SELECT max(seq) AS m FROM audit_events').get() as { m: number }).m;
    for (let s = max; s >= 5; s--) raw.prepare('UPDATE audit_events SET seq = seq + 1 WHERE seq = ?').run(s);
    const fake = { seq: 5, ts: before.ts, actor_type: 'profile', actor_id: 'mallory', action: 'addMemory', targets: '[]', outcome: 'ok', details: '{}' };
    raw.prepare('INSERT INTO audit_events VALUES (@seq, @ts, @actor_type, @actor_id, @action, @targets, @outcome, @details, @prev_hash, @hash)').run({
      ...fake,
      prev_hash: before.hash,
      hash: forge(before.hash, fake),
    });
    expect(verify()).toMatchObject({ ok: false, firstBadSeq: 6 });
  });

  it('two reordered events are found', () => {
    const a = row(5);
    const b = row(6);
    const swap = raw.prepare('UPDATE audit_events SET ts=@ts, actor_type=@actor_type, actor_id=@actor_id, action=@action, targets=@targets, outcome=@outcome, details=@details, prev_hash=@prev_hash, hash=@hash WHERE seq = @at');
    swap.run({ ...b, at: 5 });
    swap.run({ ...a, at: 6 });
    expect(verify()).toMatchObject({ ok: false, firstBadSeq: 5 });
  });

  it('a chain rewritten end to end with valid hashes is caught by the signed checkpoints', () => {
    const rows = raw.prepare('SELECT * FROM audit_events ORDER BY seq').all() as AuditRow[];
    let prev: Buffer = Buffer.alloc(32);
    for (const r of rows) {
      const changed = r.seq === 5 ? { ...r, actor_id: 'mallory' } : r;
      const hash = forge(prev, changed);
      raw.prepare('UPDATE audit_events SET actor_id = ?, prev_hash = ?, hash = ? WHERE seq = ?').run(changed.actor_id, prev, hash, r.seq);
      prev = hash;
    }
    const r = verify();
    expect(r.ok).toBe(false);
    expect(r.reason).toMatch(/checkpoint/);
  });

  it('records each action but never memory content', async () => {
    await v.service.addMemory(v.owner, { content: 'write to bob@example.com about the secret plan' });
    const events = v.service.listAudit(v.owner, { limit: 1000 });
    const text = JSON.stringify(events);
    expect(text).not.toContain('secret plan');
    expect(events.map((e) => e.action)).toEqual(expect.arrayContaining(['createVault', 'unlock', 'addMemory', 'listMemories']));
  });
});
