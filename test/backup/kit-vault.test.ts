import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VaultError } from '../../src/vault/errors.js';
import { createTestVault, type TestVault } from '../support/vault.js';
import { vaultRowsHash } from '../support/vault-rows.js';
import { kitKeys } from './kit/keys.js';

const KIT = join(import.meta.dirname, 'kit');
/** Failures found in the header, before any key is tried. */
const HEADER_REASONS = new Set(['not_a_backup', 'newer_version', 'duplicate_stanza']);
const manifest = JSON.parse(readFileSync(join(KIT, 'manifest.json'), 'utf8')) as { files: { file: string; key: string; expect: string }[] };

/** Every bad file of the kit, imported into a real vault: refused, and not one row of the vault changed. */
describe('bad backup files against a vault', () => {
  let v: TestVault;
  beforeAll(async () => {
    v = await createTestVault();
    await v.service.addMemory(v.owner, { content: 'A memory that must survive every bad file' });
  });
  afterAll(() => v.cleanup());

  for (const entry of manifest.files.filter((f) => f.expect !== 'ok')) {
    it(`${entry.file} is refused and the vault is unchanged`, async () => {
      const file = join(v.dir, entry.file);
      copyFileSync(join(KIT, entry.file), file);
      const before = vaultRowsHash(v.path, ['memories', 'memory_versions', 'spaces', 'sealed_keys', 'contacts', 'profiles']);
      // The kit's recipient key is no profile here, so a file that gets past its header fails on the key; one that fails earlier names its own reason.
      const err = await v.service.importBackup(v.owner, { file, passphrase: kitKeys().passphrase }).then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(VaultError);
      const expected = entry.key === 'passphrase' || HEADER_REASONS.has(entry.expect) ? entry.expect : 'not_a_recipient';
      expect((err as VaultError).extra.details?.reason).toBe(expected);
      expect(vaultRowsHash(v.path, ['memories', 'memory_versions', 'spaces', 'sealed_keys', 'contacts', 'profiles'])).toBe(before);
    });
  }
});
