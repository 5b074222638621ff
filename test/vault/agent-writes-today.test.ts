import { afterEach, describe, expect, it } from 'vitest';
import { createTestVault, type TestVault } from '../support/vault.js';

describe('an agent’s writes today', () => {
  let v: TestVault;
  afterEach(() => v.cleanup());

  it('are the count the daily quota charges, per UTC day', async () => {
    let now = Date.parse('2026-05-01T23:00:00Z');
    v = await createTestVault({ clock: () => now });
    const { token } = v.service.addAgent(v.owner, { name: 'scribe', spaces: ['default'], grants: ['write'], dailyWrites: 10 });
    const agent = v.service.authenticateAgent(token);
    await v.service.addMemory(agent, { content: 'First note of the day' });
    await v.service.addMemories(agent, { memories: [{ content: 'Second note' }, { content: 'Third note' }] });
    const info = () => v.service.listAgents(v.owner).find((a) => a.name === 'scribe')!;
    expect(info()).toMatchObject({ writesToday: 3, dailyWrites: 10 });
    now += 2 * 3_600_000;
    expect(info().writesToday).toBe(0);
  });
});
