import { randomUUID } from 'node:crypto';
import { spaceNameSchema } from '../contract/memory.js';
import { profileNameSchema, type SpaceInfo } from '../contract/vault.js';
import { newSymmetricKey } from '../crypto/keys.js';
import { actorMay, roleMay } from './policy.js';
import { VaultError, forbidden, invalid } from './errors.js';
import type { Session } from './session.js';
import { parse } from './validate.js';
import { spaceRef } from './keyring.js';
import { profileOf } from './rows.js';
import type { KeyRotation } from './rotation.js';
import type { VaultContext } from './vault-context.js';

/** Spaces: named sets of memories, each with its own key. */
export class SpaceOps {
  constructor(
    private readonly ctx: VaultContext,
    private readonly rotation: KeyRotation,
  ) {}

  createSpace(session: Session, name: unknown): SpaceInfo {
    return this.ctx.act(session, 'createSpace', (trail) => {
      const spaceName = parse(spaceNameSchema, name);
      if (this.ctx.spaceByName(spaceName)) throw new VaultError('conflict', 'a space with that name exists');
      const id = randomUUID();
      const key = newSymmetricKey();
      this.ctx.db.prepare('INSERT INTO spaces (id, name, created_at) VALUES (?, ?, ?)').run(id, spaceName, this.ctx.clock());
      // The owner holds every space so the vault never has a space nobody can manage.
      const owner = this.ctx.db.prepare("SELECT id, public_key FROM profiles WHERE role = 'owner'").get() as { id: string; public_key: Buffer };
      this.ctx.sealKeyTo(spaceRef(id), 0, owner.id, owner.public_key, key);
      if (session.actor.id !== owner.id) this.ctx.sealKeyTo(spaceRef(id), 0, session.actor.id, profileOf(session).keyPair.publicKey, key);
      session.keys.add(id, 0, 0, key);
      this.ctx.keysChanged();
      trail.targets.push(id);
      trail.details.space = spaceName;
      return this.spaceInfo(session, id);
    });
  }

  listSpaces(session: Session): SpaceInfo[] {
    return this.ctx.observe(session, 'listSpaces', () => {
      const seeAll = actorMay(session.actor, 'space.manage') || actorMay(session.actor, 'audit.read');
      const ids = (this.ctx.db.prepare('SELECT id FROM spaces ORDER BY name').all() as { id: string }[]).map((r) => r.id);
      return ids.filter((id) => seeAll || session.keys.has(id)).map((id) => this.spaceInfo(session, id));
    });
  }

  /** Seals every epoch the granter holds, so the new member reads versions not yet re-keyed too. */
  grantSpace(session: Session, space: unknown, profile: unknown): void {
    this.ctx.act(session, 'grantSpace', (trail) => {
      const spaceId = this.ctx.requireSpace(parse(spaceNameSchema, space));
      const target = this.ctx.requireProfile(parse(profileNameSchema, profile));
      trail.targets.push(spaceId, target.id);
      if (!session.keys.has(spaceId)) throw forbidden('this profile does not hold that space key, so it cannot share it');
      if (!roleMay(target.role, 'memory.read')) throw invalid(`a profile with role ${target.role} never reads memories`);
      for (const [epoch, key] of session.keys.epochs(spaceId)) this.ctx.sealKeyTo(spaceRef(spaceId), epoch, target.id, target.public_key, key);
      this.ctx.keysChanged();
    });
  }

  /**
   * Takes a profile out of a space: its keys go, the agents it minted lose the space too, and
   * the space gets a new key that the profile never saw. Older versions keep the old key until
   * `rekeySpaces` re-encrypts them.
   */
  revokeSpace(session: Session, space: unknown, profile: unknown): void {
    this.ctx.act(session, 'revokeSpace', (trail) => {
      const spaceId = this.ctx.requireSpace(parse(spaceNameSchema, space));
      const target = this.ctx.requireProfile(parse(profileNameSchema, profile));
      trail.targets.push(spaceId, target.id);
      if (target.role === 'owner') throw forbidden('the owner keeps every space');
      const removed = this.ctx.db.prepare('DELETE FROM sealed_keys WHERE key_ref = ? AND profile_id = ?').run(spaceRef(spaceId), target.id).changes;
      const agents = this.rotation.endCreatedAgents(session, target.id, { space: spaceId }, 'its creator lost access to the space');
      if (removed > 0 || agents.size > 0) this.rotation.rotate(spaceId, trail);
    });
  }

  private spaceInfo(session: Session, id: string): SpaceInfo {
    const s = this.ctx.db.prepare('SELECT id, name, created_at FROM spaces WHERE id = ?').get(id) as { id: string; name: string; created_at: number };
    // Agents are not told which people share their spaces.
    const members = session.actor.type === 'agent' ? [] : (
      this.ctx.db.prepare('SELECT DISTINCT p.name FROM sealed_keys k JOIN profiles p ON p.id = k.profile_id WHERE k.key_ref = ? ORDER BY p.name').all(spaceRef(id)) as {
        name: string;
      }[]
    ).map((r) => r.name);
    const memories = (this.ctx.db.prepare('SELECT count(*) AS n FROM memories WHERE space_id = ?').get(id) as { n: number }).n;
    return { id: s.id, name: s.name, createdAt: new Date(s.created_at).toISOString(), members, granted: session.keys.has(id), memories };
  }
}
