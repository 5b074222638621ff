import { z } from 'zod';
import { LIMITS } from './memory.js';

/**
 * Which model turns text into vectors for a vault, stored in the vault (never a secret: an API
 * key is named by the environment variable that holds it). `offline` is the built-in model.
 * `openai-compatible` is any endpoint that answers `POST {url}/embeddings` the way OpenAI's
 * does: Ollama (`http://127.0.0.1:11434/v1`), llama.cpp, LM Studio, vLLM, or OpenAI itself.
 * Memory content is sent to that endpoint, so one off this machine needs `allowRemote`.
 */
export const embedderConfigSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('offline') }),
  z.strictObject({
    kind: z.literal('openai-compatible'),
    url: z.url({ protocol: /^https?$/ }).max(512),
    model: z.string().min(1).max(200),
    // Only a name that says it holds a key, and never one of Memvault's own (its password, a token).
    apiKeyEnv: z
      .string()
      .regex(/^[A-Z][A-Z0-9_]{0,59}_(API_KEY|KEY)$/, 'the name of an environment variable ending in _API_KEY or _KEY, e.g. OPENAI_API_KEY')
      .refine((name) => !name.startsWith('MEMVAULT_'), 'MEMVAULT_ variables hold Memvault secrets, never an embedding API key')
      .optional(),
    allowRemote: z.boolean().default(false),
  }),
]);
export type EmbedderConfig = z.output<typeof embedderConfigSchema>;
export type EmbedderConfigInput = z.input<typeof embedderConfigSchema>;

/**
 * What is stored: the config and the dimensions the endpoint answered with when it was set,
 * signed by the vault key (hex Ed25519), so someone who can only write the file cannot send
 * memory content elsewhere at the owner's next unlock.
 */
export const storedEmbedderSchema = z.object({
  config: embedderConfigSchema,
  dimensions: z.number().int().min(1).max(LIMITS.vectorDims),
  signature: z.string().regex(/^[0-9a-f]{128}$/),
});
export type StoredEmbedder = z.output<typeof storedEmbedderSchema>;

export const embedderInfoSchema = z.object({ kind: z.enum(['offline', 'openai-compatible']), modelId: z.string(), dimensions: z.number().int(), url: z.string().nullable() });
export type EmbedderInfo = z.infer<typeof embedderInfoSchema>;
