/** Lowercased words only: two texts that differ in case, spacing or punctuation normalise alike. */
export function normalizeForDuplicates(text: string): string {
  return (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).join('');
}

const MAX_QUERY_TERMS = 32;

/** Function words carry no topic; left in an OR query they make every memory match (LoCoMo: README in shared/data). */
const STOP_WORDS = new Set(
  ('a an and are as at be but by did do does for from had has have he her his how i if in into is it its me my ' +
    'no not of on or our she so that the their them then there these they this to was we were what when where which ' +
    'who whom why will with you your').split(' '),
);

/**
 * Turns free text into an FTS5 query that cannot carry FTS syntax: every word becomes a quoted
 * phrase (quotes inside are impossible, words are letters and digits only), joined with OR so
 * BM25 ranks by how many and how rare the shared words are. Null when no word is left.
 */
export function ftsQuery(text: string): string | null {
  const all = [...new Set(text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [])];
  const topical = all.filter((w) => !STOP_WORDS.has(w));
  const words = (topical.length ? topical : all).slice(0, MAX_QUERY_TERMS);
  return words.length ? words.map((w) => `"${w}"`).join(' OR ') : null;
}

/** Weighted reciprocal rank fusion (Cormack et al.): score = sum of weight / (k + rank) over the lists. */
export function reciprocalRankFusion(lists: { id: string }[][], weights: number[], k = 60): Map<string, { score: number; ranks: (number | null)[] }> {
  const fused = new Map<string, { score: number; ranks: (number | null)[] }>();
  lists.forEach((list, li) => {
    list.forEach((item, rank) => {
      const entry = fused.get(item.id) ?? { score: 0, ranks: lists.map(() => null) };
      entry.score += (weights[li] ?? 1) / (k + rank + 1);
      entry.ranks[li] = rank + 1;
      fused.set(item.id, entry);
    });
  });
  return fused;
}

