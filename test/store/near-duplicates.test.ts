import { describe, expect, it } from 'vitest';
import { BANDS, bandKeys, trigramSimilarityTo } from '../../src/store/near-duplicates.js';
import { seededRandom } from '../support/random.js';

const rand = seededRandom(41);
const word = (): string => Array.from({ length: 2 + Math.floor((rand() + 0.5) * 8) }, () => String.fromCharCode(97 + Math.floor((rand() + 0.5) * 26))).join('');
const sentence = (words: number): string => Array.from({ length: words }, word).join(' ');
const shareBand = (a: string, b: string): boolean => {
  const keys = new Set(bandKeys(a));
  return bandKeys(b).some((k) => keys.has(k));
};
/** Every pair `makePair` gives at trigram similarity 0.85 or more shares a band; returns how many there were. */
const nearPairsFound = (tries: number, makePair: () => [string, string]): number => {
  let pairs = 0;
  for (let i = 0; i < tries; i++) {
    const [a, b] = makePair();
    if (trigramSimilarityTo(a)(b) < 0.85) continue;
    pairs++;
    expect(shareBand(a, b)).toBe(true);
  }
  return pairs;
};

describe('band keys for the near-duplicate check', () => {
  // Band keys live in index snapshots: a change to the hashing must bump INDEX_SCHEMA (docs/formats.md).
  it('known answers: the keys of a sentence, of a two-character text and of the empty text', () => {
    expect(bandKeys('the meeting moved to thursday at 3pm')).toEqual([
      1770550888, 1194948233, 410752464, 623009572, 1112953627, 44775367, 979286624, 273222848, 1930607847, 1159390242, 124434598, 368649799,
    ]);
    expect(bandKeys('ab')[0]).toBe(698867926);
    expect(bandKeys('')[0]).toBe(1950820648);
    expect(bandKeys('x')).toHaveLength(BANDS);
  });

  it('depend on the set of trigrams alone: spacing and repeated grams change nothing', () => {
    expect(bandKeys('meeting at 3pm')).toEqual(bandKeys('meeting  at 3 pm'));
    expect(bandKeys('aaaa')).toEqual(bandKeys('aaaaaaa'));
    expect(bandKeys('meeting at 3pm')).not.toEqual(bandKeys('meeting at 4pm'));
  });

  it('every pair at trigram similarity 0.85 or more shares a band key (3,000 pairs of edited sentences)', () => {
    const pairs = nearPairsFound(3000, () => {
      const a = sentence(30);
      const chars = a.split('');
      const edits = 1 + Math.floor((rand() + 0.5) * 3);
      for (let e = 0; e < edits; e++) chars[Math.floor((rand() + 0.5) * chars.length)] = String.fromCharCode(97 + Math.floor((rand() + 0.5) * 26));
      return [a, chars.join('')];
    });
    expect(pairs).toBeGreaterThan(2500);
  });

  it('short texts too (fewer grams than bins): every pair of two to six words and one more letter at 0.85 or more shares a band key', () => {
    let pairs = 0;
    for (const words of [2, 4, 6])
      pairs += nearPairsFound(1000, () => {
        const a = sentence(words);
        return [a, rand() < 0 ? `${a}q` : `q${a}`];
      });
    expect(pairs).toBeGreaterThan(2500);
  });

  it('unrelated sentences rarely share one: under 1 in 1,000 of 20,000 pairs', () => {
    let shared = 0;
    for (let i = 0; i < 20_000; i++) if (shareBand(sentence(30), sentence(30))) shared++;
    expect(shared).toBeLessThan(20);
  });
});
