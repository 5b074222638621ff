/**
 * Synthetic memory texts for the benchmarks: words drawn with Zipf's law (the word of rank r
 * with probability proportional to 1/r), as natural text roughly is, 50 to 2,000 characters. A
 * vocabulary of 20-25 words (the first versions of bench:scale and bench:mcp) made every
 * keyword query match every memory and every memory share most of its character trigrams with
 * every other, so that each near-duplicate check drew the whole space as candidates.
 */
import { readFileSync } from 'node:fs';
import { BUILT_IN_MODEL } from '../src/embed/static-embedder.js';
import { parseStaticModel } from '../src/embed/static-model-file.js';

const NAMED = 'alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar papa quebec romeo sierra tango'.split(' ');

/** bench:scale's 5,000 words: the 20 named ones, then `w1`, `w2`, ... (its vectors come with the rows, so the words' spelling does not matter there). */
export const CODED_WORDS = Array.from({ length: 5_000 }, (_, i) => NAMED[i] ?? `w${i.toString(36)}`);

/**
 * English words of three letters or more, most frequent first: the whole-word pieces of the
 * built-in model's vocabulary (SentencePiece orders them by frequency in its training text).
 * Coded words like `w1k` share their few characters, so every long text would look like every
 * other to the trigram check and to the embedding.
 */
export function englishWords(): string[] {
  return parseStaticModel(readFileSync(BUILT_IN_MODEL))
    .pieces.filter((p) => /^\u2581[a-z]{3,}$/.test(p.text))
    .sort((a, b) => b.score - a.score)
    .map((p) => p.text.slice(1));
}

/** `rand` returns values in [-0.5, 0.5) (test/support/random.ts). */
export function syntheticText(words: string[], rand: () => number): (label: string) => string {
  const cdf: number[] = [];
  let sum = 0;
  for (let r = 1; r <= words.length; r++) cdf.push((sum += 1 / r));
  for (let i = 0; i < cdf.length; i++) cdf[i]! /= sum;
  const pickWord = (): string => {
    const u = rand() + 0.5;
    let lo = 0;
    let hi = words.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    return words[lo]!;
  };
  return (label) => {
    const len = 8 + Math.floor((rand() + 0.5) * 300);
    return `${label}: ${Array.from({ length: len }, pickWord).join(' ')}`.slice(0, 50 + Math.floor((rand() + 0.5) * 1950));
  };
}
