import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProgressEvent } from '../../src/contract/vault.js';
import { VaultService } from '../../src/vault/vault-service.js';
import { SNAPSHOT_MIN_MEMORIES } from '../../src/vault/index-snapshots.js';
import { HashEmbedder } from '../support/hash-embedder.js';
import { seededRandom } from '../support/random.js';
import { createTestVault, expectCode, OWNER_PASSWORD, type TestVault } from '../support/vault.js';

const N = 2_500;
const VIEWER_PASSWORD = 'viewer-password-1';
/** Random vectors: no two memories tie, so exact searches have one right order whatever the load path. */
const next = seededRandom(7);
const vectorOf = (): number[] => Array.from({ length: 64 }, next);
const QUERY = vectorOf();

interface SnapshotRow {
  snapshot_id: Buffer;
  change_seq: number;
  key_epoch: number;
  vectors: number;
  chunks: number;
}

describe('index snapshots: the last lock seals a space index into the file, the next unlock restores it', () => {
  let v: TestVault;
  let ids: string[];
  let vectors: number[][];

  const raw = <T>(work: (db: Database.Database) => T): T => {
    const db = new Database(v.path);
    try {
      return work(db);
    } finally {
      db.close();
    }
  };
  const snapshot = (): SnapshotRow | undefined => raw((db) => db.prepare('SELECT * FROM index_snapshots').get() as SnapshotRow | undefined);
  const chunkCount = (): number => raw((db) => db.prepare('SELECT count(*) FROM index_snapshot_chunks').pluck().get() as number);

  /** Unlocks in a fresh service (a new process's view of the file) and lists once, recording the index's progress. */
  async function reopen(embedder = new HashEmbedder(), whileClosed: () => void = () => {}) {
    v.service.close();
    whileClosed();
    v.service = await VaultService.open(v.path, { kdf: 'insecure-test-only', stateDir: `${v.dir}/state`, embedder });
    const events: ProgressEvent[] = [];
    v.service.onProgress((e) => events.push(e));
    const session = await v.service.unlock('olivia', OWNER_PASSWORD);
    v.service.listMemories(session, { limit: 1 });
    return { session, done: events.map((e) => e.done) };
  }

  async function answers(session: Awaited<ReturnType<typeof reopen>>['session']) {
    const hits = async (q: Record<string, unknown>, digits = 6) => (await v.service.searchMemories(session, q)).map((h) => [h.memory.id, h.memory.content, h.score.toFixed(digits)]);
    return {
      // BM25 needs the mean length of what is indexed, which FTS5 keeps only approximately once
      // memories were replaced (contentless tables cannot subtract what they do not store): an
      // index kept up to date since its load and one built afresh differ from the fourth digit.
      keyword: await hits({ text: 'marker17 topic3', mode: 'keyword', k: 10 }, 2),
      vector: await hits({ vector: QUERY, mode: 'vector', k: 10 }),
      hybrid: await hits({ text: 'topic7 marker1', vector: QUERY, k: 10 }),
      rareTag: await hits({ vector: QUERY, mode: 'vector', k: 10, tags: ['rare'] }),
      page: v.service.listMemories(session, { limit: 5 }).items.map((m) => [m.id, m.content, m.tags]),
      deleted: v.service.listMemories(session, { limit: 3, states: ['deleted'] }).items.map((m) => m.id),
    };
  }

  beforeEach(async () => {
    v = await createTestVault({ embedder: new HashEmbedder() });
    vectors = Array.from({ length: N }, vectorOf);
    const added = await v.service.addMemories(v.owner, {
      memories: vectors.map((vector, i) => ({ content: `memory ${i} about topic${i % 50} with marker${i}`, vector, tags: i % 125 === 0 ? ['rare'] : [], force: true })),
    });
    ids = added.ids.map((id) => id!);
    await v.service.deleteMemory(v.owner, ids[5]!);
    v.service.listMemories(v.owner, { limit: 1 });
    v.service.lock(v.owner);
  });
  afterEach(() => v.cleanup());

  it('the lock writes one sealed snapshot of every vector; the unlock restores it in one step and answers exactly as loading from the memories does', async () => {
    expect(snapshot()).toMatchObject({ vectors: N - 1, key_epoch: 0, chunks: 1 });
    expect(chunkCount()).toBe(1);
    const restored = await reopen();
    expect(restored.done).toEqual([0, N]);
    const fromSnapshot = await answers(restored.session);
    expect(fromSnapshot.keyword[0]![1]).toBe('memory 17 about topic17 with marker17');
    expect(fromSnapshot.rareTag).toHaveLength(10);
    expect(fromSnapshot.rareTag.every(([id]) => ids.indexOf(id!) % 125 === 0)).toBe(true);
    expect(fromSnapshot.deleted).toEqual([ids[5]]);

    const cold = await reopen(undefined, () => raw((db) => db.prepare('DELETE FROM index_snapshots').run()));
    expect(cold.done).toEqual([0, 2_000, N]);
    expect(await answers(cold.session)).toEqual(fromSnapshot);
  });

  it('a lock that seals a space reports its two steps, keying for the near-duplicate check and sealing, in memories of the space', async () => {
    const { session } = await reopen(undefined, () => raw((db) => db.prepare('DELETE FROM index_snapshots').run()));
    const events: ProgressEvent[] = [];
    v.service.onProgress((e) => events.push(e));
    v.service.lock(session);
    expect(events).toEqual([
      { phase: 'keys', space: 'default', done: N, total: N },
      { phase: 'snapshot', space: 'default', done: N, total: N },
    ]);
    expect(snapshot()).toMatchObject({ vectors: N - 1 });
  });

  it('what changed after the snapshot reaches the restored space; a few changes leave the snapshot as it is', async () => {
    const { session } = await reopen();
    const before = snapshot()!;
    const zebra = await v.service.addMemory(session, { content: 'a fresh addition about zebras', force: true });
    await v.service.updateMemory(session, { id: ids[1]!, content: 'memory 1 rewritten about giraffes' });
    await v.service.deleteMemory(session, ids[2]!);
    v.service.lock(session);
    expect(snapshot()!.snapshot_id).toEqual(before.snapshot_id);

    const again = await reopen();
    expect(again.done).toEqual([0, N + 1]);
    const found = async (text: string) => (await v.service.searchMemories(again.session, { text, mode: 'keyword', k: 3 })).map((h) => h.memory.id);
    expect(await found('zebras')).toEqual([zebra.id]);
    expect(await found('giraffes')).toEqual([ids[1]]);
    expect(await found('marker1')).toEqual([]);
    expect(await found('marker2')).toEqual([]);
  });

  it('more than a tenth of the space changed: the next lock replaces the snapshot, at the newer change sequence', async () => {
    const { session } = await reopen();
    const before = snapshot()!;
    const later = Math.ceil(N * 0.15);
    await v.service.addMemories(session, { memories: Array.from({ length: later }, (_, i) => ({ content: `later memory ${i}`, force: true })) });
    v.service.lock(session);
    const after = snapshot()!;
    expect(after.snapshot_id).not.toEqual(before.snapshot_id);
    expect(after.change_seq).toBeGreaterThan(before.change_seq);
    expect(after.vectors).toBe(N - 1 + later);
  });

  it('purging a memory drops the snapshot, which held its plaintext; the next one does not hold it', async () => {
    const { session } = await reopen();
    v.service.purgeMemory(session, ids[3]!);
    expect(snapshot()).toBeUndefined();
    expect(chunkCount()).toBe(0);
    v.service.listMemories(session, { limit: 1 });
    v.service.lock(session);
    expect(snapshot()!.vectors).toBe(N - 2);
    const again = await reopen();
    expect(again.done).toEqual([0, N - 1]);
    expect(await v.service.searchMemories(again.session, { text: 'marker3', mode: 'keyword', k: 3 })).toEqual([]);
  });

  it('taking the space from a profile drops the snapshot sealed under the old key; the next is sealed under the new epoch', async () => {
    const { session } = await reopen();
    await v.service.addProfile(session, { name: 'vic', role: 'viewer', password: VIEWER_PASSWORD });
    v.service.grantSpace(session, 'default', 'vic');
    expect(snapshot()).toBeDefined();
    v.service.revokeSpace(session, 'default', 'vic');
    expect(snapshot()).toBeUndefined();
    v.service.listMemories(session, { limit: 1 });
    v.service.lock(session);
    expect(snapshot()!.key_epoch).toBe(1);
  });

  it('a snapshot that does not open (a changed byte, a head claiming a newer sequence or another key) is ignored: the space loads from its memories, and the next lock replaces it', async () => {
    const tampers: ((db: Database.Database) => void)[] = [
      (db) => {
        const row = db.prepare('SELECT sealed FROM index_snapshot_chunks').get() as { sealed: Buffer };
        row.sealed[row.sealed.length - 40]! ^= 1;
        db.prepare('UPDATE index_snapshot_chunks SET sealed = ?').run(row.sealed);
      },
      (db) => db.prepare('UPDATE index_snapshots SET change_seq = change_seq + 5').run(),
      (db) => db.prepare('UPDATE index_snapshots SET key_epoch = 1').run(),
    ];
    // The restore's start (when the head names this key), then the load from the memories.
    const progress = [
      [0, 0, 2_000, N],
      [0, 0, 2_000, N],
      [0, 2_000, N],
    ];
    for (const [i, tamper] of tampers.entries()) {
      const before = snapshot()!;
      const { session, done } = await reopen(undefined, () => raw(tamper));
      expect(done).toEqual(progress[i]);
      expect((await v.service.searchMemories(session, { text: 'marker17', mode: 'keyword', k: 1 }))[0]!.memory.id).toBe(ids[17]);
      v.service.lock(session);
      expect(snapshot()!.snapshot_id).not.toEqual(before.snapshot_id);
    }
  });

  it('the snapshot carries the near-duplicate keys: after a restore a near copy of an imaged memory, and of one added after the image, is refused', async () => {
    let { session } = await reopen();
    const text = 'the release train leaves every second thursday from the north platform';
    const later = await v.service.addMemory(session, { content: text, vector: vectors[0]!.map((x) => -x), force: true });
    v.service.lock(session);
    ({ session } = await reopen());
    const nearCopy = async (content: string, vector: number[]) =>
      ((await expectCode(() => v.service.addMemory(session, { content, vector: vector.map((x) => x * 1.01) }), 'duplicate')) as { extra: { details: { existingId: string } } }).extra.details
        .existingId;
    expect(await nearCopy('memory 17 about topic17 with marker17 x', vectors[17]!)).toBe(ids[17]);
    expect(await nearCopy(`${text}s`, vectors[0]!.map((x) => -x))).toBe(later.id);
  });

  it('an unlock with another embedding model does not use the snapshot', async () => {
    const { done } = await reopen(new HashEmbedder('another-model-64', 64));
    expect(done).toEqual([0, 2_000, N]);
  });

  it(`a space under ${SNAPSHOT_MIN_MEMORIES} memories is not imaged: it loads about as fast from its memories`, async () => {
    const small = await createTestVault({ embedder: new HashEmbedder() });
    try {
      await small.service.addMemories(small.owner, { memories: Array.from({ length: 50 }, (_, i) => ({ content: `small ${i}`, force: true })) });
      small.service.listMemories(small.owner, { limit: 1 });
      small.service.lock(small.owner);
      const db = new Database(small.path);
      expect(db.prepare('SELECT count(*) FROM index_snapshots').pluck().get()).toBe(0);
      db.close();
    } finally {
      small.cleanup();
    }
  });
});
