import { afterEach, describe, expect, it } from 'vitest';
import type { Session } from '../../src/vault/session.js';
import { createTestVault, expectCode, type TestVault } from '../support/vault.js';

const IDLE_MS = 60_000;

describe('sessions nobody uses are locked after the idle limit of a long-running host', () => {
  let v: TestVault;
  let now = Date.parse('2026-12-02T09:00:00Z');
  const clock = () => now;
  afterEach(() => v.cleanup());

  async function agentAndOwner(options: { sessionIdleMs?: number }): Promise<{ agent: Session; token: string; id: string }> {
    v = await createTestVault({ clock, ...options });
    const id = (await v.service.addMemory(v.owner, { content: 'Idle sessions lose their keys' })).id;
    const { token } = v.service.addAgent(v.owner, { name: 'sleepy', spaces: ['default'], grants: ['read'] });
    const agent = v.service.authenticateAgent(token);
    expect(v.service.getMemory(agent, id).content).toBe('Idle sessions lose their keys');
    return { agent, token, id };
  }

  it('an agent idle past the limit is locked, its keys zeroed, and its token opens a new session', async () => {
    const { agent, token, id } = await agentAndOwner({ sessionIdleMs: IDLE_MS });
    now += 50_000;
    v.service.listSpaces(v.owner);
    now += 20_000;
    // The owner acted 20 s ago: only the agent (70 s) is past the limit.
    expect(v.service.listSpaces(v.owner).map((s) => s.name)).toContain('default');
    expect(agent.locked).toBe(true);
    expect(agent.keys.spaceIds()).toEqual([]);
    await expectCode(() => v.service.getMemory(agent, id), 'locked');
    const lock = v.service.listAudit(v.owner, { action: 'lock' }).find((e) => e.actorId === 'sleepy');
    expect(lock).toMatchObject({ actorType: 'agent', outcome: 'ok', details: { reason: 'idle' } });
    const again = v.service.authenticateAgent(token);
    expect(again).not.toBe(agent);
    expect(v.service.getMemory(again, id).content).toBe('Idle sessions lose their keys');
    expect(v.service.verifyChainNow()).toMatchObject({ ok: true });
  });

  it('without an idle limit (the CLI) a session lasts until it is locked', async () => {
    const { agent, id } = await agentAndOwner({});
    now += 24 * 3_600_000;
    expect(v.service.getMemory(agent, id).content).toBe('Idle sessions lose their keys');
  });
});
