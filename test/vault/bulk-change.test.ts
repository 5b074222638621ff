import { afterEach, describe, expect, it } from 'vitest';
import { createTestVault, expectCode, type TestVault } from '../support/vault.js';

describe('archiving and deleting a selection', () => {
  let v: TestVault;
  afterEach(() => v.cleanup());

  const three = async () => {
    const ids: string[] = [];
    for (const content of ['The gate code is 4471', 'Lunch is at noon on Tuesdays', 'The wiki moved to wiki.internal']) ids.push((await v.service.addMemory(v.owner, { content })).id);
    return ids;
  };

  it('archives every memory of the selection in one transaction and one audit event', async () => {
    v = await createTestVault();
    const ids = await three();
    expect(v.service.archiveMemories(v.owner, { ids: [ids[0]!, ids[1]!, ids[0]!] })).toEqual({ changed: 2 });
    expect(v.service.getMemory(v.owner, ids[0]!).state).toBe('archived');
    expect(v.service.getMemory(v.owner, ids[1]!).state).toBe('archived');
    expect(v.service.getMemory(v.owner, ids[2]!).state).toBe('active');
    const events = v.service.listAudit(v.owner, { action: 'archiveMemories' });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ outcome: 'ok', details: { count: 2 } });
    expect(new Set(events[0]!.targets)).toEqual(new Set([ids[0], ids[1]]));
    expect(v.service.memoryHistory(v.owner, ids[0]!).map((h) => h.change)).toEqual(['create', 'archive']);
    // Archived already: nothing new is written or counted.
    expect(v.service.archiveMemories(v.owner, { ids: [ids[0]!, ids[2]!] })).toEqual({ changed: 1 });
    expect(v.service.memoryHistory(v.owner, ids[0]!)).toHaveLength(2);
  });

  it('a selection with one unknown memory changes none of them', async () => {
    v = await createTestVault();
    const ids = await three();
    await expectCode(() => v.service.deleteMemories(v.owner, { ids: [ids[0]!, 'no-such-memory', ids[1]!] }), 'not_found');
    for (const id of ids) expect(v.service.getMemory(v.owner, id).state).toBe('active');
    expect(v.service.listAudit(v.owner, { action: 'deleteMemories' })[0]).toMatchObject({ outcome: 'failed' });
  });

  it('deleting a selection leaves tombstones that keep their history', async () => {
    v = await createTestVault();
    const ids = await three();
    expect(v.service.deleteMemories(v.owner, { ids })).toEqual({ changed: 3 });
    expect(v.service.listMemories(v.owner, {}).items).toHaveLength(0);
    expect(v.service.memoryHistory(v.owner, ids[2]!).map((h) => h.change)).toEqual(['create', 'delete']);
  });
});
