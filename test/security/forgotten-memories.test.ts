import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Memory } from '../../src/contract/memory.js';
import { startTestServer, type TestServer } from '../support/server.js';

// Item 11: once an agent forgets a memory, other agents that may only read must not get it back
// through the deleted-state filters or the history route. The owner still can.

const SECRET = 'The old API key was sk-live-5f9a, now rotated';
const MISSING = '00000000-0000-4000-8000-000000000000';

describe('item 11: a forgotten memory is not readable by reader agents', () => {
  let t: TestServer;
  let reader: string;
  let forgottenId: string;

  beforeAll(async () => {
    t = await startTestServer();
    const forgetter = t.agent({ name: 'forgetter', spaces: ['default'], grants: ['read', 'write', 'delete'] });
    reader = t.agent({ name: 'reader', spaces: ['default'], grants: ['read'] });
    const res = await t.call(forgetter, 'POST', '/v1/memories', { content: SECRET, tags: ['credentials'] });
    forgottenId = ((await res.json()) as Memory).id;
    expect((await t.call(forgetter, 'DELETE', `/v1/memories/${forgottenId}`)).status).toBe(204);
  });
  afterAll(() => t.close());

  async function expectForbidden(res: Response): Promise<void> {
    const text = await res.text();
    expect(res.status, text).toBe(403);
    expect(text).not.toContain(SECRET);
    expect((JSON.parse(text) as { type: string }).type).toBe('urn:memvault:problem:forbidden');
  }

  it('listing deleted memories is forbidden', async () => {
    await expectForbidden(await t.call(reader, 'GET', '/v1/memories?state=deleted'));
    await expectForbidden(await t.call(reader, 'GET', '/v1/memories?state=active&state=deleted'));
  });

  it('searching deleted memories is forbidden', async () => {
    await expectForbidden(await t.call(reader, 'POST', '/v1/search', { text: 'old API key', states: ['deleted'] }));
    await expectForbidden(await t.call(reader, 'POST', '/v1/search', { text: 'old API key', mode: 'keyword', states: ['active', 'deleted'] }));
  });

  it('the history of a forgotten memory answers exactly like a missing id', async () => {
    const history = await t.call(reader, 'GET', `/v1/memories/${forgottenId}/history`);
    const missing = await t.call(reader, 'GET', `/v1/memories/${MISSING}/history`);
    expect(history.status).toBe(404);
    const text = await history.text();
    expect(text).toBe(await missing.text());
    expect((JSON.parse(text) as { type: string }).type).toBe('urn:memvault:problem:not_found');
    // Reading it by id was already refused; it must stay refused the same way.
    const get = await t.call(reader, 'GET', `/v1/memories/${forgottenId}`);
    expect(get.status).toBe(404);
    expect(await get.text()).toBe(await (await t.call(reader, 'GET', `/v1/memories/${MISSING}`)).text());
  });

  it('the owner still sees it in the deleted list and its history', () => {
    expect(t.v.service.listMemories(t.v.owner, { states: ['deleted'] }).items.map((m) => m.id)).toEqual([forgottenId]);
    const history = t.v.service.memoryHistory(t.v.owner, forgottenId);
    expect(history.map((h) => h.state)).toEqual(['active', 'deleted']);
    expect(history[0]!.content).toBe(SECRET);
  });
});
