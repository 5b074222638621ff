import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { BodyRecord, VersionRecord } from '../../src/backup/body.js';
import { writeBackupFile } from '../../src/backup/file.js';
import { BACKUP_KDF_FLOOR, type BackupHeader } from '../../src/backup/header.js';
import { encodePublicKey } from '../../src/backup/identity.js';
import { passphraseStanza, recipientStanza } from '../../src/backup/stanzas.js';
import { newBoxKeyPair, newSigningKeyPair } from '../../src/crypto/keys.js';
import { versionRecord } from '../support/backup-records.js';
import { HashEmbedder } from '../support/hash-embedder.js';
import { createTestVault, OWNER_PASSWORD, type TestVault } from '../support/vault.js';

const PASSPHRASE = 'a passphrase for edge files';
const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');
const reasonOf = (err: unknown) => (err as { extra?: { details?: { reason?: string } } }).extra?.details?.reason;

/** An embedder that counts the texts it is asked for. */
class CountingEmbedder extends HashEmbedder {
  texts = 0;
  override embed(texts: string[]): Promise<Float32Array[]> {
    this.texts += texts.length;
    return super.embed(texts);
  }
}

const version = (content: string, model: string | null, vector: Float32Array | null): VersionRecord =>
  versionRecord({ content, model, vector: vector ? b64(new Uint8Array(vector.buffer)) : null });

