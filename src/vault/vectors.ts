import { invalid } from './errors.js';

/**
 * Cosine search divides by each vector's norm in float32. A vector whose components are not
 * finite in float32 (1e300 is a finite double but infinite as float32), whose squared norm
 * overflows float32, or whose norm is zero or lost in underflow (all-zero, subnormal) makes
 * that division meaningless, and one such row broke every vector search of its space.
 */
const MIN_SQUARED_NORM = 1e-30;
const MAX_FLOAT32 = 3.4028234663852886e38;

export function usableVector(v: Float32Array): boolean {
  let squared = 0;
  for (const x of v) {
    if (!Number.isFinite(x)) return false;
    squared += x * x;
  }
  return squared >= MIN_SQUARED_NORM && squared <= MAX_FLOAT32;
}

/** A caller's vector: the model's dimension, and usable for cosine search as float32. */
export function parseVector(values: number[], dimensions: number, modelId: string): Float32Array {
  if (values.length !== dimensions) throw invalid(`vector has ${values.length} dimensions; this vault's model (${modelId}) uses ${dimensions}`);
  const v = Float32Array.from(values);
  if (!usableVector(v)) throw invalid('vector must have finite float32 components and a non-zero norm that fits in float32');
  return v;
}
