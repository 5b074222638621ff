import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Memory, SearchHit } from '../../src/contract/memory.js';
import { startTestServer, type TestServer } from '../support/server.js';

describe('REST /v1 for agents', () => {
  let t: TestServer;
  let writer: string;
  let reader: string;

  beforeAll(async () => {
    t = await startTestServer();
    t.v.service.createSpace(t.v.owner, 'work');
    writer = t.agent({ name: 'writer', spaces: ['work'], grants: ['read', 'write', 'delete'] });
    reader = t.agent({ name: 'reader', spaces: ['work'], grants: ['read'] });
  });
  afterAll(() => t.close());

  const json = async <T>(r: Response | Promise<Response>): Promise<T> => (await (await r).json()) as T;

  it('remembers, lists, reads, updates, shows history, searches and forgets', async () => {
    const created = await t.call(writer, 'POST', '/v1/memories', { content: 'The staging database is Postgres 16', tags: ['infra'], kind: 'fact' });
    expect(created.status).toBe(201);
    const m = (await created.json()) as Memory;
    expect(created.headers.get('location')).toBe(`/v1/memories/${m.id}`);
    expect(m).toMatchObject({ space: 'work', kind: 'fact', source: 'agent:writer', tags: ['infra'] });

    expect((await json<{ items: Memory[] }>(t.call(reader, 'GET', '/v1/memories?tag=infra&limit=10'))).items.map((x) => x.id)).toEqual([m.id]);
    expect((await json<Memory>(t.call(reader, 'GET', `/v1/memories/${m.id}`))).content).toBe('The staging database is Postgres 16');

    const patched = await t.call(writer, 'PATCH', `/v1/memories/${m.id}`, { content: 'The staging database is Postgres 17' });
    expect(patched.status).toBe(200);
    expect(((await patched.json()) as Memory).version).toBe(2);
    const stale = await t.call(writer, 'PATCH', `/v1/memories/${m.id}`, { content: 'The staging database is MySQL', expectedVersion: 1 });
    expect(stale.status).toBe(409);
    expect(await stale.json()).toMatchObject({ type: 'urn:memvault:problem:conflict', details: { currentVersion: 2 } });
    const history = await json<{ items: { version: number; changedBy: string }[] }>(t.call(reader, 'GET', `/v1/memories/${m.id}/history`));
    expect(history.items.map((h) => [h.version, h.changedBy])).toEqual([[1, 'agent:writer'], [2, 'agent:writer']]);

    const hits = await json<{ items: SearchHit[] }>(t.call(reader, 'POST', '/v1/search', { text: 'which postgres version on staging', k: 5 }));
    expect(hits.items[0]!.memory.id).toBe(m.id);
    expect((await json<{ items: { name: string }[] }>(t.call(reader, 'GET', '/v1/spaces'))).items.map((s) => s.name)).toEqual(['work']);

    const dup = await t.call(writer, 'POST', '/v1/memories', { content: 'The staging database is Postgres 17' });
    expect(dup.status).toBe(409);
    expect(((await dup.json()) as { details: { existingId: string } }).details.existingId).toBe(m.id);

    expect((await t.call(writer, 'DELETE', `/v1/memories/${m.id}`)).status).toBe(204);
    expect((await t.call(reader, 'GET', `/v1/memories/${m.id}`)).status).toBe(404);
  });

  it('refuses a read-only token that writes, and logs the denial with the agent', async () => {
    const r = await t.call(reader, 'POST', '/v1/memories', { content: 'A reader tries to write' });
    expect(r.status).toBe(403);
    expect(await r.json()).toMatchObject({ type: 'urn:memvault:problem:forbidden', details: { permission: 'memory.write' } });
    const target = (await json<Memory>(t.call(writer, 'POST', '/v1/memories', { content: 'Only writers change this' }))).id;
    expect((await t.call(reader, 'PATCH', `/v1/memories/${target}`, { content: 'changed' })).status).toBe(403);
    expect((await t.call(reader, 'DELETE', `/v1/memories/${target}`)).status).toBe(403);
    const denied = t.v.service.listAudit(t.v.owner, { outcome: 'denied', actorId: 'reader', limit: 100 });
    expect(denied.map((e) => `${e.actorType}:${e.action}`)).toEqual(expect.arrayContaining(['agent:addMemory', 'agent:updateMemory', 'agent:deleteMemory']));
  });

  it('validates vectors, sizes and k, and treats FTS syntax as plain words', async () => {
    const bad = async (path: string, body: string | object) => (await t.call(writer, 'POST', path, body)).status;
    expect(await bad('/v1/memories', '{"content":"nan vector","vector":[NaN]}')).toBe(400);
    expect(await bad('/v1/memories', '{"content":"inf vector","vector":[1e999]}')).toBe(400);
    expect(await bad('/v1/memories', { content: 'short vector', vector: [0.1, 0.2, 0.3] })).toBe(400);
    expect(await bad('/v1/search', { vector: new Array(513).fill(0.1) })).toBe(400);
    expect(await bad('/v1/search', { text: 'x', k: 1000 })).toBe(400);
    expect(await bad('/v1/search', { text: 'x', k: 0 })).toBe(400);
    expect(await bad('/v1/memories', { content: 'x'.repeat(40 * 1024) })).toBe(400);
    expect(await bad('/v1/memories', { content: 'too many tags', tags: Array.from({ length: 40 }, (_, i) => `t${i}`) })).toBe(400);
    expect(await bad('/v1/memories', { content: 'unknown field', role: 'owner' })).toBe(400);
    expect((await t.call(writer, 'GET', '/v1/memories?limit=100000')).status).toBe(400);
    const vec = new Array(512).fill(0).map((_, i) => Math.sin(i));
    expect(await bad('/v1/memories', { content: 'A caller-embedded memory', vector: vec })).toBe(201);

    await t.call(writer, 'POST', '/v1/memories', { content: 'Deploys run "blue-green" (NEAR the* edge) OR: not!' });
    for (const text of ['"unbalanced', 'blue* NEAR/2 green', 'a OR AND NOT b', '(((', 'col:value ^start', '-minus +plus', "'; DROP TABLE memories; --"]) {
      const r = await t.call(reader, 'POST', '/v1/search', { text, mode: 'keyword' });
      expect(r.status, text).toBe(200);
    }
    const hit = await json<{ items: SearchHit[] }>(t.call(reader, 'POST', '/v1/search', { text: '"blue-green" NEAR', mode: 'keyword' }));
    expect(hit.items.map((h) => h.memory.content)).toContain('Deploys run "blue-green" (NEAR the* edge) OR: not!');
  });

  it('serves an OpenAPI document of the routes, with request, response and problem schemas', async () => {
    type Schema = { properties?: object; $ref?: string };
    type Op = { requestBody?: { content: Record<string, { schema: Schema }> }; responses: Record<string, { content?: Record<string, { schema: Schema }> }> };
    const doc = await json<{ openapi: string; paths: Record<string, Record<string, Op>>; components: { schemas: Record<string, Schema> } }>(t.call(reader, 'GET', '/openapi.json'));
    // Named schemas are referenced from components/schemas.
    const fields = (schema: Schema) => Object.keys((schema.$ref ? doc.components.schemas[schema.$ref.split('/').pop()!]! : schema).properties ?? {});
    const add = doc.paths['/v1/memories']!.post!;
    expect(fields(add.requestBody!.content['application/json']!.schema)).toEqual(expect.arrayContaining(['content', 'tags', 'space', 'vector']));
    expect(fields(add.responses['201']!.content!['application/json']!.schema)).toEqual(expect.arrayContaining(['id', 'content', 'source', 'version']));
    expect(fields(add.responses['400']!.content!['application/problem+json']!.schema)).toEqual(expect.arrayContaining(['type', 'title', 'status', 'detail']));
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/v1/health', '/v1/me', '/v1/memories', '/v1/memories/{id}', '/v1/memories/{id}/history', '/v1/search', '/v1/spaces']),
    );
  });
});

