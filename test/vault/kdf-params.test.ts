import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { readKdfParams } from '../../src/crypto/kdf.js';
import { VaultService } from '../../src/vault/vault-service.js';
import { createTestVault, expectCode, OWNER_PASSWORD, type TestVault } from '../support/vault.js';

const GOOD = { algorithm: 'argon2id', memoryKiB: 65536, iterations: 3, parallelism: 4, salt: 'c2FsdHNhbHRzYWx0c2FsdA==' };

describe('KDF parameters read from the vault file', () => {
  let v: TestVault | undefined;
  afterEach(() => {
    v?.cleanup();
    v = undefined;
  });

  it('are accepted within bounds and refused outside them', () => {
    expect(readKdfParams(JSON.stringify(GOOD))).toEqual(GOOD);
    for (const bad of [
      { ...GOOD, memoryKiB: 64 * 1024 * 1024 },
      { ...GOOD, iterations: 10_000 },
      { ...GOOD, parallelism: 0 },
      { ...GOOD, algorithm: 'scrypt' },
      { ...GOOD, salt: '' },
      { ...GOOD, extra: true },
    ])
      expect(readKdfParams(JSON.stringify(bad)), JSON.stringify(bad)).toBeNull();
    expect(readKdfParams('not json')).toBeNull();
  });

  it('a profile row asking for gigabytes is refused as an integrity error before any derivation', async () => {
    v = await createTestVault();
    const path = v.path;
    v.service.close();
    const db = new Database(path);
    db.prepare("UPDATE profiles SET kdf = ? WHERE name = 'olivia'").run(JSON.stringify({ ...GOOD, memoryKiB: 64 * 1024 * 1024 }));
    db.close();
    const reopened = await VaultService.open(path, { stateDir: `${v.dir}/state` });
    try {
      await expectCode(() => reopened.unlock('olivia', OWNER_PASSWORD), 'integrity');
    } finally {
      reopened.close();
    }
  });
});
