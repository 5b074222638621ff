import { z } from 'zod';
import { agentSelfSchema } from '../contract/agent.js';
import type { AddMemoriesResult, Memory, MemoryReceipt, SearchHit, UpdateResult } from '../contract/memory.js';

/**
 * What MCP tools answer: compact structured content (no null or empty fields, no metadata an
 * agent did not ask for) with an output schema, and a short text for the model to read. A
 * memory in full is ~600 characters of pretty JSON; this is its text plus a few labels.
 */
export const compactMemorySchema = z.object({
  id: z.string(),
  content: z.string(),
  context: z.string().optional(),
  kind: z.string(),
  tags: z.array(z.string()).optional(),
  space: z.string(),
  version: z.number().int(),
  state: z.enum(['active', 'archived', 'deleted']),
  source: z.string(),
  updatedAt: z.string(),
});
export type CompactMemory = z.infer<typeof compactMemorySchema>;

export const compactReceiptSchema = z.object({ id: z.string(), space: z.string(), version: z.number().int(), state: z.enum(['active', 'archived', 'deleted']), updatedAt: z.string() });

export function compactMemory(m: Memory): CompactMemory {
  return {
    id: m.id,
    content: m.content,
    ...(m.context ? { context: m.context } : {}),
    kind: m.kind,
    ...(m.tags.length ? { tags: m.tags } : {}),
    space: m.space,
    version: m.version,
    state: m.state,
    source: m.source,
    updatedAt: m.updatedAt,
  };
}

const isMemory = (r: UpdateResult): r is Memory => 'content' in r;
export const compactUpdate = (r: UpdateResult): CompactMemory | MemoryReceipt => (isMemory(r) ? compactMemory(r) : r);

export const OUTPUT = {
  remember: compactMemorySchema.shape,
  rememberMany: { added: z.number().int(), ids: z.array(z.string().nullable()), duplicates: z.array(z.object({ index: z.number().int(), existingId: z.string() })) },
  recall: { items: z.array(z.object({ memory: compactMemorySchema, score: z.number(), vectorRank: z.number().int().optional(), keywordRank: z.number().int().optional() })) },
  get: compactMemorySchema.shape,
  update: { memory: z.union([compactMemorySchema, compactReceiptSchema]) },
  forget: { forgotten: z.string() },
  listSpaces: agentSelfSchema.shape,
} as const;

export function recallResult(hits: SearchHit[]) {
  return {
    items: hits.map((h) => ({
      memory: compactMemory(h.memory),
      score: Number(h.score.toFixed(4)),
      ...(h.vectorRank === null ? {} : { vectorRank: h.vectorRank }),
      ...(h.keywordRank === null ? {} : { keywordRank: h.keywordRank }),
    })),
  };
}

/**
 * Stored text on one line, control and bidi characters as visible escapes: another agent's
 * memory must not be able to fake further result lines (or reorder them) in what a model reads.
 */
export function oneLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => (c === '\n' || c === '\t' || c === '\r' ? ' ' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}

/** The short text a model reads: one line per memory, id first. */
export function memoryLine(m: CompactMemory): string {
  return `[${m.id}] ${oneLine(m.content)}${m.tags ? ` #${m.tags.map(oneLine).join(' #')}` : ''} (${m.kind}, ${oneLine(m.space)}, v${m.version})`;
}

export const rememberText = (m: CompactMemory) => `Stored ${m.id} in ${m.space}.`;
export const rememberManyText = (r: AddMemoriesResult) => `Stored ${r.added} memories${r.duplicates.length ? `; ${r.duplicates.length} left out as near-duplicates` : ''}.`;
export const recallText = (r: ReturnType<typeof recallResult>) =>
  r.items.length === 0 ? 'No memories match.' : r.items.map((h, i) => `${i + 1}. ${memoryLine(h.memory)} score ${h.score}`).join('\n');
