import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProgressEvent } from '../../src/contract/vault.js';
import { HashEmbedder } from '../support/hash-embedder.js';
import { createTestVault, OWNER_PASSWORD, type TestVault } from '../support/vault.js';

const N = 4_500;

describe('loading a space into the index reports progress', () => {
  let v: TestVault;
  beforeEach(async () => {
    v = await createTestVault({ embedder: new HashEmbedder() });
    const vector = Array.from({ length: 64 }, (_, i) => (i % 7) - 3);
    await v.service.addMemories(v.owner, { memories: Array.from({ length: N }, (_, i) => ({ content: `progress memory ${i}`, vector, force: true })) });
    v.service.lock(v.owner);
  });
  afterEach(() => v.cleanup());

  it('from 0 to the size of the space, in order, at the first list after unlock; a broken listener does not fail the read', async () => {
    // Loading from the memories themselves: the lock sealed an index snapshot, which goes.
    const raw = new Database(v.path);
    raw.prepare('DELETE FROM index_snapshots').run();
    raw.close();
    const events: ProgressEvent[] = [];
    v.service.onProgress(() => {
      throw new Error('a broken progress bar');
    });
    const stop = v.service.onProgress((e) => events.push(e));
    const owner = await v.service.unlock('olivia', OWNER_PASSWORD);
    expect(events).toEqual([]);
    expect(v.service.listMemories(owner, { limit: 1 }).items).toHaveLength(1);
    expect(events[0]).toEqual({ phase: 'index', space: 'default', done: 0, total: N });
    expect(events.at(-1)).toEqual({ phase: 'index', space: 'default', done: N, total: N });
    expect(events.map((e) => e.done)).toEqual([0, 2_000, 4_000, N]);
    stop();
    v.service.lock(owner);
    const again = await v.service.unlock('olivia', OWNER_PASSWORD);
    v.service.listMemories(again, { limit: 1 });
    expect(events.at(-1)!.done).toBe(N);
    expect(events).toHaveLength(4);
  });

  it('a space restored from its index snapshot reports its start and its end', async () => {
    const events: ProgressEvent[] = [];
    v.service.onProgress((e) => events.push(e));
    const owner = await v.service.unlock('olivia', OWNER_PASSWORD);
    v.service.listMemories(owner, { limit: 1 });
    expect(events).toEqual([
      { phase: 'index', space: 'default', done: 0, total: N },
      { phase: 'index', space: 'default', done: N, total: N },
    ]);
  });
});
