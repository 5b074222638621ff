import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';

const BIN = join(import.meta.dirname, '../../bin/memvault.js');
let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

it('profile reset gives another profile a new password that unlocks it, and the old one stops working', () => {
  dir = mkdtempSync(join(tmpdir(), 'memvault-cli-reset-'));
  const env = { ...process.env, MEMVAULT_VAULT: join(dir, 'vault.db'), MEMVAULT_INSECURE_TEST_KDF: '1', MEMVAULT_PASSWORD: 'cli-owner-password', MEMVAULT_STATE_DIR: join(dir, 'state') };
  const run = (extra: Record<string, string>, ...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { env: { ...env, ...extra }, encoding: 'utf8', input: '' });
  expect(run({}, 'init', '--owner', 'casey').status).toBe(0);
  expect(run({ MEMVAULT_NEW_PASSWORD: 'first-password-1' }, 'profile', 'add', 'erin', '--role', 'editor', '--space', 'default').status).toBe(0);
  const reset = run({ MEMVAULT_NEW_PASSWORD: 'second-password-2' }, '--json', 'profile', 'reset', 'erin');
  expect(reset.status, reset.stderr).toBe(0);
  expect(JSON.parse(reset.stdout)).toMatchObject({ profile: { name: 'erin', spaces: ['default'] }, lostSpaces: [] });
  const old = run({ MEMVAULT_PASSWORD: 'first-password-1' }, '--json', '--profile', 'erin', 'list');
  expect(JSON.parse(old.stderr || old.stdout)).toMatchObject({ error: { code: 'auth_failed' } });
  expect(run({ MEMVAULT_PASSWORD: 'second-password-2' }, '--profile', 'erin', 'list').status).toBe(0);
});
