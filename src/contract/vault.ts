import { z } from 'zod';
import { PERMISSIONS, ROLES } from './roles.js';
import { spaceNameSchema } from './memory.js';

export const profileNameSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'profile names: 1-64 letters, digits, _ . -');
export const roleSchema = z.enum(ROLES);
/** Length only: a password manager's generated passwords must all pass. */
export const passwordSchema = z.string().min(8, 'passwords need at least 8 characters').max(1024);

export const addProfileSchema = z.strictObject({
  name: profileNameSchema,
  role: roleSchema,
  password: passwordSchema,
  spaces: z.array(spaceNameSchema).max(64).default([]),
});
export type AddProfileInput = z.input<typeof addProfileSchema>;

/** Which events a viewer or export wants: every field narrows the set; time bounds are inclusive. */
export const auditFilterSchema = z.strictObject({
  actorType: z.enum(['profile', 'agent', 'system', 'anonymous']).optional(),
  actorId: z.string().max(128).optional(),
  action: z.string().max(64).optional(),
  outcome: z.enum(['ok', 'denied', 'failed']).optional(),
  since: z.iso.datetime({ offset: true }).optional(),
  until: z.iso.datetime({ offset: true }).optional(),
  /** Free text over the masked details and targets (case-insensitive substring). */
  text: z.string().min(1).max(200).optional(),
});
export type AuditFilter = z.input<typeof auditFilterSchema>;

export const auditQuerySchema = auditFilterSchema.extend({
  afterSeq: z.number().int().min(0).optional(),
  beforeSeq: z.number().int().min(1).optional(),
  /** Oldest first (a tail, an export) or newest first (a viewer's first page). */
  order: z.enum(['asc', 'desc']).default('asc'),
  /** Rows to skip after the other bounds: a viewer jumps into a long log (bound it by beforeSeq so rows do not shift). */
  offset: z.number().int().min(0).max(10_000_000).default(0),
  limit: z.number().int().min(1).max(10_000).default(100),
});
export type AuditQueryInput = z.input<typeof auditQuerySchema>;

export const profileInfoSchema = z.object({ id: z.string(), name: z.string(), role: roleSchema, spaces: z.array(z.string()), createdAt: z.string() });
export type ProfileInfo = z.infer<typeof profileInfoSchema>;
/** After a reset: the profile as it now is, and the spaces it lost because the one who reset it does not hold their keys. */
export const passwordResetSchema = z.object({ profile: profileInfoSchema, lostSpaces: z.array(z.string()) });
export type PasswordReset = z.infer<typeof passwordResetSchema>;

export const spaceInfoSchema = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: z.string(),
  members: z.array(z.string()),
  granted: z.boolean(),
  memories: z.number().int(),
});
export type SpaceInfo = z.infer<typeof spaceInfoSchema>;

/** Who is unlocked, and what the role may do (read off the policy table), so an app offers only that. */
export const sessionInfoSchema = z.object({
  profile: z.string(),
  role: roleSchema,
  spaces: z.array(z.string()),
  permissions: z.array(z.enum(PERMISSIONS)),
  /** The Argon2id cost of this profile's password (set when the password was set). */
  kdf: z.object({ memoryKiB: z.number().int(), iterations: z.number().int(), parallelism: z.number().int() }),
});
export type SessionInfo = z.infer<typeof sessionInfoSchema>;

const count = z.number().int();
export const vaultStatsSchema = z.object({
  vaultId: z.string(),
  profiles: count,
  spaces: z.array(z.object({ name: z.string(), active: count, archived: count, deleted: count })),
  auditEvents: count,
});
export type VaultStats = z.infer<typeof vaultStatsSchema>;

/** How many events a filter matches, and how they spread over time (for a viewer's chart). */
export const auditActivitySchema = z.object({
  total: count,
  firstSeq: count.nullable(),
  lastSeq: count.nullable(),
  bucketMs: count,
  buckets: z.array(z.object({ start: z.string(), ok: count, denied: count, failed: count })),
});
export type AuditActivity = z.infer<typeof auditActivitySchema>;

/** The vault's own long work on a space: loading it into the index, and at lock keying it for the near-duplicate check and sealing its index into the file. */
export const SPACE_WORK_PHASES = ['index', 'keys', 'snapshot'] as const;

/** Long work the vault reports while it runs: loading a space into the index (at the first list or search), a backup's export, verification, embedding and merge. */
export interface ProgressEvent {
  /** One of `SPACE_WORK_PHASES`, or a backup's `export`, `verify`, `embed` (re-embedding) and `store` (merge). */
  phase: (typeof SPACE_WORK_PHASES)[number] | 'export' | 'verify' | 'embed' | 'store';
  space: string;
  done: number;
  total: number;
}

/** What the upkeep after an unlock did, and what it left for an owner or admin. */
export const upkeepReportSchema = z.object({
  resealed: count,
  reindexed: count,
  resealLeft: count,
  reindexLeft: count,
  /** Why re-embedding could not run now (the embedding endpoint is down), or null. */
  reindexBlocked: z.string().nullable(),
});
export type UpkeepReport = z.infer<typeof upkeepReportSchema>;

export const indexStatusSchema = z.object({ modelId: z.string(), stale: count, mayReindex: z.boolean() });
export type IndexStatus = z.infer<typeof indexStatusSchema>;

export const rekeyStatusSchema = z.object({ pending: count, mayRekey: z.boolean() });
export type RekeyStatus = z.infer<typeof rekeyStatusSchema>;

/** One check of `doctor`: the machine (Node, the offline model) and the vault file, no password needed. */
export const doctorCheckSchema = z.object({ name: z.string(), ok: z.boolean(), detail: z.string() });
export const doctorReportSchema = z.object({ ok: z.boolean(), checks: z.array(doctorCheckSchema) });
export type DoctorCheck = z.infer<typeof doctorCheckSchema>;
export type DoctorReport = z.infer<typeof doctorReportSchema>;
