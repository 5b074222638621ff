import { isIP } from 'node:net';
import { storedEmbedderSchema, type EmbedderConfig, type EmbedderInfo, type StoredEmbedder } from '../contract/embedder.js';
import type { Db } from '../store/database.js';
import type { Embedder } from '../embed/embedder.js';
import { EmbeddingEndpointError, HttpEmbedder } from '../embed/http-embedder.js';
import { defaultEmbedder } from '../embed/use-lite.js';
import { VaultError, invalid } from './errors.js';
import { readMeta } from './rows.js';

const META_KEY = 'embedder';

/** The embedder this vault is configured with (the built-in model unless one was set); the stored value is parsed, not trusted. */
export function embedderOfVault(db: Db): Embedder {
  const raw = readMeta(db, META_KEY);
  if (raw === undefined) return defaultEmbedder();
  let stored: StoredEmbedder;
  try {
    stored = storedEmbedderSchema.parse(JSON.parse(String(raw)));
  } catch {
    throw new VaultError('integrity', 'the embedder configuration stored in the vault is not valid; set it again with `memvault embedder set`');
  }
  return build(stored.config, stored.dimensions);
}

/** Checks a new configuration against its endpoint (which tells its dimensions) and returns what to store. */
export async function probeEmbedder(config: EmbedderConfig): Promise<StoredEmbedder> {
  if (config.kind === 'offline') return { config, dimensions: defaultEmbedder().dimensions };
  const host = new URL(config.url).hostname;
  if (!config.allowRemote && !isLoopbackHost(host))
    throw invalid(`${host} is not this machine, and memory content would be sent there to be embedded; pass allowRemote (--allow-remote) if that is intended`);
  const dimensions = await unavailableOnFailure(() => HttpEmbedder.probe(endpointOptions(config)));
  return { config, dimensions };
}

export function storeEmbedder(db: Db, stored: StoredEmbedder): void {
  db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run(META_KEY, JSON.stringify(stored));
}

/** `config` is the stored one; it describes `embedder` only when this process runs it (a new one waits for the next open). */
export function describeEmbedder(embedder: Embedder, config: EmbedderConfig | null): EmbedderInfo {
  return config?.kind === 'openai-compatible' && embedder.modelId === `openai-compatible:${config.model}`
    ? { kind: 'openai-compatible', modelId: embedder.modelId, dimensions: embedder.dimensions, url: config.url }
    : { kind: 'offline', modelId: embedder.modelId, dimensions: embedder.dimensions, url: null };
}

export function configOfVault(db: Db): EmbedderConfig | null {
  const raw = readMeta(db, META_KEY);
  if (raw === undefined) return null;
  const parsed = storedEmbedderSchema.safeParse(JSON.parse(String(raw)));
  return parsed.success ? parsed.data.config : null;
}

function build(config: EmbedderConfig, dimensions: number): Embedder {
  if (config.kind === 'offline') return defaultEmbedder();
  const http = new HttpEmbedder({ ...endpointOptions(config), dimensions });
  // An endpoint that is down is the caller's to retry, not an internal error.
  return { modelId: http.modelId, dimensions: http.dimensions, embed: (texts) => unavailableOnFailure(() => http.embed(texts)) };
}

function endpointOptions(config: Extract<EmbedderConfig, { kind: 'openai-compatible' }>) {
  const apiKey = config.apiKeyEnv ? process.env[config.apiKeyEnv] : undefined;
  return { url: config.url, model: config.model, ...(apiKey ? { apiKey } : {}) };
}

async function unavailableOnFailure<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof EmbeddingEndpointError) throw new VaultError('unavailable', err.message);
    throw err;
  }
}

function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  if (bare === 'localhost') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  return bare === '::1';
}
