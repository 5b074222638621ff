/**
 * Candidates for the near-duplicate check without scanning a space: MinHash over a text's
 * character trigrams, cut into bands (locality-sensitive hashing). Two texts share a band key
 * when all BAND_ROWS minima of that band agree, which for trigram sets of Jaccard similarity J
 * happens with probability about J^BAND_ROWS per band. A near-duplicate needs J >= 0.85 (the
 * vault's rule), so it shares at least one of BANDS keys with probability 1 - (1 - 0.85^4)^12
 * = 0.99986 (higher above 0.85); an unrelated text (J ~ 0.05) shares one with probability
 * 12 x 0.05^4 = 7.5e-5, about 8 candidates at 100k memories.
 *
 * The minima come from one-permutation hashing: each gram is hashed once and lands in one of
 * BANDS x BAND_ROWS bins, each bin keeping its minimum, and an empty bin borrows from the next
 * filled one (rotation densification). One hash per gram instead of one per bin: a 2,000-character
 * text took 48 hash mixes per gram with one permutation per bin, which made keying 100k memories 12 s.
 */
export const BANDS = 12;
const BAND_ROWS = 4;
const BINS = BANDS * BAND_ROWS;
const EMPTY = 0x7fffffff;

/**
 * Calls `each` with the start of every trigram of `text` once whitespace is taken out (a text
 * of one or two characters is its own gram). The one definition of what a gram is, shared by
 * the band keys and `trigrams`, so candidates and the similarity that judges them agree.
 */
function forEachGram(text: string, each: (t: string, at: number, length: number) => void): void {
  const t = text.replace(/\s+/g, '');
  if (t.length > 0 && t.length < 3) each(t, 0, t.length);
  for (let i = 0; i + 3 <= t.length; i++) each(t, i, 3);
}

/** The set of a text's trigrams, whitespace taken out. */
function trigrams(text: string): Set<string> {
  const out = new Set<string>();
  forEachGram(text, (t, at, length) => out.add(t.slice(at, at + length)));
  return out;
}

/**
 * Jaccard similarity of character trigrams with `a`, spaces removed: 1 for texts that differ only
 * in spacing, low when a number or a name differs, which embeddings of short texts barely
 * notice. `a`'s grams are taken once, for every text it is compared with.
 */
export function trigramSimilarityTo(a: string): (b: string) => number {
  const x = trigrams(a);
  return (b) => {
    const y = trigrams(b);
    let shared = 0;
    for (const g of y) if (x.has(g)) shared++;
    const union = x.size + y.size - shared;
    return union === 0 ? 1 : shared / union;
  };
}

const mins = new Int32Array(BINS);

/**
 * The BANDS band keys of a text (31-bit integers, band index mixed in, so SQLite stores each in
 * 4 bytes; at 1.2M keys a chance collision adds 0.007 candidates per check). Each gram is
 * hashed once (FNV-1a, then murmur3's finalizer): the high bits pick its bin, the mixed hash is
 * the value whose minimum the bin keeps. A gram repeated changes no minimum, so the keys
 * depend on the set of grams alone.
 */
export function bandKeys(text: string): number[] {
  mins.fill(EMPTY);
  forEachGram(text, (t, at, length) => {
    let h = 0x811c9dc5;
    for (let i = at; i < at + length; i++) h = Math.imul(h ^ t.charCodeAt(i), 0x01000193);
    h = fmix(h);
    const bin = Math.floor(((h >>> 0) * BINS) / 4294967296);
    const value = fmix(h ^ 0x5bd1e995) & EMPTY;
    if (value < mins[bin]!) mins[bin] = value;
  });
  densify();
  const keys: number[] = [];
  for (let b = 0; b < BANDS; b++) {
    let h = 0x2545f491 ^ b;
    for (let r = 0; r < BAND_ROWS; r++) h = fmix(Math.imul(h ^ mins[b * BAND_ROWS + r]!, 0x9e3779b1));
    keys.push(h & EMPTY);
  }
  return keys;
}

const filled = new Uint8Array(BINS);

/** Fills each empty bin from the next bin a gram filled (circularly), mixed with the distance, so two texts with the same filled bins fill the rest alike. */
function densify(): void {
  for (let i = 0; i < BINS; i++) filled[i] = mins[i] !== EMPTY ? 1 : 0;
  for (let i = 0; i < BINS; i++) {
    if (filled[i]) continue;
    for (let k = 1; k < BINS; k++) {
      const from = (i + k) % BINS;
      if (!filled[from]) continue;
      mins[i] = fmix(Math.imul(mins[from]!, 0x01000193) + k) & 0x3fffffff;
      break;
    }
  }
}

/** murmur3's 32-bit finalizer: every input bit reaches every output bit. */
function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}
