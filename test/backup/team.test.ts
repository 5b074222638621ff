import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeBackupFile } from '../../src/backup/file.js';
import { inspectBackupFile } from '../../src/backup/file.js';
import { newBoxKeyPair, newSigningKeyPair } from '../../src/crypto/keys.js';
import { recipientStanza } from '../../src/backup/stanzas.js';
import { fingerprintHex } from '../../src/backup/identity.js';
import { createTestVault, type TestVault } from '../support/vault.js';
import { vaultRowsHash } from '../support/vault-rows.js';

/** Team bundles between three vaults on one machine, as teammates without a server would use them. */
describe('team bundles', () => {
  const vaults: TestVault[] = [];
  afterEach(() => vaults.splice(0).forEach((v) => v.cleanup()));
  const vault = async (owner: string) => {
    const v = await createTestVault({ ownerName: owner });
    vaults.push(v);
    return v;
  };
  const introduce = (to: TestVault, name: string, from: TestVault, verified = true) => {
    to.service.addContact(to.owner, name, from.service.publicIdentity(from.owner).key);
    if (verified) to.service.verifyContact(to.owner, name);
  };
  const reasonOf = (err: unknown) => (err as { extra?: { details?: { reason?: string } } }).extra?.details?.reason;

  const team = async () => {
    const [ana, ben, dee, cal] = [await vault('ana'), await vault('ben'), await vault('dee'), await vault('cal')];
    ana.service.createSpace(ana.owner, 'launch');
    await ana.service.addMemory(ana.owner, { content: 'Launch checklist: freeze the API on the 14th', space: 'launch', tags: ['launch'] });
    introduce(ana, 'ben', ben);
    introduce(ana, 'dee', dee);
    introduce(ben, 'ana', ana);
    introduce(dee, 'ana', ana);
    introduce(cal, 'ana', ana);
    return { ana, ben, dee, cal };
  };
  const bundle = async (ana: TestVault, name: string) => {
    const file = join(ana.dir, name);
    await ana.service.exportBackup(ana.owner, { file, spaces: ['launch'], to: ['ben', 'dee'] });
    return file;
  };

  it('a space exported to two teammates imports for each; a third profile cannot open it', async () => {
    const { ana, ben, dee, cal } = await team();
    const file = await bundle(ana, 'launch.mvb');
    expect((await ben.service.importBackup(ben.owner, { file })).added).toBe(1);
    expect((await dee.service.importBackup(dee.owner, { file })).added).toBe(1);
    expect((await ben.service.searchMemories(ben.owner, { text: 'when is the API frozen', spaces: ['launch'] }))[0]?.memory.content).toBe('Launch checklist: freeze the API on the 14th');
    const data = ['memories', 'memory_versions', 'contacts', 'spaces'];
    const hash = vaultRowsHash(cal.path, data);
    const err = await cal.service.importBackup(cal.owner, { file }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'auth_failed' });
    expect(reasonOf(err)).toBe('not_a_recipient');
    expect(vaultRowsHash(cal.path, data)).toBe(hash);
    expect(cal.service.listAudit(cal.owner, { action: 'importBackup', order: 'desc', limit: 1 })[0]).toMatchObject({ outcome: 'failed', details: { error: 'auth_failed', reason: 'not_a_recipient' } });
  });

  it('an older bundle from the same sender is refused, a replay too; accepting it is explicit and audited', async () => {
    const { ana, ben } = await team();
    const first = await bundle(ana, 'one.mvb');
    await ana.service.addMemory(ana.owner, { content: 'The launch party is at the boathouse', space: 'launch' });
    const second = await bundle(ana, 'two.mvb');
    expect(inspectBackupFile(second).header.sender).toMatchObject({ sequence: 2 });
    await ben.service.importBackup(ben.owner, { file: second });
    const hash = vaultRowsHash(ben.path, ['memories', 'memory_versions', 'contacts']);
    for (const [file, reason] of [[first, 'rolled_back'], [second, 'replayed']] as const) {
      const err = await ben.service.importBackup(ben.owner, { file }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'conflict' });
      expect(reasonOf(err)).toBe(reason);
    }
    expect(vaultRowsHash(ben.path, ['memories', 'memory_versions', 'contacts'])).toBe(hash);
    const accepted = await ben.service.importBackup(ben.owner, { file: first, acceptOlder: true });
    expect(accepted).toMatchObject({ added: 0, skipped: 1 });
    const [event] = ben.service.listAudit(ben.owner, { action: 'importBackup', order: 'desc', limit: 1 });
    expect(event?.details).toMatchObject({ acceptedOlder: true, sequence: 1 });
  });

  it('a bundle re-signed by someone else is refused: an unknown key, or a signature that is not the sender’s', async () => {
    const { ana, ben } = await team();
    const benKey = ben.service.publicIdentity(ben.owner);
    const benIdentity = inspectBackupFile(await bundle(ana, 'genuine.mvb')).header.stanzas.find((s) => s.type === 'x25519' && s.recipient === benKey.fingerprint)!;
    expect(benIdentity).toBeDefined();
    // Mallory holds a key pair of her own and ben's public key: she can lock a bundle to ben, never sign as ana.
    const mallory = { box: newBoxKeyPair(), sign: newSigningKeyPair() };
    const benBox = Buffer.from(benKey.key.slice('mvpk1:'.length), 'base64url').subarray(0, 32);
    const forge = async (name: string, sender: { name: string; boxKey: Uint8Array; signingKey: Uint8Array }) => {
      const fileKey = new Uint8Array(32).fill(7);
      const file = join(ben.dir, name);
      await writeBackupFile(
        file,
        {
          created: new Date().toISOString(),
          scope: 'spaces',
          stanzas: [recipientStanza(fileKey, benBox, benKey.fingerprint)],
          sender: { name: sender.name, boxKey: Buffer.from(sender.boxKey).toString('base64'), signingKey: Buffer.from(sender.signingKey).toString('base64'), sequence: 9, previous: null },
        },
        fileKey,
        mallory.sign.secretKey,
        (emit) => {
          emit({ t: 'contents', vaultId: 'forged', spaces: ['launch'], withAudit: false });
          emit({ t: 'end', spaces: 1, memories: 0, versions: 0, auditEvents: 0 });
        },
      );
      return file;
    };
    const asMallory = await forge('mallory.mvb', { name: 'mallory', boxKey: mallory.box.publicKey, signingKey: mallory.sign.publicKey });
    const anaHeader = inspectBackupFile(join(ana.dir, 'genuine.mvb')).header.sender;
    const asAna = await forge('as-ana.mvb', { name: 'ana', boxKey: Buffer.from(anaHeader.boxKey, 'base64'), signingKey: Buffer.from(anaHeader.signingKey, 'base64') });
    expect(fingerprintHex({ boxKey: mallory.box.publicKey, signingKey: mallory.sign.publicKey })).not.toBe(benKey.fingerprint);
    const data = ['memories', 'memory_versions', 'contacts', 'spaces'];
    const hash = vaultRowsHash(ben.path, data);
    for (const [file, reason, code] of [[asMallory, 'unknown_sender', 'forbidden'], [asAna, 'bad_signature', 'integrity']] as const) {
      const err = await ben.service.importBackup(ben.owner, { file }).catch((e: unknown) => e);
      expect(err, reason).toMatchObject({ code });
      expect(reasonOf(err)).toBe(reason);
    }
    expect(vaultRowsHash(ben.path, data)).toBe(hash);
    // Each refusal is in ben's audit log, with its reason.
    const refusals = ben.service.listAudit(ben.owner, { action: 'importBackup', order: 'desc', limit: 2 });
    expect(refusals.map((e) => [e.outcome, e.details.reason])).toEqual([
      ['failed', 'bad_signature'],
      ['denied', 'unknown_sender'],
    ]);
  });

  it('a bundle’s number is taken before its file is written: an export that fails uses one up, none is used twice', async () => {
    const { ana } = await team();
    const failed = await ana.service.exportBackup(ana.owner, { file: join(ana.dir, 'no-such-folder', 'x.mvb'), spaces: ['launch'], to: ['ben'] }).catch((e: unknown) => e);
    expect(failed).toMatchObject({ code: 'invalid_input', extra: { details: { reason: 'unwritable' } } });
    expect((failed as Error).message).toContain('ENOENT');
    const file = await bundle(ana, 'after.mvb');
    expect(inspectBackupFile(file).header.sender).toMatchObject({ sequence: 2, previous: null });
    const next = await bundle(ana, 'next.mvb');
    expect(inspectBackupFile(next).header.sender.sequence).toBe(3);
    expect(inspectBackupFile(next).header.sender.previous).toMatch(/^[0-9a-f]{64}$/);
  });

  it('a contact whose key is replaced (a new vault, say) starts its bundles from 1 again', async () => {
    const { ana, ben } = await team();
    await ben.service.importBackup(ben.owner, { file: await bundle(ana, 'one.mvb') });
    await ben.service.importBackup(ben.owner, { file: await bundle(ana, 'two.mvb') });
    // Ana starts over on a new machine: a new vault, a new key, her first bundle again.
    const anew = await vault('ana');
    anew.service.createSpace(anew.owner, 'launch');
    await anew.service.addMemory(anew.owner, { content: 'Launch moved to the 21st', space: 'launch' });
    introduce(anew, 'ben', ben);
    const file = join(anew.dir, 'fresh.mvb');
    await anew.service.exportBackup(anew.owner, { file, spaces: ['launch'], to: ['ben'] });
    expect(inspectBackupFile(file).header.sender.sequence).toBe(1);
    ben.service.addContact(ben.owner, 'ana', anew.service.publicIdentity(anew.owner).key, true);
    ben.service.verifyContact(ben.owner, 'ana');
    expect(ben.service.listContacts(ben.owner).find((c) => c.name === 'ana')).toMatchObject({ lastSequence: 0, verified: true });
    expect(await ben.service.importBackup(ben.owner, { file })).toMatchObject({ added: 1 });
  });

  it('a bundle from an unverified contact goes into a quarantined space; a changed key for a contact is refused loudly', async () => {
    const { ana, ben } = await team();
    const file = await bundle(ana, 'launch.mvb');
    const fresh = await vault('fay');
    introduce(ana, 'fay', fresh);
    introduce(fresh, 'ana', ana, false);
    const toFay = join(ana.dir, 'to-fay.mvb');
    await ana.service.exportBackup(ana.owner, { file: toFay, spaces: ['launch'], to: ['fay'] });
    const report = await fresh.service.importBackup(fresh.owner, { file: toFay });
    expect(report).toMatchObject({ added: 1, quarantine: 'quarantine-ana', spacesCreated: ['quarantine-ana'] });
    expect(fresh.service.listSpaces(fresh.owner).map((s) => s.name)).not.toContain('launch');

    const impostor = await vault('ana2');
    const err = (() => {
      try {
        return ben.service.addContact(ben.owner, 'ana', impostor.service.publicIdentity(impostor.owner).key);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toMatchObject({ code: 'conflict', message: expect.stringMatching(/^WARNING: contact ana had another key/) });
    expect((await ben.service.importBackup(ben.owner, { file })).added).toBe(1);
  });
});
