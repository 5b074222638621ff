/**
 * A seeded generator of numbers in [-0.5, 0.5) (mulberry32), for repeatable vectors. A plain
 * LCG repeats vectors within 10k draws, and exact ties have no true order to compare against.
 */
export function seededRandom(seed: number): () => number {
  let s = seed;
  return () => {
    let t = (s = (s + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5;
  };
}
