import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { createTestVault, OWNER_PASSWORD, type TestVault } from '../support/vault.js';

const BIN = join(import.meta.dirname, '../../bin/memvault.js');

function cli(v: TestVault, ...args: string[]): string {
  return execFileSync(process.execPath, [BIN, '--vault', v.path, '--json', ...args], {
    env: { ...process.env, MEMVAULT_PASSWORD: OWNER_PASSWORD },
    encoding: 'utf8',
  });
}

describe('a second process writing the same vault', () => {
  let v: TestVault;
  beforeEach(async () => {
    v = await createTestVault();
  });
  afterEach(() => v.cleanup());

  it('its additions, updates and purges show in the open session without a restart', async () => {
    await v.service.addMemory(v.owner, { content: 'Written by the app before the CLI ran' });
    const added = JSON.parse(cli(v, 'add', 'The staging database password rotates every Tuesday')) as { id: string };

    const hits = await v.service.searchMemories(v.owner, { text: 'when does the staging password rotate' });
    expect(hits[0]?.memory.id).toBe(added.id);

    cli(v, 'update', added.id, '--content', 'The staging database password rotates every Thursday');
    expect(v.service.getMemory(v.owner, added.id).content).toContain('Thursday');
    expect((await v.service.searchMemories(v.owner, { text: 'Thursday', mode: 'keyword' })).map((h) => h.memory.id)).toEqual([added.id]);

    cli(v, 'rm', added.id, '--purge');
    expect(v.service.listMemories(v.owner, {}).items.map((m) => m.content)).toEqual(['Written by the app before the CLI ran']);
  });
});
