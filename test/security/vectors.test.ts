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
 * vector search of its space answered 500.
 */
describe('vectors that would break search are refused, and stored ones never cause a 5xx', () => {
  let t: TestServer;
  let writer: string;

  beforeAll(async () => {
    t = await startTestServer();
    writer = t.agent({ name: 'writer', spaces: ['default'], grants: ['read', 'write'] });
    expect((await t.call(writer, 'POST', '/v1/memories', { content: 'A usable vector', vector: filled(0.1) })).status).toBe(201);
  });
  afterAll(() => t.close());

  const problemCode = async (r: Response): Promise<string> => ((await r.json()) as { code: string }).code;

  for (const [name, vector] of [
    ['all zero', filled(0)],
    ['1e300 (infinite as float32)', filled(1e300)],
    ['components whose squares overflow float32', filled(1e20)],
    ['subnormal only', filled(1e-40)],
  ] as const) {
    it(`refuses a stored vector that is ${name} with 400 invalid_input, and search keeps working`, async () => {
      const r = await t.call(writer, 'POST', '/v1/memories', { content: `Poisoned by ${name}`, vector, force: true });
      expect(r.status).toBe(400);
      expect(await problemCode(r)).toBe('invalid_input');
      const search = await t.call(writer, 'POST', '/v1/search', { vector: filled(0.2), mode: 'vector', k: 5 });
      expect(search.status).toBe(200);
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
