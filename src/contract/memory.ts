import { z } from 'zod';
import { textSchema } from './text.js';

/** Lengths are in characters (code points), as the OpenAPI document states them. */
export const LIMITS = {
  contentChars: 32 * 1024,
  contextChars: 16 * 1024,
  tags: 32,
  tagChars: 64,
  /** Metadata is a flat object: at most this many keys, each naming text, a number, true/false, null or a short list of those. */
  metadataKeys: 16,
  metadataKeyChars: 64,
  metadataTextChars: 256,
  metadataListItems: 8,
  sourceChars: 128,
  maxK: 100,
  listLimit: 500,
  vectorDims: 4096,
  queryChars: 2000,
  /** Memories in one request of the loopback API (`POST /v1/memories/batch`, `remember_many`). */
  batchMemories: 1000,
  /** Memories in one all-or-nothing bulk add (a `memvault import` file). */
  bulkMemories: 100_000,
} as const;

/** fact, preference, episode, note, or a custom kind in the same lowercase slug form. */
export const kindSchema = z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/, 'kind must be a lowercase slug (a-z, 0-9, _ -), 1-32 chars');

export const MEMORY_STATES = ['active', 'archived', 'deleted'] as const;
export type MemoryState = (typeof MEMORY_STATES)[number];

const idSchema = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'malformed id');
export const memoryIdSchema = idSchema;
/** The start of a memory id, as a person types it (at least 4 characters). */
export const memoryIdPrefixSchema = z.string().min(4, 'type at least 4 characters of the id').max(64).regex(/^[A-Za-z0-9_-]+$/, 'malformed id');

/** A selection of memories changed together (the app's bulk archive and delete). */
export const memoryIdsSchema = z.strictObject({ ids: z.array(idSchema).min(1).max(LIMITS.listLimit) });
export type MemoryIdsInput = z.input<typeof memoryIdsSchema>;

export const spaceNameSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9 _.-]{0,63}$/, 'space names: 1-64 letters, digits, space _ . -');

export const contentSchema = textSchema({ name: 'content', max: LIMITS.contentChars, nonBlank: true });

/**
 * Text that helps find a memory but is not what it says: the conversation around it, the
 * document it came from, the date it refers to. Sealed like the content, keyword-indexed in a
 * column of its own at a lower weight, not embedded.
 */
export const contextSchema = textSchema({ name: 'context', max: LIMITS.contextChars });

export const tagSchema = textSchema({ name: 'tag', min: 1, max: LIMITS.tagChars }).regex(/^[^\s,]+$/u, 'tags may not contain spaces or commas');
export const tagsSchema = z.array(tagSchema).max(LIMITS.tags);

const FORBIDDEN_KEYS = ['__proto__', 'constructor', 'prototype'];
const finiteNumber = z.number().min(-Number.MAX_VALUE).max(Number.MAX_VALUE);
const metadataScalarSchema = z.union([textSchema({ name: 'a metadata text', max: LIMITS.metadataTextChars }), finiteNumber, z.boolean(), z.null()]);
const metadataShapeSchema = z
  .record(
    textSchema({ name: 'a metadata key', min: 1, max: LIMITS.metadataKeyChars }).meta({ not: { enum: FORBIDDEN_KEYS } }),
    z.union([metadataScalarSchema, z.array(metadataScalarSchema).max(LIMITS.metadataListItems)]),
  )
  .refine((m) => Object.keys(m).length <= LIMITS.metadataKeys, `metadata has more than ${LIMITS.metadataKeys} keys`)
  .meta({ maxProperties: LIMITS.metadataKeys });
const metadataJsonSchema: Record<string, unknown> = z.toJSONSchema(metadataShapeSchema, { io: 'input' });
delete metadataJsonSchema.$schema;

/**
 * A flat JSON object, so that a schema states every limit and the OpenAPI document is exactly as
 * strict as the server (a byte size or a nesting depth is not something JSON Schema can say).
 * Prototype keys are refused on the raw input, before any parsing copies the object (a copy
 * would turn an own `__proto__` key into a prototype change, and zod's record drops it silently).
 */
export const metadataSchema = z
  .unknown()
  .refine((m) => m !== null && typeof m === 'object' && !Array.isArray(m), { message: 'metadata must be a JSON object', abort: true })
  .refine((m) => !Object.keys(m as object).some((k) => FORBIDDEN_KEYS.includes(k)), { message: 'metadata may not use __proto__, constructor or prototype keys', abort: true })
  .pipe(metadataShapeSchema)
  .meta(metadataJsonSchema);

