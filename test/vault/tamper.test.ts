import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { createTestVault, expectCode, type TestVault } from '../support/vault.js';

describe('sealed records are bound to their place', () => {
  let v: TestVault;
  let raw: Database.Database;
  beforeEach(async () => {
    v = await createTestVault();
    raw = new Database(v.path);
  });
  afterEach(() => {
    raw.close();
    v.cleanup();
  });

  const record = (id: string, version = 1): Buffer =>
    (raw.prepare('SELECT record FROM memory_versions WHERE memory_id = ? AND version = ?').get(id, version) as { record: Buffer }).record;

  it('a ciphertext moved to another row fails to open', async () => {
    const a = await v.service.addMemory(v.owner, { content: 'Alpha memory about sailing' });
    const b = await v.service.addMemory(v.owner, { content: 'Beta memory about chess openings' });
    raw.prepare('UPDATE memory_versions SET record = ? WHERE memory_id = ?').run(record(a.id), b.id);
    await expectCode(() => v.service.getMemory(v.owner, b.id), 'integrity');
    expect(v.service.getMemory(v.owner, a.id).content).toBe('Alpha memory about sailing');
  });

  it('a record with one byte changed fails to open', async () => {
    const a = await v.service.addMemory(v.owner, { content: 'Gamma memory', tags: ['one'] });
    const changed = Buffer.from(record(a.id));
    changed[changed.length - 20]! ^= 1;
    raw.prepare('UPDATE memory_versions SET record = ? WHERE memory_id = ?').run(changed, a.id);
    await expectCode(() => v.service.getMemory(v.owner, a.id), 'integrity');
  });

  it('an older version moved over the current one fails to open', async () => {
    const a = await v.service.addMemory(v.owner, { content: 'Delta first wording' });
    await v.service.updateMemory(v.owner, { id: a.id, content: 'Delta second wording' });
    raw.prepare('UPDATE memory_versions SET record = ? WHERE memory_id = ? AND version = 2').run(record(a.id), a.id);
    await expectCode(() => v.service.getMemory(v.owner, a.id), 'integrity');
    await expectCode(() => v.service.memoryHistory(v.owner, a.id), 'integrity');
  });
});
