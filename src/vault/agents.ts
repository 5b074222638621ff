import { randomUUID } from 'node:crypto';
import { addAgentSchema, agentNameSchema, type AgentGrant, type AgentInfo, type AgentSelf, type AgentState, type IssuedAgent } from '../contract/agent.js';
import { newAgentToken, parseAgentToken, tokenBoxKeyPair, tokenSigningKeyPair, tokenVerifier, tokenWrappingKey, verifierMatches } from '../crypto/agent-token.js';
import { unwrapSecret } from '../crypto/keys.js';
import { agentSigner, registerSigner } from '../audit/signers.js';
import { zeroize } from '../crypto/zeroize.js';
import { mayGrant, mayManageAgent } from './policy.js';
import { VaultError, agentAuthFailed, forbidden, notFound } from './errors.js';
import { Session, type AgentActor } from './session.js';
import { parse } from './validate.js';
import { type AgentRow, type AuditTrail, DAY_MS, iso, agentOf, agentRefusal, dedupe } from './rows.js';
import { loadAgentKeys } from './keyring.js';
import type { KeyRotation } from './rotation.js';
import type { VaultContext } from './vault-context.js';

/** Compared against when a token's identifier is unknown, so that path does the same work as a wrong secret. */
const NO_VERIFIER = new Uint8Array(32);
/** Signed-request nonces are kept 2 × 300 s; an agent's own rate limit bounds how many it can have live. */
const NONCE_WINDOW_MINUTES = 10;
const NONCE_SLACK = 100;

/** Agent credentials: tokens that carry their own key material, their grants and limits. */
export class AgentOps {
  /** Agent sessions by agent id, kept between requests while their token stays valid. */
  private readonly agentSessions = new Map<string, Session>();

