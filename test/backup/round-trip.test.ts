import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { VaultError } from '../../src/vault/errors.js';
import { createTestVault, type TestVault } from '../support/vault.js';
import { vaultRowsHash } from '../support/vault-rows.js';

const PASSPHRASE = 'correct horse battery staple';

/** A passphrase backup of a whole vault, restored into a fresh one. */
describe('a passphrase backup', () => {
  const vaults: TestVault[] = [];
  afterEach(() => vaults.splice(0).forEach((v) => v.cleanup()));
  const vault = async () => {
    const v = await createTestVault();
    vaults.push(v);
    return v;
  };

  const filled = async () => {
    const v = await vault();
    v.service.createSpace(v.owner, 'work');
    const kept = await v.service.addMemory(v.owner, { content: 'The staging database lives on host orca', tags: ['infra', 'db'], metadata: { team: 'ops' } });
    await v.service.updateMemory(v.owner, { id: kept.id, content: 'The staging database moved to host beluga', tags: ['infra'] });
    await v.service.addMemory(v.owner, { content: 'Quarterly planning happens in the second week', space: 'work', kind: 'fact', importance: 0.9 });
    const gone = await v.service.addMemory(v.owner, { content: 'A note that was forgotten later', space: 'work' });
    v.service.deleteMemory(v.owner, gone.id);
    return { v, kept, gone };
  };

  it('restores every memory, version, tag and vector into a fresh vault, and the same searches find the same memories', async () => {
    const { v } = await filled();
    const file = join(v.dir, 'vault.mvb');
    const exported = await v.service.exportBackup(v.owner, { file, passphrase: PASSPHRASE, withAudit: true });
    expect(exported).toMatchObject({ spaces: ['default', 'work'], memories: 3, versions: 5, recipients: [], sequence: 1 });
    expect(exported.auditEvents).toBeGreaterThan(0);

    const fresh = await vault();
    const report = await fresh.service.importBackup(fresh.owner, { file, passphrase: PASSPHRASE });
    expect(report).toMatchObject({ added: 3, updated: 0, skipped: 0, conflicts: 0, tombstones: 1, spacesCreated: ['work'], quarantine: null });

    for (const space of ['default', 'work']) {
      const before = v.service.listMemories(v.owner, { spaces: [space], states: ['active', 'archived', 'deleted'] }).items;
      const after = fresh.service.listMemories(fresh.owner, { spaces: [space], states: ['active', 'archived', 'deleted'] }).items;
      expect(after).toEqual(before);
      for (const m of before) expect(fresh.service.memoryHistory(fresh.owner, m.id)).toEqual(v.service.memoryHistory(v.owner, m.id));
    }
    const query = { text: 'where is the staging database', mode: 'hybrid' as const };
    const ids = async (t: TestVault) => (await t.service.searchMemories(t.owner, query)).map((h) => [h.memory.id, h.vectorRank, h.keywordRank]);
    expect(await ids(fresh)).toEqual(await ids(v));
  });

  it('imported twice, changes nothing the second time', async () => {
    const { v } = await filled();
    const file = join(v.dir, 'twice.mvb');
    await v.service.exportBackup(v.owner, { file, passphrase: PASSPHRASE });
    const fresh = await vault();
    await fresh.service.importBackup(fresh.owner, { file, passphrase: PASSPHRASE });
    const hash = vaultRowsHash(fresh.path, ['memories', 'memory_versions', 'spaces']);
    const again = await fresh.service.importBackup(fresh.owner, { file, passphrase: PASSPHRASE });
    expect(again).toMatchObject({ added: 0, updated: 0, skipped: 3, conflicts: 0 });
    expect(vaultRowsHash(fresh.path, ['memories', 'memory_versions', 'spaces'])).toBe(hash);
  });

  it('a wrong passphrase is one clear error, in the audit log, and every other table stays as it was', async () => {
    const { v } = await filled();
    const file = join(v.dir, 'locked.mvb');
    await v.service.exportBackup(v.owner, { file, passphrase: PASSPHRASE });
    const fresh = await vault();
    const data = ['memories', 'memory_versions', 'spaces', 'sealed_keys', 'contacts', 'profiles'];
    const hash = vaultRowsHash(fresh.path, data);
    const err = await fresh.service.importBackup(fresh.owner, { file, passphrase: 'not the passphrase' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VaultError);
    expect(err).toMatchObject({ code: 'auth_failed', extra: { details: { reason: 'wrong_passphrase' } } });
    expect(vaultRowsHash(fresh.path, data)).toBe(hash);
    expect(fresh.service.listAudit(fresh.owner, { action: 'importBackup', order: 'desc', limit: 1 })[0]).toMatchObject({ outcome: 'failed', details: { reason: 'wrong_passphrase' } });
  });

  it('brings newer versions, keeps both sides of a diverged edit with a conflict mark, and applies tombstones', async () => {
    const { v, kept } = await filled();
    const first = join(v.dir, 'first.mvb');
    await v.service.exportBackup(v.owner, { file: first, passphrase: PASSPHRASE });
    const copy = await vault();
    await copy.service.importBackup(copy.owner, { file: first, passphrase: PASSPHRASE });
    // Both sides edit the same memory after parting; the original also forgets another one.
    await v.service.updateMemory(v.owner, { id: kept.id, content: 'The staging database is on beluga, port 5433' });
    await copy.service.updateMemory(copy.owner, { id: kept.id, content: 'Staging DB: beluga (read replica on narwhal)' });
    const planning = v.service.listMemories(v.owner, { spaces: ['work'] }).items.find((m) => m.content.startsWith('Quarterly'))!;
    v.service.deleteMemory(v.owner, planning.id);
    const second = join(v.dir, 'second.mvb');
    await v.service.exportBackup(v.owner, { file: second, passphrase: PASSPHRASE });

    const dry = await copy.service.importBackup(copy.owner, { file: second, passphrase: PASSPHRASE, dryRun: true });
    expect(dry).toMatchObject({ dryRun: true, added: 0, updated: 1, skipped: 1, conflicts: 1, tombstones: 1 });
    const report = await copy.service.importBackup(copy.owner, { file: second, passphrase: PASSPHRASE });
    expect(report).toMatchObject({ dryRun: false, updated: 1, conflicts: 1, tombstones: 1 });
    const history = copy.service.memoryHistory(copy.owner, kept.id);
    expect(history.map((h) => [h.content, h.change])).toEqual([
      ['The staging database lives on host orca', 'create'],
      ['The staging database moved to host beluga', 'update'],
      ['Staging DB: beluga (read replica on narwhal)', 'update'],
      ['The staging database is on beluga, port 5433', 'conflict'],
    ]);
    await expect((async () => copy.service.getMemory(copy.owner, planning.id))()).rejects.toMatchObject({ code: 'not_found' });
  });
});