describe('rate limit and daily quota', () => {
  let t: TestServer;
  afterAll(() => t.close());

  it('answers 429 with Retry-After and RateLimit headers, per agent, and logs it', async () => {
    t = await startTestServer();
    const slow = t.agent({ name: 'slow', spaces: ['default'], grants: ['read', 'write'], requestsPerMinute: 3, dailyWrites: 2 });
    const other = t.agent({ name: 'other', spaces: ['default'], grants: ['read'], requestsPerMinute: 3 });
    const first = await t.call(slow, 'GET', '/v1/me');
    expect(first.headers.get('ratelimit-limit')).toBe('3');
    expect(first.headers.get('ratelimit-remaining')).toBe('2');
    await t.call(slow, 'GET', '/v1/me');
    await t.call(slow, 'GET', '/v1/me');
    const limited = await t.call(slow, 'GET', '/v1/me');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.headers.get('ratelimit-remaining')).toBe('0');
    expect(await limited.json()).toMatchObject({ type: 'urn:memvault:problem:throttled' });
    expect((await t.call(other, 'GET', '/v1/me')).status).toBe(200);
    const logged = t.v.service.listAudit(t.v.owner, { action: 'rateLimit', limit: 10 });
    expect(logged[0]).toMatchObject({ actorType: 'agent', actorId: 'slow', outcome: 'denied' });
  });

  it('stops writes past the daily quota with 429 until the next UTC day', async () => {
    const quota = t.agent({ name: 'quota', spaces: ['default'], grants: ['read', 'write'], dailyWrites: 2 });
    expect((await t.call(quota, 'POST', '/v1/memories', { content: 'Quota one' })).status).toBe(201);
    expect((await t.call(quota, 'POST', '/v1/memories', { content: 'Quota two' })).status).toBe(201);
    const over = await t.call(quota, 'POST', '/v1/memories', { content: 'Quota three' });
    expect(over.status).toBe(429);
    const retry = Number(over.headers.get('retry-after'));
    expect(retry).toBeGreaterThan(0);
    expect(retry).toBeLessThanOrEqual(86_400);
    expect((await t.call(quota, 'GET', '/v1/memories')).status).toBe(200);
    const denied = t.v.service.listAudit(t.v.owner, { actorId: 'quota', outcome: 'denied', limit: 10 });
    expect(denied.some((e) => e.action === 'addMemory' && e.details.error === 'throttled')).toBe(true);
  });
});
