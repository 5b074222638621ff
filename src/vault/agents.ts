import { randomUUID } from 'node:crypto';
import { addAgentSchema, agentNameSchema, type AgentGrant, type AgentInfo, type AgentSelf, type AgentState, type IssuedAgent } from '../contract/agent.js';
import { newAgentToken, parseAgentToken, tokenVerifier, tokenWrappingKey, verifierMatches } from '../crypto/agent-token.js';
import { unwrapSecret, wrapSecret } from '../crypto/keys.js';
import { zeroize } from '../crypto/zeroize.js';
import { MemoryIndex } from '../store/memory-index.js';
import { mayGrant, mayManageAgent } from './policy.js';
import { VaultError, agentAuthFailed, forbidden, notFound } from './errors.js';
import { Session, type AgentActor } from './session.js';
import { parse } from './validate.js';
import { type AgentRow, type AuditTrail, DAY_MS, iso, agentOf, dedupe } from './rows.js';
import type { VaultContext } from './vault-context.js';

/** Agent credentials: tokens that carry their own key material, their grants and limits. */
export class AgentOps {
  /** Agent sessions by agent id, kept between requests while their token stays valid. */
  private readonly agentSessions = new Map<string, Session>();

  constructor(private readonly ctx: VaultContext) {}

  /** Issues a token for an agent; it is returned once and only its hashes are stored. */
  addAgent(session: Session, raw: unknown): IssuedAgent {
    return this.ctx.act(session, 'addAgent', (trail) => {
      const input = parse(addAgentSchema, raw);
      trail.details = { name: input.name, grants: input.grants.join(',') };
      const refused = input.grants.find((g) => !mayGrant(session.actor, g));
      if (refused) throw forbidden(`this profile cannot hand out ${refused} permission it does not hold`);
      if (this.agentByName(input.name)) throw new VaultError('conflict', 'an agent with that name exists');
      const spaceIds = dedupe(input.spaces).map((name) => this.ctx.grantedSpaceId(session, name));
      const id = randomUUID();
      const now = this.ctx.clock();
      const token = this.issueToken(session, id, spaceIds, (idHash, verifier) =>
        this.ctx.db
          .prepare(
            `INSERT INTO agents (id, name, id_hash, verifier, grants, state, created_by, created_at, expires_at,
               requests_per_minute, daily_writes, require_signing)
             VALUES (?, ?, ?, ?, ?, 'active', ?, ?, ?, ?, ?, ?)`,
          )
          .run(id, input.name, idHash, verifier, JSON.stringify(dedupe(input.grants)), session.actor.id, now,
            input.expiresInDays === undefined ? null : now + input.expiresInDays * DAY_MS, input.requestsPerMinute, input.dailyWrites,
            input.requireSigning ? 1 : 0),
      );
      trail.targets.push(id, ...spaceIds);
      return { agent: this.agentInfo(this.agentRow(id)!), token };
    });
  }

  listAgents(session: Session): AgentInfo[] {
    return this.ctx.act(session, 'listAgents', () =>
      (this.ctx.db.prepare('SELECT * FROM agents ORDER BY created_at, name').all() as AgentRow[])
        .filter((a) => mayManageAgent(session.actor, a.created_by))
        .map((a) => this.agentInfo(a)),
    );
  }

  pauseAgent(session: Session, name: unknown): AgentInfo {
    return this.setAgentState(session, 'pauseAgent', name, 'paused');
  }

  resumeAgent(session: Session, name: unknown): AgentInfo {
    return this.setAgentState(session, 'resumeAgent', name, 'active');
  }

  /** Final: a revoked agent cannot be resumed; its wrapped space keys are deleted. */
  revokeAgent(session: Session, name: unknown): AgentInfo {
    return this.setAgentState(session, 'revokeAgent', name, 'revoked');
  }

  /** A new token with new key material; the old one stops working at once. */
  rotateAgent(session: Session, name: unknown): IssuedAgent {
    const issued = this.ctx.act(session, 'rotateAgent', (trail) => {
      const row = this.manageableAgent(session, name, trail);
      if (row.state === 'revoked') throw new VaultError('conflict', 'a revoked agent cannot be rotated; add a new one');
      const spaceIds = (this.ctx.db.prepare('SELECT space_id FROM agent_keys WHERE agent_id = ?').all(row.id) as { space_id: string }[]).map((r) => r.space_id);
      if (spaceIds.some((id) => !session.spaceKeys.has(id))) throw forbidden('this profile does not hold every space of that agent, so it cannot rewrap them');
      const token = this.issueToken(session, row.id, spaceIds, (idHash, verifier) =>
        this.ctx.db.prepare('UPDATE agents SET id_hash = ?, verifier = ? WHERE id = ?').run(idHash, verifier, row.id),
      );
      return { agent: this.agentInfo(this.agentRow(row.id)!), token };
    });
    this.dropAgentSession(issued.agent.id);
    return issued;
  }

