import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VaultService } from '../../src/vault/vault-service.js';
import { OWNER_PASSWORD } from '../support/vault.js';

describe('the head pinned outside the vault file', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'memvault-pin-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('a state folder that cannot be written never turns a committed action into an error', async () => {
    const blocked = join(dir, 'not-a-folder');
    writeFileSync(blocked, 'a file where the state folder should be');
    const { service } = await VaultService.create(join(dir, 'vault.db'), { ownerName: 'olivia', password: OWNER_PASSWORD, kdf: 'insecure-test-only', stateDir: blocked });
    try {
      const owner = await service.unlock('olivia', OWNER_PASSWORD);
      const m = await service.addMemory(owner, { content: 'Kept although nothing could be pinned' });
      expect(service.getMemory(owner, m.id).content).toBe('Kept although nothing could be pinned');
      expect(service.verifyChainNow().ok).toBe(true);
    } finally {
      service.close();
    }
  });
});
