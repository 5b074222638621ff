import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestVault, expectCode, OWNER_PASSWORD, type TestVault } from '../support/vault.js';

// Item 10: purging destroys every version for good. Editors forget (a tombstone the owner can
// still inspect); only the owner and admins may destroy history.

describe('item 10: editors cannot purge; admins and the owner can', () => {
  let v: TestVault;
  let memoryId: string;

  beforeEach(async () => {
    v = await createTestVault();
    v.service.createSpace(v.owner, 'work');
    memoryId = (await v.service.addMemory(v.owner, { space: 'work', content: 'The contract was signed on 3 March' })).id;
  });
  afterEach(() => v.cleanup());

  it('an editor of the space gets forbidden, and the memory and its history stay', async () => {
    await v.service.addProfile(v.owner, { name: 'eddie', role: 'editor', password: 'editor-password-1', spaces: ['work'] });
    const editor = await v.service.unlock('eddie', 'editor-password-1');
    // The editor can read it, so a refusal is about the permission, not the key.
    expect(v.service.getMemory(editor, memoryId).content).toContain('3 March');
    await expectCode(() => v.service.purgeMemory(editor, memoryId), 'forbidden');
    expect(v.service.memoryHistory(v.owner, memoryId)).toHaveLength(1);
    const denied = v.service.listAudit(v.owner, { action: 'purgeMemory', outcome: 'denied', limit: 10 });
    expect(denied.some((e) => e.actorId === 'eddie')).toBe(true);
  });

  it('an admin who created a space can purge a memory in it', async () => {
    await v.service.addProfile(v.owner, { name: 'ada', role: 'admin', password: 'admin-password-1' });
    const admin = await v.service.unlock('ada', 'admin-password-1');
    v.service.createSpace(admin, 'ops');
    // Admins do not write memories; the owner (who holds every space) does, in a fresh session
    // so that it holds the new space's key however keys are picked up.
    const owner = await v.service.unlock('olivia', OWNER_PASSWORD);
    const id = (await v.service.addMemory(owner, { space: 'ops', content: 'Rotate the on-call pager on Mondays' })).id;
    v.service.purgeMemory(admin, id);
    await expectCode(() => v.service.getMemory(owner, id), 'not_found');
    await expectCode(() => v.service.memoryHistory(owner, id), 'not_found');
  });

  it('the owner can purge', async () => {
    v.service.purgeMemory(v.owner, memoryId);
    await expectCode(() => v.service.getMemory(v.owner, memoryId), 'not_found');
  });
});
