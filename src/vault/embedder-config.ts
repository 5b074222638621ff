import { isIP } from 'node:net';
import { storedEmbedderSchema, type EmbedderConfig, type EmbedderInfo, type StoredEmbedder } from '../contract/embedder.js';
import { LIMITS } from '../contract/memory.js';
import { associatedData } from '../crypto/aead.js';
import { sign, verifySignature } from '../crypto/keys.js';
import type { Db } from '../store/database.js';
import type { Embedder } from '../embed/embedder.js';
import { EmbeddingEndpointError, HttpEmbedder, httpModelId } from '../embed/http-embedder.js';
import { defaultEmbedder } from '../embed/static-embedder.js';
import { VaultError, invalid } from './errors.js';
import { readMeta } from './rows.js';

const META_KEY = 'embedder';

/** The embedder choice as set: what the vault key signs. */
export interface EmbedderChoice {
  config: EmbedderConfig;
  dimensions: number;
}

/** The bytes the vault key signs: a tag and the vault bind it to this vault; the JSON is the stored choice. */
function signedBytes(vaultId: string, choice: EmbedderChoice): Uint8Array {
  const body = new TextEncoder().encode(JSON.stringify({ config: choice.config, dimensions: choice.dimensions }));
  const head = associatedData('memvault-embedder-v1', vaultId);
  const out = new Uint8Array(head.length + body.length);
  out.set(head);
  out.set(body, head.length);
  return out;
}

/** The stored choice, parsed and checked against the vault's signing key; null when none is set or it does not verify. */
function storedChoice(db: Db, vaultId: string, signingPublicKey: Uint8Array): EmbedderChoice | null {
  const raw = readMeta(db, META_KEY);
  if (raw === undefined) return null;
  let stored: StoredEmbedder;
  try {
    stored = storedEmbedderSchema.parse(JSON.parse(String(raw)));
  } catch {
    return null;
  }
  return verifySignature(signingPublicKey, signedBytes(vaultId, stored), Buffer.from(stored.signature, 'hex')) ? stored : null;
}

/**
 * The embedder this vault is configured with. A choice that fails to parse or to verify (the
 * file was changed outside Memvault) falls back to the built-in offline model, so memory
 * content is never sent to an endpoint the owner did not sign for; `doctor` names it.
 */
export function embedderOfVault(db: Db, vaultId: string, signingPublicKey: Uint8Array): Embedder {
  const choice = storedChoice(db, vaultId, signingPublicKey);
  return choice ? build(choice.config, choice.dimensions) : defaultEmbedder();
}

/** Whether a stored choice exists that is not valid and signed (for `doctor`). */
export function embedderChoiceRejected(db: Db, vaultId: string, signingPublicKey: Uint8Array): boolean {
  return readMeta(db, META_KEY) !== undefined && storedChoice(db, vaultId, signingPublicKey) === null;
}

/** Checks a new configuration against its endpoint (which tells its dimensions). */
export async function probeEmbedder(config: EmbedderConfig): Promise<EmbedderChoice> {
  if (config.kind === 'offline') return { config, dimensions: defaultEmbedder().dimensions };
  const host = new URL(config.url).hostname;
  if (!config.allowRemote && !isLoopbackHost(host))
    throw invalid(`${host} is not this machine, and memory content would be sent there to be embedded; pass allowRemote (--allow-remote) if that is intended`);
  const dimensions = await unavailableOnFailure(() => HttpEmbedder.probe(endpointOptions(config)));
  if (!Number.isInteger(dimensions) || dimensions < 1 || dimensions > LIMITS.vectorDims)
    throw new VaultError('unavailable', `the embedding endpoint at ${host} answered vectors of ${dimensions} dimensions; Memvault takes 1 to ${LIMITS.vectorDims}`);
  return { config, dimensions };
}

/** Stores the choice signed with the vault key (held by the owner, who alone may choose). */
export function storeEmbedder(db: Db, vaultId: string, vaultKey: Uint8Array, choice: EmbedderChoice): void {
  const stored = storedEmbedderSchema.parse({ ...choice, signature: Buffer.from(sign(vaultKey, signedBytes(vaultId, choice))).toString('hex') });
  db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run(META_KEY, JSON.stringify(stored));
}

/** A choice as a front door shows it. */
export function describeChoice(choice: EmbedderChoice): EmbedderInfo {
  const { config, dimensions } = choice;
  return config.kind === 'offline'
    ? { kind: 'offline', modelId: defaultEmbedder().modelId, dimensions, url: null }
    : { kind: 'openai-compatible', modelId: httpModelId(config.model), dimensions, url: config.url };
}

/** `config` is the stored one; it describes `embedder` only when this process runs it (a new one waits for the next open). */
export function describeEmbedder(embedder: Embedder, config: EmbedderConfig | null): EmbedderInfo {
  return config?.kind === 'openai-compatible' && embedder.modelId === httpModelId(config.model)
    ? describeChoice({ config, dimensions: embedder.dimensions })
    : { kind: 'offline', modelId: embedder.modelId, dimensions: embedder.dimensions, url: null };
}

export function configOfVault(db: Db, vaultId: string, signingPublicKey: Uint8Array): EmbedderConfig | null {
  return storedChoice(db, vaultId, signingPublicKey)?.config ?? null;
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
