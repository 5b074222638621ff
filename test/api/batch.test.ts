import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AddMemoriesResult, Memory } from '../../src/contract/memory.js';
import { startTestServer, type TestServer } from '../support/server.js';

/** Bulk add over the loopback API: POST /v1/memories/batch and the MCP tool remember_many. */
describe('bulk add over REST and MCP', () => {
  let t: TestServer;
  let token: string;
  beforeAll(async () => {
    t = await startTestServer();
    token = t.agent({ name: 'importer', spaces: ['default'], grants: ['read', 'write'] });
  });
  afterAll(() => t.close());

  it('POST /v1/memories/batch stores every memory, in order, and answers 201 with their ids', async () => {
    const memories = Array.from({ length: 300 }, (_, i) => ({ content: `Imported note ${i} about the lighthouse keeper`, vector: Array.from({ length: 512 }, (_, j) => Math.sin(i + j)) }));
    const r = await t.call(token, 'POST', '/v1/memories/batch', { memories });
    expect(r.status).toBe(201);
    const body = (await r.json()) as AddMemoriesResult;
    expect(body.added).toBe(300);
    const first = (await (await t.call(token, 'GET', `/v1/memories/${body.ids[0]}`)).json()) as Memory;
    expect(first).toMatchObject({ content: 'Imported note 0 about the lighthouse keeper', source: 'agent:importer' });
  });

  it('refuses more than 1,000 memories in one request with 400, and stores none of a batch with one bad memory', async () => {
    const tooMany = await t.call(token, 'POST', '/v1/memories/batch', { memories: Array.from({ length: 1001 }, (_, i) => ({ content: `n${i}` })) });
    expect(tooMany.status).toBe(400);
    expect(((await tooMany.json()) as { type: string }).type).toBe('urn:memvault:problem:invalid_input');
    const before = ((await (await t.call(token, 'GET', '/v1/memories?limit=500')).json()) as { items: Memory[] }).items.length;
    const bad = await t.call(token, 'POST', '/v1/memories/batch', { memories: [{ content: 'good one' }, { content: 'bad space', space: 'elsewhere' }] });
    expect(bad.status).toBe(404);
    const after = ((await (await t.call(token, 'GET', '/v1/memories?limit=500')).json()) as { items: Memory[] }).items.length;
    expect(after).toBe(before);
  });

  it('MCP remember_many stores a list and reports what it added', async () => {
    const client = new Client({ name: 'memvault-test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${t.url}/mcp`), { requestInit: { headers: { Authorization: `Bearer ${token}` } } }));
    try {
      const r = (await client.callTool({ name: 'remember_many', arguments: { memories: [{ content: 'The CI runs on two cores' }, { content: 'Releases are tagged on Fridays', tags: ['release'] }] } })) as {
        isError?: boolean;
        content: { text: string }[];
        structuredContent?: Record<string, unknown>;
      };
      expect(r.isError).not.toBe(true);
      expect(r.structuredContent).toMatchObject({ added: 2, duplicates: [] });
      expect(r.content[0]!.text).toBe('Stored 2 memories.');
    } finally {
      await client.close();
    }
  });
});
