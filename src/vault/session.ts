import type { AgentGrant } from '../contract/agent.js';
import type { Role } from '../contract/roles.js';
import type { BoxKeyPair } from '../crypto/keys.js';
import { zeroize } from '../crypto/zeroize.js';
import { VaultError } from './errors.js';
import { VAULT_SIGNER, type SignerKey } from '../audit/signers.js';
import type { Keyring } from './keyring.js';

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
 * What an unlocked profile or an authenticated agent holds: its X25519 key pair (to open the
 * keys sealed to it), the space keys by epoch, the vault signing key (owner and admins), its
 * own audit-signing key. The plaintext index of its spaces is the process's shared one. When
 * another session changes who holds what, the vault reloads actor and keys here (`keySeq`
 * says which change it has seen).
 * Front doors keep the object and pass it back; only the service reads inside it.
 */
export class Session {
  locked = false;
  /** The vault's key change counter when the keys were last loaded. */
  keySeq = 0;
  /** When the session last passed a permission check (epoch ms), for idle expiry. */
  lastUsedAt = 0;

  constructor(
    public actor: Actor,
    readonly keyPair: BoxKeyPair,
    public keys: Keyring,
    public vaultKey: Uint8Array | null,
    private readonly ownKey: SignerKey,
  ) {}

  get label(): string {
    return `${this.actor.type}:${this.actor.name}`;
  }

  /** The key that signs this session's events: the vault key where held, else its own. */
  get signer(): SignerKey {
    // Its keys are zeroed once locked: a checkpoint signed with them would be forged-looking.
    if (this.locked) throw new VaultError('locked', 'this session is locked');
    return this.vaultKey ? { id: VAULT_SIGNER, secretKey: this.vaultKey } : this.ownKey;
  }

  /** Its own certified key, which certifies the agents a profile creates. */
  get ownSigner(): SignerKey {
    return this.ownKey;
  }

  replaceKeys(keys: Keyring, vaultKey: Uint8Array | null): void {
    this.keys.wipe();
    if (this.vaultKey !== vaultKey) zeroize(this.vaultKey);
    this.keys = keys;
    this.vaultKey = vaultKey;
  }

  wipe(): void {
    zeroize(this.keyPair.secretKey, this.vaultKey, this.ownKey.secretKey);
    this.keys.wipe();
    this.locked = true;
  }
}
