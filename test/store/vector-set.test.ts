import { describe, expect, it } from 'vitest';
import { VectorSet } from '../../src/store/vector-set.js';
import { seededRandom } from '../support/random.js';

const DIMS = 16;
const rand = seededRandom(23);
const vec = (): Float32Array => Float32Array.from({ length: DIMS }, rand);
/** The plaintext array itself: these tests check that no vector outlives its slot in memory. */
const rowsOf = (set: VectorSet): Float32Array => (set as unknown as { data: Float32Array }).data;
const allZero = (a: Float32Array, from = 0): boolean => a.subarray(from).every((x) => x === 0);

describe('the vector array of one space', () => {
  it('keeps every row past the last at zero through removals, and clear zeroes the rest', () => {
    const set = new VectorSet(DIMS, 256);
    for (let i = 0; i < 100; i++) set.set(`m${i}`, vec());
    for (let i = 0; i < 100; i += 3) set.remove(`m${i}`);
    const data = rowsOf(set);
    expect(allZero(data, set.size * DIMS)).toBe(true);
    expect(allZero(data.subarray(0, set.size * DIMS))).toBe(false);
    set.clear();
    expect(allZero(data)).toBe(true);
  });

  it('growing moves the rows to a larger array, zeroes the old one, and finds every vector after', () => {
    const set = new VectorSet(DIMS, 4);
    const kept = Array.from({ length: 4 }, (_, i) => ({ id: `m${i}`, v: vec() }));
    for (const { id, v } of kept) set.set(id, v);
    const before = rowsOf(set);
    set.set('m4', vec());
    expect(rowsOf(set)).not.toBe(before);
    expect(allZero(before)).toBe(true);
    for (const { id, v } of kept) expect(set.search(v, 1)[0]!.id).toBe(id);
  });
});
