import { normalizeForDuplicates } from '../../src/vault/text.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PlainIndex, type IndexedMemory } from '../../src/store/plain-index.js';
import { seededRandom } from '../support/random.js';

const DIMS = 512;
const N = 10_000;

const rand = seededRandom(7);
const vec = (): Float32Array => Float32Array.from({ length: DIMS }, rand);

function memory(i: number, spaceId: string, extra: Partial<IndexedMemory> = {}): IndexedMemory {
  return {
    id: `m-${spaceId}-${String(i).padStart(6, '0')}`,
    spaceId,
    kind: i % 3 === 0 ? 'preference' : 'fact',
    state: 'active',
    content: `memory number ${i}`,
    context: '',
    tags: [],
    metadata: '{}',
    source: 'profile:olivia',
    importance: 0.5,
    createdAt: 1_000_000 + i,
    updatedAt: 1_000_000 + i,
    validFrom: null,
    validUntil: null,
    version: 1,
    vector: vec(),
    ...extra,
  };
}

/**
 * The exact answer: cosine similarity against every admitted vector, best first. The native
 * scan sums in float32, so two scores a few ulps apart may swap places: results are compared
 * as sets of ids (recall@10 = 1.0), in order only where the JavaScript scan answers.
 */
const sameIds = (got: string[], want: string[]) => {
  expect(got).toHaveLength(want.length);
  expect([...got].sort()).toEqual([...want].sort());
};

function bruteForce(rows: IndexedMemory[], query: Float32Array, k: number, admit: (m: IndexedMemory) => boolean): string[] {
  const norm = (v: Float32Array) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  const qn = norm(query);
  return rows
    .filter((m) => m.vector && admit(m))
    .map((m) => ({ id: m.id, score: m.vector!.reduce((s, x, j) => s + x * query[j]!, 0) / (norm(m.vector!) * qn) }))
    .sort((a, b) => b.score - a.score)
    .slice(0, k)
    .map((h) => h.id);
}

