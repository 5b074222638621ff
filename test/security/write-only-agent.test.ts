import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Memory } from '../../src/contract/memory.js';
import { startTestServer, type TestServer } from '../support/server.js';

// Item 1: the `write` grant lets an agent change memories; it must never let it read them back
// (through the answer to an update, or through the near-duplicate check on remember).

const SECRET = 'The vault recovery phrase is marigold-tangerine-47';
const SECRET_TAG = 'crown-jewels';
const SECRET_META = 'meta-only-the-owner-knows';
const RECEIPT_KEYS = ['id', 'space', 'state', 'updatedAt', 'version'];

type ToolResult = { isError?: boolean; content: { type: string; text: string }[]; structuredContent?: Record<string, unknown> };

/** Nothing of the stored memory but its receipt: no content, tags, metadata or source. */
function expectNoLeak(text: string): void {
  expect(text).not.toContain(SECRET);
  expect(text).not.toContain('marigold');
  expect(text).not.toContain(SECRET_TAG);
  expect(text).not.toContain(SECRET_META);
  expect(text).not.toContain('profile:olivia');
}

describe('item 1: a write-only agent cannot read what it writes over', () => {
  let t: TestServer;
  let writer: string;
  let secretId: string;

  beforeAll(async () => {
    t = await startTestServer();
    t.v.service.createSpace(t.v.owner, 'work');
    writer = t.agent({ name: 'scribe', spaces: ['work'], grants: ['write'] });
    secretId = (await t.v.service.addMemory(t.v.owner, { space: 'work', content: SECRET, tags: [SECRET_TAG], metadata: { note: SECRET_META } })).id;
  });
  afterAll(() => t.close());

  it('REST PATCH with an empty body or new tags answers a receipt, not the memory', async () => {
    for (const body of [{}, { tags: ['x'] }]) {
      const res = await t.call(writer, 'PATCH', `/v1/memories/${secretId}`, body);
      const text = await res.text();
      expect(res.status, JSON.stringify(body)).toBe(200);
      expectNoLeak(text);
      const receipt = JSON.parse(text) as Record<string, unknown>;
      expect(Object.keys(receipt).sort()).toEqual(RECEIPT_KEYS);
      expect(receipt).toMatchObject({ id: secretId, space: 'work', state: 'active' });
    }
    // The change did happen: the owner sees the agent's tags on top of the secret content.
    expect(t.v.service.getMemory(t.v.owner, secretId)).toMatchObject({ content: SECRET, tags: ['x'] });
  });

  it('the MCP update tool answers a receipt, not the memory', async () => {
    const client = new Client({ name: 'write-only-probe', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${t.url}/mcp`), { requestInit: { headers: { Authorization: `Bearer ${writer}` } } }));
    try {
      for (const args of [{ id: secretId }, { id: secretId, tags: ['y'] }]) {
        const r = (await client.callTool({ name: 'update', arguments: args })) as ToolResult;
        expect(r.isError, JSON.stringify(r.content)).toBeFalsy();
        expectNoLeak(JSON.stringify(r));
        const receipt = r.structuredContent!.memory as Record<string, unknown>;
        expect(Object.keys(receipt).sort()).toEqual(RECEIPT_KEYS);
        expect(receipt).toMatchObject({ id: secretId, space: 'work' });
      }
    } finally {
      await client.close();
    }
  });

  it('remembering the exact content of an existing memory stores it, instead of a 409 naming the existing id', async () => {
    const res = await t.call(writer, 'POST', '/v1/memories', { space: 'work', content: SECRET });
    const text = await res.text();
    // A 409 with details.existingId would confirm the guess and hand over the id.
    expect(res.status, text).toBe(201);
    expect(text).not.toContain(secretId);
    expect(text).not.toContain('existingId');
    const stored = JSON.parse(text) as Memory;
    expect(stored.id).not.toBe(secretId);
    expect(stored.source).toBe('agent:scribe');
  });

  it('reading by id and searching stay forbidden (permission memory.read)', async () => {
    for (const res of [await t.call(writer, 'GET', `/v1/memories/${secretId}`), await t.call(writer, 'POST', '/v1/search', { text: 'recovery phrase marigold' })]) {
      const text = await res.text();
      expect(res.status).toBe(403);
      expectNoLeak(text);
      const problem = JSON.parse(text) as { type: string; details?: { permission?: string } };
      expect(problem.type).toBe('urn:memvault:problem:forbidden');
      expect(problem.details?.permission).toBe('memory.read');
    }
  });
});
