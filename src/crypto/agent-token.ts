import { createHash, hkdfSync, timingSafeEqual } from 'node:crypto';
import { randomBytes } from './random.js';
import { zeroize } from './zeroize.js';
import { boxKeyPairFromSeed, signingKeyPairFromSeed, type BoxKeyPair, type SigningKeyPair } from './keys.js';

/**
 * An agent token is `mvat_<identifier>_<secret>`: 128 random bits that name the credential
 * and 256 random bits that never leave the agent. The vault keeps a hash of the identifier
 * (to find the row), a verifier derived from the secret, and space keys wrapped under another
 * key derived from the secret. The prefix lets secret scanners recognise leaked tokens.
 * The last base64url character of 32 bytes carries 2 unused bits; only the canonical spelling
 * (those bits zero) is accepted, so one token has exactly one accepted text.
 */
const TOKEN_PATTERN = /^mvat_([0-9a-f]{32})_([A-Za-z0-9_-]{42}[AEIMQUYcgkosw048])$/;

export interface ParsedAgentToken {
  idHash: Uint8Array;
  secret: Uint8Array;
}

export function newAgentToken(): { token: string; parsed: ParsedAgentToken } {
  const id = Buffer.from(randomBytes(16)).toString('hex');
  const secret = randomBytes(32);
  const token = `mvat_${id}_${Buffer.from(secret).toString('base64url')}`;
  return { token, parsed: { idHash: hashIdentifier(id), secret } };
}

export function parseAgentToken(token: string): ParsedAgentToken | null {
  const m = TOKEN_PATTERN.exec(token);
  if (!m) return null;
  return { idHash: hashIdentifier(m[1]!), secret: new Uint8Array(Buffer.from(m[2]!, 'base64url')) };
}

/**
 * The secret is already 256 random bits, so HKDF (not a slow password KDF) separates its uses.
 * Each key is derived only where it is needed: the verifier on every request, the wrapping key
 * when a session starts, the request key only for signed requests.
 */
const derive = (secret: Uint8Array, info: string): Uint8Array => new Uint8Array(hkdfSync('sha256', secret, 'memvault-agent-token-v1', info, 32));

/** Stored; proves the secret without revealing it. */
export const tokenVerifier = (secret: Uint8Array): Uint8Array => derive(secret, 'verifier');
/** Wrapped the granted space keys in release 0.1.0; read once to convert such an agent. */
export const tokenWrappingKey = (secret: Uint8Array): Uint8Array => derive(secret, 'wrap-space-keys');
/** Signs requests when the agent uses HMAC request signing. */
export const tokenRequestKey = (secret: Uint8Array): Uint8Array => derive(secret, 'sign-requests');

/** The agent's X25519 key pair: space keys are sealed to its public half, so they can be re-sealed without the token. */
export function tokenBoxKeyPair(secret: Uint8Array): BoxKeyPair {
  return fromSeed(derive(secret, 'box-key'), boxKeyPairFromSeed);
}

/** The agent's Ed25519 key pair: it signs the audit chain head after the agent's own actions. */
export function tokenSigningKeyPair(secret: Uint8Array): SigningKeyPair {
  return fromSeed(derive(secret, 'audit-signing'), signingKeyPairFromSeed);
}

function fromSeed<T>(seed: Uint8Array, make: (seed: Uint8Array) => T): T {
  try {
    return make(seed);
  } finally {
    seed.fill(0);
  }
}

/** Both sides are fixed-length digests, so the comparison never leaks where they differ. */
export function verifierMatches(stored: Uint8Array, presented: Uint8Array): boolean {
  return stored.length === presented.length && timingSafeEqual(stored, presented);
}

function hashIdentifier(id: string): Uint8Array {
  return new Uint8Array(createHash('sha256').update('memvault-agent-id-v1').update(id).digest());
}

/** The request-signing key of a token; null for a malformed token. */
export function requestKeyOf(token: string): Uint8Array | null {
  const parsed = parseAgentToken(token);
  if (!parsed) return null;
  const key = tokenRequestKey(parsed.secret);
  zeroize(parsed.secret);
  return key;
}
