import { z } from 'zod';
import type { Embedder } from './embedder.js';

/** Texts per request: endpoints cap their batch size, and progress shows between requests. */
const BATCH = 64;
const TIMEOUT_MS = 60_000;

const responseSchema = z.object({ data: z.array(z.object({ index: z.number().int().min(0), embedding: z.array(z.number()) })) });

export class EmbeddingEndpointError extends Error {}

/** The model id stored with each vector an endpoint made. */
export const httpModelId = (model: string): string => `openai-compatible:${model}`;

export interface HttpEmbedderOptions {
  /** Base URL; requests go to `${url}/embeddings`. */
  url: string;
  model: string;
  apiKey?: string;
  /** Known once the endpoint has answered (stored with the vault's config); checked on every answer. */
  dimensions: number;
}

/**
 * An OpenAI-compatible embeddings endpoint. Answers are parsed, not trusted: the count, order
 * (by `index`) and dimensions must match what was asked. Errors name the endpoint's host and
 * status, never the texts.
 */
export class HttpEmbedder implements Embedder {
  readonly modelId: string;
  readonly dimensions: number;
  private readonly endpoint: URL;

  constructor(private readonly options: HttpEmbedderOptions) {
    this.endpoint = new URL(`${options.url.replace(/\/+$/, '')}/embeddings`);
    this.modelId = httpModelId(options.model);
    this.dimensions = options.dimensions;
  }

  /** Asks the endpoint once to learn its dimensions. */
  static async probe(options: Omit<HttpEmbedderOptions, 'dimensions'>): Promise<number> {
    const [vector] = await new HttpEmbedder({ ...options, dimensions: 0 }).request(['Memvault checks this embedding endpoint.']);
    return vector!.length;
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    for (let i = 0; i < texts.length; i += BATCH) {
      for (const v of await this.request(texts.slice(i, i + BATCH))) {
        if (v.length !== this.dimensions) throw new EmbeddingEndpointError(`${this.endpoint.host} answered vectors of ${v.length} dimensions, not ${this.dimensions}; set the embedder again`);
        out.push(v);
      }
    }
    return out;
  }

  private async request(input: string[]): Promise<Float32Array[]> {
    let response: Response;
    try {
      response = await fetch(this.endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(this.options.apiKey ? { authorization: `Bearer ${this.options.apiKey}` } : {}) },
        body: JSON.stringify({ model: this.options.model, input }),
        signal: AbortSignal.timeout(TIMEOUT_MS),
        // A redirect would re-send the texts wherever the endpoint points, past the loopback check.
        redirect: 'error',
      });
    } catch {
      throw new EmbeddingEndpointError(`the embedding endpoint at ${this.endpoint.host} did not answer`);
    }
    if (!response.ok) throw new EmbeddingEndpointError(`the embedding endpoint at ${this.endpoint.host} answered HTTP ${response.status}`);
    const parsed = responseSchema.safeParse(await response.json().catch(() => null));
    if (!parsed.success || parsed.data.data.length !== input.length) throw new EmbeddingEndpointError(`the embedding endpoint at ${this.endpoint.host} answered something that is not ${input.length} embeddings`);
    const vectors = new Array<Float32Array>(input.length);
    for (const item of parsed.data.data) {
      if (item.index >= input.length || vectors[item.index]) throw new EmbeddingEndpointError(`the embedding endpoint at ${this.endpoint.host} answered an embedding out of order`);
      vectors[item.index] = Float32Array.from(item.embedding);
    }
    return vectors;
  }
}
