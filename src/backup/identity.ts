import { createHash } from 'node:crypto';
import { wordlist } from '@scure/bip39/wordlists/english.js';
import QRCode from 'qrcode';
import { BackupError } from './errors.js';
import { usableBoxKey } from './stanzas.js';

/** A profile's public identity for team bundles: the X25519 key bundles are locked to, the Ed25519 key that signs them. */
export interface PublicIdentity {
  boxKey: Uint8Array;
  signingKey: Uint8Array;
}

const KEY_PREFIX = 'mvpk1:';
const CHECK_BYTES = 4;

/** SHA-256 over both keys: what stanzas name and what people compare. */
export function fingerprint(id: PublicIdentity): Uint8Array {
  return new Uint8Array(createHash('sha256').update('memvault-identity-v1').update(id.boxKey).update(id.signingKey).digest());
}

export const fingerprintHex = (id: PublicIdentity): string => Buffer.from(fingerprint(id)).toString('hex');

/** The text a teammate pastes into `contact add`: both keys and a 4-byte checksum that catches a slip in copying. */
export function encodePublicKey(id: PublicIdentity): string {
  const body = Buffer.concat([id.boxKey, id.signingKey]);
  const check = createHash('sha256').update(body).digest().subarray(0, CHECK_BYTES);
  return KEY_PREFIX + Buffer.concat([body, check]).toString('base64url');
}

export function parsePublicKey(text: string): PublicIdentity {
  const clean = text.trim();
  const raw = clean.startsWith(KEY_PREFIX) ? Buffer.from(clean.slice(KEY_PREFIX.length), 'base64url') : Buffer.alloc(0);
  if (raw.length !== 64 + CHECK_BYTES) throw new BackupError('bad_key', `a Memvault public key starts with ${KEY_PREFIX} and has ${Math.ceil(((64 + CHECK_BYTES) * 4) / 3)} more characters`);
  const body = raw.subarray(0, 64);
  if (!createHash('sha256').update(body).digest().subarray(0, CHECK_BYTES).equals(raw.subarray(64))) throw new BackupError('bad_key', 'its checksum does not match: a character was changed in copying');
  const boxKey = new Uint8Array(body.subarray(0, 32));
  if (!usableBoxKey(boxKey)) throw new BackupError('bad_key', 'its encryption part is not a key anyone can hold a secret for (a forged key)');
  return { boxKey, signingKey: new Uint8Array(body.subarray(32)) };
}

/** Six words from the English BIP-39 list: the fingerprint's first 66 bits, for reading aloud. */
export function fingerprintWords(id: PublicIdentity): string[] {
  let bits = BigInt(`0x${Buffer.from(fingerprint(id).subarray(0, 9)).toString('hex')}`) >> 6n;
  const words: string[] = [];
  for (let i = 0; i < 6; i++) {
    words.unshift(wordlist[Number(bits & 2047n)]!);
    bits >>= 11n;
  }
  return words;
}

/** Sixty digits in twelve groups of five (as Signal's safety numbers): the fingerprint read as a number, mod 10^60. */
export function fingerprintDigits(id: PublicIdentity): string[] {
  const n = BigInt(`0x${Buffer.from(fingerprint(id)).toString('hex')}`) % 10n ** 60n;
  return n.toString().padStart(60, '0').match(/.{5}/g)!;
}

/** The public key as a QR code's modules, row by row ('1' dark), for the app to draw. */
export function qrModules(text: string): { size: number; modules: string } {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
  return { size: modules.size, modules: Array.from(modules.data, (b) => (b ? '1' : '0')).join('') };
}
