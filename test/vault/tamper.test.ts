import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { createTestVault, expectCode, type TestVault } from '../support/vault.js';

describe('sealed fields are bound to their place', () => {
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

  const column = (id: string, field: string): Buffer =>
    (raw.prepare(`SELECT ${field} AS f FROM memory_versions WHERE memory_id = ? AND version = 1`).get(id) as { f: Buffer }).f;

  it('a ciphertext moved to another row fails to open', async () => {
    const a = await v.service.addMemory(v.owner, { content: 'Alpha memory about sailing' });
    const b = await v.service.addMemory(v.owner, { content: 'Beta memory about chess openings' });
    raw.prepare('UPDATE memory_versions SET content = ? WHERE memory_id = ?').run(column(a.id, 'content'), b.id);
    await expectCode(() => v.service.getMemory(v.owner, b.id), 'integrity');
    expect(v.service.getMemory(v.owner, a.id).content).toBe('Alpha memory about sailing');
  });

  it('a ciphertext moved to another field of the same row fails to open', async () => {
    const a = await v.service.addMemory(v.owner, { content: 'Gamma memory', tags: ['one'] });
    raw.prepare('UPDATE memory_versions SET content = ? WHERE memory_id = ?').run(column(a.id, 'tags'), a.id);
    await expectCode(() => v.service.getMemory(v.owner, a.id), 'integrity');
  });

  it('an older version moved over the current one fails to open', async () => {
    const a = await v.service.addMemory(v.owner, { content: 'Delta first wording' });
    await v.service.updateMemory(v.owner, { id: a.id, content: 'Delta second wording' });
    raw.prepare('UPDATE memory_versions SET content = ? WHERE memory_id = ? AND version = 2').run(column(a.id, 'content'), a.id);
    await expectCode(() => v.service.getMemory(v.owner, a.id), 'integrity');
    await expectCode(() => v.service.memoryHistory(v.owner, a.id), 'integrity');
  });
});
