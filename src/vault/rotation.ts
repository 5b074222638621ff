import { newSymmetricKey } from '../crypto/keys.js';
import { zeroize } from '../crypto/zeroize.js';
import type { AgentGrant } from '../contract/agent.js';
import type { Role } from '../contract/roles.js';
import { roleMay, AGENT_GRANT_PERMISSION } from './policy.js';
import { VaultError } from './errors.js';
import type { Session } from './session.js';
import { openRecord, sealRecord } from './records.js';
import { spaceRef } from './keyring.js';
import { sealedOf, type AuditTrail, type VersionRow } from './rows.js';
import type { VaultContext } from './vault-context.js';

/** Versions re-encrypted per transaction, so progress shows and other writers get turns. */
const REKEY_BATCH = 256;

/**
 * Access that is taken away is taken away cryptographically: the space gets a new key sealed
 * only to who remains, new writes use it at once, and `rekey` re-encrypts older versions in
 * resumable batches. A profile that loses a space also loses every agent it minted for it.
 */
export class KeyRotation {
  constructor(private readonly ctx: VaultContext) {}

  /**
   * A new epoch for the space, sealed to every remaining profile and agent. Runs inside the
   * caller's transaction. An agent from release 0.1.0 that has not been used since the
   * upgrade has no public key to seal to, so it loses the space (rotating its token restores it).
   */
  rotate(spaceId: string, trail: AuditTrail): void {
    const epoch = (this.ctx.db.prepare('SELECT key_epoch FROM spaces WHERE id = ?').get(spaceId) as { key_epoch: number }).key_epoch + 1;
    const key = newSymmetricKey();
    try {
      const profiles = this.ctx.db
        .prepare('SELECT DISTINCT p.id, p.public_key FROM sealed_keys k JOIN profiles p ON p.id = k.profile_id WHERE k.key_ref = ?')
        .all(spaceRef(spaceId)) as { id: string; public_key: Buffer }[];
      for (const p of profiles) this.ctx.sealKeyTo(spaceRef(spaceId), epoch, p.id, p.public_key, key);
      const agents = this.ctx.db
        .prepare(
          `SELECT DISTINCT a.id, a.box_public_key FROM agent_sealed_keys k JOIN agents a ON a.id = k.agent_id
           WHERE k.space_id = ? AND a.state != 'revoked' AND a.box_public_key IS NOT NULL`,
        )
        .all(spaceId) as { id: string; box_public_key: Buffer }[];
      for (const a of agents) this.ctx.sealKeyToAgent(a.id, spaceId, epoch, a.box_public_key, key);
      this.ctx.db.prepare('DELETE FROM agent_keys WHERE space_id = ?').run(spaceId);
      this.ctx.db.prepare('UPDATE spaces SET key_epoch = ? WHERE id = ?').run(epoch, spaceId);
      // Sealed under the old key, the snapshot stays readable to whoever just lost the space.
      this.ctx.snapshots.forget(spaceId);
      this.ctx.keysChanged();
      trail.details.rotated = `${String(trail.details.rotated ?? '')}${trail.details.rotated ? ',' : ''}${this.ctx.spaceName(spaceId)}@${epoch}`;
    } finally {
      zeroize(key);
    }
  }

  /** Spaces a profile holds a key of (any epoch). */
  profileSpaces(profileId: string): string[] {
    return (this.ctx.db.prepare("SELECT DISTINCT substr(key_ref, 7) AS id FROM sealed_keys WHERE profile_id = ? AND key_ref LIKE 'space:%'").all(profileId) as { id: string }[]).map(
      (r) => r.id,
    );
  }

  /** Spaces an agent holds a key of, in either format. */
  agentSpaces(agentId: string): string[] {
    return (
      this.ctx.db.prepare('SELECT space_id AS id FROM agent_sealed_keys WHERE agent_id = ? UNION SELECT space_id FROM agent_keys WHERE agent_id = ?').all(agentId, agentId) as {
        id: string;
      }[]
    ).map((r) => r.id);
  }

  /** Takes one space from an agent; an agent left with no space is revoked. Returns whether it held the space. */
  dropAgentSpace(session: Session, agent: { id: string; name: string }, spaceId: string, reason: string): boolean {
    const held = this.agentSpaces(agent.id);
    if (!held.includes(spaceId)) return false;
    this.ctx.db.prepare('DELETE FROM agent_sealed_keys WHERE agent_id = ? AND space_id = ?').run(agent.id, spaceId);
    this.ctx.db.prepare('DELETE FROM agent_keys WHERE agent_id = ? AND space_id = ?').run(agent.id, spaceId);
    const revoked = held.length === 1;
    if (revoked) this.ctx.db.prepare("UPDATE agents SET state = 'revoked' WHERE id = ?").run(agent.id);
    this.ctx.audit(session, revoked ? 'revokeAgent' : 'revokeAgentSpace', { targets: [agent.id, spaceId], details: { name: agent.name, reason } }, 'ok');
    return true;
  }

  /** Revokes an agent for good: its keys are deleted and every space it held is rotated. */
  revokeAgentKeys(agentId: string, trail: AuditTrail): void {
    const spaces = this.agentSpaces(agentId);
    this.deleteAgentKeys(agentId);
    for (const spaceId of spaces) this.rotate(spaceId, trail);
  }

