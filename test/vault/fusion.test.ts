import { describe, expect, it } from 'vitest';
import { trigramSimilarityTo } from '../../src/store/near-duplicates.js';
import { ftsQuery, reciprocalRankFusion } from '../../src/vault/text.js';

describe('search helpers', () => {
  it('weighted rank fusion lets the heavier list win ties of rank', () => {
    const fused = reciprocalRankFusion([[{ id: 'v' }, { id: 'both' }], [{ id: 'k' }, { id: 'both' }]], [0.25, 1]);
    const order = [...fused].sort((a, b) => b[1].score - a[1].score).map(([id]) => id);
    expect(order).toEqual(['both', 'k', 'v']);
    expect(fused.get('both')!.ranks).toEqual([2, 2]);
  });

  it('FTS queries are quoted words only, without stop words', () => {
    expect(ftsQuery('What is "NEAR(x" the* answer?')).toBe('"near" OR "x" OR "answer"');
    expect(ftsQuery('the of')).toBe('"the" OR "of"');
    expect(ftsQuery('"()*:^')).toBeNull();
  });

  it('trigram similarity ignores spacing but notices a changed number', () => {
    expect(trigramSimilarityTo('meeting at 3pm')('meeting at 3 pm')).toBe(1);
    expect(trigramSimilarityTo('memory number 2 about topic 14')('memory number 3 about topic 21')).toBeLessThan(0.85);
  });
});
