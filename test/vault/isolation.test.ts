import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { createTestVault, expectCode, type TestVault } from '../support/vault.js';
import { deriveKey, type KdfParams } from '../../src/crypto/kdf.js';
import { openSealed, unwrapSecret, publicKeyFromBoxSecret } from '../../src/crypto/keys.js';
import { openRecord } from '../../src/vault/records.js';
import { DecryptionError } from '../../src/crypto/aead.js';

const VIEWER_PASSWORD = 'viewer-password-1';

describe('spaces are isolated by cryptography, not only by checks in code', () => {
  let v: TestVault;
  let secretId: string;
  beforeEach(async () => {
    v = await createTestVault();
    v.service.createSpace(v.owner, 'secret');
    secretId = (await v.service.addMemory(v.owner, { space: 'secret', content: 'The merger closes on March 3rd' })).id;
    await v.service.addMemory(v.owner, { content: 'Public note about the team lunch' });
    await v.service.addProfile(v.owner, { name: 'vic', role: 'viewer', password: VIEWER_PASSWORD, spaces: ['default'] });
  });
  afterEach(() => v.cleanup());

  it('through the service, an ungranted space answers like nothing is there', async () => {
    const vic = await v.service.unlock('vic', VIEWER_PASSWORD);
    await expectCode(() => v.service.getMemory(vic, secretId), 'not_found');
    await expectCode(() => v.service.getMemory(vic, 'no-such-id'), 'not_found');
    const hits = await v.service.searchMemories(vic, { text: 'merger closes March' });
    expect(hits.map((h) => h.memory.content)).toEqual(['Public note about the team lunch']);
    await expectCode(() => v.service.listMemories(vic, { spaces: ['secret'] }), 'not_found');
    expect(v.service.listSpaces(vic).map((s) => s.name)).toEqual(['default']);
  });

  it("with the database file and the viewer's password in hand, the secret space cannot be decrypted", async () => {
    v.service.close();
    const db = new Database(v.path, { readonly: true });
    const vaultId = (db.prepare("SELECT value FROM meta WHERE key = 'vault_id'").get() as { value: string }).value;
    const vic = db.prepare("SELECT * FROM profiles WHERE name = 'vic'").get() as { id: string; kdf: string; wrapped_secret: Buffer; public_key: Buffer };
    const kek = await deriveKey(VIEWER_PASSWORD, JSON.parse(vic.kdf) as KdfParams);
    const secretKey = unwrapSecret(kek, vic.wrapped_secret, 'profile', vaultId, vic.id);
    const keyPair = { publicKey: publicKeyFromBoxSecret(secretKey), secretKey };
    expect(Buffer.from(keyPair.publicKey).equals(vic.public_key)).toBe(true);

    const secretSpace = (db.prepare("SELECT id FROM spaces WHERE name = 'secret'").get() as { id: string }).id;
    const sealedRows = db.prepare('SELECT key_ref, sealed FROM sealed_keys').all() as { key_ref: string; sealed: Buffer }[];
    const openable = sealedRows.flatMap((r) => {
      try {
        return [{ ref: r.key_ref, key: openSealed(keyPair, r.sealed) }];
      } catch {
        return [];
      }
    });
    expect(openable.map((o) => o.ref)).not.toContain(`space:${secretSpace}`);
    expect(openable.length).toBeGreaterThan(0);

    const row = db.prepare('SELECT version, record FROM memory_versions WHERE memory_id = ?').get(secretId) as { version: number; record: Buffer };
    const sealed = { record: row.record, content: null, tags: null, metadata: null, source: null, embedding: null };
    for (const { key } of openable) {
      expect(() => openRecord(key, { vaultId, spaceId: secretSpace, memoryId: secretId, version: row.version }, sealed)).toThrow(DecryptionError);
    }
    db.close();
  });

  it('revoking a space takes it away at the next unlock; auditors are never given one', async () => {
    v.service.revokeSpace(v.owner, 'default', 'vic');
    const vic = await v.service.unlock('vic', VIEWER_PASSWORD);
    expect(v.service.whoami(vic).spaces).toEqual([]);
    await v.service.addProfile(v.owner, { name: 'audrey', role: 'auditor', password: VIEWER_PASSWORD });
    await expectCode(() => v.service.grantSpace(v.owner, 'secret', 'audrey'), 'invalid_input');
  });
});
