import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Memory } from '../../src/contract/memory.js';
import { openRecord, sealRecord } from '../../src/vault/records.js';
import { startTestServer, type TestServer } from '../support/server.js';

const DIMS = 512;
const filled = (x: number): number[] => new Array<number>(DIMS).fill(x);

/**
 * Item 5 of the attack: one writer stored a vector that cosine search cannot use (all zero,
 * 1e300 which is finite as a double but infinite as float32, subnormal), and every later
 * vector search of its space answered 500. Now a vector is scaled to unit length in double
 * precision before it becomes float32: only one with no non-zero component is refused.
 */
describe('vectors that would break search are refused or scaled, and stored ones never cause a 5xx', () => {
  let t: TestServer;
  let writer: string;

  beforeAll(async () => {
    t = await startTestServer();
    writer = t.agent({ name: 'writer', spaces: ['default'], grants: ['read', 'write'] });
    expect((await t.call(writer, 'POST', '/v1/memories', { content: 'A usable vector', vector: filled(0.1) })).status).toBe(201);
  });
  afterAll(() => t.close());

  const problemCode = async (r: Response): Promise<string> => ((await r.json()) as { code: string }).code;
  const nearest = async (vector: number[]): Promise<string | undefined> => {
    const r = await t.call(writer, 'POST', '/v1/search', { vector, mode: 'vector', k: 1 });
    expect(r.status).toBe(200);
    return ((await r.json()) as { items: { memory: Memory }[] }).items[0]?.memory.id;
  };

  it('refuses an all-zero vector with 400 invalid_input, and search keeps working', async () => {
    const r = await t.call(writer, 'POST', '/v1/memories', { content: 'Poisoned by all zero', vector: filled(0), force: true });
    expect(r.status).toBe(400);
    expect(await problemCode(r)).toBe('invalid_input');
    expect(await nearest(filled(0.2))).toBeDefined();
  });

  /** All components x but the one at `at`, which is -x: a direction of its own per case. */
  const flipped = (x: number, at: number): number[] => filled(x).map((v, i) => (i === at ? -v : v));
  for (const [name, scale, at] of [
    ['1e300 (infinite as float32)', 1e300, 0],
    ['components whose squares overflow float32', 1e20, 1],
    ['subnormal as float32', 1e-40, 2],
  ] as const) {
    it(`stores a vector that is ${name} at unit length: search finds it by direction`, async () => {
      const r = await t.call(writer, 'POST', '/v1/memories', { content: `Scaled from ${name}`, vector: flipped(scale, at), force: true });
      expect(r.status).toBe(201);
      const { id } = (await r.json()) as Memory;
      // The same direction at an ordinary scale finds it first.
      expect(await nearest(flipped(1, at))).toBe(id);
      expect(await nearest(filled(0.2))).toBeDefined();
    });
  }

  it('refuses such a vector as a query too', async () => {
    const r = await t.call(writer, 'POST', '/v1/search', { vector: filled(0), mode: 'vector' });
    expect(r.status).toBe(400);
    expect(await problemCode(r)).toBe('invalid_input');
  });

  it('a zero vector already in the file (written by an older release) is left out of vector search, not a 500', async () => {
    const m = (await (await t.call(writer, 'POST', '/v1/memories', { content: 'Will be poisoned on disk', vector: filled(0.3) })).json()) as Memory;
    const spaceId = t.v.owner.keys.spaceIds()[0]!;
    const key = t.v.owner.keys.current(spaceId).key;
    const place = { vaultId: t.v.service.vaultId, spaceId, memoryId: m.id, version: m.version };
    const db = new Database(t.v.path);
    try {
      db.transaction(() => {
        const { record } = db.prepare('SELECT record FROM memory_versions WHERE memory_id = ? AND version = ?').get(m.id, m.version) as { record: Buffer };
        const plain = openRecord(key, place, { record, content: null, tags: null, metadata: null, source: null, embedding: null });
        const poisoned = sealRecord(key, place, { ...plain, embedding: new Float32Array(DIMS) });
        db.prepare('UPDATE memory_versions SET record = ? WHERE memory_id = ? AND version = ?').run(poisoned, m.id, m.version);
        const seq = (db.prepare("UPDATE meta SET value = value + 1 WHERE key = 'change_seq' RETURNING value").get() as { value: number }).value;
        db.prepare('UPDATE memories SET change_seq = ? WHERE id = ?').run(seq, m.id);
      })();
    } finally {
      db.close();
    }
    const search = await t.call(writer, 'POST', '/v1/search', { vector: filled(0.3), mode: 'vector', k: 10 });
    expect(search.status).toBe(200);
    const ids = ((await search.json()) as { items: { memory: Memory }[] }).items.map((h) => h.memory.id);
    expect(ids).not.toContain(m.id);
    expect((await t.call(writer, 'GET', `/v1/memories/${m.id}`)).status).toBe(200);
  });
});
