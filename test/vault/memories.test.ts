import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VaultService } from '../../src/vault/vault-service.js';
import { createTestVault, expectCode, OWNER_PASSWORD, type TestVault } from '../support/vault.js';
import { HashEmbedder } from '../support/hash-embedder.js';

describe('memories', () => {
  let v: TestVault;
  beforeEach(async () => {
    v = await createTestVault();
  });
  afterEach(() => v.cleanup());

  it('keeps every version with who changed what; archive and delete are versions too', async () => {
    const m = await v.service.addMemory(v.owner, { content: 'Sam drinks tea', kind: 'preference', tags: ['drinks'] });
    await v.service.updateMemory(v.owner, { id: m.id, content: 'Sam drinks coffee now', tags: ['drinks', 'changed'] });
    await v.service.updateMemory(v.owner, { id: m.id, state: 'archived' });
    v.service.deleteMemory(v.owner, m.id);
    const history = v.service.memoryHistory(v.owner, m.id);
    expect(history.map((h) => [h.version, h.change, h.state, h.content, h.changedBy])).toEqual([
      [1, 'create', 'active', 'Sam drinks tea', 'profile:olivia'],
      [2, 'update', 'active', 'Sam drinks coffee now', 'profile:olivia'],
      [3, 'archive', 'archived', 'Sam drinks coffee now', 'profile:olivia'],
      [4, 'delete', 'deleted', 'Sam drinks coffee now', 'profile:olivia'],
    ]);
    expect(v.service.listMemories(v.owner, {}).items).toEqual([]);
    expect(v.service.listMemories(v.owner, { states: ['deleted'] }).items.map((x) => x.id)).toEqual([m.id]);
    await expectCode(() => v.service.updateMemory(v.owner, { id: m.id, content: 'back' }), 'not_found');
  });

  it('refuses an update made against a version that is no longer current, and changes nothing', async () => {
    const m = await v.service.addMemory(v.owner, { content: 'The deploy window is Tuesday' });
    await v.service.updateMemory(v.owner, { id: m.id, content: 'The deploy window is Wednesday', expectedVersion: 1 });
    const err = (await expectCode(() => v.service.updateMemory(v.owner, { id: m.id, content: 'The deploy window is Friday', expectedVersion: 1 }), 'conflict')) as {
      extra: { details: { currentVersion: number } };
    };
    expect(err.extra.details.currentVersion).toBe(2);
    expect(v.service.getMemory(v.owner, m.id)).toMatchObject({ version: 2, content: 'The deploy window is Wednesday' });
    await expectCode(() => v.service.updateMemory(v.owner, { id: m.id, expectedVersion: 0 }), 'invalid_input');
  });

  it('reports an identical or near-identical memory instead of storing it twice, unless forced', async () => {
    const first = await v.service.addMemory(v.owner, { content: 'The meeting is on Monday at 3pm' });
    const dup = (await expectCode(() => v.service.addMemory(v.owner, { content: 'the meeting is on monday at 3 pm.' }), 'duplicate')) as {
      extra: { details: { existingId: string } };
    };
    expect(dup.extra.details.existingId).toBe(first.id);
    await v.service.addMemory(v.owner, { content: 'The meeting is on Tuesday at 4pm' });
    await v.service.addMemory(v.owner, { content: 'the meeting is on monday at 3 pm.', force: true });
    expect(v.service.listMemories(v.owner, {}).items).toHaveLength(3);
  });

  it('lists newest first in pages with a cursor, and filters by kind, tag, source and time', async () => {
    for (let i = 0; i < 7; i++)
      await v.service.addMemory(v.owner, { content: `Item ${i} of the list: ${['apples', 'boats', 'clouds', 'dunes', 'eels', 'ferns', 'gates'][i]}`, kind: i % 2 ? 'fact' : 'note', tags: i < 3 ? ['early'] : [] });
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = v.service.listMemories(v.owner, { limit: 3, cursor });
      seen.push(...page.items.map((m) => m.content.slice(0, 6)));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(['Item 6', 'Item 5', 'Item 4', 'Item 3', 'Item 2', 'Item 1', 'Item 0']);
    expect(v.service.listMemories(v.owner, { kinds: ['fact'] }).items).toHaveLength(3);
    expect(v.service.listMemories(v.owner, { tags: ['early'] }).items).toHaveLength(3);
    expect(v.service.listMemories(v.owner, { source: 'profile:olivia' }).items).toHaveLength(7);
    expect(v.service.listMemories(v.owner, { source: 'agent:other' }).items).toHaveLength(0);
    expect(v.service.listMemories(v.owner, { since: '2999-01-01T00:00:00Z' }).items).toHaveLength(0);
    const tagged = await v.service.searchMemories(v.owner, { text: 'list item', tags: ['early'], mode: 'vector' });
    expect(tagged.map((h) => h.memory.tags)).toEqual([['early'], ['early'], ['early']]);
    await expectCode(() => v.service.listMemories(v.owner, { cursor: 'not-a-cursor' }), 'invalid_input');
  });

  it('refuses bad input with a clear error that does not echo the content', async () => {
    const cases: [unknown, RegExp][] = [
      [{ content: '   ' }, /content/],
      [{ content: 'x'.repeat(40_000) }, /content is longer than 32768 characters/],
      [{ content: 'ok', kind: 'Not A Slug!' }, /kind/],
      [{ content: 'ok', tags: ['has space'] }, /tags/],
      [{ content: 'ok', metadata: JSON.parse('{"__proto__": {"polluted": true}}') }, /metadata/],
      [{ content: 'ok', vector: [1, Number.NaN] }, /vector/],
      [{ content: 'ok', vector: [1, 2, 3] }, /dimensions/],
      [{ content: 'ok', importance: 7 }, /importance/],
      [{ content: 'ok', unknownField: 1 }, /unrecognized|unknown/i],
    ];
    for (const [input, message] of cases) {
      const err = (await expectCode(() => v.service.addMemory(v.owner, input as never), 'invalid_input')) as Error;
      expect(err.message).toMatch(message);
      expect(err.message).not.toContain('xxxxxxxx');
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    await expectCode(() => v.service.searchMemories(v.owner, { text: 'x', k: 1000 }), 'invalid_input');
  });

  it('keyword search treats FTS syntax in user input as plain words', async () => {
    const m = await v.service.addMemory(v.owner, { content: 'Deploy NEAR the "blue" server AND restart it' });
    for (const q of ['"unbalanced', 'NEAR(', 'blue*', 'AND OR NOT', 'content:blue', '(((', '^server', 'x" OR 1=1 --'])
      await v.service.searchMemories(v.owner, { text: q, mode: 'keyword' });
    expect((await v.service.searchMemories(v.owner, { text: '"blue" AND (server', mode: 'keyword' }))[0]?.memory.id).toBe(m.id);
  });

  it('accepts caller vectors of the right dimension and searches with them', async () => {
    const axis = (i: number) => Array.from({ length: 512 }, (_, j) => (j === i ? 1 : 0));
    const a = await v.service.addMemory(v.owner, { content: 'vector one', vector: axis(1) });
    await v.service.addMemory(v.owner, { content: 'vector two', vector: axis(2) });
    const hits = await v.service.searchMemories(v.owner, { vector: axis(1), mode: 'vector', k: 1 });
    expect(hits.map((h) => h.memory.id)).toEqual([a.id]);
  });

  it('a model change marks vectors stale, and reindex re-embeds them with progress', async () => {
    await v.service.addMemory(v.owner, { content: 'Bananas are yellow' });
    await v.service.addMemory(v.owner, { content: 'The sky is blue' });
    v.service.close();
    const service = await VaultService.open(v.path, { embedder: new HashEmbedder(), kdf: 'insecure-test-only' });
    const session = await service.unlock('olivia', OWNER_PASSWORD);
    expect(service.indexStatus(session)).toMatchObject({ modelId: 'test-hash-64', stale: 2 });
    expect(await service.searchMemories(session, { text: 'bananas yellow', mode: 'vector' })).toEqual([]);
    const progress: [number, number][] = [];
    expect(await service.reindex(session, (done, total) => progress.push([done, total]))).toEqual({ reindexed: 2 });
    expect(progress).toEqual([[0, 2], [2, 2]]);
    expect(service.indexStatus(session).stale).toBe(0);
    expect((await service.searchMemories(session, { text: 'bananas yellow', mode: 'vector' }))[0]?.memory.content).toBe('Bananas are yellow');
    service.close();
  });
});
