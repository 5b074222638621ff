import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppService } from '../../src/host/app-service.js';
import { VaultService } from '../../src/vault/index.js';

/** The app service as the desktop shell builds it, on a vault in a fresh folder (test KDF cost), with what the shell's hooks received. */
export function shellApp() {
  const dir = mkdtempSync(join(tmpdir(), 'memvault-shell-'));
  let service: VaultService | null = null;
  const locks: number[] = [];
  const app = new AppService({
    service: () => service,
    async createVault(owner, password) {
      const created = await VaultService.create(join(dir, 'vault.db'), { ownerName: owner, password, kdf: 'insecure-test-only', stateDir: join(dir, 'state') });
      service = created.service;
      return created;
    },
    agentApiUrl: () => null,
    latestProgress: () => null,
    clock: Date.now,
    vaultPath: join(dir, 'vault.db'),
    binPath: '/bin/memvault.js',
    onLock: () => void locks.push(Date.now()),
  });
  return {
    app,
    locks,
    close() {
      service?.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
