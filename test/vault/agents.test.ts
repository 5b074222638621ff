import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseAgentToken, tokenBoxKeyPair } from '../../src/crypto/agent-token.js';
import { openSealed } from '../../src/crypto/keys.js';
import { createTestVault, expectCode, type TestVault } from '../support/vault.js';

describe('agent credentials in the core', () => {
  let v: TestVault;
  let now: number;

  beforeEach(async () => {
    now = Date.parse('2026-11-22T12:00:00Z');
    v = await createTestVault({ clock: () => now });
    v.service.createSpace(v.owner, 'work');
  });
  afterEach(() => v.cleanup());

  it('stores neither the token nor its secret, and its space keys open only with the token', () => {
    const { token, agent } = v.service.addAgent(v.owner, { name: 'coder', spaces: ['work'], grants: ['read', 'write'] });
    expect(token).toMatch(/^mvat_[0-9a-f]{32}_[A-Za-z0-9_-]{43}$/);
    const db = new Database(v.path, { readonly: true });
    try {
      const dump = Buffer.concat(
        (db.prepare('SELECT * FROM agents').all() as Record<string, unknown>[]).flatMap((r) => Object.values(r).map((x) => Buffer.from(String(x)))),
      ).toString('latin1');
      const [, id, secret] = /^mvat_([0-9a-f]{32})_(.+)$/.exec(token)!;
      expect(dump).not.toContain(id);
      expect(dump).not.toContain(secret);
      const sealed = db.prepare('SELECT space_id, sealed FROM agent_sealed_keys WHERE agent_id = ?').all(agent.id) as { space_id: string; sealed: Buffer }[];
      expect(sealed).toHaveLength(1);
      const key = openSealed(tokenBoxKeyPair(parseAgentToken(token)!.secret), sealed[0]!.sealed);
      expect(key).toHaveLength(32);
      const other = parseAgentToken(v.service.addAgent(v.owner, { name: 'other', spaces: ['default'], grants: ['read'] }).token)!;
      expect(() => openSealed(tokenBoxKeyPair(other.secret), sealed[0]!.sealed)).toThrow();
    } finally {
      db.close();
    }
  });

  it('serves an agent with no profile unlocked, only in its spaces, and names it as the writer', async () => {
    await v.service.addMemory(v.owner, { content: 'Owner note in the default space' });
    const { token } = v.service.addAgent(v.owner, { name: 'coder', spaces: ['work'], grants: ['read', 'write'] });
    v.service.lock(v.owner);
    const s = v.service.authenticateAgent(token);
    const m = await v.service.addMemory(s, { space: 'work', content: 'The build uses pnpm' });
    expect(m.source).toBe('agent:coder');
    expect(v.service.memoryHistory(s, m.id)[0]!.changedBy).toBe('agent:coder');
    expect(v.service.listMemories(s).items.map((x) => x.content)).toEqual(['The build uses pnpm']);
    await expectCode(() => v.service.addMemory(s, { space: 'default', content: 'Not mine' }), 'not_found');
    expect(v.service.agentSelf(s)).toMatchObject({ agent: 'coder', spaces: ['work'], grants: ['read', 'write'] });
  });

  it('refuses unknown, malformed, paused, revoked, rotated and expired tokens the same way', () => {
    const a = v.service.addAgent(v.owner, { name: 'a', spaces: ['work'], grants: ['read'], expiresInDays: 1 });
    const b = v.service.addAgent(v.owner, { name: 'b', spaces: ['work'], grants: ['read'] });
    const c = v.service.addAgent(v.owner, { name: 'c', spaces: ['work'], grants: ['read'] });
    const d = v.service.addAgent(v.owner, { name: 'd', spaces: ['work'], grants: ['read'] });
    for (const t of [a, b, c, d]) expect(v.service.authenticateAgent(t.token).actor.name).toBe(t.agent.name);
    const messages = new Set<string>();
    const refuse = (token: unknown) => {
      try {
        v.service.authenticateAgent(token);
      } catch (err) {
        expect((err as { code: string }).code).toBe('auth_failed');
        messages.add((err as Error).message);
        return;
      }
      throw new Error('token was accepted');
    };
    refuse('mvat_short');
    const flipped = b.token.at(-10) === 'A' ? 'B' : 'A';
    refuse(`${b.token.slice(0, -10)}${flipped}${b.token.slice(-9)}`);
    refuse(`${b.token.slice(0, -1)}${String.fromCharCode(b.token.charCodeAt(b.token.length - 1) + 1)}`);
    v.service.pauseAgent(v.owner, 'b');
    refuse(b.token);
    v.service.resumeAgent(v.owner, 'b');
    expect(v.service.authenticateAgent(b.token).actor.name).toBe('b');
    v.service.revokeAgent(v.owner, 'c');
    refuse(c.token);
    const rotated = v.service.rotateAgent(v.owner, 'd');
    refuse(d.token);
    expect(v.service.authenticateAgent(rotated.token).actor.name).toBe('d');
    now += 2 * 86_400_000;
    refuse(a.token);
    expect(messages.size).toBe(1);
    const reasons = v.service.listAudit(v.owner, { action: 'authenticateAgent', outcome: 'failed', limit: 100 }).map((e) => `${e.actorId}:${String(e.details.reason)}`);
    // A wrong secret is logged like an unknown token (same source, same work), with the agent as its target.
    expect(reasons).toEqual(expect.arrayContaining(['b:paused', 'c:revoked', 'a:expired', 'agent-token:wrong secret', 'agent-token:unknown token']));
    expect(JSON.stringify(v.service.listAudit(v.owner, { limit: 1000 }))).not.toContain(b.token.slice(5, 37));
    const list = v.service.listAgents(v.owner);
    expect(Object.fromEntries(list.map((x) => [x.name, x.state]))).toMatchObject({ a: 'expired', b: 'active', c: 'revoked', d: 'active' });
    expect(list.find((x) => x.name === 'd')!.lastUsedAt).not.toBeNull();
  });

  it('enforces the grant, and the daily write quota until the next UTC day', async () => {
    const reader = v.service.authenticateAgent(v.service.addAgent(v.owner, { name: 'reader', spaces: ['work'], grants: ['read'] }).token);
    await expectCode(() => v.service.addMemory(reader, { space: 'work', content: 'A write from a reader' }), 'forbidden');
    const writer = v.service.authenticateAgent(v.service.addAgent(v.owner, { name: 'writer', spaces: ['work'], grants: ['write'], dailyWrites: 2 }).token);
    await v.service.addMemory(writer, { space: 'work', content: 'First fact' });
    await v.service.addMemory(writer, { space: 'work', content: 'Second fact' });
    const err = (await expectCode(() => v.service.addMemory(writer, { space: 'work', content: 'Third fact' }), 'throttled')) as { extra: { retryAfterSeconds: number } };
    expect(err.extra.retryAfterSeconds).toBe(12 * 3600);
    await expectCode(() => v.service.purgeMemory(writer, 'anything'), 'forbidden');
    now += 12 * 3600 * 1000;
    await v.service.addMemory(writer, { space: 'work', content: 'Third fact' });
    const denied = v.service.listAudit(v.owner, { outcome: 'denied', limit: 100 });
    expect(denied.some((e) => e.actorType === 'agent' && e.actorId === 'reader' && e.action === 'addMemory')).toBe(true);
    expect(denied.some((e) => e.actorType === 'agent' && e.actorId === 'writer' && e.details.error === 'throttled')).toBe(true);
  });

  it('lets an editor manage only its own agents and grant only what it holds', async () => {
    await v.service.addProfile(v.owner, { name: 'ed', role: 'editor', password: 'editor-password-1', spaces: ['work'] });
    await v.service.addProfile(v.owner, { name: 'vi', role: 'viewer', password: 'viewer-password-1', spaces: ['work'] });
    const ed = await v.service.unlock('ed', 'editor-password-1');
    v.service.addAgent(v.owner, { name: 'owners', spaces: ['work'], grants: ['read'] });
    v.service.addAgent(ed, { name: 'eds', spaces: ['work'], grants: ['read', 'write', 'delete'] });
    expect(v.service.listAgents(ed).map((a) => a.name)).toEqual(['eds']);
    expect(v.service.listAgents(v.owner).map((a) => a.name).sort()).toEqual(['eds', 'owners']);
    await expectCode(() => v.service.revokeAgent(ed, 'owners'), 'not_found');
    await expectCode(() => v.service.addAgent(ed, { name: 'elsewhere', spaces: ['default'], grants: ['read'] }), 'not_found');
    const vi = await v.service.unlock('vi', 'viewer-password-1');
    await expectCode(() => v.service.addAgent(vi, { name: 'vis', spaces: ['work'], grants: ['read'] }), 'forbidden');
    await expectCode(() => v.service.addAgent(v.owner, { name: 'bad', spaces: ['work'], grants: ['admin'] } as never), 'invalid_input'); // deliberately not a grant
    await expectCode(() => v.service.addAgent(v.owner, { name: 'eds', spaces: ['work'], grants: ['read'] }), 'conflict');
  });
});
