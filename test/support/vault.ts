import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VaultService, type VaultOptions } from '../../src/vault/vault-service.js';
import type { Session } from '../../src/vault/session.js';

export const OWNER_PASSWORD = 'owner-password-1';

export interface TestVault {
  dir: string;
  path: string;
  service: VaultService;
  owner: Session;
  recoveryKey: string;
  cleanup(): void;
}

/** A real vault file in a fresh temporary folder, with the test-only KDF cost. */
export async function createTestVault(options: VaultOptions & { ownerName?: string } = {}): Promise<TestVault> {
  const dir = mkdtempSync(join(tmpdir(), 'memvault-test-'));
  const path = join(dir, 'vault.db');
  const created = await VaultService.create(path, { ownerName: 'olivia', password: OWNER_PASSWORD, kdf: 'insecure-test-only', stateDir: join(dir, 'state'), ...options });
  const owner = await created.service.unlock(options.ownerName ?? 'olivia', OWNER_PASSWORD);
  return {
    dir,
    path,
    service: created.service,
    owner,
    recoveryKey: created.recoveryKey,
    cleanup() {
      try {
        created.service.close();
      } catch {
        // already closed by the test
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Expects a promise or function to fail with a VaultError of this code. */
export async function expectCode(run: () => unknown, code: string): Promise<unknown> {
  try {
    await run();
  } catch (err) {
    const actual = (err as { code?: string }).code;
    if (actual !== code) throw new Error(`expected error code ${code}, got ${actual ?? String(err)}`);
    return err;
  }
  throw new Error(`expected error code ${code}, but it succeeded`);
}
