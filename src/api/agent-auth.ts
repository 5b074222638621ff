import type { FastifyRequest } from 'fastify';
import { requestKeyOf, zeroize, VaultError, agentAuthFailed, type VaultService } from '../vault/index.js';
import type { FailureThrottle } from './failure-throttle.js';
import { bearerToken } from './request-guards.js';
import { SIGNATURE_HEADERS, checkRequestSignature } from './signing.js';

export interface AgentAuth {
  /** Sets `req.agentSession` from the bearer token, or throws auth_failed (throttled when the client keeps failing). */
  authenticate(req: FastifyRequest): void;
  /** Checks the HMAC signature once the body is read: always when sent, and when the agent requires it. */
  checkSignature(req: FastifyRequest): void;
}

/** The HTTP side of agent authentication; the vault service decides whether a token is valid. */
export function agentAuth(service: VaultService, failures: FailureThrottle, clock: () => number): AgentAuth {
  function authenticate(req: FastifyRequest): void {
    const client = req.socket.remoteAddress ?? 'unknown';
    try {
      req.agentSession = service.authenticateAgent(bearerToken(req.raw));
    } catch (err) {
      if (err instanceof VaultError && err.code === 'auth_failed') refuseFailure(client);
      throw err;
    }
  }

  /** Counts a failed credential; past the free attempts, the client is told to wait. */
  function refuseFailure(client: string): void {
    const now = clock();
    const wait = failures.retryAfterSeconds(client, now);
    failures.recordFailure(client, now);
    if (wait > 0) throw new VaultError('throttled', 'too many failed authentication attempts; wait before trying again', { retryAfterSeconds: wait });
  }

  function checkSignature(req: FastifyRequest): void {
    const session = req.agentSession;
    if (!session || session.actor.type !== 'agent') return;
    const header = (name: string): string | undefined => {
      const v = req.headers[name];
      return typeof v === 'string' ? v : undefined;
    };
    if (header(SIGNATURE_HEADERS.signature) === undefined && !session.actor.requireSigning) return;
    const key = requestKeyOf(bearerToken(req.raw) ?? '');
    if (!key) throw agentAuthFailed();
    const check = checkRequestSignature(
      key,
      {
        method: req.method,
        url: req.raw.url ?? '/',
        host: req.headers.host ?? '',
        bodySha256: req.bodySha256,
        timestamp: header(SIGNATURE_HEADERS.timestamp),
        nonce: header(SIGNATURE_HEADERS.nonce),
        signature: header(SIGNATURE_HEADERS.signature),
      },
      Math.floor(clock() / 1000),
      (nonce, expiresAt) => service.claimRequestNonce(session, nonce, expiresAt),
    );
    zeroize(key);
    if (!check.ok) {
      service.recordRefusal(session, 'verifySignature', check.reason);
      refuseFailure(req.socket.remoteAddress ?? 'unknown');
      throw agentAuthFailed();
    }
  }

  return { authenticate, checkSignature };
}
