import { z } from 'zod';
import { MEMORY_CHANGES, MEMORY_STATES, kindSchema, LIMITS } from '../contract/memory.js';

/**
 * The body's plaintext: JSON Lines, one record per line. First `contents`, then `memory`
 * records (each with every version) and `audit` events, then `end` (the counts: the manifest),
 * and last `signature`, the sender's Ed25519 signature over the header and everything before it.
 */
/** Times are normalised to the form the vault reads back, so a re-import finds the same versions. */
const iso = z.iso.datetime().transform((s) => new Date(s).toISOString());
const jsonObject = (text: string) => {
  try {
    const v: unknown = JSON.parse(text);
    return v !== null && typeof v === 'object' && !Array.isArray(v);
  } catch {
    return false;
  }
};
/** Longer than the largest metadata the contract allows as JSON text, escapes included (about 800,000 characters). */
const METADATA_TEXT_MAX = 1 << 20;
const b64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/);

export const versionRecordSchema = z.strictObject({
  version: z.number().int().min(1),
  kind: kindSchema,
  state: z.enum(MEMORY_STATES),
  importance: z.number().min(0).max(1),
  validFrom: iso.nullable(),
  validUntil: iso.nullable(),
  changedAt: iso,
  changedBy: z.string().max(256),
  change: z.enum(MEMORY_CHANGES),
  // Bounds in UTF-16 units, twice the character limits: a character may take two.
  content: z.string().max(2 * LIMITS.contentChars),
  context: z.string().max(2 * LIMITS.contextChars),
  tags: z.array(z.string().max(2 * LIMITS.tagChars)).max(LIMITS.tags),
  /** JSON text, as the vault keeps it (nested objects from releases before 0.4 included). */
  metadata: z.string().max(METADATA_TEXT_MAX).refine(jsonObject, 'metadata must be a JSON object'),
  source: z.string().max(256),
  /** The embedding model's id, and the vector (float32 little-endian, base64); both null where none was stored. */
  model: z.string().max(256).nullable(),
  vector: b64.max(LIMITS.vectorDims * 6).nullable(),
});
export type VersionRecord = z.infer<typeof versionRecordSchema>;

const spaceName = z.string().min(1).max(64);

export const bodyRecordSchema = z.discriminatedUnion('t', [
  z.strictObject({ t: z.literal('contents'), vaultId: z.string(), spaces: z.array(spaceName).max(1000), withAudit: z.boolean() }),
  z.strictObject({ t: z.literal('memory'), id: z.uuid().regex(/^[0-9a-f-]{36}$/, 'ids are lower case'), space: spaceName, createdAt: iso, versions: z.array(versionRecordSchema).min(1).max(100_000) }),
  z.strictObject({
    t: z.literal('audit'),
    seq: z.number().int().min(1),
    ts: z.number().int(),
    actorType: z.string(),
    actorId: z.string(),
    action: z.string(),
    targets: z.string(),
    outcome: z.string(),
    details: z.string(),
    prevHash: b64,
    hash: b64,
  }),
  z.strictObject({ t: z.literal('end'), spaces: z.number().int(), memories: z.number().int(), versions: z.number().int(), auditEvents: z.number().int() }),
  z.strictObject({ t: z.literal('signature'), signature: b64 }),
]);
export type BodyRecord = z.infer<typeof bodyRecordSchema>;
export type MemoryRecord = Extract<BodyRecord, { t: 'memory' }>;
export type AuditRecord = Extract<BodyRecord, { t: 'audit' }>;
export type ContentsRecord = Extract<BodyRecord, { t: 'contents' }>;
export type EndRecord = Extract<BodyRecord, { t: 'end' }>;
