import { hkdfSync } from 'node:crypto';
import { associatedData, DecryptionError, open, seal } from '../crypto/aead.js';
import { deriveKey } from '../crypto/kdf.js';
import { newBoxKeyPair, type BoxKeyPair } from '../crypto/keys.js';
import { randomBytes } from '../crypto/random.js';
import { sodiumSync } from '../crypto/sodium.js';
import { zeroize } from '../crypto/zeroize.js';
import { BackupError } from './errors.js';
import type { BackupKdf, Stanza } from './header.js';

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
const unb64 = (text: string) => new Uint8Array(Buffer.from(text, 'base64'));

/**
 * X25519. libsodium refuses a low-order point (the shared secret would be all zero, known to
 * anyone); a stanza or a contact key that is one is a hostile or broken file, not an internal error.
 */
/** Whether a public key can receive a bundle at all (a contact's key is checked when it is added). */
export function usableBoxKey(publicKey: Uint8Array): boolean {
  try {
    agreement(newBoxKeyPair().secretKey, publicKey);
    return true;
  } catch {
    return false;
  }
}

function agreement(secretKey: Uint8Array, publicKey: Uint8Array): Uint8Array {
  try {
    return sodiumSync().crypto_scalarmult(secretKey, publicKey);
  } catch {
    throw new BackupError('not_a_recipient', 'its key exchange uses a key no one can hold a secret for');
  }
}

/** Argon2id costs for a new passphrase backup: the vault's floor, which each reader also enforces. */
export async function passphraseStanza(fileKey: Uint8Array, passphrase: string, cost: Omit<BackupKdf, 'algorithm' | 'salt'>): Promise<Stanza> {
  const kdf: BackupKdf = { algorithm: 'argon2id', ...cost, salt: b64(randomBytes(16)) };
  const kek = await deriveKey(passphrase, kdf);
  try {
    return { type: 'passphrase', kdf, wrapped: b64(seal(kek, fileKey, associatedData('memvault-backup-v1', 'passphrase'))) };
  } finally {
    zeroize(kek);
  }
}

/** The wrapping key an X25519 agreement gives: HKDF over the shared secret, salted with both public keys (as age does). */
function agreedKey(shared: Uint8Array, ephemeral: Uint8Array, recipient: Uint8Array): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', shared, Buffer.concat([ephemeral, recipient]), 'memvault-backup-v1 x25519', 32));
}

export function recipientStanza(fileKey: Uint8Array, recipientBoxKey: Uint8Array, recipientFingerprint: string): Stanza {
  const eph = newBoxKeyPair();
  const shared = agreement(eph.secretKey, recipientBoxKey);
  const key = agreedKey(shared, eph.publicKey, recipientBoxKey);
  try {
    return { type: 'x25519', recipient: recipientFingerprint, ephemeral: b64(eph.publicKey), wrapped: b64(seal(key, fileKey, associatedData('memvault-backup-v1', 'x25519', recipientFingerprint))) };
  } finally {
    zeroize(eph.secretKey, shared, key);
  }
}

/** How the reader unlocks the file: a passphrase, or a profile's key pair and its fingerprint. */
export type BackupKey = { passphrase: string } | { keyPair: BoxKeyPair; fingerprint: string };

export async function unwrapFileKey(stanzas: readonly Stanza[], key: BackupKey): Promise<Uint8Array> {
  if ('passphrase' in key) {
    const stanza = stanzas.find((s) => s.type === 'passphrase');
    if (!stanza) throw new BackupError('not_a_recipient', 'it is locked to teammates’ keys, not a passphrase');
    const kek = await deriveKey(key.passphrase, stanza.kdf);
    try {
      return open(kek, unb64(stanza.wrapped), associatedData('memvault-backup-v1', 'passphrase'));
    } catch (err) {
      if (err instanceof DecryptionError) throw new BackupError('wrong_passphrase');
      throw err;
    } finally {
      zeroize(kek);
    }
  }
  const stanza = stanzas.find((s) => s.type === 'x25519' && s.recipient === key.fingerprint);
  if (!stanza || stanza.type !== 'x25519') {
    throw stanzas.some((s) => s.type === 'passphrase') && !stanzas.some((s) => s.type === 'x25519') ? new BackupError('no_passphrase') : new BackupError('not_a_recipient');
  }
  const ephemeral = unb64(stanza.ephemeral);
  const shared = agreement(key.keyPair.secretKey, ephemeral);
  const wrapKey = agreedKey(shared, ephemeral, key.keyPair.publicKey);
  try {
    return open(wrapKey, unb64(stanza.wrapped), associatedData('memvault-backup-v1', 'x25519', stanza.recipient));
  } catch (err) {
    if (err instanceof DecryptionError) throw new BackupError('not_a_recipient', 'its key for this profile does not open');
    throw err;
  } finally {
    zeroize(shared, wrapKey);
  }
}
