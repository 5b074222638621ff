import { join } from 'node:path';
import { encodePublicKey } from '../../src/backup/identity.js';
import { newBoxKeyPair, newSigningKeyPair } from '../../src/crypto/keys.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../../src/contract/roles.js';
import { OPERATIONS } from '../../src/contract/operations.js';
import type { Session } from '../../src/vault/session.js';
import { VaultError } from '../../src/vault/errors.js';
import { createTestVault, expectCode, OWNER_PASSWORD, type TestVault } from '../support/vault.js';

/**
 * The table in ARCHITECTURE.md ("Profiles, roles, permissions"), written out operation by
 * operation, independently of src/vault/policy.ts.
 */
const MEMORY_READ = ['getMemory', 'resolveMemoryId', 'listMemories', 'searchMemories', 'memoryHistory'];
const MEMORY_WRITE = ['addMemory', 'addMemories', 'updateMemory', 'archiveMemories'];
const MEMORY_DELETE = ['deleteMemory', 'deleteMemories'];
const SPACES = ['createSpace', 'grantSpace', 'revokeSpace', 'rekeySpaces'];
const PROFILES = ['addProfile', 'changeRole', 'removeProfile', 'resetPassword'];
const AUDIT = ['listAudit', 'auditActivity', 'verifyAudit', 'exportAudit'];
const AGENTS = ['addAgent', 'listAgents', 'pauseAgent', 'resumeAgent', 'revokeAgent', 'rotateAgent'];
const BACKUPS = ['exportBackup', 'inspectBackup', 'checkBackup', 'importBackup', 'addContact', 'listContacts', 'verifyContact'];
const ALL = [...MEMORY_READ, ...MEMORY_WRITE, ...MEMORY_DELETE, 'purgeMemory', ...SPACES, 'listSpaces', ...PROFILES, 'listProfiles', ...AUDIT, 'stats', 'reindex', 'setEmbedder', 'changePassword', ...AGENTS, ...BACKUPS];
const EXPECTED: Record<Role, string[]> = {
  owner: ALL,
  // History is destroyed only by the owner and admins; editors forget (a tombstone).
  // Where memory content is sent to be embedded is the owner's choice alone.
  // A backup holds memory content, which admins never read: they inspect files and manage contacts.
  admin: ['purgeMemory', ...SPACES, 'listSpaces', ...PROFILES, 'listProfiles', ...AUDIT, 'stats', 'reindex', 'changePassword', ...AGENTS, 'inspectBackup', 'addContact', 'listContacts', 'verifyContact'],
  editor: [...MEMORY_READ, ...MEMORY_WRITE, ...MEMORY_DELETE, 'listSpaces', 'stats', 'changePassword', ...AGENTS],
  auditor: [...AUDIT, 'stats', 'listSpaces', 'listProfiles', 'changePassword'],
  viewer: [...MEMORY_READ, 'listSpaces', 'changePassword'],
};

const PASSWORD = 'role-password-1';
const PASSPHRASE_FOR_BACKUP = 'matrix backup passphrase';

