import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { requestKeyOf, zeroize } from '../vault/index.js';
import { sha256Hex } from './json-body.js';

/**
 * Optional HMAC request signing. The key is derived from the token's secret, so a captured
 * request cannot be changed or replayed: the signature covers method, path, query, host, a
 * hash of the body, a timestamp and a single-use nonce.
 */
export const SIGNATURE_HEADERS = {
  timestamp: 'memvault-timestamp',
  nonce: 'memvault-nonce',
  signature: 'memvault-signature',
} as const;

export const SIGNATURE_WINDOW_SECONDS = 300;
const NONCE_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;

export interface SignedParts {
  method: string;
  /** Path and query exactly as sent, e.g. `/v1/memories?limit=5`. */
  url: string;
  host: string;
  bodySha256: string;
  timestamp: string;
  nonce: string;
}

export function canonicalRequest(p: SignedParts): string {
  const q = p.url.indexOf('?');
  const path = q < 0 ? p.url : p.url.slice(0, q);
  const query = q < 0 ? '' : p.url.slice(q + 1);
  return ['memvault-v1', p.method.toUpperCase(), path, query, p.host.toLowerCase(), p.bodySha256, p.timestamp, p.nonce].join('\n');
}

export function signatureOf(requestKey: Uint8Array, parts: SignedParts): string {
  return createHmac('sha256', requestKey).update(canonicalRequest(parts)).digest('hex');
}

/** For clients: the three headers that sign one request. */
export function signRequest(
  token: string,
  request: { method: string; url: string; host: string; body?: string },
  now = Date.now(),
): Record<string, string> {
  const key = requestKeyOf(token);
  if (!key) throw new Error('not a Memvault agent token');
  const timestamp = String(Math.floor(now / 1000));
  const nonce = randomBytes(18).toString('base64url');
  const signature = signatureOf(key, { method: request.method, url: request.url, host: request.host, bodySha256: sha256Hex(request.body ?? ''), timestamp, nonce });
  zeroize(key);
  return { [SIGNATURE_HEADERS.timestamp]: timestamp, [SIGNATURE_HEADERS.nonce]: nonce, [SIGNATURE_HEADERS.signature]: signature };
}

export type SignatureCheck = { ok: true } | { ok: false; reason: string };

export function checkRequestSignature(
  requestKey: Uint8Array,
  parts: Omit<SignedParts, 'timestamp' | 'nonce'> & { timestamp?: string; nonce?: string; signature?: string },
  nowSeconds: number,
  /** Accepts a nonce once (the vault keeps it until `expiresAt`, Unix seconds); false for a replay. */
  claimNonce: (nonce: string, expiresAt: number) => boolean,
): SignatureCheck {
  const { timestamp, nonce, signature } = parts;
  if (!timestamp || !nonce || !signature) return { ok: false, reason: 'signature headers missing' };
  if (!/^\d{1,12}$/.test(timestamp) || !NONCE_PATTERN.test(nonce) || !/^[0-9a-f]{64}$/.test(signature)) return { ok: false, reason: 'malformed signature headers' };
  if (Math.abs(nowSeconds - Number(timestamp)) > SIGNATURE_WINDOW_SECONDS) return { ok: false, reason: 'stale signature timestamp' };
  const expected = Buffer.from(signatureOf(requestKey, { ...parts, timestamp, nonce }), 'hex');
  if (!timingSafeEqual(expected, Buffer.from(signature, 'hex'))) return { ok: false, reason: 'bad signature' };
  // Kept for twice the window, so a nonce outlives every timestamp that would still be accepted with it.
  if (!claimNonce(nonce, nowSeconds + 2 * SIGNATURE_WINDOW_SECONDS)) return { ok: false, reason: 'replayed nonce' };
  return { ok: true };
}