  /**
   * The agents a profile minted die with its access. `space`: the profile lost that space, so
   * its agents lose it too. `role`: the profile's new role; agents holding a grant it could no
   * longer hand out are revoked. `all`: the profile is gone, and so are its agents. Each agent
   * touched gets its own audit event. Returns the spaces that need a new key.
   */
  endCreatedAgents(session: Session, creatorId: string, scope: { space: string } | { role: Role } | 'all', reason: string): Set<string> {
    const touched = new Set<string>();
    const agents = this.ctx.db.prepare("SELECT id, name, grants FROM agents WHERE created_by = ? AND state != 'revoked'").all(creatorId) as { id: string; name: string; grants: string }[];
    for (const a of agents) {
      if (scope !== 'all' && 'space' in scope) {
        if (this.dropAgentSpace(session, a, scope.space, reason)) touched.add(scope.space);
        continue;
      }
      if (scope !== 'all' && (JSON.parse(a.grants) as AgentGrant[]).every((g) => roleMay(scope.role, AGENT_GRANT_PERMISSION[g]))) continue;
      for (const spaceId of this.agentSpaces(a.id)) touched.add(spaceId);
      this.deleteAgentKeys(a.id);
      this.ctx.audit(session, 'revokeAgent', { targets: [a.id], details: { name: a.name, reason } }, 'ok');
    }
    return touched;
  }

  private deleteAgentKeys(agentId: string): void {
    this.ctx.db.prepare("UPDATE agents SET state = 'revoked' WHERE id = ?").run(agentId);
    this.ctx.db.prepare('DELETE FROM agent_sealed_keys WHERE agent_id = ?').run(agentId);
    this.ctx.db.prepare('DELETE FROM agent_keys WHERE agent_id = ?').run(agentId);
  }

  /**
   * Versions in the session's spaces that `rekey` has left: sealed under an older epoch than
   * their space's current one, or still in the per-field format of releases 0.1 and 0.2.
   */
  pending(session: Session): number {
    const count = this.ctx.db.prepare(`SELECT count(*) FROM memory_versions v JOIN memories m ON m.id = v.memory_id WHERE ${RESEAL}`).pluck();
    return session.keys.spaceIds().reduce((n, spaceId) => n + (count.get(spaceId, spaceId) as number), 0);
  }

  /**
   * Re-encrypts older versions under their space's current key, one batch per transaction;
   * interrupted, it resumes where it stopped (each version names its epoch). When a space has
   * none left, its old epoch keys are deleted.
   */
  rekey(session: Session, onProgress: (done: number, total: number) => void): { rekeyed: number } {
    const total = this.ctx.read(session, () => this.pending(session));
    let done = 0;
    onProgress(0, total);
    for (const spaceId of session.keys.spaceIds()) {
      for (;;) {
        const n = this.ctx.act(session, 'rekeySpaces', (trail) => {
          trail.targets.push(spaceId);
          const current = session.keys.current(spaceId);
          const rows = this.ctx.db
            .prepare(`SELECT v.* FROM memory_versions v JOIN memories m ON m.id = v.memory_id WHERE ${RESEAL} LIMIT ${REKEY_BATCH}`)
            .all(spaceId, spaceId) as VersionRow[];
          const update = this.ctx.db.prepare(
            `UPDATE memory_versions SET record = ?, key_epoch = ?, content = NULL, tags = NULL, metadata = NULL, source = NULL, embedding = NULL
             WHERE memory_id = ? AND version = ?`,
          );
          for (const r of rows) {
            const place = { vaultId: this.ctx.vaultId, spaceId, memoryId: r.memory_id, version: r.version };
            const oldKey = session.keys.key(spaceId, r.key_epoch);
            const plain = oldKey ? openOrNull(oldKey, place, r) : null;
            if (!plain) throw new VaultError('integrity', 'a stored version could not be opened with the key of its epoch; re-keying stopped', { details: { memoryId: r.memory_id } });
            update.run(sealRecord(current.key, place, plain), current.epoch, r.memory_id, r.version);
          }
          if (rows.length < REKEY_BATCH) this.retireOldEpochs(spaceId, current.epoch);
          trail.details = { count: rows.length, epoch: current.epoch };
          return rows.length;
        });
        done += n;
        onProgress(done, total);
        if (n < REKEY_BATCH) break;
      }
    }
    return { rekeyed: done };
  }

  private retireOldEpochs(spaceId: string, current: number): void {
    const a = this.ctx.db.prepare('DELETE FROM sealed_keys WHERE key_ref = ? AND epoch < ?').run(spaceRef(spaceId), current).changes;
    const b = this.ctx.db.prepare('DELETE FROM agent_sealed_keys WHERE space_id = ? AND epoch < ?').run(spaceId, current).changes;
    if (a + b > 0) this.ctx.keysChanged();
  }
}

/**
 * The versions of one space (bound twice) that `rekey` seals again. Selected by row id so each
 * half of the union answers from its own index (the epoch's, and the partial one of per-field rows).
 */
const RESEAL = `v.rowid IN (SELECT rowid FROM memory_versions WHERE key_epoch < (SELECT key_epoch FROM spaces WHERE id = ?)
  UNION ALL SELECT rowid FROM memory_versions WHERE record IS NULL) AND m.space_id = ?`;

/** A version that cannot be opened with the key its epoch names stops re-keying rather than being lost. */
function openOrNull(key: Uint8Array, place: Parameters<typeof openRecord>[1], row: VersionRow): ReturnType<typeof openRecord> | null {
  try {
    return openRecord(key, place, sealedOf(row));
  } catch {
    return null;
  }
}
