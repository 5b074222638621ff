import { z } from 'zod';
import { spaceNameSchema } from './memory.js';

/** What an agent credential may be granted, per its spaces (ARCHITECTURE.md, roles table). */
export const AGENT_GRANTS = ['read', 'write', 'delete'] as const;
export type AgentGrant = (typeof AGENT_GRANTS)[number];

export const AGENT_STATES = ['active', 'paused', 'revoked'] as const;
export type AgentState = (typeof AGENT_STATES)[number];

export const agentNameSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'agent names: 1-64 letters, digits, _ . -');

export const AGENT_DEFAULTS = {
  requestsPerMinute: 120,
  dailyWrites: 1000,
} as const;

export const addAgentSchema = z.strictObject({
  name: agentNameSchema,
  spaces: z.array(spaceNameSchema).min(1, 'an agent needs at least one space').max(64),
  grants: z.array(z.enum(AGENT_GRANTS)).min(1, 'an agent needs at least one permission').max(3),
  /** Lifetime in days from now; none means the token does not expire. */
  expiresInDays: z.number().int().min(1).max(3650).optional(),
  requestsPerMinute: z.number().int().min(1).max(100_000).default(AGENT_DEFAULTS.requestsPerMinute),
  dailyWrites: z.number().int().min(0).max(10_000_000).default(AGENT_DEFAULTS.dailyWrites),
  /** Every HTTP request must then carry an HMAC signature, not only the bearer token. */
  requireSigning: z.boolean().default(false),
});
export type AddAgentInput = z.input<typeof addAgentSchema>;

export const agentInfoSchema = z.object({
  id: z.string(),
  name: z.string(),
  spaces: z.array(z.string()),
  grants: z.array(z.enum(AGENT_GRANTS)),
  createdBy: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  expiresAt: z.string().nullable(),
  /** `expired` is derived from the expiry time; the stored state stays as it was. */
  state: z.enum([...AGENT_STATES, 'expired']),
  requestsPerMinute: z.number().int(),
  dailyWrites: z.number().int(),
  /** Writes counted against that quota so far this UTC day (what the quota check itself counts). */
  writesToday: z.number().int(),
  requireSigning: z.boolean(),
});
export type AgentInfo = z.infer<typeof agentInfoSchema>;

/** A token is shown once, when it is created or rotated. */
export const issuedAgentSchema = z.object({ agent: agentInfoSchema, token: z.string() });
export type IssuedAgent = z.infer<typeof issuedAgentSchema>;

/** What an agent learns about itself (`GET /v1/me`, MCP). */
export const agentSelfSchema = z.object({
  agent: z.string(),
  spaces: z.array(z.string()),
  grants: z.array(z.enum(AGENT_GRANTS)),
  expiresAt: z.string().nullable(),
  requestsPerMinute: z.number().int(),
  dailyWrites: z.number().int(),
});
export type AgentSelf = z.infer<typeof agentSelfSchema>;
