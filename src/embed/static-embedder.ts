import { readFileSync } from 'node:fs';
import type { Embedder } from './embedder.js';
import { SentencePieceTokenizer } from './sentencepiece.js';
import { ModelFileError, parseStaticModel, type StaticModel } from './static-model-file.js';

/** Where the built-in model ships: beside `src/` and `dist/`, so both find it two folders up. */
export const BUILT_IN_MODEL = new URL('../../models/use-lite-static-512.bin', import.meta.url);

/**
 * A static embedding model: a text's vector is the sum of its pieces' stored vectors (each
 * already weighted by how rare the piece is), scaled to unit length. About 0.05 ms per text,
 * where the transformer it was distilled from takes 20 ms (bench/RESULTS.md, session 10). The
 * file is read at the first embedding (38 ms), so opening a vault to read by id never pays it.
 */
export class StaticEmbedder implements Embedder {
  private loaded: { model: StaticModel; tokenizer: SentencePieceTokenizer } | undefined;

  constructor(
    readonly modelId: string,
    readonly dimensions: number,
    private readonly load: () => StaticModel,
  ) {}

  static of(modelId: string, model: StaticModel): StaticEmbedder {
    return new StaticEmbedder(modelId, model.dimensions, () => model);
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    return texts.map((t) => this.embedOne(t));
  }

  embedOne(text: string): Float32Array {
    const { model, tokenizer } = this.parts();
    const { dimensions: d, rows, scales } = model;
    const sum = new Float32Array(d);
    for (const id of tokenizer.encode(text)) {
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

  private parts(): { model: StaticModel; tokenizer: SentencePieceTokenizer } {
    if (!this.loaded) {
      const model = this.load();
      if (model.dimensions !== this.dimensions) throw new ModelFileError(`the model has ${model.dimensions} dimensions; ${this.modelId} has ${this.dimensions}`);
      this.loaded = { model, tokenizer: new SentencePieceTokenizer(model.pieces, 0, model.firstPiece) };
    }
    return this.loaded;
  }
}

let shared: StaticEmbedder | undefined;

/** The built-in offline model, shared by every vault in the process. */
export function defaultEmbedder(): Embedder {
  shared ??= new StaticEmbedder('use-lite-static-512@1', 512, () => parseStaticModel(readFileSync(BUILT_IN_MODEL)));
  return shared;
}
