import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { VaultService } from '../../src/vault/vault-service.js';
import { HashEmbedder } from '../support/hash-embedder.js';
import { createTestVault, expectCode, OWNER_PASSWORD, type TestVault } from '../support/vault.js';

/** addMemories: many memories in one transaction, all stored or none, audited as one event. */
describe('bulk add', () => {
  let v: TestVault;
  beforeEach(async () => {
    v = await createTestVault({ embedder: new HashEmbedder() });
    v.service.createSpace(v.owner, 'work');
  });
  afterEach(() => v.cleanup());

  const rowCount = (): number => {
    const raw = new Database(v.path, { readonly: true });
    try {
      return (raw.prepare('SELECT count(*) AS n FROM memories').get() as { n: number }).n;
    } finally {
      raw.close();
    }
  };

  it('stores every memory in input order, searchable at once, with one audit event carrying the counts', async () => {
    const phases: string[] = [];
    const memories = Array.from({ length: 150 }, (_, i) => ({ content: `Bulk fact number ${i} about harbour ${i % 7}`, tags: i === 42 ? ['answer'] : [], space: i % 2 ? 'work' : undefined }));
    const result = await v.service.addMemories(v.owner, { memories }, (phase, done, total) => phases.push(`${phase}:${done}/${total}`));
    expect(result.added).toBe(150);
    expect(result.ids).toHaveLength(150);
    expect(result.duplicates).toEqual([]);
    expect(v.service.getMemory(v.owner, result.ids[42]!)).toMatchObject({ content: 'Bulk fact number 42 about harbour 0', tags: ['answer'], space: 'default' });
    expect(v.service.getMemory(v.owner, result.ids[43]!).space).toBe('work');
    const hits = await v.service.searchMemories(v.owner, { text: 'harbour', mode: 'keyword', k: 100, tags: ['answer'] });
    expect(hits.map((h) => h.memory.id)).toEqual([result.ids[42]]);
    expect(phases).toContain('embed:150/150');
    expect(phases.at(-1)).toBe('store:150/150');
    const events = v.service.listAudit(v.owner, { action: 'addMemories', limit: 10 });
    expect(events).toHaveLength(1);
    expect(events[0]!.details).toMatchObject({ count: 150, added: 150, duplicates: 0 });
  });

  it('stores nothing when one memory of the batch is refused (a space the caller does not hold)', async () => {
    const before = rowCount();
    await expectCode(() => v.service.addMemories(v.owner, { memories: [{ content: 'fine one' }, { content: 'bad one', space: 'nowhere' }] }), 'not_found');
    await expectCode(() => v.service.addMemories(v.owner, { memories: [{ content: 'fine one' }, { content: '' }] }), 'invalid_input');
    expect(rowCount()).toBe(before);
  });

  it('an agent whose daily quota cannot hold the whole batch stores none of it', async () => {
    const agent = v.service.authenticateAgent(v.service.addAgent(v.owner, { name: 'bulk', spaces: ['work'], grants: ['read', 'write'], dailyWrites: 3 }).token);
    const before = rowCount();
    const err = await expectCode(() => v.service.addMemories(agent, { memories: [1, 2, 3, 4].map((i) => ({ content: `quota item ${i}` })) }), 'throttled');
    expect((err as { extra: { details?: Record<string, unknown> } }).extra.details).toMatchObject({ quota: 3, remaining: 3 });
    expect(rowCount()).toBe(before);
    expect((await v.service.addMemories(agent, { memories: [1, 2, 3].map((i) => ({ content: `quota item ${i}` })) })).added).toBe(3);
  });

  it('near-duplicates (of a stored memory or an earlier item) are left out and listed for readers only', async () => {
    const stored = await v.service.addMemory(v.owner, { content: 'The deploy runs on Tuesdays' });
    const result = await v.service.addMemories(v.owner, {
      memories: [{ content: 'the deploy runs on tuesdays.' }, { content: 'A brand new fact' }, { content: 'A brand new fact' }, { content: 'A brand new fact', force: true }],
    });
    expect(result.added).toBe(2);
    expect(result.duplicates).toEqual([
      { index: 0, existingId: stored.id },
      { index: 2, existingId: result.ids[1] },
    ]);
    expect(result.ids[0]).toBeNull();
    // A write-only agent learns nothing about what is stored: no check, nothing listed.
    const writer = v.service.authenticateAgent(v.service.addAgent(v.owner, { name: 'writer', spaces: ['default'], grants: ['write'] }).token);
    const blind = await v.service.addMemories(writer, { memories: [{ content: 'The deploy runs on Tuesdays' }] });
    expect(blind).toMatchObject({ added: 1, duplicates: [] });
  });

  it('an item stored with force still makes a later repeat in the same batch a duplicate', async () => {
    const result = await v.service.addMemories(v.owner, {
      memories: [{ content: 'Forced first, checked later', force: true }, { content: 'something else entirely', force: true }, { content: 'forced first, checked later!' }],
    });
    expect(result.added).toBe(2);
    expect(result.duplicates).toEqual([{ index: 2, existingId: result.ids[0] }]);
  });

  it('a batch written through another connection shows whole in an open session, which had synced before it', async () => {
    await v.service.addMemory(v.owner, { content: 'Present before the batch' });
    expect((await v.service.searchMemories(v.owner, { text: 'present', mode: 'keyword' })).length).toBe(1);
    const other = await VaultService.open(v.path, { kdf: 'insecure-test-only', stateDir: join(v.dir, 'state'), embedder: new HashEmbedder() });
    try {
      const writer = await other.unlock('olivia', OWNER_PASSWORD);
      const memories = Array.from({ length: 40 }, (_, i) => ({ content: `Written elsewhere, item ${i}`, tags: ['elsewhere'] }));
      expect((await other.addMemories(writer, { memories })).added).toBe(40);
    } finally {
      other.close();
    }
    expect(v.service.listMemories(v.owner, { tags: ['elsewhere'], limit: 100 }).items).toHaveLength(40);
    expect((await v.service.searchMemories(v.owner, { text: 'elsewhere', mode: 'keyword', k: 100 })).length).toBe(40);
  });
});
