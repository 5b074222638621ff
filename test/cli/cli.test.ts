import { afterEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BIN = join(import.meta.dirname, '../../bin/memvault.js');
const PASSWORD = 'cli-owner-password';

describe('memvault command line', () => {
  let dir: string | undefined;
  let vault = '';
  const run = (args: string[], opts: { env?: Record<string, string>; input?: string } = {}) => {
    const r = spawnSync(process.execPath, [BIN, ...args], {
      env: { ...process.env, MEMVAULT_VAULT: vault, MEMVAULT_INSECURE_TEST_KDF: '1', MEMVAULT_PASSWORD: PASSWORD, ...opts.env },
      input: opts.input ?? '',
      encoding: 'utf8',
    });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };
  const json = <T>(args: string[], opts?: Parameters<typeof run>[1]): T => {
    const r = run(['--json', ...args], opts);
    if (r.code !== 0) throw new Error(`memvault ${args.join(' ')} exited ${r.code}: ${r.err}`);
    return JSON.parse(r.out) as T;
  };

  /** Each test its own vault folder; `init` makes the vault, and the three memories when asked. */
  const freshVault = (init = true) => {
    dir = mkdtempSync(join(tmpdir(), 'memvault-cli-'));
    vault = join(dir, 'vault.db');
    if (!init) return;
    json(['init', '--owner', 'casey']);
  };
  const threeMemories = () => {
    freshVault();
    json(['add', 'My cat is named Tom', '--tag', 'pets']);
    json(['add', '--kind', 'preference', 'I prefer dark roast coffee in the morning']);
    json(['add', 'The quarterly report is due on Friday']);
  };
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('init prints a recovery key once; a second init refuses to overwrite', () => {
    freshVault(false);
    const created = json<{ recoveryKey: string; owner: string }>(['init', '--owner', 'casey']);
    expect(created.recoveryKey).toMatch(/^([A-Z2-9]{4}-){12}[A-Z2-9]{4}$/);
    const again = run(['init', '--owner', 'casey']);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/already exists/);
  });

  it('add three memories, then search finds the paraphrased one first, offline', () => {
    threeMemories();
    const hits = json<{ memory: { content: string } }[]>(['search', 'what', 'is', 'my', 'pet', 'called']);
    expect(hits[0]!.memory.content).toBe('My cat is named Tom');
    const human = run(['search', 'morning', 'beverage', 'preference']);
    expect(human.code).toBe(0);
    expect(human.out.split('\n')[0]).toContain('dark roast coffee');
  });

  it('exit codes: 2 usage, 3 wrong password, 4 forbidden, 5 not found', () => {
    freshVault();
    expect(run(['frobnicate']).code).toBe(2);
    expect(run(['list', '--limit', 'many']).code).toBe(2);
    expect(run(['add', '--importance', '3', 'too important']).code).toBe(2);
    const wrong = run(['list'], { env: { MEMVAULT_PASSWORD: 'not-the-password' } });
    expect(wrong.code).toBe(3);
    expect(wrong.err).toContain('wrong profile name or password');
    expect(run(['get', '00000000-0000-0000-0000-000000000000']).code).toBe(5);
    json(['profile', 'add', 'val', '--role', 'viewer', '--space', 'default'], { env: { MEMVAULT_NEW_PASSWORD: 'viewer-password' } });
    const denied = run(['--profile', 'val', 'add', 'viewers cannot write'], { env: { MEMVAULT_PASSWORD: 'viewer-password' } });
    expect(denied.code).toBe(4);
  });

  it('--password-stdin reads the password and then the new one, line by line', () => {
    threeMemories();
    const r = run(['--password-stdin', 'profile', 'passwd'], { input: `${PASSWORD}\n${PASSWORD}-2\n`, env: { MEMVAULT_PASSWORD: '' } });
    expect(r.code).toBe(0);
    expect(json<{ items: unknown[] }>(['list'], { env: { MEMVAULT_PASSWORD: `${PASSWORD}-2` } }).items).toHaveLength(3);
  });

  it('list pages with a cursor; update, history, rm; audit verify and export; doctor', () => {
    threeMemories();
    const env = { MEMVAULT_PASSWORD: PASSWORD };
    const page = json<{ items: { id: string }[]; nextCursor: string }>(['list', '--limit', '2'], { env });
    expect(page.items).toHaveLength(2);
    const rest = json<{ items: { id: string }[]; nextCursor: null }>(['list', '--limit', '2', '--cursor', page.nextCursor], { env });
    expect(rest.items).toHaveLength(1);
    const id = rest.items[0]!.id;
    json(['update', id, '--content', 'My cat is named Tom and he is nine', '--if-version', '1'], { env });
    expect(run(['update', id, '--content', 'lost', '--if-version', '1'], { env }).code).toBe(1);
    expect(json<unknown[]>(['history', id], { env })).toHaveLength(2);
    json(['rm', id], { env });
    expect(run(['get', id], { env }).code).toBe(5);
    expect(json<{ ok: boolean }>(['audit', 'verify'], { env }).ok).toBe(true);
    const exported = run(['audit', 'export'], { env }).out.trim().split('\n').map((l) => JSON.parse(l) as { action: string });
    expect(exported.some((e) => e.action === 'unlock')).toBe(true);
    expect(JSON.stringify(exported)).not.toContain('dark roast');
    const doctor = json<{ ok: boolean }>(['doctor']);
    expect(doctor.ok).toBe(true);
  });
});
