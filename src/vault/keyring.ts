import { openSealed, type BoxKeyPair } from '../crypto/keys.js';
import { zeroize } from '../crypto/zeroize.js';
import type { Db } from '../store/database.js';
import { VaultError } from './errors.js';

/**
 * The space keys one session holds, by epoch. A space counts as granted only while the
 * session holds its current epoch: that is the key new writes use. Older epochs open records
 * not yet re-keyed after a rotation.
 */
export class Keyring {
  private readonly spaces = new Map<string, { current: number; keys: Map<number, Uint8Array> }>();

  add(spaceId: string, currentEpoch: number, epoch: number, key: Uint8Array): void {
    let s = this.spaces.get(spaceId);
    if (!s) this.spaces.set(spaceId, (s = { current: currentEpoch, keys: new Map() }));
    s.keys.set(epoch, key);
  }

  has(spaceId: string): boolean {
    const s = this.spaces.get(spaceId);
    return s !== undefined && s.keys.has(s.current);
  }

  /** Granted spaces, in a stable order. */
  spaceIds(): string[] {
    return [...this.spaces.keys()].filter((id) => this.has(id)).sort();
  }

  current(spaceId: string): { epoch: number; key: Uint8Array } {
    const s = this.spaces.get(spaceId);
    const key = s?.keys.get(s.current);
    if (!s || !key) throw new VaultError('not_found', 'space not found');
    return { epoch: s.current, key };
  }

  key(spaceId: string, epoch: number): Uint8Array | undefined {
    return this.spaces.get(spaceId)?.keys.get(epoch);
  }

  /** Every epoch held for a space, so a grant passes on what is needed to read old records too. */
  epochs(spaceId: string): [number, Uint8Array][] {
    return [...(this.spaces.get(spaceId)?.keys ?? [])];
  }

  wipe(): void {
    for (const s of this.spaces.values()) zeroize(...s.keys.values());
    this.spaces.clear();
  }
}

export const SIGNING_REF = 'signing';
export const SPACE_REF_PREFIX = 'space:';
export const spaceRef = (spaceId: string): string => `${SPACE_REF_PREFIX}${spaceId}`;

function currentEpochs(db: Db): Map<string, number> {
  return new Map((db.prepare('SELECT id, key_epoch FROM spaces').all() as { id: string; key_epoch: number }[]).map((r) => [r.id, r.key_epoch]));
}

function openOrIntegrity(keyPair: BoxKeyPair, sealed: Uint8Array): Uint8Array {
  try {
    return openSealed(keyPair, sealed);
  } catch {
    throw new VaultError('integrity', 'a key sealed to this profile or agent could not be opened');
  }
}

/** Opens every key sealed to a profile: its spaces by epoch, and the vault signing key if its role holds it. */
export function loadProfileKeys(db: Db, profileId: string, keyPair: BoxKeyPair): { keyring: Keyring; vaultKey: Uint8Array | null } {
  const epochs = currentEpochs(db);
  const keyring = new Keyring();
  let vaultKey: Uint8Array | null = null;
  const rows = db.prepare('SELECT key_ref, epoch, sealed FROM sealed_keys WHERE profile_id = ?').all(profileId) as { key_ref: string; epoch: number; sealed: Buffer }[];
  for (const r of rows) {
    const key = openOrIntegrity(keyPair, r.sealed);
    if (r.key_ref === SIGNING_REF) vaultKey = key;
    else if (r.key_ref.startsWith(SPACE_REF_PREFIX)) {
      const spaceId = r.key_ref.slice(SPACE_REF_PREFIX.length);
      keyring.add(spaceId, epochs.get(spaceId) ?? 0, r.epoch, key);
    } else zeroize(key);
  }
  return { keyring, vaultKey };
}

/** Opens the space keys sealed to an agent's public key. */
export function loadAgentKeys(db: Db, agentId: string, keyPair: BoxKeyPair): Keyring {
  const epochs = currentEpochs(db);
  const keyring = new Keyring();
  const rows = db.prepare('SELECT space_id, epoch, sealed FROM agent_sealed_keys WHERE agent_id = ?').all(agentId) as { space_id: string; epoch: number; sealed: Buffer }[];
  for (const r of rows) keyring.add(r.space_id, epochs.get(r.space_id) ?? 0, r.epoch, openOrIntegrity(keyPair, r.sealed));
  return keyring;
}
