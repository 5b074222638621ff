import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BIN = join(import.meta.dirname, '../../bin/memvault.js');
const NOBODY = 65534;

describe('memvault mcp --token-file refuses files others could have written or swapped', () => {
  let dir: string;
  /** Every refusal comes before the vault is opened; the vault path does not exist, so nothing can hang serving stdio. */
  const mcp = (tokenFile: string) => {
    const r = spawnSync(process.execPath, [BIN, 'mcp', '--token-file', tokenFile], {
      env: { ...process.env, MEMVAULT_VAULT: join(dir, 'no-vault.db'), MEMVAULT_INSECURE_TEST_KDF: '1', MEMVAULT_TOKEN: '' },
      input: '',
      encoding: 'utf8',
      timeout: 30_000,
    });
    return { code: r.status, err: r.stderr };
  };
  const tokenFile = (name: string, mode: number) => {
    const path = join(dir, name);
    writeFileSync(path, 'mvat_not_a_real_token\n', { mode });
    return path;
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'memvault-token-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a symbolic link, even to a good 0600 file, is refused as a link (exit 2), naming it', () => {
    const link = join(dir, 'token-link');
    symlinkSync(tokenFile('real-token', 0o600), link);
    const r = mcp(link);
    expect(r.code).toBe(2);
    expect(r.err).toContain(link);
    expect(r.err).toMatch(/is a symbolic link/);
    expect(r.err).toMatch(/real file/);
    expect(r.err).not.toMatch(/does not exist/);
  });

  it('a missing file: "does not exist", naming the path (exit 2)', () => {
    const missing = join(dir, 'missing-token');
    const r = mcp(missing);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${missing} does not exist`);
  });

  it('a file others can read (0644): the mode refusal (exit 4), naming the path', () => {
    const open = tokenFile('open-token', 0o644);
    const r = mcp(open);
    expect(r.code).toBe(4);
    expect(r.err).toContain(open);
    expect(r.err).toMatch(/chmod 600/);
  });

  // Giving a file away takes root; elsewhere (and on Windows, which has no uids) this one is skipped.
  it.skipIf(process.getuid?.() !== 0)('a 0600 file owned by another user is refused (exit 4), naming the path', () => {
    const foreign = tokenFile('foreign-token', 0o600);
    chownSync(foreign, NOBODY, NOBODY);
    const r = mcp(foreign);
    expect(r.code).toBe(4);
    expect(r.err).toContain(foreign);
    expect(r.err).toMatch(/not owned by you/);
  });
});
