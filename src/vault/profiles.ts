import { randomUUID } from 'node:crypto';
import type { Role } from '../contract/roles.js';
import { addProfileSchema, passwordSchema, profileNameSchema, roleSchema, type PasswordReset, type ProfileInfo, type SessionInfo } from '../contract/vault.js';
import { deriveKey, newKdfParams, readKdfParams, KDF_FLOOR, type KdfParams } from '../crypto/kdf.js';
import { keyFromRecoveryKey, newBoxKeyPair, parseRecoveryKey, profileSigningKeyPair, unwrapSecret, wrapSecret, type BoxKeyPair } from '../crypto/keys.js';
import { DecryptionError } from '../crypto/aead.js';
import { zeroize } from '../crypto/zeroize.js';
import { certifyPending, profileSigner, registerSigner, VAULT_SIGNER } from '../audit/signers.js';
import { ROLE_PERMISSIONS, mayManageProfile, roleMay } from './policy.js';
import { VaultError, forbidden, invalid } from './errors.js';
import { Session } from './session.js';
import { parse } from './validate.js';
import { type ProfileRow, profileOf } from './rows.js';
import { loadProfileKeys, SIGNING_REF, spaceRef } from './keyring.js';
import type { KeyRotation } from './rotation.js';
import type { VaultContext } from './vault-context.js';

/** Failed password attempts allowed before each further attempt must wait, doubling up to the maximum. */
const THROTTLE_AFTER = 3;
const THROTTLE_MAX_SECONDS = 300;
const UNKNOWN_PROFILE = '(unknown profile)';

/** Local profiles: unlocking, recovery, roles and passwords. */
export class ProfileOps {
  constructor(
    private readonly ctx: VaultContext,
    private readonly rotation: KeyRotation,
  ) {}

  async unlock(profileName: string, password: string): Promise<Session> {
    const name = typeof profileName === 'string' ? profileName : '';
    const row = profileNameSchema.safeParse(name).success ? this.ctx.profileByName(name) : undefined;
    this.refuseIfThrottled(row, 'unlock');
    const params: KdfParams = row ? storedKdf(row.kdf) : { algorithm: 'argon2id', ...KDF_FLOOR, salt: 'AAAAAAAAAAAAAAAAAAAAAA==' };
    // A missing profile costs the same KDF run as a wrong password, so timing does not tell them apart.
    const kek = await deriveKey(typeof password === 'string' ? password : '', params);
    let secretKey: Uint8Array | undefined;
    try {
      if (row) secretKey = unwrapSecret(kek, row.wrapped_secret, 'profile', this.ctx.vaultId, row.id);
    } catch (err) {
      if (!(err instanceof DecryptionError)) throw err;
    } finally {
      zeroize(kek);
    }
    if (!row || !secretKey) {
      // A name that is no profile may be an e-mail address or a pasted secret: it is not logged.
      this.recordFailedAttempt(row, 'unlock', row ? row.name : UNKNOWN_PROFILE);
      throw new VaultError('auth_failed', 'wrong profile name or password');
    }
    return this.startSession(row, { publicKey: new Uint8Array(row.public_key), secretKey });
  }

  /** Resets the owner's password with the recovery key shown at vault creation. */
  async recoverOwner(recoveryKeyText: string, newPassword: string): Promise<void> {
    const password = parse(passwordSchema, newPassword);
    const owner = this.ctx.db.prepare("SELECT * FROM profiles WHERE role = 'owner'").get() as ProfileRow;
    this.refuseIfThrottled(owner, 'recoverOwner');
    const raw = parseRecoveryKey(recoveryKeyText);
    let secretKey: Uint8Array | undefined;
    if (raw && owner.recovery_wrapped) {
      const key = keyFromRecoveryKey(raw);
      try {
        secretKey = unwrapSecret(key, owner.recovery_wrapped, 'recovery', this.ctx.vaultId, owner.id);
      } catch (err) {
        if (!(err instanceof DecryptionError)) throw err;
      } finally {
        zeroize(key, raw);
      }
    }
    if (!secretKey) {
      this.recordFailedAttempt(owner, 'recoverOwner', owner.name);
      throw new VaultError('auth_failed', 'the recovery key is not valid for this vault');
    }
    // The owner's own certified key signs the reset, as every profile action is signed at once.
    const own = profileSigningKeyPair(secretKey);
    try {
      const { kdf, wrapped } = await this.wrapUnderPassword(owner.id, secretKey, password);
      this.ctx.write(() => {
        this.ctx.db
          .prepare('UPDATE profiles SET kdf = ?, wrapped_secret = ?, failed_attempts = 0, updated_at = ? WHERE id = ?')
          .run(kdf, wrapped, this.ctx.clock(), owner.id);
        this.ctx.appendEvent({ actorType: 'profile', actorId: owner.name, action: 'recoverOwner', targets: [owner.id], outcome: 'ok' });
        this.ctx.guard.sign({ id: this.signerIdOf(owner.id, own.publicKey), secretKey: own.secretKey }, true);
      }, true);
    } finally {
      zeroize(secretKey, own.secretKey);
    }
  }

