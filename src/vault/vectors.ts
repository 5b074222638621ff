import { invalid } from './errors.js';

/**
 * For vectors read back from the file, which releases before 0.4 stored at the caller's scale.
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

/**
 * A caller's vector: the model's dimension, scaled to unit length in double precision before
 * it becomes float32. Cosine search does not depend on scale, so any non-zero vector is usable
 * (1e300 or 1e-40 per component included), and the API document can state every rule.
 */
export function parseVector(values: number[], dimensions: number, modelId: string): Float32Array {
  if (values.length !== dimensions) throw invalid(`vector has ${values.length} dimensions; this vault's model (${modelId}) uses ${dimensions}`);
  let largest = 0;
  for (const x of values) {
    if (!Number.isFinite(x)) throw invalid('vector components must be finite numbers');
    largest = Math.max(largest, Math.abs(x));
  }
  if (largest === 0) throw invalid('vector must have a non-zero component');
  // Dividing by the largest component first keeps the sum of squares from overflowing or underflowing.
  let squared = 0;
  for (const x of values) squared += (x / largest) ** 2;
  const norm = Math.sqrt(squared);
  const v = new Float32Array(dimensions);
  for (let i = 0; i < dimensions; i++) v[i] = values[i]! / largest / norm;
  return v;
}
