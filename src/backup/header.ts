import { createHmac, hkdfSync } from 'node:crypto';
import { z } from 'zod';
import { KDF_FLOOR } from '../crypto/kdf.js';
import { BackupError } from './errors.js';

/**
 * The byte layout (docs/backup-format.md): MAGIC, one version byte, the header's length (u32
 * big-endian), the header (UTF-8 JSON), a 32-byte HMAC-SHA-256 of everything before it, then
 * the secretstream body.
 */
export const MAGIC = new TextEncoder().encode('MVBACKUP');
export const FORMAT_VERSION = 1;
export const PREFIX_BYTES = MAGIC.length + 1 + 4;
export const MAC_BYTES = 32;
export const MAX_HEADER_BYTES = 64 * 1024;
export const MAX_STANZAS = 64;

const b64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/).max(8192);
const bytes = (n: number) => b64.refine((s) => Buffer.from(s, 'base64').length === n, `${n} bytes`);

/**
 * Passphrase-hashing costs a file may ask for: never below the vault's own floor (a hostile
 * file cannot make a weak passphrase cheap to guess) and never above 1 GiB or a minute's work.
 */
export const BACKUP_KDF_FLOOR = KDF_FLOOR;
export const BACKUP_KDF_CEILING = { memoryKiB: 1024 * 1024, iterations: 16, parallelism: 16 } as const;

const kdfSchema = z.strictObject({
  algorithm: z.literal('argon2id'),
  memoryKiB: z.number().int(),
  iterations: z.number().int(),
  parallelism: z.number().int(),
  salt: bytes(16),
});
export type BackupKdf = z.infer<typeof kdfSchema>;

const passphraseStanza = z.strictObject({ type: z.literal('passphrase'), kdf: kdfSchema, wrapped: bytes(24 + 32 + 16) });
/** age's X25519 recipient, in libsodium terms: an ephemeral key agrees with the recipient's, HKDF, XChaCha20-Poly1305. */
const recipientStanza = z.strictObject({ type: z.literal('x25519'), recipient: z.string().regex(/^[0-9a-f]{64}$/), ephemeral: bytes(32), wrapped: bytes(24 + 32 + 16) });
export const stanzaSchema = z.discriminatedUnion('type', [passphraseStanza, recipientStanza]);
export type Stanza = z.infer<typeof stanzaSchema>;

/** Who made the file: their public keys, and where the bundle stands in their sequence. */
const senderSchema = z.strictObject({
  name: z.string().min(1).max(64),
  boxKey: bytes(32),
  signingKey: bytes(32),
  sequence: z.number().int().min(1),
  /** The bundle id of the sender's previous bundle, or null for the first. */
  previous: z.string().regex(/^[0-9a-f]{64}$/).nullable(),
});
export type Sender = z.infer<typeof senderSchema>;

export const headerSchema = z.strictObject({
  created: z.iso.datetime(),
  scope: z.enum(['vault', 'spaces']),
  stanzas: z.array(stanzaSchema).min(1).max(MAX_STANZAS),
  sender: senderSchema,
});
export type BackupHeader = z.infer<typeof headerSchema>;

export interface ParsedHeader {
  header: BackupHeader;
  /** MAGIC through the end of the header JSON: what the MAC covers. */
  macInput: Uint8Array;
  mac: Uint8Array;
  /** Where the secretstream body starts. */
  bodyOffset: number;
}

/** Subkeys of the file key: one for the header MAC, one for the body stream. */
export function fileSubkey(fileKey: Uint8Array, purpose: 'header-mac' | 'payload'): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', fileKey, new Uint8Array(0), `memvault-backup-v1 ${purpose}`, 32));
}

export function headerMac(fileKey: Uint8Array, macInput: Uint8Array): Uint8Array {
  const key = fileSubkey(fileKey, 'header-mac');
  try {
    return new Uint8Array(createHmac('sha256', key).update(macInput).digest());
  } finally {
    key.fill(0);
  }
}

export function encodeHeader(header: BackupHeader): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  if (json.length > MAX_HEADER_BYTES) throw new Error('backup header too large');
  const out = new Uint8Array(PREFIX_BYTES + json.length);
  out.set(MAGIC);
  out[MAGIC.length] = FORMAT_VERSION;
  new DataView(out.buffer).setUint32(MAGIC.length + 1, json.length);
  out.set(json, PREFIX_BYTES);
  return out;
}

/**
 * Reads the header from the first bytes of a file (no key needed): magic, version, bounds,
 * shape, KDF costs within bounds, no key named twice. The MAC is checked once a key is had.
 */
export function parseHeader(head: Uint8Array): ParsedHeader {
  if (head.length < MAGIC.length || !MAGIC.every((b, i) => head[i] === b)) throw new BackupError('not_a_backup');
  if (head.length < PREFIX_BYTES) throw new BackupError('truncated', 'in the header');
  const version = head[MAGIC.length]!;
  if (version > FORMAT_VERSION) throw new BackupError('newer_version', `format ${version}; this Memvault reads format ${FORMAT_VERSION}`);
  if (version !== FORMAT_VERSION) throw new BackupError('bad_header', `format ${version}`);
  const length = new DataView(head.buffer, head.byteOffset, head.byteLength).getUint32(MAGIC.length + 1);
  if (length > MAX_HEADER_BYTES) throw new BackupError('bad_header', 'header length out of bounds');
  const end = PREFIX_BYTES + length;
  if (head.length < end + MAC_BYTES) throw new BackupError('truncated', 'in the header');
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(PREFIX_BYTES, end)));
  } catch {
    throw new BackupError('bad_header', 'not JSON');
  }
  const parsed = headerSchema.safeParse(json);
  if (!parsed.success) throw new BackupError('bad_header', parsed.error.issues[0]?.path.join('.') || 'shape');
  const header = parsed.data;
  const seen = new Set<string>();
  for (const s of header.stanzas) {
    const id = s.type === 'passphrase' ? 'passphrase' : s.recipient;
    if (seen.has(id)) throw new BackupError('duplicate_stanza');
    seen.add(id);
    if (s.type === 'passphrase') checkKdfBounds(s.kdf);
  }
  return { header, macInput: head.slice(0, end), mac: head.slice(end, end + MAC_BYTES), bodyOffset: end + MAC_BYTES };
}

function checkKdfBounds(kdf: BackupKdf): void {
  for (const k of ['memoryKiB', 'iterations', 'parallelism'] as const) {
    if (kdf[k] < BACKUP_KDF_FLOOR[k] || kdf[k] > BACKUP_KDF_CEILING[k]) throw new BackupError('kdf_out_of_bounds', `${k} ${kdf[k]}`);
  }
}