describe('the shared plaintext index: exact vector search at any selectivity', () => {
  let index: PlainIndex;
  let rows: IndexedMemory[];
  beforeEach(() => {
    index = new PlainIndex(DIMS, normalizeForDuplicates);
    // 20 of 10k carry the rare tag; 100 are archived; the rest are plain active facts.
    rows = Array.from({ length: N }, (_, i) =>
      memory(i, 'space-a', { tags: i % 500 === 7 ? ['rare'] : ['common'], state: i % 100 === 3 ? 'archived' : 'active' }),
    );
    index.apply('space-a', rows.map((upsert) => ({ upsert })), 1);
  });
  afterEach(() => index.close());

  it('a tag that 20 of 10k memories carry: every one of its 10 nearest is found', () => {
    expect(rows.filter((m) => m.tags.includes('rare') && m.state === 'active')).toHaveLength(20);
    for (let q = 0; q < 5; q++) {
      const query = vec();
      const got = index.vectorSearch(query, { spaceIds: ['space-a'], states: ['active'], tags: ['rare'] }, 10).map((h) => h.id);
      sameIds(got, bruteForce(rows, query, 10, (m) => m.state === 'active' && m.tags.includes('rare')));
    }
  });

  it('unfiltered active search equals brute force (recall@10 = 1.0), archived memories left out', () => {
    for (let q = 0; q < 5; q++) {
      const query = vec();
      const got = index.vectorSearch(query, { spaceIds: ['space-a'], states: ['active'] }, 10).map((h) => h.id);
      sameIds(got, bruteForce(rows, query, 10, (m) => m.state === 'active'));
    }
  });

  it('a filter that admits most rows (kind) is exact too', () => {
    const query = vec();
    const got = index.vectorSearch(query, { spaceIds: ['space-a'], states: ['active', 'archived'], kinds: ['fact'] }, 10).map((h) => h.id);
    sameIds(got, bruteForce(rows, query, 10, (m) => m.kind === 'fact'));
  });

  it('only the archived (1 %): exact, and no active memory leaks in', () => {
    const query = vec();
    const got = index.vectorSearch(query, { spaceIds: ['space-a'], states: ['archived'] }, 10).map((h) => h.id);
    sameIds(got, bruteForce(rows, query, 10, (m) => m.state === 'archived'));
  });

  it('the near-duplicate pass finds a near copy by its band keys at its exact score, asks the judge nearest first, and follows removals and replacements', () => {
    const words = (i: number) => `note ${i}: ` + Array.from({ length: 30 }, (_, j) => `w${((i * 7919 + j * 104729) % 99991).toString(36)}`).join(' ');
    const own = Array.from({ length: 2000 }, (_, i) => memory(i, 'space-d', { content: words(i) }));
    index.apply('space-d', own.map((upsert) => ({ upsert })), 1);
    const nearVector = (m: IndexedMemory) => Float32Array.from(m.vector!, (x) => x + 0.05 * rand());
    const cosine = (a: Float32Array, b: Float32Array) => a.reduce((s, x, j) => s + x * b[j]!, 0) / (Math.hypot(...a) * Math.hypot(...b));
    const check = (text: string, q: Float32Array, floor = 0.9, isNear: (key: string) => boolean = () => true) =>
      index.nearDuplicate('space-d', normalizeForDuplicates(text), q, ['active', 'archived'], floor, isNear);
    for (const m of own.slice(0, 50)) {
      const q = nearVector(m);
      const text = m.content.replace('note', 'Note').slice(0, -1);
      const judged: string[] = [];
      expect(check(text, q, 0.9, (key) => (judged.push(key), true))).toBe(m.id);
      // The judge gets the candidate's duplicate key, and the floor is the exact cosine.
      expect(judged).toEqual([normalizeForDuplicates(m.content)]);
      const score = cosine(q, m.vector!);
      expect(check(text, q, score - 1e-5)).toBe(m.id);
      expect(check(text, q, score + 1e-5)).toBeUndefined();
      expect(check(text, q, 0.9, () => false)).toBeUndefined();
    }
    // Two candidates past the floor: the judge hears the nearer vector first.
    const twin = memory(2500, 'space-d', { content: own[3]!.content, vector: nearVector(own[3]!) });
    index.apply('space-d', [{ upsert: twin }], 2);
    const order: string[] = [];
    check(own[3]!.content, own[3]!.vector!, 0.5, (key) => (order.push(key), false));
    expect(order).toHaveLength(2);
    expect(check(own[3]!.content, own[3]!.vector!, 0.5)).toBe(own[3]!.id);
    expect(check(own[3]!.content, twin.vector!, 0.5)).toBe(twin.id);
    // The text draws the candidates, the vector decides: a copy of the text with another vector
    // is not a near-duplicate, nor is another text with the same vector.
    expect(check(own[1]!.content, vec())).toBeUndefined();
    expect(check(words(5000), own[1]!.vector!)).toBeUndefined();
    // No other space answers, nor a state left out.
    expect(index.nearDuplicate('space-a', normalizeForDuplicates(own[2]!.content), own[2]!.vector!, ['active'], 0.9, () => true)).toBeUndefined();
    expect(index.nearDuplicate('space-d', normalizeForDuplicates(own[2]!.content), own[2]!.vector!, ['deleted'], 0.9, () => true)).toBeUndefined();
    // Built at the first check, the band keys follow the changes.
    const removed = own[10]!;
    const replaced = { ...own[20]!, content: words(7000), version: 2 };
    index.apply('space-d', [{ remove: removed.id }, { upsert: replaced }], 3);
    expect(check(removed.content, removed.vector!)).toBeUndefined();
    expect(check(own[20]!.content, own[20]!.vector!)).toBeUndefined();
    expect(check(replaced.content, replaced.vector!)).toBe(replaced.id);
    const added = memory(3000, 'space-d', { content: words(9000) });
    index.apply('space-d', [{ upsert: added }], 4);
    expect(check(added.content, added.vector!)).toBe(added.id);
  });

  it('keying a space for the near-duplicate check reports the rows keyed after each chunk, once', () => {
    const heard: [number, number][] = [];
    index.space('space-a')!.ensureDupKeys((done, total) => heard.push([done, total]));
    expect(heard).toEqual([
      [5_000, 10_000],
      [10_000, 10_000],
    ]);
    index.space('space-a')!.ensureDupKeys((done, total) => heard.push([done, total]));
    expect(heard).toHaveLength(2);
  });

  it('removing and replacing memories keeps the scan exact (no stale slot answers)', () => {
    const gone = rows.slice(0, 2000);
    index.apply('space-a', gone.map((m) => ({ remove: m.id })), 2);
    const moved = rows.slice(2000, 2100).map((m) => ({ ...m, vector: vec(), version: 2 }));
    index.apply('space-a', moved.map((upsert) => ({ upsert })), 3);
    const now = [...moved, ...rows.slice(2100)];
    const query = vec();
    sameIds(
      index.vectorSearch(query, { spaceIds: ['space-a'], states: ['active'] }, 10).map((h) => h.id),
      bruteForce(now, query, 10, (m) => m.state === 'active'),
    );
  });

  it('a memory archived after it was indexed leaves active search and joins archived search', () => {
    const query = vec();
    const top = index.vectorSearch(query, { spaceIds: ['space-a'], states: ['active'] }, 1)[0]!;
    const row = rows.find((m) => m.id === top.id)!;
    index.apply('space-a', [{ upsert: { ...row, state: 'archived', version: 2 } }], 2);
    expect(index.vectorSearch(query, { spaceIds: ['space-a'], states: ['active'] }, 10).map((h) => h.id)).not.toContain(top.id);
    expect(index.vectorSearch(query, { spaceIds: ['space-a'], states: ['archived'] }, 1)[0]!.id).toBe(top.id);
  });

  it('keyword search follows changes: a rewritten memory answers to its new words only, a removed one to none', () => {
    const filter = { spaceIds: ['space-a'], states: ['active', 'archived'] };
    const target = rows[5]!;
    index.apply('space-a', [{ upsert: { ...target, content: 'a note about zeppelins', version: 2 } }], 2);
    expect(index.keywordSearch('zeppelins', filter, 10).map((h) => h.id)).toEqual([target.id]);
    expect(index.keywordSearch('"number 5"', filter, 10).map((h) => h.id)).not.toContain(target.id);
    index.apply('space-a', [{ remove: target.id }], 3);
    expect(index.keywordSearch('zeppelins', filter, 10)).toEqual([]);
  });

  it('a space is searched only when the filter names it, and dropping it forgets it', () => {
    const other = Array.from({ length: 50 }, (_, i) => memory(i, 'space-b'));
    index.apply('space-b', other.map((upsert) => ({ upsert })), 1);
    const query = other[0]!.vector!;
    expect(index.vectorSearch(query, { spaceIds: ['space-a'], states: ['active'] }, 5).every((h) => h.id.startsWith('m-space-a'))).toBe(true);
    expect(index.vectorSearch(query, { spaceIds: ['space-b'], states: ['active'] }, 1)[0]!.id).toBe(other[0]!.id);
    index.drop('space-b');
    expect(index.isLoaded('space-b')).toBe(false);
    expect(index.get(other[0]!.id)).toBeUndefined();
    expect(index.vectorSearch(query, { spaceIds: ['space-b'], states: ['active'] }, 5)).toEqual([]);
  });
});