  /**
   * Turns a presented token into an agent session. Every failure (malformed, unknown, wrong
   * secret, paused, revoked, expired) gives the same error; the audit log keeps the reason.
   * The session is kept while the token stays valid, so later requests skip the key unwrap.
   */
  authenticateAgent(token: unknown): Session {
    const parsed = typeof token === 'string' ? parseAgentToken(token) : null;
    const row = parsed ? (this.ctx.db.prepare('SELECT * FROM agents WHERE id_hash = ?').get(parsed.idHash) as AgentRow | undefined) : undefined;
    try {
      const secretOk = row !== undefined && parsed !== null && verifierMatches(row.verifier, tokenVerifier(parsed.secret));
      const refusal = row && secretOk ? this.agentRefusal(row) : null;
      const reason = !parsed ? 'malformed token' : !row ? 'unknown token' : !secretOk ? 'wrong secret' : refusal;
      if (reason || !row || !parsed) {
        // A paused, revoked or expired agent loses its session; a wrong guess leaves the real agent's alone.
        if (row && refusal) this.dropAgentSession(row.id);
        this.ctx.db.transaction(() =>
          this.ctx.appendEvent({
            actorType: row ? 'agent' : 'anonymous',
            actorId: row ? row.name : 'agent-token',
            action: 'authenticateAgent',
            targets: row ? [row.id] : [],
            outcome: 'failed',
            details: { reason: reason ?? 'unknown token' },
          }),
        ).immediate();
        throw agentAuthFailed();
      }
      const cached = this.agentSessions.get(row.id);
      if (cached && !cached.locked) return cached;
      return this.startAgentSession(row, parsed.secret);
    } finally {
      zeroize(parsed?.secret);
    }
  }

  /** What an agent may know about itself. */
  agentSelf(session: Session): AgentSelf {
    this.ctx.assertUnlocked(session);
    const actor = agentOf(session);
    return {
      agent: actor.name,
      spaces: this.ctx.grantedSpaceNames(session),
      grants: [...actor.grants],
      expiresAt: iso(actor.expiresAt),
      requestsPerMinute: actor.requestsPerMinute,
      dailyWrites: actor.dailyWrites,
    };
  }

  /** A front door refused a request of this session (rate limit, bad signature); the log says so. */
  recordRefusal(session: Session, action: string, reason: string): void {
    this.ctx.db.transaction(() => this.ctx.audit(session, action, { targets: [], details: { reason } }, 'denied')).immediate();
  }

  /** A front door refused a request before anyone was authenticated (Host, Origin, token in the URL). */
  recordAnonymousRefusal(action: string, reason: string): void {
    this.ctx.db.transaction(() => this.ctx.appendEvent({ actorType: 'anonymous', actorId: 'http', action, targets: [], outcome: 'denied', details: { reason } })).immediate();
  }

  private setAgentState(session: Session, op: 'pauseAgent' | 'resumeAgent' | 'revokeAgent', name: unknown, state: AgentState): AgentInfo {
    const info = this.ctx.act(session, op, (trail) => {
      const row = this.manageableAgent(session, name, trail);
      if (row.state === 'revoked') throw new VaultError('conflict', 'that agent is revoked');
      this.ctx.db.prepare('UPDATE agents SET state = ? WHERE id = ?').run(state, row.id);
      if (state === 'revoked') this.ctx.db.prepare('DELETE FROM agent_keys WHERE agent_id = ?').run(row.id);
      return this.agentInfo(this.agentRow(row.id)!);
    });
    // An in-memory index detaches only outside a transaction.
    if (state !== 'active') this.dropAgentSession(info.id);
    return info;
  }

  private manageableAgent(session: Session, name: unknown, trail: AuditTrail): AgentRow {
    const row = this.agentByName(parse(agentNameSchema, name));
    // Agents of other profiles read as missing to an editor, like memories outside a space.
    if (!row || !mayManageAgent(session.actor, row.created_by)) throw notFound('agent');
    trail.targets.push(row.id);
    trail.details.name = row.name;
    return row;
  }