/** Files a real vault would not write, made with the format's own writer. */
describe('backup files at the edges', () => {
  const vaults: TestVault[] = [];
  afterEach(() => vaults.splice(0).forEach((v) => v.cleanup()));
  const vault = async (embedder = new CountingEmbedder()) => {
    const v = await createTestVault({ embedder });
    vaults.push(v);
    return { ...v, embedder };
  };
  const signer = newSigningKeyPair();
  const sender = (box = newBoxKeyPair()) => ({ name: 'edge', boxKey: b64(box.publicKey), signingKey: b64(signer.publicKey), sequence: 1, previous: null });

  const passphraseFile = async (dir: string, versions: VersionRecord[]) => {
    const fileKey = new Uint8Array(32).fill(3);
    const header: BackupHeader = { created: '2026-12-02T00:00:00.000Z', scope: 'spaces', stanzas: [await passphraseStanza(fileKey, PASSPHRASE, BACKUP_KDF_FLOOR)], sender: sender() };
    const file = join(dir, 'edge.mvb');
    const records: BodyRecord[] = [
      { t: 'contents', vaultId: 'edge-vault', spaces: ['edge'], withAudit: false },
      ...versions.map((v, i): BodyRecord => ({ t: 'memory', id: `00000000-0000-4000-8000-00000000000${i}`, space: 'edge', createdAt: '2026-12-01T00:00:00.000Z', versions: [v] })),
      { t: 'end', spaces: 1, memories: versions.length, versions: versions.length, auditEvents: 0 },
    ];
    await writeBackupFile(file, header, fileKey, signer.secretKey, (emit) => records.forEach(emit));
    return file;
  };

  it('a stored vector cosine search cannot use (zero, NaN) is embedded again, not imported', async () => {
    const v = await vault();
    const zero = new Float32Array(64);
    const nan = new Float32Array(64).fill(Number.NaN);
    const good = await new HashEmbedder().embed(['the harbour ferry leaves at noon']);
    const file = await passphraseFile(v.dir, [version('zero vector about the lighthouse keeper', 'test-hash-64', zero), version('NaN vector about the lighthouse keeper', 'test-hash-64', nan), version('the harbour ferry leaves at noon', 'test-hash-64', good[0]!)]);
    const report = await v.service.importBackup(v.owner, { file, passphrase: PASSPHRASE });
    expect(report).toMatchObject({ added: 3, reembedded: 2 });
    expect(v.embedder.texts).toBe(2);
    const hits = await v.service.searchMemories(v.owner, { text: 'lighthouse keeper', mode: 'vector', k: 3 });
    expect(hits.slice(0, 2).map((h) => h.memory.content).sort()).toEqual(['NaN vector about the lighthouse keeper', 'zero vector about the lighthouse keeper']);
  });

  it('a dry run counts what it would embed again, and embeds nothing', async () => {
    const v = await vault();
    const file = await passphraseFile(v.dir, [version('from another model, one', 'some-other-model', new Float32Array(8).fill(1)), version('from another model, two', 'some-other-model', new Float32Array(8).fill(1))]);
    expect(await v.service.importBackup(v.owner, { file, passphrase: PASSPHRASE, dryRun: true })).toMatchObject({ dryRun: true, added: 2, reembedded: 2 });
    expect(v.embedder.texts).toBe(0);
    expect(v.service.listMemories(v.owner, {}).items).toEqual([]);
  });

  it('a stanza whose ephemeral key is a low-order point is not_a_recipient, not an internal error', async () => {
    const v = await vault();
    const me = v.service.publicIdentity(v.owner);
    const myBox = Buffer.from(me.key.slice('mvpk1:'.length), 'base64url').subarray(0, 32);
    const fileKey = new Uint8Array(32).fill(5);
    const stanza = { ...recipientStanza(fileKey, myBox, me.fingerprint), ephemeral: b64(new Uint8Array(32)) };
    const file = join(v.dir, 'low-order.mvb');
    await writeBackupFile(file, { created: '2026-12-02T00:00:00.000Z', scope: 'spaces', stanzas: [stanza], sender: sender() }, fileKey, signer.secretKey, (emit) => {
      emit({ t: 'contents', vaultId: 'edge-vault', spaces: [], withAudit: false });
      emit({ t: 'end', spaces: 0, memories: 0, versions: 0, auditEvents: 0 });
    });
    const err = await v.service.checkBackup(v.owner, { file }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'auth_failed' });
    expect(reasonOf(err)).toBe('not_a_recipient');
    expect(v.service.listAudit(v.owner, { action: 'checkBackup', order: 'desc', limit: 1 })[0]).toMatchObject({ details: { reason: 'not_a_recipient' } });
  });

  it('a refusal logged after the session locked (mid-KDF) leaves the audit chain intact', async () => {
    const v = await vault();
    await v.service.addMemory(v.owner, { content: 'something to back up' });
    const file = join(v.dir, 'locked-mid-check.mvb');
    await v.service.exportBackup(v.owner, { file, passphrase: PASSPHRASE });
    const checking = v.service.checkBackup(v.owner, { file, passphrase: 'not the passphrase' }).catch((e: unknown) => e);
    // The passphrase hash takes a while: the session locks meanwhile, as an idle or screen lock would.
    setTimeout(() => v.service.lock(v.owner), 0);
    expect(await checking).toMatchObject({ code: 'auth_failed' });
    // Nobody unlocked can sign it now: the event waits, unsigned, instead of signed with zeroed keys.
    expect(v.service.verifyChainNow()).toMatchObject({ ok: false, problem: 'unsigned_tail' });
    const again = await v.service.unlock('olivia', OWNER_PASSWORD);
    await v.service.addMemory(again, { content: 'the next action signs what came before' });
    expect(v.service.listAudit(again, { action: 'checkBackup', order: 'desc', limit: 1 })[0]).toMatchObject({ details: { reason: 'wrong_passphrase' } });
    expect(v.service.verifyChainNow()).toMatchObject({ ok: true, problem: null });
  });

  it('a contact key whose encryption part is a low-order point is refused as bad_key', async () => {
    const v = await vault();
    const forged = encodePublicKey({ boxKey: new Uint8Array(32), signingKey: signer.publicKey });
    const err = await Promise.resolve()
      .then(() => v.service.addContact(v.owner, 'mallory', forged))
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'invalid_input' });
    expect(reasonOf(err)).toBe('bad_key');
    expect(v.service.listContacts(v.owner)).toEqual([]);
  });
});