/**
 * The document's vector schema carries this mark; the served document replaces it with the
 * vault model's dimension count (minItems = maxItems), which the code only knows at run time.
 */
export const MODEL_DIMENSIONS_MARK = 'x-model-dimensions';

const VECTOR_RULE = `vector must be a list of 1 to ${LIMITS.vectorDims} finite numbers, not all zero`;

/** One pass over the numbers, no copy: a bulk add of 100k vectors checks 51 million of them. */
function isVector(value: unknown): value is number[] {
  if (!Array.isArray(value) || value.length < 1 || value.length > LIMITS.vectorDims) return false;
  let nonZero = false;
  for (const x of value) {
    if (typeof x !== 'number' || !Number.isFinite(x)) return false;
    if (x !== 0) nonZero = true;
  }
  return nonZero;
}

/**
 * Any scale: the core scales a vector to unit length before it is stored or searched with
 * (vectors.ts). Checked by one loop rather than a schema per number, which made zod the largest
 * cost of a bulk add; the JSON Schema states the same rule.
 */
export const vectorSchema = z.custom<number[]>(isVector, VECTOR_RULE).meta({
  type: 'array',
  items: { type: 'number', minimum: -Number.MAX_VALUE, maximum: Number.MAX_VALUE },
  minItems: 1,
  maxItems: LIMITS.vectorDims,
  contains: { not: { const: 0 } },
  [MODEL_DIMENSIONS_MARK]: true,
});

const timeSchema = z.iso.datetime({ offset: true });

/** Where a memory goes when no space is named: said the same way in the API document, the MCP tools and the README. */
export const DEFAULT_SPACE_RULE = 'default: the space named "default" if you hold it, else the first of your spaces by name (the order /v1/me and list_spaces show)';

export const addMemorySchema = z.strictObject({
  space: spaceNameSchema.optional().describe(`Space to store it in; ${DEFAULT_SPACE_RULE}`),
  kind: kindSchema.default('note'),
  content: contentSchema,
  context: contextSchema.default(''),
  tags: tagsSchema.default([]),
  metadata: metadataSchema.default({}),
  importance: z.number().min(0).max(1).default(0.5),
  validFrom: timeSchema.optional(),
  validUntil: timeSchema.optional(),
  vector: vectorSchema.optional(),
  force: z.boolean().default(false),
});
export type AddMemoryInput = z.input<typeof addMemorySchema>;

/** Many memories stored in one transaction: all of them, or none. */
export const addMemoriesSchema = z.strictObject({ memories: z.array(addMemorySchema).min(1).max(LIMITS.bulkMemories) });
/** The same, at most one request's worth (the loopback API). */
export const addMemoriesRequestSchema = z.strictObject({ memories: z.array(addMemorySchema).min(1).max(LIMITS.batchMemories) });
export type AddMemoriesInput = z.input<typeof addMemoriesSchema>;

/**
 * What a bulk add stored. `ids` follow the input order; a memory left out as near-identical to
 * one already stored (or to an earlier one of the batch) has null there and is listed in
 * `duplicates`, which callers without read permission never get (they are not checked).
 */
export const addMemoriesResultSchema = z.object({
  added: z.number().int(),
  ids: z.array(z.string().nullable()),
  duplicates: z.array(z.object({ index: z.number().int(), existingId: z.string() })),
});
export type AddMemoriesResult = z.infer<typeof addMemoriesResultSchema>;

export const updateMemorySchema = z.strictObject({
  id: memoryIdSchema,
  content: contentSchema.optional(),
  context: contextSchema.optional(),
  kind: kindSchema.optional(),
  tags: tagsSchema.optional(),
  metadata: metadataSchema.optional(),
  importance: z.number().min(0).max(1).optional(),
  validFrom: timeSchema.nullable().optional(),
  validUntil: timeSchema.nullable().optional(),
  state: z.enum(['active', 'archived']).optional(),
  vector: vectorSchema.optional(),
  /** Refuse the update (conflict) unless the memory is still at this version: no lost updates between agents. */
  expectedVersion: z.number().int().min(1).optional(),
});
export type UpdateMemoryInput = z.input<typeof updateMemorySchema>;
/** The same change as a PATCH body, which names the memory in its path. */
export const memoryChangeSchema = updateMemorySchema.omit({ id: true });

/** How many values one filter may list. */
export const FILTER_VALUES = { spaces: 64, kinds: 16, tags: 16, states: MEMORY_STATES.length } as const;