describe('duplicate keys of the shared index', () => {
  it('are computed at the first lookup for what was loaded, then kept for what changes', () => {
    const index = new PlainIndex(DIMS, normalizeForDuplicates);
    try {
      index.apply('s', [{ upsert: memory(1, 's', { content: 'The Cat is named Tom.' }) }, { upsert: memory(2, 's', { content: 'Unrelated' }) }], 1);
      expect(index.findByDuplicateKey('s', normalizeForDuplicates('the cat  is named tom'))).toBe('m-s-000001');
      index.apply('s', [{ upsert: memory(3, 's', { content: 'Dogs bark at night' }) }, { remove: 'm-s-000001' }], 2);
      expect(index.findByDuplicateKey('s', normalizeForDuplicates('DOGS bark at night!'))).toBe('m-s-000003');
      expect(index.findByDuplicateKey('s', normalizeForDuplicates('The cat is named Tom'))).toBeUndefined();
      expect(index.findByDuplicateKey('other', normalizeForDuplicates('Dogs bark at night'))).toBeUndefined();
    } finally {
      index.close();
    }
  });
});

/** Keyword entries wait to go into FTS5 together; what a search sees must not change. */
describe('keyword entries held back between adds', () => {
  const filter = (spaceId: string) => ({ spaceIds: [spaceId], states: ['active', 'archived'] });
  const ids = (hits: { id: string }[]) => hits.map((h) => h.id).sort();
  let index: PlainIndex;
  beforeEach(() => {
    index = new PlainIndex(DIMS, normalizeForDuplicates);
  });
  afterEach(() => index.close());

  it('memories added one at a time are found at once; a removed one answers to nothing, written yet or not', () => {
    for (let i = 0; i < 5; i++) index.apply('s', [{ upsert: memory(i, 's', { content: `walrus sighting ${i}` }) }], i + 1);
    // Removed before its entry was written; the next row takes the freed rowid and must not inherit its words.
    index.apply('s', [{ remove: 'm-s-000004' }], 6);
    const walruses = ['m-s-000000', 'm-s-000001', 'm-s-000002', 'm-s-000003'];
    expect(ids(index.keywordSearch('walrus', filter('s'), 10))).toEqual(walruses);
    index.apply('s', [{ upsert: memory(7, 's', { content: 'owl sighting' }) }], 7);
    expect(ids(index.keywordSearch('walrus', filter('s'), 10))).toEqual(walruses);
    expect(ids(index.keywordSearch('owl', filter('s'), 10))).toEqual(['m-s-000007']);
    // Removed after its entry was written: the removal has to reach FTS5 itself.
    index.apply('s', [{ remove: 'm-s-000007' }], 8);
    index.apply('s', [{ upsert: memory(9, 's', { content: 'heron sighting' }) }], 9);
    expect(index.keywordSearch('owl', filter('s'), 10)).toEqual([]);
    expect(ids(index.keywordSearch('heron', filter('s'), 10))).toEqual(['m-s-000009']);
    // A rewrite answers to its new words only.
    index.apply('s', [{ upsert: memory(3, 's', { content: 'narwhal sighting', version: 2 }) }], 10);
    expect(ids(index.keywordSearch('walrus', filter('s'), 10))).toEqual(['m-s-000000', 'm-s-000001', 'm-s-000002']);
    expect(ids(index.keywordSearch('narwhal', filter('s'), 10))).toEqual(['m-s-000003']);
  });

  it('more adds than are held back at once (600, one per apply) are all found, and a rewrite of a written one replaces it', () => {
    for (let i = 0; i < 600; i++) index.apply('s', [{ upsert: memory(i, 's', { content: `kestrel ${i % 2 ? 'odd' : 'even'}` }) }], i + 1);
    expect(index.keywordSearch('kestrel', filter('s'), 1000)).toHaveLength(600);
    expect(index.keywordSearch('odd', filter('s'), 1000)).toHaveLength(300);
    index.apply('s', [{ upsert: memory(1, 's', { content: 'kestrel even', version: 2 }) }], 601);
    expect(index.keywordSearch('odd', filter('s'), 1000)).toHaveLength(299);
    expect(index.keywordSearch('even', filter('s'), 1000)).toHaveLength(301);
  });

  it('entries held back for a dropped space do not come back when another space is searched or reloaded', () => {
    index.apply('a', [{ upsert: memory(1, 'a', { content: 'pelican in space a' }) }], 1);
    index.apply('b', [{ upsert: memory(1, 'b', { content: 'pelican in space b' }) }], 1);
    index.drop('b');
    expect(ids(index.keywordSearch('pelican', filter('a'), 10))).toEqual(['m-a-000001']);
    index.apply('b', [{ upsert: memory(2, 'b', { content: 'pelican again in b' }) }], 2);
    expect(ids(index.keywordSearch('pelican', filter('b'), 10))).toEqual(['m-b-000002']);
    // The dropped entry's words must not cling to the row that took its place.
    expect(index.keywordSearch('space', filter('b'), 10)).toEqual([]);
  });

  it('an apply that fails forgets its space and leaves the other spaces’ held-back entries as SQLite kept them', () => {
    index.apply('a', [{ upsert: memory(0, 'a', { content: 'alpha before the failure' }) }], 1);
    index.apply('s', [{ upsert: memory(0, 's', { content: 'delta before the failure' }) }], 1);
    // 300 rows (enough to write the held-back entries inside the transaction), then one SQLite refuses.
    const changes = Array.from({ length: 300 }, (_, i) => ({ upsert: memory(i + 1, 's', { content: `beta ${i}` }) }));
    const broken = { upsert: { ...memory(999, 's'), kind: null as unknown as string } };
    expect(() => index.apply('s', [...changes, broken], 2)).toThrow(/NOT NULL constraint failed: mem.kind/);
    expect(index.isLoaded('s')).toBe(false);
    expect(index.vectorSearch(vec(), { spaceIds: ['s'], states: ['active'] }, 10)).toEqual([]);
    // Loaded again: the next rows take rowids the failed apply had used and must not answer to its words.
    index.apply('s', [{ upsert: memory(0, 's', { content: 'delta before the failure' }) }, { upsert: memory(1000, 's', { content: 'gamma after the failure' }) }], 3);
    expect(ids(index.keywordSearch('alpha', filter('a'), 10))).toEqual(['m-a-000000']);
    expect(index.keywordSearch('beta', filter('s'), 10)).toEqual([]);
    expect(ids(index.keywordSearch('gamma', filter('s'), 10))).toEqual(['m-s-001000']);
    expect(ids(index.keywordSearch('delta', filter('s'), 10))).toEqual(['m-s-000000']);
  });

});

