import type { FastifyRequest } from 'fastify';
import { type Session, agentAuthFailed } from '../vault/index.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated agent's session; null before auth and on the public health route. */
    agentSession: Session | null;
    /** Hex SHA-256 of the body bytes as received (of the empty string without a body). */
    bodySha256: string;
  }
}

export function sessionOf(req: FastifyRequest): Session {
  if (!req.agentSession) throw agentAuthFailed();
  return req.agentSession;
}
