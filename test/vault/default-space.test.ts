import { afterEach, describe, expect, it } from 'vitest';
import { createTestVault, type TestVault } from '../support/vault.js';

describe('where a memory goes without a space', () => {
  let v: TestVault;
  afterEach(() => v.cleanup());

  it('to the first of the caller’s spaces by name, the order /v1/me lists, when it lacks the default space', async () => {
    v = await createTestVault();
    // Created in this order, so creation order, id order and name order are unlikely to agree.
    for (const name of ['zeta', 'alpha', 'mid']) v.service.createSpace(v.owner, name);
    const { token } = v.service.addAgent(v.owner, { name: 'writer', spaces: ['zeta', 'mid', 'alpha'], grants: ['read', 'write'] });
    const agent = v.service.authenticateAgent(token);
    expect(v.service.agentSelf(agent).spaces).toEqual(['alpha', 'mid', 'zeta']);
    const stored = await v.service.addMemory(agent, { content: 'Where does this one go?' });
    expect(stored.space).toBe('alpha');
    // The owner holds the vault's default space, so it goes there.
    expect((await v.service.addMemory(v.owner, { content: 'And this one?' })).space).toBe('default');
  });
});
