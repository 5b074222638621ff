import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { vaultRowsHash } from '../support/vault-rows.js';

const BIN = join(import.meta.dirname, '../../bin/memvault.js');
const PASSPHRASE = 'a long backup passphrase';
let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** A CLI bound to one vault file in a fresh folder. */
function cli(name: string) {
  dir ??= mkdtempSync(join(tmpdir(), 'memvault-cli-backup-'));
  const env = { ...process.env, MEMVAULT_VAULT: join(dir, `${name}.db`), MEMVAULT_INSECURE_TEST_KDF: '1', MEMVAULT_PASSWORD: 'cli-owner-password', MEMVAULT_STATE_DIR: join(dir, `${name}-state`), MEMVAULT_BACKUP_PASSPHRASE: PASSPHRASE };
  const run = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { env, encoding: 'utf8', input: '', cwd: dir });
  expect(run('init', '--owner', name).status).toBe(0);
  return { run, env, path: env.MEMVAULT_VAULT, dir };
}

it('backup export, inspect, check --read-data and import round-trip through the CLI; --dry-run changes nothing', () => {
  const a = cli('ana');
  for (const text of ['The office wifi is called lighthouse', 'Standup moved to 9:30']) expect(a.run('add', text).status).toBe(0);
  const exported = a.run('--json', 'backup', 'export', 'vault.mvb');
  expect(exported.status, exported.stderr).toBe(0);
  expect(JSON.parse(exported.stdout)).toMatchObject({ memories: 2, spaces: ['default'] });
  expect(readdirSync(a.dir).filter((f) => f.includes('partial'))).toEqual([]);
  const inspected = a.run('--json', 'backup', 'inspect', 'vault.mvb');
  expect(JSON.parse(inspected.stdout)).toMatchObject({ format: 1, passphrase: true, recipients: [], sender: { name: 'ana', sequence: 1 } });
  expect(JSON.parse(a.run('--json', 'backup', 'check', '--read-data', 'vault.mvb').stdout)).toMatchObject({ memories: 2, auditChain: 'absent' });

  const b = cli('ben');
  const file = join(a.dir, 'vault.mvb');
  const before = vaultRowsHash(b.path, ['memories', 'memory_versions']);
  expect(JSON.parse(b.run('--json', 'backup', 'import', '--dry-run', file).stdout)).toMatchObject({ dryRun: true, added: 2 });
  expect(vaultRowsHash(b.path, ['memories', 'memory_versions'])).toBe(before);
  const imported = b.run('backup', 'import', file);
  expect(imported.status, imported.stderr).toBe(0);
  expect(imported.stdout).toMatch(/^Imported: 2 added, 0 updated, 0 skipped, 0 conflicts/);
  expect(b.run('search', 'wifi name').stdout).toContain('lighthouse');
});

it('a wrong passphrase exits 3 with one line naming the reason, and a team bundle needs the sender as a contact', () => {
  const a = cli('ana');
  expect(a.run('add', 'Quarterly numbers are due on Friday').status).toBe(0);
  expect(a.run('backup', 'export', 'v.mvb').status).toBe(0);
  const b = cli('ben');
  const wrong = spawnSync(process.execPath, [BIN, '--json', 'backup', 'import', join(a.dir, 'v.mvb')], { env: { ...b.env, MEMVAULT_BACKUP_PASSPHRASE: 'not the passphrase' }, encoding: 'utf8', input: '' });
  expect(wrong.status).toBe(3);
  expect(JSON.parse(wrong.stderr || wrong.stdout)).toMatchObject({ error: { code: 'auth_failed', details: { reason: 'wrong_passphrase' } } });

  const anaKey = (JSON.parse(a.run('--json', 'profile', 'pubkey').stdout) as { key: string }).key;
  const benKey = (JSON.parse(b.run('--json', 'profile', 'pubkey').stdout) as { key: string; words: string[] });
  expect(a.run('contact', 'add', 'ben', benKey.key).stdout).toContain(benKey.words.join(' '));
  expect(a.run('contact', 'verify', 'ben').status).toBe(0);
  const bundle = a.run('backup', 'export', '--to', 'ben', 'team.mvb');
  expect(bundle.status, bundle.stderr).toBe(0);
  const unknown = b.run('--json', 'backup', 'import', join(a.dir, 'team.mvb'));
  expect(JSON.parse(unknown.stderr || unknown.stdout)).toMatchObject({ error: { details: { reason: 'unknown_sender' } } });
  expect(b.run('contact', 'add', 'ana', anaKey).status).toBe(0);
  expect(b.run('backup', 'import', join(a.dir, 'team.mvb')).stdout).toContain('quarantine-ana');
  expect(b.run('contact', 'list').stdout).toMatch(/ana\s+NO/);
});

it('a process killed while it imports leaves the vault as it was', async () => {
  const a = cli('ana');
  const lines = Array.from({ length: 3000 }, (_, i) => JSON.stringify({ content: `Imported fact number ${i} about the harbour schedule`, vector: Array.from({ length: 512 }, (_, j) => Math.sin(i + j)) }));
  const { writeFileSync } = await import('node:fs');
  writeFileSync(join(a.dir, 'many.jsonl'), `${lines.join('\n')}\n`);
  expect(a.run('import', 'many.jsonl').status).toBe(0);
  expect(a.run('backup', 'export', 'many.mvb').status).toBe(0);
  const b = cli('ben');
  // The unlock before the import logs itself; what the import would change must not have moved.
  const data = ['memories', 'memory_versions', 'spaces', 'sealed_keys', 'contacts'];
  const before = vaultRowsHash(b.path, data);
  // Killed as soon as it reports merging: the transaction is open, a third of the memories written into it.
  const child = spawn(process.execPath, [BIN, 'backup', 'import', join(a.dir, 'many.mvb')], { env: b.env, stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((done) => {
    child.stderr.on('data', (chunk: Buffer) => {
      if (/merging into the vault: 1000\//.test(chunk.toString())) child.kill('SIGKILL');
    });
    child.on('exit', () => done());
  });
  expect(child.signalCode).toBe('SIGKILL');
  expect(vaultRowsHash(b.path, data)).toBe(before);
}, 120_000);
