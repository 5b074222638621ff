import { afterEach, describe, expect, it } from 'vitest';
import { VaultError } from '../../src/vault/errors.js';
import { createTestVault, OWNER_PASSWORD, type TestVault } from '../support/vault.js';

const FIRST = 'first-password-1';
const NEXT = 'second-password-2';

/** A password reset by an owner or admin: new keys for the profile, nothing of its history lost. */
describe('resetting another profile’s password', () => {
  let v: TestVault;
  afterEach(() => v.cleanup());

  const vaultWithEditor = async () => {
    v = await createTestVault();
    v.service.createSpace(v.owner, 'team');
    await v.service.addProfile(v.owner, { name: 'erin', role: 'editor', password: FIRST, spaces: ['team'] });
    const erin = await v.service.unlock('erin', FIRST);
    const memory = await v.service.addMemory(erin, { content: 'Erin keeps the release checklist in the team wiki', space: 'team' });
    return { erin, memory };
  };

  it('lets the profile unlock with the new password only, and read everything it wrote before', async () => {
    const { memory } = await vaultWithEditor();
    const reset = await v.service.resetPassword(v.owner, 'erin', NEXT);
    expect(reset.lostSpaces).toEqual([]);
    expect(reset.profile.spaces).toEqual(['team']);
    await expect(v.service.unlock('erin', FIRST)).rejects.toMatchObject({ code: 'auth_failed' });
    const erin = await v.service.unlock('erin', NEXT);
    expect((await v.service.getMemory(erin, memory.id)).content).toBe('Erin keeps the release checklist in the team wiki');
    expect(v.service.verifyAudit(v.owner)).toMatchObject({ ok: true });
  });

  it('ends the sessions the profile had open before the reset', async () => {
    const { erin, memory } = await vaultWithEditor();
    await v.service.resetPassword(v.owner, 'erin', NEXT);
    const err = await (async () => v.service.getMemory(erin, memory.id))().then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(VaultError);
    expect((err as VaultError).code).toBe('locked');
    expect((err as VaultError).message).toMatch(/password was reset/);
  });

  it('takes away spaces the resetting admin does not hold, rotating their keys, and keeps the chain verifiable', async () => {
    await vaultWithEditor();
    await v.service.addProfile(v.owner, { name: 'ada', role: 'admin', password: FIRST });
    const ada = await v.service.unlock('ada', FIRST);
    const reset = await v.service.resetPassword(ada, 'erin', NEXT);
    expect(reset.lostSpaces).toEqual(['team']);
    expect(reset.profile.spaces).toEqual([]);
    const erin = await v.service.unlock('erin', NEXT);
    expect(v.service.whoami(erin).spaces).toEqual([]);
    const [event] = v.service.listAudit(v.owner, { action: 'resetPassword', limit: 1 });
    expect(event).toMatchObject({ outcome: 'ok', details: { lostSpaces: 1 } });
    expect(String(event!.details.rotated)).toMatch(/^team@\d+$/);
    // The reset profile signs with its new key under its own signer id; checkpoints signed by its first key still verify.
    await v.service.addMemory(v.owner, { content: 'Written after the reset', space: 'team' });
    v.service.lock(erin);
    expect(v.service.verifyAudit(v.owner)).toMatchObject({ ok: true });
  });

  it('refuses the owner (recovery key instead) and one’s own profile (change password instead)', async () => {
    await vaultWithEditor();
    await v.service.addProfile(v.owner, { name: 'ada', role: 'admin', password: FIRST });
    const ada = await v.service.unlock('ada', FIRST);
    await expect(v.service.resetPassword(ada, 'olivia', NEXT)).rejects.toMatchObject({ code: 'forbidden', message: expect.stringMatching(/recovery key/) });
    await expect(v.service.resetPassword(v.owner, 'olivia', NEXT)).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringMatching(/change password/) });
    expect(await v.service.unlock('olivia', OWNER_PASSWORD)).toBeDefined();
  });
});
