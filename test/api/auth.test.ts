import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { signRequest } from '../../src/api/signing.js';
import { startTestServer, type TestServer } from '../support/server.js';

describe('agent authentication over HTTP', () => {
  let t: TestServer;
  let now: number;

  beforeEach(async () => {
    now = Date.parse('2026-11-22T12:00:00Z');
    // Generous, so the tests of individual failures are not cut short by the failure throttle.
    t = await startTestServer({ clock: () => now, limits: { authFailuresPerMinute: 100 } });
  });
  afterEach(() => t.close());

  const status = async (token: string | null, path = '/v1/me') => (await t.call(token, 'GET', path)).status;

  it('needs a token on every route but health, and gives every failure the same 401 body', async () => {
    const good = t.agent({ name: 'good', spaces: ['default'], grants: ['read'] });
    const revoked = t.agent({ name: 'gone', spaces: ['default'], grants: ['read'] });
    const expiring = t.agent({ name: 'brief', spaces: ['default'], grants: ['read'], expiresInDays: 1 });
    const rotating = t.agent({ name: 'rot', spaces: ['default'], grants: ['read'] });
    const paused = t.agent({ name: 'nap', spaces: ['default'], grants: ['read'] });
    expect(await status(null, '/v1/health')).toBe(200);
    for (const token of [good, revoked, expiring, rotating, paused]) expect(await status(token)).toBe(200);

    t.v.service.revokeAgent(t.v.owner, 'gone');
    t.v.service.pauseAgent(t.v.owner, 'nap');
    const rotated = t.v.service.rotateAgent(t.v.owner, 'rot').token;
    now += 2 * 86_400_000;

    const wrongSecret = `${good.slice(0, -4)}${good.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`;
    const bodies = new Set<string>();
    for (const token of [null, 'short', 'mvat_', wrongSecret, revoked, expiring, rotating, paused]) {
      const r = await t.call(token, 'GET', '/v1/me');
      expect(r.status, String(token)).toBe(401);
      bodies.add(await r.text());
    }
    for (const path of ['/v1/memories', '/v1/spaces', '/mcp', '/v1/no-such-route']) expect(await status(null, path), path).toBe(401);
    expect(bodies.size).toBe(1);
    expect(await status(good)).toBe(200);
    expect(await status(rotated)).toBe(200);
    const basic = await fetch(`${t.url}/v1/me`, { headers: { authorization: `Basic ${Buffer.from(`x:${good}`).toString('base64')}` } });
    expect(basic.status).toBe(401);
    const twice = await fetch(`${t.url}/v1/me`, { headers: [['authorization', `Bearer ${good}`], ['authorization', `Bearer ${good}`]] });
    expect(twice.status).toBe(401);
  });

  it('slows down a client after repeated failures without locking out a valid token', async () => {
    await t.close();
    t = await startTestServer({ clock: () => now, limits: { authFailuresPerMinute: 5 } });
    const good = t.agent({ name: 'good', spaces: ['default'], grants: ['read'] });
    const codes: number[] = [];
    for (let i = 0; i < 8; i++) codes.push(await status(`mvat_${'0'.repeat(32)}_${'A'.repeat(43)}`));
    expect(codes.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(codes.slice(5)).toEqual([429, 429, 429]);
    const throttled = await t.call('not-a-token', 'GET', '/v1/me');
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await status(good)).toBe(200);
    now += 61_000;
    expect(await status('not-a-token')).toBe(401);
  });

  it('accepts HMAC-signed requests once, within the time window, and only unchanged', async () => {
    const token = t.agent({ name: 'signer', spaces: ['default'], grants: ['read', 'write'], requireSigning: true });
    const host = new URL(t.url).host;
    const body = JSON.stringify({ content: 'Signed fact about the deploy' });
    const send = (headers: Record<string, string>, payload = body, path = '/v1/memories') =>
      t.call(token, 'POST', path, payload, { 'content-type': 'application/json', ...headers });

    expect((await send({})).status).toBe(401);
    const signed = signRequest(token, { method: 'POST', url: '/v1/memories', host, body }, now);
    expect((await send(signed)).status).toBe(201);
    expect((await send(signed)).status).toBe(401);
    const tampered = signRequest(token, { method: 'POST', url: '/v1/memories', host, body }, now);
    expect((await send(tampered, JSON.stringify({ content: 'Changed in transit' }))).status).toBe(401);
    const stale = signRequest(token, { method: 'POST', url: '/v1/memories', host, body }, now - 301_000);
    expect((await send(stale)).status).toBe(401);
    const early = signRequest(token, { method: 'POST', url: '/v1/memories', host, body }, now + 299_000);
    expect((await send(early, JSON.stringify({ content: 'Another signed fact' }))).status).toBe(401);
    const early2 = signRequest(token, { method: 'POST', url: '/v1/memories', host, body: JSON.stringify({ content: 'Another signed fact' }) }, now + 299_000);
    expect((await send(early2, JSON.stringify({ content: 'Another signed fact' }))).status).toBe(201);
    const otherPath = signRequest(token, { method: 'POST', url: '/v1/search', host, body }, now);
    expect((await send(otherPath)).status).toBe(401);
    const getSigned = signRequest(token, { method: 'GET', url: '/v1/memories?limit=5', host }, now);
    expect((await t.call(token, 'GET', '/v1/memories?limit=5', undefined, getSigned)).status).toBe(200);

    const reasons = t.v.service
      .listAudit(t.v.owner, { action: 'verifySignature', outcome: 'denied', limit: 100 })
      .map((e) => `${e.actorId}:${String(e.details.reason)}`);
    expect(reasons).toEqual(
      expect.arrayContaining(['signer:signature headers missing', 'signer:replayed nonce', 'signer:bad signature', 'signer:stale signature timestamp']),
    );
  });

  it('verifies a signature when one is sent even if the agent does not require it', async () => {
    const token = t.agent({ name: 'optional', spaces: ['default'], grants: ['read'] });
    const host = new URL(t.url).host;
    const sig = signRequest(token, { method: 'GET', url: '/v1/me', host }, now);
    expect((await t.call(token, 'GET', '/v1/me', undefined, sig)).status).toBe(200);
    expect((await t.call(token, 'GET', '/v1/me', undefined, sig)).status).toBe(401);
    expect((await t.call(token, 'GET', '/v1/me')).status).toBe(200);
  });

  it('every 401 names the Bearer scheme; OAuth discovery paths are 404 without a token and do not count as failures', async () => {
    await t.close();
    t = await startTestServer({ clock: () => now, limits: { authFailuresPerMinute: 5 } });
    const good = t.agent({ name: 'probed', spaces: ['default'], grants: ['read'] });
    const none = await t.call(null, 'GET', '/v1/me');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="memvault"');
    const wrong = await t.call(`mvat_${'0'.repeat(32)}_${'A'.repeat(43)}`, 'GET', '/v1/me');
    expect(wrong.headers.get('www-authenticate')).toBe('Bearer realm="memvault", error="invalid_token"');
    for (let i = 0; i < 3; i++)
      for (const path of ['/.well-known/oauth-protected-resource', '/.well-known/oauth-authorization-server', '/.well-known/openid-configuration', '/register']) {
        const r = await fetch(`${t.url}${path}`, { method: path === '/register' ? 'POST' : 'GET', headers: { authorization: 'Bearer mistyped', 'content-type': 'application/json' }, body: path === '/register' ? '{}' : undefined });
        expect(r.status, path).toBe(404);
        expect(r.headers.get('www-authenticate')).toBeNull();
      }
    // Twelve probes with a bad token, yet the client is not throttled: they were never token checks.
    expect((await t.call('mvat_bad', 'GET', '/v1/me')).status).toBe(401);
    expect(await status(good)).toBe(200);
    expect((await fetch(`${t.url}/openapi.json`)).status).toBe(200);
  });
});
