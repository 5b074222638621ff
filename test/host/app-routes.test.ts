import { afterEach, describe, expect, it } from 'vitest';
import { LOGIN_CODE_TTL_MS } from '../../src/host/login-codes.js';
import { startTestBrowserHost, type TestBrowserHost } from '../support/browser-host.js';
import { rawRequest } from '../support/server.js';

const OWNER = { owner: 'olivia', password: 'owner-password-1' };
const problemType = async (res: Response) => ((await res.json()) as { type: string }).type;

describe('the browser host', () => {
  let t: TestBrowserHost | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('serves its page with a CSP that allows no inline code, eval or other origin', async () => {
    t = await startTestBrowserHost();
    const res = await fetch(`${t.origin}/`);
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:/);
    expect((await fetch(`${t.origin}/assets/app.js`)).headers.get('content-type')).toMatch(/^text\/javascript/);
    // Only files that were in the folder: no path is joined from the URL.
    expect((await fetch(`${t.origin}/assets/../../vault.db`)).status).toBe(404);
  });

  it('a login code works once, sets an HttpOnly SameSite=Strict host-only cookie, and is refused again', async () => {
    t = await startTestBrowserHost();
    const code = t.host.loginLink().split('#login=')[1]!;
    const first = await t.app('/app/login', { body: { code } });
    expect(first.status).toBe(200);
    const cookie = first.headers.get('set-cookie')!;
    expect(cookie).toMatch(new RegExp(`^memvault_app_${new URL(t.origin).port}=[A-Za-z0-9_-]{43}; Path=/; HttpOnly; SameSite=Strict$`));
    const again = await t.app('/app/login', { body: { code } });
    expect(again.status).toBe(401);
    expect(await problemType(again)).toBe('urn:memvault:problem:auth_failed');
  });

  it('a login code expires after two minutes', async () => {
    let now = Date.now();
    t = await startTestBrowserHost({ clock: () => now });
    const code = t.host.loginLink().split('#login=')[1]!;
    now += LOGIN_CODE_TTL_MS + 1;
    const res = await t.app('/app/login', { body: { code } });
    expect(res.status).toBe(401);
    expect(await problemType(res)).toBe('urn:memvault:problem:auth_failed');
  });

  it('a new link retires the previous code', async () => {
    t = await startTestBrowserHost();
    const old = t.host.loginLink().split('#login=')[1]!;
    t.host.loginLink();
    expect((await t.app('/app/login', { body: { code: old } })).status).toBe(401);
  });

  it('refuses a state change without the session’s CSRF token, and one from another origin', async () => {
    t = await startTestBrowserHost();
    const { cookie, csrf } = await t.signIn();
    const noToken = await t.app('/app/create', { body: OWNER, cookie });
    expect(noToken.status).toBe(403);
    expect(await problemType(noToken)).toBe('urn:memvault:problem:forbidden');
    const wrongToken = await t.app('/app/create', { body: OWNER, cookie, csrf: `${csrf.slice(0, -1)}A` === csrf ? `${csrf.slice(0, -1)}B` : `${csrf.slice(0, -1)}A` });
    expect(wrongToken.status).toBe(403);
    const otherOrigin = await t.app('/app/create', { body: OWNER, cookie, csrf, headers: { origin: 'http://evil.example' } });
    expect(otherOrigin.status).toBe(403);
    const crossSite = await t.app('/app/create', { body: OWNER, cookie, csrf, headers: { 'sec-fetch-site': 'cross-site' } });
    expect(crossSite.status).toBe(403);
    // Nothing was created by any of them.
    expect(((await (await t.app('/app/state', { cookie, csrf })).json()) as { vault: string }).vault).toBe('absent');
    const created = await t.app('/app/create', { body: OWNER, cookie, csrf });
    expect(created.status).toBe(200);
  });

  it('the cookie alone opens nothing: every call needs the token only the login exchange gave', async () => {
    t = await startTestBrowserHost();
    const { cookie, csrf } = await t.signIn();
    const noToken = await t.app('/app/state', { cookie });
    expect(noToken.status).toBe(403);
    expect(await problemType(noToken)).toBe('urn:memvault:problem:forbidden');
    // No route hands the token to a cookie holder.
    expect((await t.app('/app/session', { cookie })).status).toBe(404);
    expect((await t.app('/app/state', { cookie, csrf })).status).toBe(200);
  });

  it('a second cookie of the same name (planted by another loopback port) is refused, not guessed between', async () => {
    t = await startTestBrowserHost();
    const { cookie, csrf } = await t.signIn();
    const planted = `${cookie.split('=')[0]}=${'A'.repeat(43)}`;
    const res = await t.app('/app/state', { cookie: `${planted}; ${cookie}`, csrf });
    expect(res.status).toBe(401);
    expect(await problemType(res)).toBe('urn:memvault:problem:auth_failed');
  });

  it('two first runs at once: one creates the vault, the other is told it exists', async () => {
    t = await startTestBrowserHost();
    const a = await t.signIn();
    const b = await t.signIn();
    const [ra, rb] = await Promise.all([
      t.app('/app/create', { body: OWNER, cookie: a.cookie, csrf: a.csrf }),
      t.app('/app/create', { body: { owner: 'mallory', password: 'another-password' }, cookie: b.cookie, csrf: b.csrf }),
    ]);
    expect([ra.status, rb.status].sort()).toEqual([200, 409]);
    const loser = ra.status === 409 ? ra : rb;
    expect(await problemType(loser)).toBe('urn:memvault:problem:conflict');
  });

  it('the auto-lock timeout is this browser session’s own', async () => {
    let now = Date.now();
    t = await startTestBrowserHost({ clock: () => now });
    const a = await t.signIn();
    await t.app('/app/create', { body: OWNER, cookie: a.cookie, csrf: a.csrf });
    expect((await t.app('/app/idle-lock', { body: { idleLockMs: 15 * 60_000 }, cookie: a.cookie, csrf: a.csrf })).status).toBe(200);
    const b = await t.signIn();
    await t.app('/app/unlock', { body: { profile: 'olivia', password: OWNER.password }, cookie: b.cookie, csrf: b.csrf });
    const stateOf = async (s: { cookie: string; csrf: string }) => ((await (await t!.app('/app/state', s)).json()) as { vault: string; idleLockMs: number });
    expect((await stateOf(a)).idleLockMs).toBe(15 * 60_000);
    expect((await stateOf(b)).idleLockMs).toBe(5 * 60_000);
    now += 6 * 60_000;
    await new Promise((r) => setTimeout(r, 5_500));
    expect((await stateOf(a)).vault).toBe('unlocked');
    expect((await stateOf(b)).vault).toBe('locked');
  });

  it('refuses a DNS-rebinding Host on the app’s routes before reading the cookie', async () => {
    t = await startTestBrowserHost();
    const { cookie } = await t.signIn();
    const port = new URL(t.origin).port;
    const res = await rawRequest(Number(port), `GET /app/state HTTP/1.1\r\nHost: attacker.example:${port}\r\nCookie: ${cookie}\r\nConnection: close\r\n\r\n`);
    expect(res.status).toBe(403);
    expect(res.body).toContain('urn:memvault:problem:forbidden');
  });

  it('an agent token never opens an app session, and the app cookie never authorizes /v1 or /mcp', async () => {
    t = await startTestBrowserHost();
    const { cookie, csrf } = await t.signIn();
    await t.app('/app/create', { body: OWNER, cookie, csrf });
    const issued = (await (await t.app('/app/op/addAgent', { body: { args: [{ name: 'coder', spaces: ['default'], grants: ['read'] }] }, cookie, csrf })).json()) as { result: { token: string } };
    const token = issued.result.token;
    const withToken = await t.app('/app/state', { csrf, headers: { authorization: `Bearer ${token}` } });
    expect(withToken.status).toBe(401);
    expect(await problemType(withToken)).toBe('urn:memvault:problem:auth_failed');
    const v1 = await fetch(`${t.origin}/v1/memories`, { headers: { cookie } });
    expect(v1.status).toBe(401);
    expect(v1.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const mcp = await fetch(`${t.origin}/mcp`, { method: 'POST', headers: { cookie, 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: '{"jsonrpc":"2.0","id":1,"method":"tools/list"}' });
    expect(mcp.status).toBe(401);
    // The same host serves the agent with its token.
    expect((await fetch(`${t.origin}/v1/memories`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
  });

  it('an owner turns the agent API off and on; agents get 503 meanwhile; a viewer may not', async () => {
    t = await startTestBrowserHost();
    const { cookie, csrf } = await t.signIn();
    await t.app('/app/create', { body: OWNER, cookie, csrf });
    const issued = (await (await t.app('/app/op/addAgent', { body: { args: [{ name: 'bot', spaces: ['default'], grants: ['read'] }] }, cookie, csrf })).json()) as { result: { token: string } };
    const asAgent = () => fetch(`${t!.origin}/v1/me`, { headers: { authorization: `Bearer ${issued.result.token}` } });
    expect((await asAgent()).status).toBe(200);
    expect((await t.app('/app/agent-api', { body: { on: false }, cookie, csrf })).status).toBe(200);
    const off = await asAgent();
    expect(off.status).toBe(503);
    expect(await problemType(off)).toBe('urn:memvault:problem:unavailable');
    expect(((await (await t.app('/app/state', { cookie, csrf })).json()) as { agentApiOn: boolean }).agentApiOn).toBe(false);
    await t.app('/app/agent-api', { body: { on: true }, cookie, csrf });
    expect((await asAgent()).status).toBe(200);
    // Agents share this host's port: moving them is a restart with --port, said as such.
    const moved = await t.app('/app/agent-api', { body: { on: true, port: 8123 }, cookie, csrf });
    expect(moved.status).toBe(503);
    expect(((await moved.json()) as { detail: string }).detail).toMatch(/memvault start --port N/);
    expect(((await (await t.app('/app/state', { cookie, csrf })).json()) as { agentApiPort: number | null }).agentApiPort).toBeNull();

    await t.app('/app/op/addProfile', { body: { args: [{ name: 'vic', role: 'viewer', password: 'viewer-password', spaces: ['default'] }] }, cookie, csrf });
    const viewer = await t.signIn();
    await t.app('/app/unlock', { body: { profile: 'vic', password: 'viewer-password' }, cookie: viewer.cookie, csrf: viewer.csrf });
    const refused = await t.app('/app/agent-api', { body: { on: false }, cookie: viewer.cookie, csrf: viewer.csrf });
    expect(refused.status).toBe(403);
    expect((await asAgent()).status).toBe(200);
  });

  it('agents get 503 before the first run has created the vault', async () => {
    t = await startTestBrowserHost();
    const res = await fetch(`${t.origin}/v1/memories`, { headers: { authorization: 'Bearer mvat_x' } });
    expect(res.status).toBe(503);
    expect(await problemType(res)).toBe('urn:memvault:problem:unavailable');
  });

  it('offers only the declared operations, validates their arguments, and never the in-process export', async () => {
    t = await startTestBrowserHost();
    const { cookie, csrf } = await t.signIn();
    await t.app('/app/create', { body: OWNER, cookie, csrf });
    const exported = await t.app('/app/op/exportAudit', { body: { args: [] }, cookie, csrf });
    expect(exported.status).toBe(404);
    const bad = await t.app('/app/op/addMemory', { body: { args: [{ content: '' }] }, cookie, csrf });
    expect(bad.status).toBe(400);
    expect(await problemType(bad)).toBe('urn:memvault:problem:invalid_input');
    const ok = await t.app('/app/op/addMemory', { body: { args: [{ content: 'The printer is on floor 3' }] }, cookie, csrf });
    expect(ok.status).toBe(200);
  });

  it('lock zeroes the session on the host: the next call is refused as locked', async () => {
    t = await startTestBrowserHost();
    const { cookie, csrf } = await t.signIn();
    await t.app('/app/create', { body: OWNER, cookie, csrf });
    expect((await t.app('/app/lock', { body: {}, cookie, csrf })).status).toBe(200);
    const after = await t.app('/app/op/listMemories', { body: { args: [] }, cookie, csrf });
    expect(after.status).toBe(401);
    expect(await problemType(after)).toBe('urn:memvault:problem:locked');
    const state = (await (await t.app('/app/state', { cookie, csrf })).json()) as { vault: string; profiles: string[] };
    expect(state).toMatchObject({ vault: 'locked', profiles: ['olivia'] });
  });

  it('progress reaches only an unlocked session, and names only spaces its profile holds', async () => {
    t = await startTestBrowserHost();
    const owner = await t.signIn();
    await t.app('/app/create', { body: OWNER, cookie: owner.cookie, csrf: owner.csrf });
    const op = async (name: string, ...args: unknown[]) => {
      const res = await t!.app(`/app/op/${name}`, { body: { args }, cookie: owner.cookie, csrf: owner.csrf });
      expect(res.status, name).toBe(200);
      return ((await res.json()) as { result: unknown }).result;
    };
    const spaces = ['default', 'merger-talks', 'garden'];
    for (const name of spaces.slice(1)) await op('createSpace', name);
    for (const space of spaces) await op('addMemory', { space, content: `A memory kept in ${space}` });
    // Unlocking again loads the spaces into the index at the first list: those are the progress events.
    await t.app('/app/lock', { body: {}, cookie: owner.cookie, csrf: owner.csrf });
    await t.app('/app/unlock', { body: { profile: 'olivia', password: OWNER.password }, cookie: owner.cookie, csrf: owner.csrf });
    await op('listMemories', {});
    const progressOf = async (s: { cookie: string; csrf: string }) => ((await (await t!.app('/app/progress', s)).json()) as { event: { space: string } | null }).event;
    const latest = await progressOf(owner);
    expect(latest).toMatchObject({ phase: 'index' });
    expect(spaces).toContain(latest!.space);
    expect(await progressOf(await t.signIn())).toBeNull();
    // A viewer who holds another of the spaces sees the progress, not the name.
    await op('addProfile', { name: 'vic', role: 'viewer', password: 'viewer-password-1', spaces: [spaces.find((s) => s !== latest!.space)] });
    const viewer = await t.signIn();
    expect((await t.app('/app/unlock', { body: { profile: 'vic', password: 'viewer-password-1' }, cookie: viewer.cookie, csrf: viewer.csrf })).status).toBe(200);
    expect(await progressOf(viewer)).toEqual({ ...latest, space: '' });
  });

  it('an idle app session is locked by the host after the timeout', async () => {
    let now = Date.now();
    t = await startTestBrowserHost({ clock: () => now });
    const { cookie, csrf } = await t.signIn();
    await t.app('/app/create', { body: OWNER, cookie, csrf });
    now += 5 * 60_000 + 1;
    // The sweep runs every 5 s of real time.
    await new Promise((r) => setTimeout(r, 5_500));
    const state = (await (await t.app('/app/state', { cookie, csrf })).json()) as { vault: string };
    expect(state.vault).toBe('locked');
  });
});
