import type { Role } from '../contract/roles.js';
import type { BoxKeyPair } from '../crypto/keys.js';
import { zeroize } from '../crypto/zeroize.js';
import type { MemoryIndex } from '../store/memory-index.js';

export interface ProfileActor {
  type: 'profile';
  id: string;
  name: string;
  role: Role;
}

/**
 * What an unlocked profile holds: its key pair, the space keys it could open, the vault
 * signing key if its role has one, and its in-memory index. Front doors keep the object and
 * pass it back; only the service reads inside it.
 */
export class Session {
  locked = false;
  /** Highest change sequence already reflected in the index. */
  lastSeq = 0;

  constructor(
    readonly actor: ProfileActor,
    readonly keyPair: BoxKeyPair,
    readonly spaceKeys: Map<string, Uint8Array>,
    readonly signingKey: Uint8Array | null,
    readonly index: MemoryIndex,
  ) {}

  get label(): string {
    return `${this.actor.type}:${this.actor.name}`;
  }

  wipe(): void {
    zeroize(this.keyPair.secretKey, this.signingKey, ...this.spaceKeys.values());
    this.spaceKeys.clear();
    this.index.drop();
    this.locked = true;
  }
}
