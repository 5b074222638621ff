import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const BIN = join(import.meta.dirname, '../../bin/memvault.js');

describe('what scripts can tell from the CLI', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  const vaultRun = () => {
    dir = mkdtempSync(join(tmpdir(), 'memvault-cli-codes-'));
    const env = { ...process.env, MEMVAULT_VAULT: join(dir, 'vault.db'), MEMVAULT_INSECURE_TEST_KDF: '1', MEMVAULT_PASSWORD: 'cli-owner-password', MEMVAULT_STATE_DIR: join(dir, 'state') };
    const run = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { env, encoding: 'utf8', input: '' });
    expect(run('--json', 'init', '--owner', 'casey').status).toBe(0);
    return run;
  };

  it('a near-identical memory exits 6 (not 1), and --json names the memory already stored', () => {
    const run = vaultRun();
    const first = JSON.parse(run('--json', 'add', 'The build server is called hopper').stdout) as { id: string };
    const again = run('--json', 'add', 'The build server is called hopper');
    expect(again.status).toBe(6);
    expect(JSON.parse(again.stderr || again.stdout)).toMatchObject({ error: { code: 'duplicate', details: { existingId: first.id } } });
    expect(run('add', '--force', 'The build server is called hopper').status).toBe(0);
  });

  it('audit list --newest lists newest first', () => {
    const run = vaultRun();
    for (const text of ['First fact for the log', 'Second fact for the log']) expect(run('add', text).status).toBe(0);
    const newest = JSON.parse(run('--json', 'audit', 'list', '--newest', '--limit', '2').stdout) as { seq: number }[];
    const oldest = JSON.parse(run('--json', 'audit', 'list', '--limit', '2').stdout) as { seq: number }[];
    expect(newest.map((e) => e.seq)).toEqual([...newest.map((e) => e.seq)].sort((a, b) => b - a));
    expect(oldest[0]!.seq).toBe(1);
    expect(newest[0]!.seq).toBeGreaterThan(oldest[oldest.length - 1]!.seq);
  });

  it('a unique prefix of an id is enough (ambiguous prefixes: test/vault/id-prefix.test.ts)', () => {
    const run = vaultRun();
    const ids: string[] = [];
    // Few enough CLI starts for a loaded 2-core machine; ids are random, so prefixes still have to be told apart.
    for (let i = 0; i < 8; i++) ids.push((JSON.parse(run('--json', 'add', `Numbered fact ${i} for prefixes`).stdout) as { id: string }).id);
    const target = ids[0]!;
    // The shortest prefix no other id shares.
    let length = 4;
    while (ids.some((id) => id !== target && id.startsWith(target.slice(0, length)))) length++;
    const got = run('--json', 'get', target.slice(0, length));
    expect(got.status).toBe(0);
    expect((JSON.parse(got.stdout) as { id: string }).id).toBe(target);
    expect(run('--json', 'history', target.slice(0, length)).status).toBe(0);
    expect(run('get', 'zzzz').status).toBe(5);
    expect(run('get', 'abc').status).toBe(2);
  });
});
