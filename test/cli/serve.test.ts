import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BIN = join(import.meta.dirname, '../../bin/memvault.js');
const PASSWORD = 'serve-owner-password';

describe('memvault serve and memvault agent', () => {
  let dir: string;
  let vault: string;
  const env = () => ({ ...process.env, MEMVAULT_VAULT: vault, MEMVAULT_INSECURE_TEST_KDF: '1', MEMVAULT_PASSWORD: PASSWORD });
  const run = (args: string[]) => {
    const r = spawnSync(process.execPath, [BIN, ...args], { env: env(), input: '', encoding: 'utf8' });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };

  /** For a second command while a server child runs: spawnSync would block the test's own fetches. */
  const runAsync = (args: string[]) =>
    new Promise<{ code: number | null; err: string }>((resolve) => {
      const c = spawn(process.execPath, [BIN, ...args], { env: env(), stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      c.stderr.on('data', (d: Buffer) => (err += d.toString()));
      c.once('exit', (code) => resolve({ code, err }));
    });
  const startServe = async (args: string[] = []) => {
    const child = spawn(process.execPath, [BIN, '--json', 'serve', '--port', '0', ...args], { env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
    const first = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout }).once('line', resolve);
      child.once('exit', (code) => reject(new Error(`serve exited ${code}`)));
    });
    return { child, started: JSON.parse(first) as { url: string; port: number; connectionFile: string } };
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'memvault-serve-'));
    vault = join(dir, 'vault.db');
    expect(run(['init', '--owner', 'sam']).code).toBe(0);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('agent add prints the token once; list shows grants and state; revoke and rotate work', () => {
    const added = run(['agent', 'add', 'coder', '--space', 'default', '--perm', 'read,write', '--expires', '30d']);
    expect(added.code).toBe(0);
    const token = /mvat_[0-9a-f]{32}_[A-Za-z0-9_-]{43}/.exec(added.out)![0];
    const list = run(['--json', 'agent', 'list']);
    expect(list.out).not.toContain(token);
    const [info] = JSON.parse(list.out) as { name: string; grants: string[]; spaces: string[]; state: string; expiresAt: string; createdBy: string }[];
    expect(info).toMatchObject({ name: 'coder', grants: ['read', 'write'], spaces: ['default'], state: 'active', createdBy: 'sam' });
    expect(Date.parse(info!.expiresAt) - Date.now()).toBeGreaterThan(29 * 86_400_000);
    expect(run(['agent', 'pause', 'coder']).code).toBe(0);
    expect(JSON.parse(run(['--json', 'agent', 'list']).out)[0].state).toBe('paused');
    expect(run(['agent', 'resume', 'coder']).code).toBe(0);
    const rotated = run(['--json', 'agent', 'rotate', 'coder']);
    expect((JSON.parse(rotated.out) as { token: string }).token).not.toBe(token);
    expect(run(['agent', 'revoke', 'coder']).code).toBe(0);
    expect(run(['agent', 'resume', 'coder']).code).toBe(1);
    expect(run(['agent', 'add', 'bad', '--space', 'default', '--perm', 'admin']).code).toBe(2);
    expect(run(['agent', 'add', 'bad', '--space', 'default', '--perm', 'read', '--expires', 'soon']).code).toBe(2);
  });

  it('serves on a free port, writes a private connection file, and removes it on SIGTERM', async () => {
    const token = /mvat_\S+/.exec(run(['agent', 'add', 'svc', '--space', 'default', '--perm', 'read']).out)![0];
    const { child, started } = await startServe();
    try {
      expect(started.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(started.connectionFile).toBe(join(dir, 'run', 'server.json'));
      expect(statSync(started.connectionFile).mode & 0o777).toBe(0o600);
      expect(statSync(join(dir, 'run')).mode & 0o777).toBe(0o700);
      expect(JSON.parse(readFileSync(started.connectionFile, 'utf8'))).toMatchObject({ port: started.port, pid: child.pid });
      expect((await fetch(`${started.url}/v1/health`)).status).toBe(200);
      expect((await fetch(`${started.url}/v1/me`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
      const second = await runAsync(['serve', '--port', '0']);
      expect(second.code).toBe(1);
      expect(second.err).toContain(`already running at ${started.url} (pid ${child.pid})`);
      expect(JSON.parse(readFileSync(started.connectionFile, 'utf8'))).toMatchObject({ pid: child.pid });
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(existsSync(started.connectionFile)).toBe(false);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('logs one line per request (method, route, status, agent; never the token or the id), and nothing with --quiet', async () => {
    const token = /mvat_\S+/.exec(run(['agent', 'add', 'logger', '--space', 'default', '--perm', 'read']).out)![0];
    for (const quiet of [false, true]) {
      const { child, started } = await startServe(quiet ? ['--quiet', '--connection-file', join(dir, 'quiet.json')] : ['--connection-file', join(dir, 'loud.json')]);
      let err = '';
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      try {
        await fetch(`${started.url}/v1/memories/abc123`, { headers: { authorization: `Bearer ${token}` } });
        await fetch(`${started.url}/v1/me`, { headers: { authorization: 'Bearer mvat_wrong' } });
        await new Promise((r) => setTimeout(r, 200));
        if (quiet) expect(err).toBe('');
        else {
          const lines = err.trim().split('\n');
          expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z GET \/v1\/memories\/:id 404 logger \d+\.\dms$/);
          expect(lines[1]).toMatch(/ GET \/v1\/me 401 - /);
          expect(err).not.toContain('mvat_');
          expect(err).not.toContain('abc123');
        }
      } finally {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
    }
  });

  it('replaces a connection file left by a server that is gone', async () => {
    const file = join(dir, 'run', 'server.json');
    // A live pid (this test) whose address does not answer: a crashed server whose pid was reused.
    writeFileSync(file, JSON.stringify({ url: 'http://127.0.0.1:1', host: '127.0.0.1', port: 1, pid: process.pid, startedAt: new Date().toISOString() }), { mode: 0o600 });
    const { child, started } = await startServe();
    try {
      expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ pid: child.pid, port: started.port });
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('refuses a non-loopback address with a clear error', () => {
    for (const host of ['0.0.0.0', '192.168.1.10', 'localhost', '::']) {
      const r = run(['serve', '--host', host, '--port', '0']);
      expect(r.code, host).toBe(2);
      expect(r.err).toMatch(/only on 127\.0\.0\.1 or ::1/);
    }
  });

  it('refuses a connection folder or file that others can read or that belongs to someone else', () => {
    const loose = join(dir, 'loose');
    mkdirSync(loose, { mode: 0o755 });
    chmodSync(loose, 0o755);
    const r = run(['serve', '--port', '0', '--connection-file', join(loose, 'server.json')]);
    expect(r.code).toBe(4);
    expect(r.err).toMatch(/mode 0700/);

    const tight = join(dir, 'tight');
    mkdirSync(tight, { mode: 0o700 });
    writeFileSync(join(tight, 'server.json'), '{}', { mode: 0o644 });
    chmodSync(join(tight, 'server.json'), 0o644);
    const f = run(['serve', '--port', '0', '--connection-file', join(tight, 'server.json')]);
    expect(f.code).toBe(4);
    expect(f.err).toMatch(/mode 0600/);
  });

  it.runIf(process.getuid?.() === 0)('refuses a connection folder owned by another user (run as root)', () => {
    const foreign = join(dir, 'foreign');
    mkdirSync(foreign, { mode: 0o700 });
    chownSync(foreign, 65534, 65534);
    const r = run(['serve', '--port', '0', '--connection-file', join(foreign, 'server.json')]);
    expect(r.code).toBe(4);
    expect(r.err).toMatch(/owned by you/);
  });
});
