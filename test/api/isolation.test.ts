import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Memory } from '../../src/contract/memory.js';
import { startTestServer, type TestServer } from '../support/server.js';

const SECRET_A = 'Alpha launch code word is heliotrope';
const SECRET_OWNER = 'Owner private note about heliotrope gardens';
const MISSING = '00000000-0000-4000-8000-000000000000';

describe('two agents with different spaces never see each other', () => {
  let t: TestServer;
  let alpha: string;
  let beta: string;
  let alphaId: string;
  let ownerId: string;

  beforeAll(async () => {
    t = await startTestServer();
    t.v.service.createSpace(t.v.owner, 'alpha');
    t.v.service.createSpace(t.v.owner, 'beta');
    alpha = t.agent({ name: 'alpha-bot', spaces: ['alpha'], grants: ['read', 'write', 'delete'] });
    beta = t.agent({ name: 'beta-bot', spaces: ['beta'], grants: ['read', 'write', 'delete'] });
    alphaId = ((await (await t.call(alpha, 'POST', '/v1/memories', { content: SECRET_A, tags: ['secret'] })).json()) as Memory).id;
    ownerId = (await t.v.service.addMemory(t.v.owner, { content: SECRET_OWNER, tags: ['secret'] })).id;
    await t.call(beta, 'POST', '/v1/memories', { content: 'Beta keeps its own notes on heliotrope', tags: ['secret'] });
  });
  afterAll(() => t.close());

  it('answers a probe for another space exactly like an id that does not exist, on every id route', async () => {
    const routes: [string, string, object?][] = [
      ['GET', '/v1/memories/ID'],
      ['GET', '/v1/memories/ID/history'],
      ['PATCH', '/v1/memories/ID', { content: 'overwrite attempt' }],
      ['DELETE', '/v1/memories/ID'],
    ];
    for (const [method, path, body] of routes) {
      for (const foreign of [alphaId, ownerId]) {
        const probe = await t.call(beta, method, path.replace('ID', foreign), body);
        const missing = await t.call(beta, method, path.replace('ID', MISSING), body);
        expect(probe.status, `${method} ${path}`).toBe(404);
        expect(await probe.text()).toBe(await missing.text());
      }
    }
    expect(((await (await t.call(alpha, 'GET', `/v1/memories/${alphaId}`)).json()) as Memory).content).toBe(SECRET_A);
  });

  it('keeps lists, searches, filters and spaces to the caller', async () => {
    const seen = [
      await t.call(beta, 'GET', '/v1/memories?limit=500'),
      await t.call(beta, 'GET', '/v1/memories?tag=secret&state=active&state=archived'),
      await t.call(beta, 'POST', '/v1/search', { text: 'heliotrope launch code word', k: 100 }),
      await t.call(beta, 'POST', '/v1/search', { text: 'heliotrope', mode: 'keyword', k: 100 }),
      await t.call(beta, 'POST', '/v1/search', { vector: new Array(512).fill(0.05), mode: 'vector', k: 100 }),
      await t.call(beta, 'GET', '/v1/spaces'),
      await t.call(beta, 'GET', '/v1/me'),
    ];
    for (const r of seen) {
      expect(r.status).toBe(200);
      const text = await r.text();
      expect(text).toContain('beta');
      expect(text).not.toContain('alpha');
      expect(text).not.toContain(SECRET_OWNER);
      expect(text).not.toContain(alphaId);
    }
    const named = await t.call(beta, 'POST', '/v1/search', { text: 'heliotrope', spaces: ['alpha'] });
    const unknown = await t.call(beta, 'POST', '/v1/search', { text: 'heliotrope', spaces: ['no-such-space'] });
    expect(named.status).toBe(404);
    expect(await named.text()).toBe(await unknown.text());
    expect((await t.call(beta, 'POST', '/v1/memories', { content: 'Write into alpha', space: 'alpha' })).status).toBe(404);
  });

  it('keeps every MCP tool to the caller too', async () => {
    const client = new Client({ name: 'probe', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${t.url}/mcp`), { requestInit: { headers: { Authorization: `Bearer ${beta}` } } }));
    try {
      const texts: string[] = [];
      const run = async (name: string, args: Record<string, unknown>) => {
        const r = (await client.callTool({ name, arguments: args })) as { isError?: boolean; content: { text: string }[] };
        texts.push(r.content.map((c) => c.text).join('\n'));
        return r;
      };
      for (const id of [alphaId, ownerId]) {
        for (const [name, args] of [['get', { id }], ['update', { id, content: 'overwrite' }], ['forget', { id }]] as const) {
          const probe = await run(name, args);
          const missing = await run(name, { ...args, id: MISSING });
          expect(probe.isError, name).toBe(true);
          expect(probe.content[0]!.text).toBe(missing.content[0]!.text);
        }
      }
      await run('recall', { query: 'heliotrope launch code', k: 100 });
      await run('recall', { query: 'heliotrope', mode: 'keyword', k: 100 });
      await run('list_spaces', {});
      expect((await run('remember', { content: 'Into alpha', space: 'alpha' })).isError).toBe(true);
      const all = texts.join('\n');
      expect(all).not.toContain(SECRET_A);
      expect(all).not.toContain(SECRET_OWNER);
      expect(all).not.toContain('"alpha"');
    } finally {
      await client.close();
    }
    expect(((await (await t.call(alpha, 'GET', `/v1/memories/${alphaId}`)).json()) as Memory).version).toBe(1);
  });
});
