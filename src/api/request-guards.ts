import type { IncomingMessage } from 'node:http';
import { VaultError } from '../vault/index.js';

/** Methods that may change state; each body must be JSON, which browsers cannot send cross-site without a preflight (a DELETE may have none). */
const STATE_CHANGING = new Set(['POST', 'PATCH', 'DELETE', 'PUT']);
const QUERY_SECRET_NAMES = /^(token|access_token|accesstoken|api_key|apikey|key|auth|authorization|bearer|secret)$/i;

export interface GuardConfig {
  hosts: ReadonlySet<string>;
  origins: ReadonlySet<string>;
}

/** How many times a header occurs; Node keeps only the first Host and joins others, so the raw list is the truth. */
export function headerCount(req: IncomingMessage, name: string): number {
  let n = 0;
  for (let i = 0; i < req.rawHeaders.length; i += 2) if (req.rawHeaders[i]!.toLowerCase() === name) n++;
  return n;
}

/**
 * Checks that run before authentication and before the body is read, in this order:
 * DNS rebinding (Host), cross-origin browsers (Origin), secrets in the URL, body type.
 */
export function guardRequest(req: IncomingMessage, config: GuardConfig): void {
  const hosts = headerCount(req, 'host');
  const host = req.headers.host ?? '';
  if (hosts !== 1 || host === '') throw new VaultError('invalid_input', 'exactly one Host header is required');
  if (!config.hosts.has(host.toLowerCase())) throw new VaultError('forbidden', 'this API answers only to its loopback address and port');

  const origins = headerCount(req, 'origin');
  if (origins > 1 || (origins === 1 && !config.origins.has(req.headers.origin ?? ''))) throw new VaultError('forbidden', 'cross-origin requests are not allowed');

  const url = req.url ?? '/';
  const q = url.indexOf('?');
  if (q >= 0 && queryCarriesSecret(url.slice(q + 1)))
    throw new VaultError('invalid_input', 'credentials are never accepted in the URL; send the token in the Authorization header');

  // A DELETE carries no body (curl -X DELETE, plain fetch); a body of any other type is still refused.
  const bodiless = req.method === 'DELETE' && !hasBody(req);
  if (STATE_CHANGING.has(req.method ?? '') && !bodiless && !isJson(req.headers['content-type']))
    throw new VaultError('unsupported_media_type', 'send state changes with Content-Type: application/json');
}

function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

function isJson(contentType: string | undefined): boolean {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase() === 'application/json';
}

function queryCarriesSecret(query: string): boolean {
  for (const [name, value] of new URLSearchParams(query)) if (QUERY_SECRET_NAMES.test(name) || value.includes('mvat_')) return true;
  return false;
}

/** The bearer token, or null when the Authorization header is missing, repeated or not a bearer. */
export function bearerToken(req: IncomingMessage): string | null {
  if (headerCount(req, 'authorization') !== 1) return null;
  const m = /^Bearer ([A-Za-z0-9_-]{1,256})$/.exec(req.headers.authorization ?? '');
  return m ? m[1]! : null;
}