  private agentRefusal(row: AgentRow): string | null {
    if (row.state !== 'active') return row.state;
    if (row.expires_at !== null && row.expires_at <= this.ctx.clock()) return 'expired';
    return null;
  }

  private startAgentSession(row: AgentRow, secret: Uint8Array): Session {
    const spaceKeys = new Map<string, Uint8Array>();
    const wrappingKey = tokenWrappingKey(secret);
    try {
      for (const k of this.ctx.db.prepare('SELECT space_id, wrapped FROM agent_keys WHERE agent_id = ?').all(row.id) as { space_id: string; wrapped: Buffer }[]) {
        try {
          spaceKeys.set(k.space_id, unwrapSecret(wrappingKey, k.wrapped, 'agent-space', this.ctx.vaultId, row.id, k.space_id));
        } catch {
          throw new VaultError('integrity', 'a space key wrapped for this agent could not be opened');
        }
      }
    } finally {
      zeroize(wrappingKey);
    }
    const actor: AgentActor = {
      type: 'agent',
      id: row.id,
      name: row.name,
      grants: JSON.parse(row.grants) as AgentGrant[],
      requestsPerMinute: row.requests_per_minute,
      dailyWrites: row.daily_writes,
      requireSigning: row.require_signing === 1,
      expiresAt: row.expires_at,
    };
    const session = new Session(actor, null, spaceKeys, null, new MemoryIndex(this.ctx.db, `idx_${this.ctx.nextSchema++}`, this.ctx.embedder.dimensions));
    this.ctx.sessions.add(session);
    this.agentSessions.set(row.id, session);
    this.ctx.db.transaction(() => {
      this.ctx.syncIndex(session);
      this.ctx.audit(session, 'startAgentSession', { targets: [row.id], details: {} }, 'ok');
    }).immediate();
    return session;
  }

  private dropAgentSession(agentId: string): void {
    const session = this.agentSessions.get(agentId);
    if (!session) return;
    this.agentSessions.delete(agentId);
    this.ctx.sessions.delete(session);
    session.wipe();
  }

  /**
   * A fresh token for an agent: `save` stores the hash of its identifier and its verifier, and
   * the agent's space keys are wrapped anew under a key derived from its secret.
   */
  private issueToken(session: Session, agentId: string, spaceIds: string[], save: (idHash: Uint8Array, verifier: Uint8Array) => void): string {
    const { token, parsed } = newAgentToken();
    const wrappingKey = tokenWrappingKey(parsed.secret);
    try {
      save(parsed.idHash, tokenVerifier(parsed.secret));
      const put = this.ctx.db.prepare('INSERT OR REPLACE INTO agent_keys (agent_id, space_id, wrapped) VALUES (?, ?, ?)');
      for (const spaceId of spaceIds) put.run(agentId, spaceId, wrapSecret(wrappingKey, session.spaceKeys.get(spaceId)!, 'agent-space', this.ctx.vaultId, agentId, spaceId));
    } finally {
      zeroize(parsed.secret, wrappingKey);
    }
    return token;
  }


  private agentInfo(a: AgentRow): AgentInfo {
    const spaces = (
      this.ctx.db.prepare('SELECT s.name FROM agent_keys k JOIN spaces s ON s.id = k.space_id WHERE k.agent_id = ? ORDER BY s.name').all(a.id) as { name: string }[]
    ).map((r) => r.name);
    const creator = this.ctx.profileById(a.created_by);
    return {
      id: a.id,
      name: a.name,
      spaces,
      grants: JSON.parse(a.grants) as AgentGrant[],
      createdBy: creator?.name ?? '(removed profile)',
      createdAt: new Date(a.created_at).toISOString(),
      lastUsedAt: iso(a.last_used_at),
      expiresAt: iso(a.expires_at),
      state: a.state === 'active' && this.agentRefusal(a) === 'expired' ? 'expired' : a.state,
      requestsPerMinute: a.requests_per_minute,
      dailyWrites: a.daily_writes,
      requireSigning: a.require_signing === 1,
    };
  }

  private agentRow(id: string): AgentRow | undefined {
    return this.ctx.db.prepare('SELECT * FROM agents WHERE id = ?').get(id) as AgentRow | undefined;
  }

  private agentByName(name: string): AgentRow | undefined {
    return this.ctx.db.prepare('SELECT * FROM agents WHERE name = ?').get(name) as AgentRow | undefined;
  }
}
