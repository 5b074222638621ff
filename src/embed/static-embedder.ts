import { readFileSync } from 'node:fs';
import type { Embedder } from './embedder.js';
import { SentencePieceTokenizer } from './sentencepiece.js';
import { parseStaticModel, type StaticModel } from './static-model-file.js';

/** Where the built-in model ships: beside `src/` and `dist/`, so both find it two folders up. */
export const BUILT_IN_MODEL = new URL('../../models/use-lite-static-512.bin', import.meta.url);

/**
 * A static embedding model: a text's vector is the sum of its pieces' stored vectors (each
 * already weighted by how rare the piece is), scaled to unit length. About 0.05 ms per text,
 * where the transformer it was distilled from takes 20 ms (bench/RESULTS.md, session 10).
 */
export class StaticEmbedder implements Embedder {
  readonly dimensions: number;
  private readonly tokenizer: SentencePieceTokenizer;

  constructor(
    readonly modelId: string,
    private readonly model: StaticModel,
  ) {
    this.dimensions = model.dimensions;
    this.tokenizer = new SentencePieceTokenizer(model.pieces, 0, model.firstPiece);
  }

  static fromFile(modelId: string, path: URL): StaticEmbedder {
    return new StaticEmbedder(modelId, parseStaticModel(readFileSync(path)));
  }

  embed(texts: string[]): Promise<Float32Array[]> {
    return Promise.resolve(texts.map((t) => this.embedOne(t)));
  }

  embedOne(text: string): Float32Array {
    const { dimensions: d, rows, scales } = this.model;
    const sum = new Float32Array(d);
    for (const id of this.tokenizer.encode(text)) {
      const scale = scales[id]!;
      for (let i = 0, at = id * d; i < d; i++, at++) sum[i]! += scale * rows[at]!;
    }
    let norm = 0;
    for (let i = 0; i < d; i++) norm += sum[i]! * sum[i]!;
    if (norm > 0) {
      const inverse = 1 / Math.sqrt(norm);
      for (let i = 0; i < d; i++) sum[i]! *= inverse;
    }
    return sum;
  }
}

let shared: StaticEmbedder | undefined;

/** The built-in offline model, loaded on first use (about 4 MiB) and shared by every vault in the process. */
export function defaultEmbedder(): Embedder {
  shared ??= StaticEmbedder.fromFile('use-lite-static-512@1', BUILT_IN_MODEL);
  return shared;
}
