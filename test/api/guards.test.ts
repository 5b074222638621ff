import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../src/api/server.js';
import { rawRequest, startTestServer, type TestServer } from '../support/server.js';
import { createTestVault } from '../support/vault.js';

describe('requests are checked before auth and before the body is read', () => {
  let t: TestServer;
  let token: string;
  let port: number;

  beforeAll(async () => {
    t = await startTestServer({ limits: { bodyBytes: 64 * 1024, headersTimeoutMs: 300, timeoutCheckMs: 100 } });
    token = t.agent({ name: 'bot', spaces: ['default'], grants: ['read', 'write', 'delete'] });
    port = t.server.port;
  });
  afterAll(() => t.close());

  const get = (hostLines: string, extra = '') => rawRequest(port, `GET /v1/me HTTP/1.1\r\n${hostLines}Authorization: Bearer ${token}\r\n${extra}Connection: close\r\n\r\n`);

  it('answers its own loopback address and localhost with the right port', async () => {
    expect((await get(`Host: 127.0.0.1:${port}\r\n`)).status).toBe(200);
    expect((await get(`Host: localhost:${port}\r\n`)).status).toBe(200);
    expect((await get(`Host: LOCALHOST:${port}\r\n`)).status).toBe(200);
  });

  it('refuses DNS-rebinding Host values: other names, wrong port, no port, look-alikes', async () => {
    for (const host of ['evil.example', `evil.example:${port}`, `localhost.evil.example:${port}`, `127.0.0.1:${port + 1}`, 'localhost', '127.0.0.1', `[::1]:${port}`, `127.0.0.2:${port}`]) {
      const r = await get(`Host: ${host}\r\n`);
      expect(r.status, host).toBe(403);
      expect(r.head).toContain('content-type: application/problem+json');
      expect(JSON.parse(r.body)).toMatchObject({ type: 'urn:memvault:problem:forbidden', status: 403 });
    }
  });

  it('refuses a missing, empty or repeated Host with 400', async () => {
    expect((await get('')).status).toBe(400);
    expect((await get('Host: \r\n')).status).toBe(400);
    const dup = await get(`Host: 127.0.0.1:${port}\r\nHost: evil.example\r\n`);
    expect(dup.status).toBe(400);
    const dupSame = await get(`Host: 127.0.0.1:${port}\r\nHost: 127.0.0.1:${port}\r\n`);
    expect(dupSame.status).toBe(400);
  });

  it('refuses any Origin but its own, including null, and never sends CORS headers', async () => {
    for (const origin of ['https://evil.example', 'null', `http://localhost.evil.example:${port}`, `http://127.0.0.1:${port + 1}`]) {
      const r = await t.call(token, 'GET', '/v1/me', undefined, { origin });
      expect(r.status, origin).toBe(403);
      expect([...r.headers.keys()].filter((h) => h.startsWith('access-control-'))).toEqual([]);
    }
    expect((await t.call(token, 'GET', '/v1/me', undefined, { origin: `http://127.0.0.1:${port}` })).status).toBe(200);
    const preflight = await fetch(`${t.url}/v1/memories`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    });
    expect(preflight.status).toBe(403);
    expect([...preflight.headers.keys()].filter((h) => h.startsWith('access-control-'))).toEqual([]);
    const bare = await fetch(`${t.url}/v1/memories`, { method: 'OPTIONS', headers: { 'access-control-request-method': 'POST' } });
    expect(bare.ok).toBe(false);
    expect([...bare.headers.keys()].filter((h) => h.startsWith('access-control-'))).toEqual([]);
  });

  it('accepts state changes only as application/json (415 otherwise)', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/jsonp']) {
      const r = await t.call(token, 'POST', '/v1/memories', JSON.stringify({ content: 'Form post' }), { 'content-type': type });
      expect(r.status, type).toBe(415);
    }
    const typed = await fetch(`${t.url}/v1/memories/abc`, { method: 'DELETE', headers: { authorization: `Bearer ${token}`, 'content-type': 'text/plain' }, body: 'x' });
    expect(typed.status).toBe(415);
    // A DELETE without a body needs no Content-Type (curl -X DELETE, plain fetch).
    const { id } = (await (await t.call(token, 'POST', '/v1/memories', { content: 'To forget without a body' })).json()) as { id: string };
    const bare = await fetch(`${t.url}/v1/memories/${id}`, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } });
    expect(bare.status).toBe(204);
    expect((await t.call(token, 'GET', `/v1/memories/${id}`)).status).toBe(404);
    expect((await t.call(token, 'POST', '/v1/memories', { content: 'A JSON post' }, { 'content-type': 'application/json; charset=utf-8' })).status).toBe(201);
  });

  it('refuses a token in the query string without echoing it', async () => {
    for (const q of [`token=${token}`, `access_token=${token}`, `x=${token}`]) {
      const r = await fetch(`${t.url}/v1/me?${q}`);
      expect(r.status).toBe(400);
      expect(await r.text()).not.toContain(token.slice(5));
    }
  });

  it('closes the connection on a body over the limit (413) and refuses deep nesting', async () => {
    const big = await rawRequest(
      port,
      `POST /v1/memories HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: ${1024 * 1024}\r\n\r\n{"content":"`,
    );
    expect(big.status).toBe(413);
    expect(big.head).toContain('connection: close');
    expect(big.closed).toBe(true);
    const deep = await t.call(token, 'POST', '/v1/memories', `{"content":"x","metadata":${'{"a":'.repeat(40)}1${'}'.repeat(40)}}`);
    expect(deep.status).toBe(400);
    expect(((await deep.json()) as { detail: string }).detail).toMatch(/nests deeper/);
    const hugeArray = await t.call(token, 'POST', '/v1/search', `{"text":"x","spaces":${'['.repeat(5000)}${']'.repeat(5000)}}`);
    expect(hugeArray.status).toBe(400);
  });

  it('cuts off a client that never finishes its headers', async () => {
    const r = await rawRequest(port, `GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n`);
    expect(r.closed).toBe(true);
    expect(r.status).toBe(408);
  });

  it('refuses prototype keys instead of merging them', async () => {
    for (const body of ['{"content":"p1","__proto__":{"admin":true}}', '{"content":"p2","metadata":{"constructor":{"prototype":{"admin":true}}}}', '{"content":"p3","metadata":{"__proto__":{"x":1}}}']) {
      const r = await t.call(token, 'POST', '/v1/memories', body);
      expect(r.status, body).toBe(400);
    }
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });

  it('puts security headers on every response and answers errors as problem+json without internals', async () => {
    for (const r of [await fetch(`${t.url}/v1/health`), await t.call(token, 'GET', '/v1/nothing-here'), await t.call(null, 'GET', '/v1/me'), await t.call(token, 'GET', '/v1/me')]) {
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
      expect(r.headers.get('cache-control')).toBe('no-store');
      expect(r.headers.get('x-frame-options')).toBe('DENY');
      expect(r.headers.get('content-security-policy')).toContain("default-src 'none'");
    }
    const bad = await t.call(token, 'POST', '/v1/memories', '{"content": ');
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    const text = await bad.text();
    expect(JSON.parse(text)).toMatchObject({ type: 'urn:memvault:problem:invalid_input', title: 'Invalid input', status: 400 });
    expect(text).not.toMatch(/at \w+ \(|node_modules|\/src\/|SELECT|sqlite/i);
  });

  it('logs refused requests in the audit log', () => {
    const refused = t.v.service.listAudit(t.v.owner, { action: 'httpRequest', outcome: 'denied', limit: 1000 });
    expect(refused.length).toBeGreaterThan(5);
    expect(JSON.stringify(refused)).not.toContain(token.slice(5));
  });
});

describe('the IPv6 loopback, when asked for', () => {
  it('binds ::1 and answers only to [::1] and localhost with its port', async () => {
    const v = await createTestVault();
    const server = await startServer({ service: v.service, host: '::1', port: 0, connectionFile: null });
    try {
      expect(server.url).toBe(`http://[::1]:${server.port}`);
      const asHost = async (host: string) => (await rawRequest(server.port, `GET /v1/health HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`, 500, '::1')).status;
      expect(await asHost(`[::1]:${server.port}`)).toBe(200);
      expect(await asHost(`localhost:${server.port}`)).toBe(200);
      expect(await asHost(`127.0.0.1:${server.port}`)).toBe(403);
    } finally {
      await server.close();
      v.cleanup();
    }
  });
});