/** Keyword search ranks FTS5's best matches before filtering, and joins every match only when too few of those pass. */
describe('keyword search under a filter', () => {
  let index: PlainIndex;
  beforeEach(() => {
    index = new PlainIndex(DIMS, normalizeForDuplicates);
    // The best matches of "zebra" are archived; active ones and facts rank lower.
    const rows = Array.from({ length: 60 }, (_, i) =>
      memory(i, 's', {
        state: i < 20 ? 'archived' : 'active',
        kind: i % 4 === 0 ? 'fact' : 'preference',
        content: i < 20 ? 'zebra zebra zebra' : `zebra grazing near item ${i} with ${'more words '.repeat(i % 7)}`,
      }),
    );
    index.apply('s', rows.map((upsert) => ({ upsert })), 1);
  });
  afterEach(() => index.close());

  it('returns the best matches the filter admits, for any limit, whether or not the best unfiltered ones pass', () => {
    const filters = [
      { spaceIds: ['s'], states: ['active'] },
      { spaceIds: ['s'], states: ['archived'] },
      { spaceIds: ['s'], states: ['active', 'archived'], kinds: ['fact'] },
      { spaceIds: ['s'], states: ['active', 'archived'] },
    ];
    for (const filter of filters) {
      const all = index.keywordSearch('zebra', filter, 1000);
      expect(all.length).toBeGreaterThan(0);
      for (let i = 1; i < all.length; i++) expect(all[i]!.score).toBeLessThanOrEqual(all[i - 1]!.score);
      for (const limit of [1, 3, 5, 10, 15]) {
        const got = index.keywordSearch('zebra', filter, limit);
        expect(got.map((h) => h.score)).toEqual(all.slice(0, limit).map((h) => h.score));
      }
    }
    // Active only, 5 wanted: FTS5's best 10 are all archived, so every match is joined and filtered.
    expect(index.keywordSearch('zebra', filters[0]!, 5).every((h) => Number(h.id.slice(-6)) >= 20)).toBe(true);
  });
});
