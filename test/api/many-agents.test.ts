import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Memory, SearchHit } from '../../src/contract/memory.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * Issue 8: one server process used to attach one in-memory database per agent session, and
 * the 11th agent got HTTP 500 ("too many attached databases"). Sessions now share one index
 * per space: 32 agents in two spaces are all served, and each sees only its own space.
 */
describe('32 agents on one server, in two spaces', () => {
  let t: TestServer;
  const tokens: { token: string; space: 'red' | 'blue' }[] = [];

  beforeAll(async () => {
    t = await startTestServer();
    t.v.service.createSpace(t.v.owner, 'red');
    t.v.service.createSpace(t.v.owner, 'blue');
    for (const space of ['red', 'blue'] as const)
      for (let i = 0; i < 3; i++) await t.v.service.addMemory(t.v.owner, { space, content: `The ${space} team note number ${i} about lighthouses` });
    for (let i = 0; i < 32; i++) {
      const space = i % 2 === 0 ? 'red' : 'blue';
      tokens.push({ space, token: t.agent({ name: `agent-${i}`, spaces: [space], grants: ['read', 'write'] }) });
    }
  });
  afterAll(() => t.close());

  it('every agent is served, lists and searches only its own space, and its write reaches only its own space', async () => {
    for (const [i, { token, space }] of tokens.entries()) {
      const listed = await t.call(token, 'GET', '/v1/memories');
      expect(listed.status).toBe(200);
      const items = ((await listed.json()) as { items: Memory[] }).items;
      expect(items.length).toBeGreaterThanOrEqual(3);
      expect(items.every((m) => m.space === space)).toBe(true);
      const found = await t.call(token, 'POST', '/v1/search', { text: 'team note lighthouses', mode: 'keyword', k: 20 });
      expect(found.status).toBe(200);
      const hits = ((await found.json()) as { items: SearchHit[] }).items;
      expect(hits.length).toBeGreaterThanOrEqual(3);
      expect(hits.every((h) => h.memory.space === space)).toBe(true);
      const wrote = await t.call(token, 'POST', '/v1/memories', { content: `Agent ${i} remembers a ${space} lighthouse`, force: true });
      expect(wrote.status).toBe(201);
    }
    // Every agent's write is visible to the agents of its space only, through the shared index.
    const first = tokens.find((x) => x.space === 'red')!;
    const reds = ((await (await t.call(first.token, 'GET', '/v1/memories?limit=100')).json()) as { items: Memory[] }).items;
    expect(reds.filter((m) => /^Agent \d+ remembers/.test(m.content))).toHaveLength(16);
    expect(reds.every((m) => m.space === 'red')).toBe(true);
    // The server keeps serving after all 32 sessions exist.
    expect((await t.call(tokens[31]!.token, 'GET', '/v1/me')).status).toBe(200);
  });
});