  /** The profile a front door unlocks when none is named. Names are not secret. */
  profileNames(): string[] {
    return (this.ctx.db.prepare('SELECT name FROM profiles ORDER BY name').all() as { name: unknown }[]).map((r) => String(r.name));
  }

  ownerName(): string {
    return (this.ctx.db.prepare("SELECT name FROM profiles WHERE role = 'owner'").get() as { name: string }).name;
  }

  whoami(session: Session): SessionInfo {
    this.ctx.assertUnlocked(session);
    const { actor } = profileOf(session);
    const { memoryKiB, iterations, parallelism } = storedKdf(this.ctx.profileById(actor.id)!.kdf);
    return { profile: actor.name, role: actor.role, spaces: this.ctx.grantedSpaceNames(session), permissions: [...ROLE_PERMISSIONS[actor.role]], kdf: { memoryKiB, iterations, parallelism } };
  }

  /**
   * Opens the profile's keys and registers its own signing key (certified by the vault key
   * when this profile holds it; otherwise at the next owner or admin unlock). Owners and
   * admins also certify any keys still waiting, then sign the head: the guard verifies the
   * chain first, so a tampered log is never sealed by an unlock. The profile's spaces are
   * indexed by the first operation that searches or lists them, so reading one memory by id
   * right after unlock (a CLI `get`) decrypts only that memory.
   */
  private startSession(row: ProfileRow, keyPair: BoxKeyPair): Session {
    const keySeq = this.ctx.keySeq();
    const { keyring, vaultKey } = loadProfileKeys(this.ctx.db, row.id, keyPair);
    const own = profileSigningKeyPair(keyPair.secretKey);
    const signerId = this.signerIdOf(row.id, own.publicKey);
    const session = new Session(
      { type: 'profile', id: row.id, name: row.name, role: row.role },
      keyPair,
      keyring,
      vaultKey,
      { id: signerId, secretKey: own.secretKey }
    );
    session.keySeq = keySeq;
    this.ctx.adopt(session);
    this.ctx.write(() => {
      this.ctx.db.prepare('UPDATE profiles SET failed_attempts = 0 WHERE id = ?').run(row.id);
      const vault = vaultKey ? { id: VAULT_SIGNER, secretKey: vaultKey } : null;
      registerSigner(this.ctx.db, this.ctx.vaultId, signerId, own.publicKey, vault, this.ctx.clock());
      if (vault) certifyPending(this.ctx.db, this.ctx.vaultId, vault);
      this.ctx.appendEvent({ actorType: 'profile', actorId: row.name, action: 'unlock', targets: [row.id], outcome: 'ok', details: {} });
      this.ctx.guard.sign(session.signer, true);
    });
    return session;
  }

  /** The signer id of a profile's signing key: its first key's, or a reissued key's own. */
  private signerIdOf(profileId: string, publicKey: Uint8Array): string {
    const first = this.ctx.db.prepare('SELECT public_key FROM audit_signers WHERE id = ?').get(profileSigner(profileId)) as { public_key: Buffer } | undefined;
    return !first || first.public_key.equals(publicKey) ? profileSigner(profileId) : profileSigner(profileId, publicKey);
  }

