import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import createClient from 'openapi-fetch';
import openapiTS, { astToString } from 'openapi-typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';
import type { paths } from './generated/memvault-api.js';

const ROOT = resolve(import.meta.dirname, '../..');
const GENERATED = join(import.meta.dirname, 'generated/memvault-api.d.ts');

async function documentOf(url: string): Promise<Record<string, unknown>> {
  return (await (await fetch(`${url}/openapi.json`)).json()) as Record<string, unknown>;
}

describe('the OpenAPI document, as client generators read it', () => {
  let t: TestServer;
  let doc: Record<string, unknown>;
  beforeAll(async () => {
    t = await startTestServer();
    doc = await documentOf(t.url);
  });
  afterAll(() => t.close());

  it('is served without a token and names this server', () => {
    expect(doc.servers).toEqual([{ url: t.url, description: 'This Memvault, on loopback' }]);
    expect((doc.info as { license?: unknown }).license).toEqual({ name: 'UNLICENSED' });
  });

  it('passes redocly lint with 0 errors', () => {
    const file = join(t.v.dir, 'openapi.json');
    writeFileSync(file, JSON.stringify(doc));
    const r = spawnSync(join(ROOT, 'node_modules/.bin/redocly'), ['lint', file, '--format=summary'], { encoding: 'utf8' });
    expect(r.stdout + r.stderr).toContain('Your API description is valid');
    expect(r.status).toBe(0);
  });

  it('gives every route an operationId and every failure its problem type', () => {
    const operations = Object.values(doc.paths as Record<string, Record<string, { operationId?: string; responses: Record<string, unknown> }>>).flatMap((p) => Object.values(p));
    expect(operations.map((o) => o.operationId).sort()).toEqual(['addMemories', 'addMemory', 'deleteMemory', 'getHealth', 'getMe', 'getMemory', 'listMemories', 'listSpaces', 'memoryHistory', 'searchMemories', 'updateMemory']);
    for (const o of operations) expect(Object.keys(o.responses)).toEqual(expect.arrayContaining(['400', '401', '403', '404', '409', '429', '500']));
  });

  it('openapi-typescript makes a Memory type, and the committed types are what it makes today', async () => {
    // Without `servers` (the port differs each run). A field with a default stays optional, as the server treats it.
    const stable = { ...doc };
    delete stable.servers;
    const generated = astToString(await openapiTS(stable as unknown as Parameters<typeof openapiTS>[0], { defaultNonNullable: false }));
    expect(generated).toMatch(/\n {8}Memory: \{\n/);
    // Regenerate with MEMVAULT_WRITE_TYPES=1 after changing a route or a contract schema.
    if (process.env.MEMVAULT_WRITE_TYPES === '1') writeFileSync(GENERATED, generated);
    expect(readFileSync(GENERATED, 'utf8')).toBe(generated);
  });

  it('a client generated from it (openapi-fetch) remembers, searches, updates and forgets', async () => {
    const token = t.agent({ name: 'generated', spaces: ['default'], grants: ['read', 'write', 'delete'] });
    const client = createClient<paths>({ baseUrl: t.url, headers: { authorization: `Bearer ${token}` } });
    const added = await client.POST('/v1/memories', { body: { content: 'The generated client stored this memory', tags: ['openapi'] } });
    expect(added.response.status).toBe(201);
    const id = added.data!.id;
    const found = await client.POST('/v1/search', { body: { text: 'generated client stored', mode: 'keyword' } });
    expect(found.data!.items[0]!.memory.id).toBe(id);
    const updated = await client.PATCH('/v1/memories/{id}', { params: { path: { id } }, body: { content: 'The generated client changed this memory', expectedVersion: 1 } });
    expect(updated.data).toMatchObject({ id, version: 2 });
    const forgotten = await client.DELETE('/v1/memories/{id}', { params: { path: { id } } });
    expect(forgotten.response.status).toBe(204);
    const gone = await client.GET('/v1/memories/{id}', { params: { path: { id } } });
    expect(gone.response.status).toBe(404);
    expect(gone.error).toMatchObject({ type: 'urn:memvault:problem:not_found' });
  });
});