describe('role x operation matrix', () => {
  it('covers every operation the contract declares with a permission', () => {
    const guarded = Object.entries(OPERATIONS).filter(([, spec]) => spec.permission !== null).map(([name]) => name);
    expect([...ALL].sort()).toEqual(guarded.sort());
  });

  let v: TestVault;
  let memoryId: string;
  const sessions = new Map<Role, Session>();
  let n = 0;

  beforeAll(async () => {
    v = await createTestVault();
    memoryId = (await v.service.addMemory(v.owner, { content: 'The shared memory the matrix reads' })).id;
    sessions.set('owner', v.owner);
    for (const role of ROLES.filter((r) => r !== 'owner')) {
      const spaces = role === 'editor' || role === 'viewer' ? ['default'] : [];
      await v.service.addProfile(v.owner, { name: `as-${role}`, role, password: PASSWORD, spaces });
      sessions.set(role, await v.service.unlock(`as-${role}`, PASSWORD));
    }
  });
  afterAll(() => v.cleanup());

  let backupFile: string | undefined;
  const ownerBackup = async () => (backupFile ??= (await v.service.exportBackup(v.owner, { file: join(v.dir, 'matrix.mvb'), passphrase: PASSPHRASE_FOR_BACKUP })).file);
  const teammate = async () => ({ key: encodePublicKey({ boxKey: newBoxKeyPair().publicKey, signingKey: newSigningKeyPair().publicKey }) });
  const ownerAgent = (unique: string) => v.service.addAgent(v.owner, { name: `o-${unique}`, spaces: ['default'], grants: ['read'] });

  /** Each operation with arguments that succeed, or fail for a reason other than the role. */
  const run = async (op: string, s: Session): Promise<unknown> => {
    const svc = v.service;
    const unique = `x${++n}`;
    switch (op) {
      case 'getMemory': return svc.getMemory(s, memoryId);
      case 'resolveMemoryId': return svc.resolveMemoryId(s, memoryId.slice(0, 8));
      case 'listMemories': return svc.listMemories(s, {});
      case 'searchMemories': return svc.searchMemories(s, { text: 'shared memory', mode: 'keyword' });
      case 'memoryHistory': return svc.memoryHistory(s, memoryId);
      case 'addMemory': return svc.addMemory(s, { content: `matrix addition ${unique}`, force: true });
      case 'addMemories': return svc.addMemories(s, { memories: [{ content: `matrix bulk addition ${unique}`, force: true }] });
      case 'updateMemory': return svc.updateMemory(s, { id: memoryId, importance: 0.7 });
      case 'deleteMemory': return svc.deleteMemory(s, (await svc.addMemory(v.owner, { content: `to delete ${unique}`, force: true })).id);
      case 'archiveMemories': return svc.archiveMemories(s, { ids: [(await svc.addMemory(v.owner, { content: `to archive ${unique}`, force: true })).id] });
      case 'deleteMemories': return svc.deleteMemories(s, { ids: [(await svc.addMemory(v.owner, { content: `to delete many ${unique}`, force: true })).id] });
      case 'purgeMemory': return svc.purgeMemory(s, (await svc.addMemory(v.owner, { content: `to purge ${unique}`, force: true })).id);
      case 'createSpace': return svc.createSpace(s, `space-${unique}`);
      case 'listSpaces': return svc.listSpaces(s);
      case 'grantSpace': return svc.grantSpace(s, 'default', 'as-viewer');
      case 'revokeSpace': return svc.revokeSpace(s, 'default', 'as-auditor');
      case 'addProfile': return svc.addProfile(s, { name: `p-${unique}`, role: 'viewer', password: PASSWORD });
      case 'listProfiles': return svc.listProfiles(s);
      case 'changeRole': {
        await svc.addProfile(v.owner, { name: `r-${unique}`, role: 'viewer', password: PASSWORD });
        return svc.changeRole(s, `r-${unique}`, 'editor');
      }
      case 'removeProfile': {
        await svc.addProfile(v.owner, { name: `d-${unique}`, role: 'viewer', password: PASSWORD });
        return svc.removeProfile(s, `d-${unique}`);
      }
      case 'resetPassword': {
        await svc.addProfile(v.owner, { name: `w-${unique}`, role: 'viewer', password: PASSWORD });
        return svc.resetPassword(s, `w-${unique}`, PASSWORD);
      }
      case 'listAudit': return svc.listAudit(s, { limit: 5 });
      case 'auditActivity': return svc.auditActivity(s, {});
      case 'verifyAudit': return svc.verifyAudit(s);
      case 'exportAudit': return svc.exportAudit(s, () => {});
      case 'rekeySpaces': return svc.rekeySpaces(s);
      case 'stats': return svc.stats(s);
      case 'reindex': return svc.reindex(s);
      case 'setEmbedder': return svc.setEmbedder(s, { kind: 'offline' });
      case 'changePassword': {
        const current = s === v.owner ? OWNER_PASSWORD : PASSWORD;
        return svc.changePassword(s, current, current);
      }
      case 'addAgent': return svc.addAgent(s, { name: `a-${unique}`, spaces: ['default'], grants: ['read'] });
      case 'listAgents': return svc.listAgents(s);
      case 'pauseAgent': return svc.pauseAgent(s, ownerAgent(unique).agent.name);
      case 'resumeAgent': return svc.resumeAgent(s, ownerAgent(unique).agent.name);
      case 'revokeAgent': return svc.revokeAgent(s, ownerAgent(unique).agent.name);
      case 'rotateAgent': return svc.rotateAgent(s, ownerAgent(unique).agent.name);
      case 'exportBackup': return svc.exportBackup(s, { file: join(v.dir, `${unique}.mvb`), passphrase: PASSPHRASE_FOR_BACKUP });
      case 'inspectBackup': return svc.inspectBackup(s, await ownerBackup());
      case 'checkBackup': return svc.checkBackup(s, { file: await ownerBackup(), passphrase: PASSPHRASE_FOR_BACKUP });
      case 'importBackup': return svc.importBackup(s, { file: await ownerBackup(), passphrase: PASSPHRASE_FOR_BACKUP });
      case 'addContact': return svc.addContact(s, `c-${unique}`, (await teammate()).key);
      case 'listContacts': return svc.listContacts(s);
      case 'verifyContact': {
        svc.addContact(v.owner, `k-${unique}`, (await teammate()).key, true);
        return svc.verifyContact(s, `k-${unique}`);
      }
      default: throw new Error(`no runner for ${op}`);
    }
  };

  const deniedByRole = (err: unknown): boolean => err instanceof VaultError && err.code === 'forbidden' && err.extra.details?.permission !== undefined;

  for (const role of ROLES) {
    it(`${role} may do exactly what the architecture table says`, async () => {
      const allowed: string[] = [];
      for (const op of ALL) {
        try {
          const result = await run(op, sessions.get(role)!);
          // What crosses IPC or HTTP is what the contract says it is.
          const declared = (OPERATIONS as Record<string, { result: { safeParse(x: unknown): { success: boolean; error?: unknown } } }>)[op]!.result.safeParse(result);
          expect(declared.success, `${op} answers its declared result: ${String(declared.error)}`).toBe(true);
          allowed.push(op);
        } catch (err) {
          // The owner holds every key, so for it every operation must succeed outright. For other
          // roles a non-policy failure (e.g. an admin sharing a space key it never held) still
          // means the policy let the call through.
          if (role === 'owner' || !(err instanceof VaultError)) throw err;
          if (!deniedByRole(err)) allowed.push(op);
        }
      }
      expect(allowed.sort()).toEqual([...EXPECTED[role]].sort());
    });
  }

  it('every denial is in the audit log with the profile and the permission', () => {
    const denied = v.service.listAudit(v.owner, { outcome: 'denied', limit: 10_000 });
    expect(denied.some((e) => e.actorId === 'as-viewer' && e.action === 'addMemory' && e.details.permission === 'memory.write')).toBe(true);
    expect(denied.some((e) => e.actorId === 'as-auditor' && e.action === 'getMemory')).toBe(true);
  });

  it('nobody hands out the owner role or touches the owner', async () => {
    const admin = sessions.get('admin')!;
    await expectCode(() => v.service.changeRole(admin, 'olivia', 'viewer'), 'forbidden');
    await expectCode(() => v.service.changeRole(v.owner, 'as-viewer', 'owner'), 'forbidden');
    await expectCode(() => v.service.removeProfile(v.owner, 'olivia'), 'forbidden');
    expect(v.service.listProfiles(v.owner).filter((p) => p.role === 'owner').map((p) => p.name)).toEqual(['olivia']);
  });
});