  /** Calibrated KDF parameters for a new password and the profile secret wrapped under the derived key. */
  private async wrapUnderPassword(profileId: string, secretKey: Uint8Array, password: string): Promise<{ kdf: string; wrapped: Uint8Array }> {
    const params = await newKdfParams(this.ctx.kdfPreset);
    const kek = await deriveKey(password, params);
    try {
      return { kdf: JSON.stringify(params), wrapped: wrapSecret(kek, secretKey, 'profile', this.ctx.vaultId, profileId) };
    } finally {
      zeroize(kek);
    }
  }

  /** After THROTTLE_AFTER failures each further attempt waits twice as long as the one before. */
  private refuseIfThrottled(row: ProfileRow | undefined, action: string): void {
    if (!row || row.failed_attempts < THROTTLE_AFTER) return;
    const waitSeconds = Math.min(2 ** (row.failed_attempts - THROTTLE_AFTER), THROTTLE_MAX_SECONDS);
    const remaining = row.last_failed_at + waitSeconds * 1000 - this.ctx.clock();
    if (remaining <= 0) return;
    this.ctx.write(() =>
      this.ctx.appendEvent({ actorType: 'anonymous', actorId: row.name, action, targets: [row.id], outcome: 'denied', details: { reason: 'throttled' } }),
    );
    throw new VaultError('throttled', 'too many failed attempts; wait before trying again', { retryAfterSeconds: Math.ceil(remaining / 1000) });
  }

  private recordFailedAttempt(row: ProfileRow | undefined, action: string, attemptedName: string): void {
    this.ctx.write(() => {
      if (row) this.ctx.db.prepare('UPDATE profiles SET failed_attempts = failed_attempts + 1, last_failed_at = ? WHERE id = ?').run(this.ctx.clock(), row.id);
      this.ctx.appendEvent({
        actorType: 'anonymous',
        actorId: attemptedName,
        action,
        targets: row ? [row.id] : [],
        outcome: 'failed',
        details: { reason: 'bad credentials' },
      });
    });
  }

