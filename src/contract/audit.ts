import { z } from 'zod';

export const ACTOR_TYPES = ['profile', 'agent', 'system', 'anonymous'] as const;
export type ActorType = (typeof ACTOR_TYPES)[number];
export const OUTCOMES = ['ok', 'denied', 'failed'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** Masked details of an event: flat, so a viewer can show them as a table. */
export const auditDetailsSchema = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]));

export const auditEventSchema = z.object({
  seq: z.number().int(),
  time: z.string(),
  actorType: z.enum(ACTOR_TYPES),
  actorId: z.string(),
  action: z.string(),
  targets: z.array(z.string()),
  outcome: z.enum(OUTCOMES),
  details: auditDetailsSchema,
  prevHash: z.string(),
  hash: z.string(),
});
export type AuditEvent = z.infer<typeof auditEventSchema>;

export const VERIFY_PROBLEMS = ['empty', 'broken_link', 'rollback', 'key_changed', 'no_checkpoint', 'bad_checkpoint', 'unsigned_action', 'unsigned_tail'] as const;
export type VerifyProblem = (typeof VERIFY_PROBLEMS)[number];

export const verifyReportSchema = z.object({
  ok: z.boolean(),
  events: z.number().int(),
  checkpoints: z.number().int(),
  /** Highest event covered by a valid signature (0 when none is). */
  signedThrough: z.number().int(),
  /** Events after `signedThrough` that no signature covers yet. */
  unsignedEvents: z.number().int(),
  firstBadSeq: z.number().int().nullable(),
  problem: z.enum(VERIFY_PROBLEMS).nullable(),
  reason: z.string().nullable(),
});
export type VerifyReport = z.infer<typeof verifyReportSchema>;
