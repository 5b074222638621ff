import type { Db } from '../store/database.js';
import { associatedData } from '../crypto/aead.js';
import { sign, verifySignature } from '../crypto/keys.js';

/** The vault's own key; owner and admins hold it. */
export const VAULT_SIGNER = 'vault';
/**
 * A profile's first key signs as `profile:<id>`; a key issued by a password reset also names
 * itself, so checkpoints its earlier key signed still verify against that key's row.
 */
export const profileSigner = (profileId: string, reissuedKey?: Uint8Array): string =>
  reissuedKey ? `profile:${profileId}:${Buffer.from(reissuedKey).subarray(0, 8).toString('hex')}` : `profile:${profileId}`;
/** An agent's key changes with every token, so its signer id names the key too. */
export const agentSigner = (agentId: string, publicKey: Uint8Array): string => `agent:${agentId}:${Buffer.from(publicKey).subarray(0, 8).toString('hex')}`;

/** Whose key signs: its id in audit_signers and the Ed25519 secret key. */
export interface SignerKey {
  id: string;
  secretKey: Uint8Array;
}

/** A certificate binds a signer id to its public key, in this vault, under the certifier's signature. */
export function certificateMessage(vaultId: string, signerId: string, publicKey: Uint8Array): Uint8Array {
  return Buffer.concat([associatedData('memvault-audit-signer-v1', vaultId, signerId), publicKey]);
}

interface SignerRow {
  id: string;
  public_key: Buffer;
  certified_by: string | null;
  certificate: Buffer | null;
}

/**
 * Records a signing key. With a certifier (the vault key, or a profile key the vault
 * certified) the row is certified at once; without one (a key first seen after an upgrade)
 * it waits for the next owner or admin, and checkpoints it signs do not count until then.
 */
export function registerSigner(db: Db, vaultId: string, signerId: string, publicKey: Uint8Array, certifier: SignerKey | null, now: number): void {
  const cert = certifier ? sign(certifier.secretKey, certificateMessage(vaultId, signerId, publicKey)) : null;
  db.prepare(
    `INSERT INTO audit_signers (id, public_key, certified_by, certificate, created_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET certified_by = excluded.certified_by, certificate = excluded.certificate
       WHERE audit_signers.certificate IS NULL AND excluded.certificate IS NOT NULL AND audit_signers.public_key = excluded.public_key`,
  ).run(signerId, publicKey, certifier?.id ?? null, cert, now);
}

/** The vault key certifies every key still waiting (trust on first use, for keys that predate certificates). */
export function certifyPending(db: Db, vaultId: string, vaultKey: SignerKey): void {
  const pending = db.prepare('SELECT id, public_key FROM audit_signers WHERE certificate IS NULL').all() as { id: string; public_key: Buffer }[];
  const update = db.prepare('UPDATE audit_signers SET certified_by = ?, certificate = ? WHERE id = ? AND certificate IS NULL');
  for (const p of pending) update.run(vaultKey.id, sign(vaultKey.secretKey, certificateMessage(vaultId, p.id, p.public_key)), p.id);
}

/**
 * Public keys whose certificate chain leads back to the vault key; keys without one, or with
 * a broken one, are left out, so a row written into the file by hand signs nothing.
 */
export function trustedSigners(db: Db, vaultId: string, vaultPublicKey: Uint8Array): Map<string, Uint8Array> {
  const rows = new Map((db.prepare('SELECT id, public_key, certified_by, certificate FROM audit_signers').all() as SignerRow[]).map((r) => [r.id, r]));
  const trusted = new Map<string, Uint8Array>([[VAULT_SIGNER, vaultPublicKey]]);
  const resolve = (id: string, depth: number): Uint8Array | undefined => {
    const known = trusted.get(id);
    if (known || depth > 3) return known;
    const r = rows.get(id);
    if (!r?.certified_by || !r.certificate) return undefined;
    const certifierKey = resolve(r.certified_by, depth + 1);
    if (!certifierKey || !verifySignature(certifierKey, certificateMessage(vaultId, r.id, r.public_key), r.certificate)) return undefined;
    trusted.set(r.id, new Uint8Array(r.public_key));
    return trusted.get(r.id);
  };
  for (const id of rows.keys()) resolve(id, 0);
  return trusted;
}
