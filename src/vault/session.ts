import type { AgentGrant } from '../contract/agent.js';
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

export interface AgentActor {
  type: 'agent';
  id: string;
  name: string;
  grants: readonly AgentGrant[];
  requestsPerMinute: number;
  dailyWrites: number;
  requireSigning: boolean;
  expiresAt: number | null;
}

export type Actor = ProfileActor | AgentActor;

/**
 * What an unlocked profile or an authenticated agent holds: the space keys it could open, a
 * profile's key pair and (by role) the vault signing key, and its in-memory index. Front
 * doors keep the object and pass it back; only the service reads inside it.
 */
export class Session {
  locked = false;
  /** Highest change sequence already reflected in the index. */
  lastSeq = 0;

  constructor(
    readonly actor: Actor,
    readonly keyPair: BoxKeyPair | null,
    readonly spaceKeys: Map<string, Uint8Array>,
    readonly signingKey: Uint8Array | null,
    readonly index: MemoryIndex,
  ) {}

  get label(): string {
    return `${this.actor.type}:${this.actor.name}`;
  }

  wipe(): void {
    zeroize(this.keyPair?.secretKey, this.signingKey, ...this.spaceKeys.values());
    this.spaceKeys.clear();
    this.index.drop();
    this.locked = true;
  }
}