  constructor(
    private readonly ctx: VaultContext,
    private readonly rotation: KeyRotation,
  ) {}

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
      const token = this.issueToken(session, id, spaceIds, (idHash, verifier, boxPublicKey) =>
        this.ctx.db
          .prepare(
            `INSERT INTO agents (id, name, id_hash, verifier, grants, state, created_by, created_at, expires_at,
               requests_per_minute, daily_writes, require_signing, box_public_key)
             VALUES (?, ?, ?, ?, ?, 'active', ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(id, input.name, idHash, verifier, JSON.stringify(dedupe(input.grants)), session.actor.id, now,
            input.expiresInDays === undefined ? null : now + input.expiresInDays * DAY_MS, input.requestsPerMinute, input.dailyWrites,
            input.requireSigning ? 1 : 0, boxPublicKey),
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
      const spaceIds = this.rotation.agentSpaces(row.id);
      if (spaceIds.some((id) => !session.keys.has(id))) throw forbidden('this profile does not hold every space of that agent, so it cannot seal them to the new token');
      const token = this.issueToken(session, row.id, spaceIds, (idHash, verifier, boxPublicKey) =>
        this.ctx.db.prepare('UPDATE agents SET id_hash = ?, verifier = ?, box_public_key = ? WHERE id = ?').run(idHash, verifier, boxPublicKey, row.id),
      );
      this.ctx.keysChanged();
      return { agent: this.agentInfo(this.agentRow(row.id)!), token };
    });
    this.dropAgentSession(issued.agent.id);
    return issued;
  }

  /**
   * Turns a presented token into an agent session. Every failure (malformed, unknown, wrong
   * secret, paused, revoked, expired) gives the same error; the audit log keeps the reason.
   * An unknown identifier and a wrong secret take the same work (the verifier is derived and
   * compared either way, and both are logged as the same anonymous source), so timing does
   * not tell a guesser which identifiers exist. The session is kept while the token stays
   * valid, so later requests skip the key unwrap.
   */
  authenticateAgent(token: unknown): Session {
    const parsed = typeof token === 'string' ? parseAgentToken(token) : null;
    const row = parsed ? (this.ctx.db.prepare('SELECT * FROM agents WHERE id_hash = ?').get(parsed.idHash) as AgentRow | undefined) : undefined;
    try {
      const presented = parsed ? tokenVerifier(parsed.secret) : null;
      const secretOk = presented !== null && verifierMatches(row?.verifier ?? NO_VERIFIER, presented) && row !== undefined;
      const refusal = row && secretOk ? agentRefusal(row, this.ctx.clock()) : null;
      const reason = !parsed ? 'malformed token' : !row ? 'unknown token' : !secretOk ? 'wrong secret' : refusal;
      if (reason || !row || !parsed) {
        // A paused, revoked or expired agent loses its session; a wrong guess leaves the real agent's alone.
        if (row && refusal) this.dropAgentSession(row.id);
        const guess = !secretOk;
        this.ctx.write(() =>
          this.ctx.appendEvent({
            actorType: guess ? 'anonymous' : 'agent',
            actorId: guess ? 'agent-token' : row!.name,
            action: 'authenticateAgent',
            targets: row ? [row.id] : [],
            outcome: 'failed',
            details: { reason: reason ?? 'unknown token' },
          }),
        );
        throw agentAuthFailed();
      }
      const cached = this.agentSessions.get(row.id);
      if (cached && !cached.locked) {
        // Presenting the token is a use: the idle limit counts from here.
        cached.lastUsedAt = this.ctx.clock();
        return cached;
      }
      return this.startAgentSession(row, parsed.secret);
    } finally {
      zeroize(parsed?.secret);
    }
  }

  /** What an agent may know about itself. */
  agentSelf(session: Session): AgentSelf {
    this.ctx.assertUnlocked(session);
    this.ctx.charge(session, 'agentSelf');
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

  /**
   * Accepts a signed request's nonce once. Nonces live in the vault file for the replay window,
   * so a restarted server still refuses a replay; each agent has its own budget of live nonces,
   * sized so its own rate limit never reaches it, so no agent can crowd out another.
   */
  claimRequestNonce(session: Session, nonce: string, expiresAtSeconds: number): boolean {
    const actor = agentOf(session);
    const nowSeconds = Math.floor(this.ctx.clock() / 1000);
    const budget = actor.requestsPerMinute * NONCE_WINDOW_MINUTES + NONCE_SLACK;
    return this.ctx.write(() => {
      this.ctx.db.prepare('DELETE FROM request_nonces WHERE agent_id = ? AND expires_at <= ?').run(actor.id, nowSeconds);
      const live = (this.ctx.db.prepare('SELECT count(*) AS n FROM request_nonces WHERE agent_id = ?').get(actor.id) as { n: number }).n;
      if (live >= budget) return false;
      return this.ctx.db.prepare('INSERT OR IGNORE INTO request_nonces (agent_id, nonce, expires_at) VALUES (?, ?, ?)').run(actor.id, nonce, expiresAtSeconds).changes === 1;
    });
  }

  /** A front door refused a request of this session (rate limit, bad signature); the log says so. */
  recordRefusal(session: Session, action: string, reason: string): void {
    this.ctx.write(() => this.ctx.audit(session, action, { targets: [], details: { reason } }, 'denied'));
  }

  /** A front door refused a request before anyone was authenticated (Host, Origin, token in the URL). */
  recordAnonymousRefusal(action: string, reason: string): void {
    this.ctx.write(() => this.ctx.appendEvent({ actorType: 'anonymous', actorId: 'http', action, targets: [], outcome: 'denied', details: { reason } }));
  }

  private setAgentState(session: Session, op: 'pauseAgent' | 'resumeAgent' | 'revokeAgent', name: unknown, state: AgentState): AgentInfo {
    const info = this.ctx.act(session, op, (trail) => {
      const row = this.manageableAgent(session, name, trail);
      if (row.state === 'revoked') throw new VaultError('conflict', 'that agent is revoked');
      if (state === 'revoked') this.rotation.revokeAgentKeys(row.id, trail);
      else this.ctx.db.prepare('UPDATE agents SET state = ? WHERE id = ?').run(state, row.id);
      this.ctx.keysChanged();
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

  /** Its keys come from the token: the X25519 pair opens its space keys, the Ed25519 pair signs its events. */
  private startAgentSession(row: AgentRow, secret: Uint8Array): Session {
    const box = tokenBoxKeyPair(secret);
    const own = tokenSigningKeyPair(secret);
    const signerId = agentSigner(row.id, own.publicKey);
    const keySeq = this.ctx.keySeq();
    this.ctx.write(() => {
      if (row.box_public_key === null) this.convertLegacyAgent(row, secret, box.publicKey);
      registerSigner(this.ctx.db, this.ctx.vaultId, signerId, own.publicKey, null, this.ctx.clock());
    });
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
    const session = new Session(actor, box, loadAgentKeys(this.ctx.db, row.id, box), null, { id: signerId, secretKey: own.secretKey });
    session.keySeq = keySeq;
    this.ctx.adopt(session);
    this.agentSessions.set(row.id, session);
    this.ctx.write(() => this.ctx.audit(session, 'startAgentSession', { targets: [row.id], details: {} }, 'ok'));
    return session;
  }

  /**
   * An agent of release 0.1.0 had its space keys wrapped under its token. At its first request
   * they are sealed to its public key instead (they are the spaces' epoch-0 keys: a rotation
   * since then removed the old rows), and its signing key is registered for certification.
   */
  private convertLegacyAgent(row: AgentRow, secret: Uint8Array, boxPublicKey: Uint8Array): void {
    const wrappingKey = tokenWrappingKey(secret);
    try {
      for (const k of this.ctx.db.prepare('SELECT space_id, wrapped FROM agent_keys WHERE agent_id = ?').all(row.id) as { space_id: string; wrapped: Buffer }[]) {
        let key: Uint8Array;
        try {
          key = unwrapSecret(wrappingKey, k.wrapped, 'agent-space', this.ctx.vaultId, row.id, k.space_id);
        } catch {
          throw new VaultError('integrity', 'a space key wrapped for this agent could not be opened');
        }
        this.ctx.sealKeyToAgent(row.id, k.space_id, 0, boxPublicKey, key);
        zeroize(key);
      }
    } finally {
      zeroize(wrappingKey);
    }
    this.ctx.db.prepare('DELETE FROM agent_keys WHERE agent_id = ?').run(row.id);
    this.ctx.db.prepare('UPDATE agents SET box_public_key = ? WHERE id = ?').run(boxPublicKey, row.id);
  }

  private dropAgentSession(agentId: string): void {
    const session = this.agentSessions.get(agentId);
    if (!session) return;
    this.agentSessions.delete(agentId);
    this.ctx.endSession(session);
  }

  /**
   * A fresh token for an agent: `save` stores the hash of its identifier, its verifier and its
   * public key; every epoch of its spaces is sealed to that key, and its signing key is
   * certified by the issuing session's key.
   */
  private issueToken(
    session: Session,
    agentId: string,
    spaceIds: string[],
    save: (idHash: Uint8Array, verifier: Uint8Array, boxPublicKey: Uint8Array) => void,
  ): string {
    const { token, parsed } = newAgentToken();
    const box = tokenBoxKeyPair(parsed.secret);
    const own = tokenSigningKeyPair(parsed.secret);
    try {
      save(parsed.idHash, tokenVerifier(parsed.secret), box.publicKey);
      this.ctx.db.prepare('DELETE FROM agent_sealed_keys WHERE agent_id = ?').run(agentId);
      this.ctx.db.prepare('DELETE FROM agent_keys WHERE agent_id = ?').run(agentId);
      for (const spaceId of spaceIds) for (const [epoch, key] of session.keys.epochs(spaceId)) this.ctx.sealKeyToAgent(agentId, spaceId, epoch, box.publicKey, key);
      registerSigner(this.ctx.db, this.ctx.vaultId, agentSigner(agentId, own.publicKey), own.publicKey, session.signer, this.ctx.clock());
    } finally {
      zeroize(parsed.secret, box.secretKey, own.secretKey);
    }
    return token;
  }

  private agentInfo(a: AgentRow): AgentInfo {
    const spaces = this.rotation.agentSpaces(a.id).map((id) => this.ctx.spaceName(id)).sort();
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
      state: a.state === 'active' && agentRefusal(a, this.ctx.clock()) === 'expired' ? 'expired' : a.state,
      requestsPerMinute: a.requests_per_minute,
      dailyWrites: a.daily_writes,
      writesToday: this.writesToday(a.id),
      requireSigning: a.require_signing === 1,
    };
  }

  /** The same count the quota check charges (agent_usage, keyed by UTC day). */
  private writesToday(agentId: string): number {
    const day = new Date(this.ctx.clock()).toISOString().slice(0, 10);
    const row = this.ctx.db.prepare('SELECT writes FROM agent_usage WHERE agent_id = ? AND day = ?').get(agentId, day) as { writes: unknown } | undefined;
    return row ? Number(row.writes) : 0;
  }

  private agentRow(id: string): AgentRow | undefined {
    return this.ctx.db.prepare('SELECT * FROM agents WHERE id = ?').get(id) as AgentRow | undefined;
  }

  private agentByName(name: string): AgentRow | undefined {
    return this.ctx.db.prepare('SELECT * FROM agents WHERE name = ?').get(name) as AgentRow | undefined;
  }
}