  async addProfile(session: Session, raw: unknown): Promise<ProfileInfo> {
    this.ctx.authorize(session, 'addProfile', []);
    const input = parse(addProfileSchema, raw);
    if (!mayManageProfile(session.actor, null, input.role)) {
      this.ctx.denied(session, 'addProfile', [], { role: input.role });
      throw forbidden('that role cannot be given');
    }
    const kp = newBoxKeyPair();
    const id = randomUUID();
    try {
      const { kdf, wrapped } = await this.wrapUnderPassword(id, kp.secretKey, input.password);
      return this.ctx.act(session, 'addProfile', (trail) => {
        if (this.ctx.profileByName(input.name)) throw new VaultError('conflict', 'a profile with that name exists');
        const now = this.ctx.clock();
        this.ctx.db
          .prepare(
            `INSERT INTO profiles (id, name, role, kdf, public_key, wrapped_secret, created_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(id, input.name, input.role, kdf, kp.publicKey, wrapped, now, now);
        this.giveRoleKeys(session, id, kp.publicKey, input.role);
        for (const spaceName of input.spaces) {
          const spaceId = this.ctx.requireSpace(spaceName);
          if (!session.keys.has(spaceId)) throw forbidden('this profile does not hold that space key, so it cannot share it');
          if (!roleMay(input.role, 'memory.read')) throw invalid(`a profile with role ${input.role} never reads memories`);
          for (const [epoch, key] of session.keys.epochs(spaceId)) this.ctx.sealKeyTo(spaceRef(spaceId), epoch, id, kp.publicKey, key);
        }
        // Its own signing key is certified now, while its secret is in hand.
        const own = profileSigningKeyPair(kp.secretKey);
        registerSigner(this.ctx.db, this.ctx.vaultId, profileSigner(id), own.publicKey, session.signer, now);
        zeroize(own.secretKey);
        trail.targets.push(id);
        trail.details = { name: input.name, role: input.role };
        return this.profileInfo(this.ctx.profileById(id)!);
      });
    } finally {
      zeroize(kp.secretKey);
    }
  }

  listProfiles(session: Session): ProfileInfo[] {
    return this.ctx.act(session, 'listProfiles', () =>
      (this.ctx.db.prepare('SELECT * FROM profiles ORDER BY created_at, name').all() as ProfileRow[]).map((p) => this.profileInfo(p)),
    );
  }

  changeRole(session: Session, profile: unknown, role: unknown): ProfileInfo {
    return this.ctx.act(session, 'changeRole', (trail) => {
      const target = this.ctx.requireProfile(parse(profileNameSchema, profile));
      const newRole = parse(roleSchema, role);
      trail.targets.push(target.id);
      trail.details = { role: newRole };
      if (!mayManageProfile(session.actor, target.role, newRole)) throw forbidden('that role change is not allowed');
      this.ctx.db.prepare('UPDATE profiles SET role = ?, updated_at = ? WHERE id = ?').run(newRole, this.ctx.clock(), target.id);
      this.ctx.db.prepare('DELETE FROM sealed_keys WHERE key_ref = ? AND profile_id = ?').run(SIGNING_REF, target.id);
      const lost = new Set<string>();
      if (!roleMay(newRole, 'memory.read')) {
        for (const spaceId of this.rotation.profileSpaces(target.id)) lost.add(spaceId);
        this.ctx.db.prepare("DELETE FROM sealed_keys WHERE key_ref LIKE 'space:%' AND profile_id = ?").run(target.id);
      }
      for (const spaceId of this.rotation.endCreatedAgents(session, target.id, { role: newRole }, 'its creator no longer holds its grants')) lost.add(spaceId);
      for (const spaceId of lost) this.rotation.rotate(spaceId, trail);
      this.giveRoleKeys(session, target.id, target.public_key, newRole);
      this.ctx.keysChanged();
      return this.profileInfo(this.ctx.profileById(target.id)!);
    });
  }

  removeProfile(session: Session, profile: unknown): void {
    this.ctx.act(session, 'removeProfile', (trail) => {
      const target = this.ctx.requireProfile(parse(profileNameSchema, profile));
      trail.targets.push(target.id);
      trail.details.name = target.name;
      if (!mayManageProfile(session.actor, target.role, null)) throw forbidden('the owner cannot be removed');
      const lost = new Set(this.rotation.profileSpaces(target.id));
      for (const spaceId of this.rotation.endCreatedAgents(session, target.id, 'all', 'its creator was removed')) lost.add(spaceId);
      this.ctx.db.prepare('DELETE FROM profiles WHERE id = ?').run(target.id);
      for (const spaceId of lost) this.rotation.rotate(spaceId, trail);
      this.ctx.keysChanged();
    });
  }

  /** Rewraps only this profile's key blob under the new password; no memory is rewritten. */
  async changePassword(session: Session, current: unknown, next: unknown): Promise<void> {
    this.ctx.authorize(session, 'changePassword', [session.actor.id]);
    const newPassword = parse(passwordSchema, next);
    const row = this.ctx.profileById(session.actor.id)!;
    const oldKek = await deriveKey(typeof current === 'string' ? current : '', storedKdf(row.kdf));
    let ok = false;
    try {
      zeroize(unwrapSecret(oldKek, row.wrapped_secret, 'profile', this.ctx.vaultId, row.id));
      ok = true;
    } catch (err) {
      if (!(err instanceof DecryptionError)) throw err;
    } finally {
      zeroize(oldKek);
    }
    if (!ok) {
      this.recordFailedAttempt(row, 'changePassword', row.name);
      throw new VaultError('auth_failed', 'the current password is wrong');
    }
    const { kdf, wrapped } = await this.wrapUnderPassword(row.id, profileOf(session).keyPair.secretKey, newPassword);
    this.ctx.act(session, 'changePassword', (trail) => {
      trail.targets.push(row.id);
      this.ctx.db.prepare('UPDATE profiles SET kdf = ?, wrapped_secret = ?, updated_at = ? WHERE id = ?').run(kdf, wrapped, this.ctx.clock(), row.id);
    });
  }

  /**
   * Sets another profile's password when it is forgotten. Nobody else can open the old key
   * pair, so the profile gets a new one: the space keys the resetting profile holds are sealed
   * to it again (every epoch, so history stays readable); spaces it does not hold (an admin
   * outside a space; the owner holds every space, so no space is left without a holder) are
   * lost to the profile and rotated, and agents the profile created lose them too. Its open sessions
   * end at their next call. The owner's password is reset with the recovery key instead.
   */
  async resetPassword(session: Session, profile: unknown, next: unknown): Promise<PasswordReset> {
    this.ctx.authorize(session, 'resetPassword', []);
    const name = parse(profileNameSchema, profile);
    const password = parse(passwordSchema, next);
    const target = this.ctx.requireProfile(name);
    if (target.id === session.actor.id) throw invalid('to change your own password, use change password (it asks for the current one)');
    if (!mayManageProfile(session.actor, target.role, target.role)) {
      this.ctx.denied(session, 'resetPassword', [target.id], { name: target.name });
      throw forbidden('the owner’s password is reset with the recovery key');
    }
    const kp = newBoxKeyPair();
    try {
      const { kdf, wrapped } = await this.wrapUnderPassword(target.id, kp.secretKey, password);
      return this.ctx.act(session, 'resetPassword', (trail) => {
        trail.targets.push(target.id);
        const held = this.rotation.profileSpaces(target.id);
        const lost = held.filter((spaceId) => !session.keys.has(spaceId));
        this.ctx.db
          .prepare('UPDATE profiles SET kdf = ?, public_key = ?, wrapped_secret = ?, failed_attempts = 0, updated_at = ? WHERE id = ?')
          .run(kdf, kp.publicKey, wrapped, this.ctx.clock(), target.id);
        this.ctx.db.prepare('DELETE FROM sealed_keys WHERE profile_id = ?').run(target.id);
        for (const spaceId of held) {
          if (lost.includes(spaceId)) continue;
          for (const [epoch, key] of session.keys.epochs(spaceId)) this.ctx.sealKeyTo(spaceRef(spaceId), epoch, target.id, kp.publicKey, key);
        }
        this.giveRoleKeys(session, target.id, kp.publicKey, target.role);
        const own = profileSigningKeyPair(kp.secretKey);
        registerSigner(this.ctx.db, this.ctx.vaultId, this.signerIdOf(target.id, own.publicKey), own.publicKey, session.signer, this.ctx.clock());
        zeroize(own.secretKey);
        const rotated = new Set(lost);
        for (const spaceId of lost) for (const s of this.rotation.endCreatedAgents(session, target.id, { space: spaceId }, 'its creator lost the space')) rotated.add(s);
        for (const spaceId of rotated) this.rotation.rotate(spaceId, trail);
        this.ctx.keysChanged();
        const lostSpaces = lost.map((id) => this.ctx.spaceName(id));
        trail.details.name = target.name;
        trail.details.lostSpaces = lostSpaces.length;
        return { profile: this.profileInfo(this.ctx.profileById(target.id)!), lostSpaces };
      });
    } finally {
      zeroize(kp.secretKey);
    }
  }

  /** Admins (like the owner) sign audit checkpoints, so they receive the vault signing key. */
  private giveRoleKeys(session: Session, profileId: string, publicKey: Uint8Array, role: Role): void {
    if (role !== 'admin') return;
    if (!session.vaultKey) throw forbidden('this profile does not hold the vault signing key');
    this.ctx.sealKeyTo(SIGNING_REF, 0, profileId, publicKey, session.vaultKey);
  }

  private profileInfo(p: ProfileRow): ProfileInfo {
    const spaces = (
      this.ctx.db
        .prepare("SELECT DISTINCT s.name FROM sealed_keys k JOIN spaces s ON k.key_ref = 'space:' || s.id WHERE k.profile_id = ? ORDER BY s.name")
        .all(p.id) as { name: string }[]
    ).map((r) => r.name);
    return { id: p.id, name: p.name, role: p.role, spaces, createdAt: new Date(p.created_at).toISOString() };
  }
}

/** A profile's KDF parameters from the file, parsed within bounds. */
function storedKdf(text: string): KdfParams {
  const params = readKdfParams(text);
  if (!params) throw new VaultError('integrity', 'a profile’s key-derivation parameters in the vault file are not valid');
  return params;
}
