import { createHash } from 'node:crypto';
import type { Embedder } from '../../src/embed/embedder.js';

/**
 * A second, deterministic Embedder (bag of hashed words), used where a test needs a model
 * other than the default: the model-change reindex.
 */
export class HashEmbedder implements Embedder {
  constructor(
    readonly modelId = 'test-hash-64',
    readonly dimensions = 64,
  ) {}

  async embed(texts: string[]): Promise<Float32Array[]> {
    return texts.map((t) => {
      const v = new Float32Array(this.dimensions);
      for (const w of t.toLowerCase().match(/[a-z0-9]+/g) ?? []) v[createHash('sha256').update(w).digest()[0]! % this.dimensions]! += 1;
      const norm = Math.hypot(...v) || 1;
      return v.map((x) => x / norm);
    });
  }
}