export const filterSchema = z.strictObject({
  spaces: z.array(spaceNameSchema).max(FILTER_VALUES.spaces).optional(),
  kinds: z.array(kindSchema).max(FILTER_VALUES.kinds).optional(),
  tags: z.array(tagSchema).max(FILTER_VALUES.tags).optional(),
  source: textSchema({ name: 'source', min: 1, max: LIMITS.sourceChars }).optional(),
  since: timeSchema.optional(),
  until: timeSchema.optional(),
  states: z.array(z.enum(MEMORY_STATES)).max(FILTER_VALUES.states).optional(),
});
export type MemoryFilter = z.input<typeof filterSchema>;

/** Where a page ends: the `nextCursor` of the page before, which the client passes back unchanged (negative before 1970, which imports can carry). */
export const cursorSchema = z.string().regex(/^-?\d{1,15}\.[A-Za-z0-9_-]{1,64}$/, 'cursor is not one this vault issued');

export const listMemoriesSchema = filterSchema.extend({
  limit: z.number().int().min(1).max(LIMITS.listLimit).default(50),
  cursor: cursorSchema.optional(),
});
export type ListMemoriesInput = z.input<typeof listMemoriesSchema>;

export const SEARCH_MODES = ['hybrid', 'vector', 'keyword'] as const;
export type SearchMode = (typeof SEARCH_MODES)[number];

export const searchSchema = filterSchema
  .extend({
    text: textSchema({ name: 'text', min: 1, max: LIMITS.queryChars }).optional(),
    vector: vectorSchema.optional(),
    mode: z.enum(SEARCH_MODES).default('hybrid'),
    k: z.number().int().min(1).max(LIMITS.maxK).default(10),
  })
  .refine((s) => s.text !== undefined || s.vector !== undefined, 'search needs text or a vector')
  .refine((s) => s.mode !== 'keyword' || s.text !== undefined, 'keyword search needs text')
  .meta({
    // The two rules above, as JSON Schema says them: text, or a vector outside keyword mode.
    // Inside allOf, so generated clients (openapi-typescript) keep the object's type.
    allOf: [{ anyOf: [{ required: ['text'] }, { required: ['vector'], properties: { mode: { enum: ['hybrid', 'vector'] } } }] }],
  });
export type SearchInput = z.input<typeof searchSchema>;

/**
 * What the vault returns. The schemas document the API (OpenAPI) and shape every HTTP
 * response, so a field added to a result by mistake never leaves the process.
 */
export const memorySchema = z.object({
  id: z.string(),
  space: z.string(),
  kind: z.string(),
  content: z.string(),
  /** Empty when none was given. */
  context: z.string(),
  tags: z.array(z.string()),
  metadata: z.record(z.string(), z.unknown()),
  /** Who wrote it: `profile:NAME` or `agent:NAME`. */
  source: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  validFrom: z.string().nullable(),
  validUntil: z.string().nullable(),
  importance: z.number(),
  state: z.enum(MEMORY_STATES),
  version: z.number().int(),
});
export type Memory = z.infer<typeof memorySchema>;

/** What an update answers a caller that may write but not read: that it happened, none of the content. */
export const memoryReceiptSchema = memorySchema.pick({ id: true, space: true, version: true, state: true, updatedAt: true });
export type MemoryReceipt = z.infer<typeof memoryReceiptSchema>;
export const updateResultSchema = z.union([memorySchema, memoryReceiptSchema]);
export type UpdateResult = z.infer<typeof updateResultSchema>;

/** `conflict`: an imported edit that diverged from this vault's; it follows the local versions, which stay in the history. */
export const MEMORY_CHANGES = ['create', 'update', 'archive', 'delete', 'conflict'] as const;

export const memoryVersionSchema = memorySchema.omit({ id: true, space: true, createdAt: true, updatedAt: true }).extend({
  changedBy: z.string(),
  changedAt: z.string(),
  change: z.enum(MEMORY_CHANGES),
});
export type MemoryVersion = z.infer<typeof memoryVersionSchema>;

export const searchHitSchema = z.object({
  memory: memorySchema,
  score: z.number(),
  vectorRank: z.number().int().nullable(),
  keywordRank: z.number().int().nullable(),
});
export type SearchHit = z.infer<typeof searchHitSchema>;

export const memoryPageSchema = z.object({ items: z.array(memorySchema), nextCursor: z.string().nullable() });

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
