/**
 * `npm run bench:scale`: the vault at N memories (BENCH_N, default 10k; 100k for the issue's
 * targets), each figure beside a baseline measured in the same run. Vectors are clustered and
 * supplied by the caller, so the figures measure storage, crypto and search, not the model.
 */
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VaultService } from '../src/vault/vault-service.js';
import { writeResults } from './results.js';
import { HashEmbedder } from '../test/support/hash-embedder.js';
import { seededRandom } from '../test/support/random.js';
import { CODED_WORDS as words, syntheticText } from './synthetic-text.js';

// Unlock is measured in a fresh process of its own, so its RSS growth is the index alone and not
// what the bulk load left behind; it prints one JSON line.
const child = process.env.SCALE_UNLOCK_CHILD;
if (child) {
  // The cold figure: the same unlock with the index snapshot taken out of the file first.
  if (process.env.SCALE_UNLOCK_COLD) {
    const db = new Database(join(child, 'vault.db'));
    db.prepare('DELETE FROM index_snapshots').run();
    db.close();
  }
  const svc = await VaultService.open(join(child, 'vault.db'), { kdf: 'insecure-test-only', stateDir: join(child, 'state'), embedder: new HashEmbedder('bench-hash-512', 512) });
  const rss = process.memoryUsage().rss;
  const t0 = performance.now();
  const s = await svc.unlock('bench', 'bench-password');
  await svc.searchMemories(s, { text: 'alpha', mode: 'keyword', k: 10 });
  const unlockMs = performance.now() - t0;
  // Memory handed back through a native finalizer (the decrypted snapshot image) returns to the
  // system when the event loop turns, as it does after every request of a front door.
  await new Promise((resolve) => setImmediate(resolve));
  console.log(JSON.stringify({ unlockMs, rssGrowth: process.memoryUsage().rss - rss }));
  svc.close();
  process.exit(0);
}

// Single adds are measured in a fresh process too: the parent's heap (every row of the bulk
// load) made each of them pay for garbage collection it did not cause (2.4 ms against 0.8 ms).
const addsChild = process.env.SCALE_ADDS_CHILD;
if (addsChild) {
  const COUNT = Number(process.env.SCALE_ADDS ?? 1000);
  const r = seededRandom(29);
  const singles = Array.from({ length: 2 * COUNT }, (_, i) => ({
    content: `single add ${i}: ${Array.from({ length: 40 }, () => Math.floor((r() + 0.5) * 5000).toString(36)).join(' ')}`,
    vector: Array.from({ length: 512 }, r),
  }));
  const plainDb = new Database(join(addsChild, 'plain.db'));
  plainDb.pragma('synchronous = NORMAL');
  const insRow = plainDb.prepare('INSERT INTO m (content, tags, embedding) VALUES (?, ?, ?)');
  const insText = plainDb.prepare('INSERT INTO f (rowid, content) VALUES (?, ?)');
  let t = performance.now();
  for (let i = 0; i < COUNT; i++)
    plainDb.transaction(() => {
      const { lastInsertRowid } = insRow.run(singles[i]!.content, '[]', Buffer.from(Float32Array.from(singles[i]!.vector).buffer));
      insText.run(lastInsertRowid, singles[i]!.content);
    })();
  const plainMs = (performance.now() - t) / COUNT;
  plainDb.close();
  const svc = await VaultService.open(join(addsChild, 'vault.db'), { kdf: 'insecure-test-only', stateDir: join(addsChild, 'state'), embedder: new HashEmbedder('bench-hash-512', 512) });
  const s = await svc.unlock('bench', 'bench-password');
  await svc.searchMemories(s, { text: 'alpha', mode: 'keyword', k: 10 });
  t = performance.now();
  await svc.addMemory(s, { ...singles[0]!, force: true });
  // The first add after unlock once copied the whole vector array into a larger one.
  const firstMs = performance.now() - t;
  for (let i = 1; i < COUNT; i++) await svc.addMemory(s, { ...singles[i]!, force: true });
  const forcedMs = (performance.now() - t) / COUNT;
  t = performance.now();
  for (let i = COUNT; i < 2 * COUNT; i++) await svc.addMemory(s, singles[i]!);
  const checkedMs = (performance.now() - t) / COUNT;
  console.log(JSON.stringify({ count: COUNT, plainMs, forcedMs, firstMs, checkedMs }));
  svc.close();
  process.exit(0);
}

const N = Number(process.env.BENCH_N ?? 10_000);
const DIMS = 512;
const CLUSTERS = 64;
const QUERIES = 30;
const RARE = 20;
const dir = mkdtempSync(join(tmpdir(), 'memvault-scale-'));

const rand = seededRandom(11);
const centres = Array.from({ length: CLUSTERS }, () => Float32Array.from({ length: DIMS }, rand));
const clustered = (): Float32Array => {
  const c = centres[Math.floor((rand() + 0.5) * CLUSTERS) % CLUSTERS]!;
  return Float32Array.from(c, (x) => x + 0.35 * rand());
};
const synthetic = syntheticText(words, rand);
const text = (i: number): string => synthetic(`memory ${i}`);

const vectors = Array.from({ length: N }, clustered);
const rareEvery = Math.floor(N / RARE);
const rows = vectors.map((v, i) => ({ content: text(i), vector: Array.from(v), tags: i % rareEvery === 3 ? ['rare'] : [], force: true }));
const queries = Array.from({ length: QUERIES }, clustered);
const payloadBytes = rows.reduce((s, r) => s + Buffer.byteLength(r.content), 0) + N * DIMS * 4;

const ms = (start: number): number => performance.now() - start;
const pct = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;
const results: [string, string, string, string][] = [];
const row = (what: string, baseline: string, value: string, ratio: string) => results.push([what, baseline, value, ratio]);

/**
 * Read bandwidth of this machine: the best of two native full reads of a buffer the size of
 * the vectors (memchr for a byte it lacks; memcmp of two equal buffers, which reads both).
 * They differ by run, so the faster one sets the floor: the ratio errs against Memvault.
 */
function readBandwidth(): number {
  const bytes = N * DIMS * 4;
  const a = Buffer.alloc(bytes, 1);
  const b = Buffer.alloc(bytes, 1);
  const median = (read: () => void, bytesRead: number): number => {
    const times: number[] = [];
    for (let i = 0; i < 7; i++) {
      const start = performance.now();
      read();
      times.push(ms(start));
    }
    return bytesRead / (pct(times, 0.5) / 1000);
  };
  return Math.max(
    median(() => a.indexOf(2), bytes),
    median(() => a.compare(b), 2 * bytes),
  );
}

/** Exact top k by cosine in plain JavaScript: the answer recall is measured against. */
function exactTop(query: Float32Array, k: number, admit: (i: number) => boolean): number[] {
  const qn = Math.hypot(...query);
  const scored: [number, number][] = [];
  for (let i = 0; i < N; i++) {
    if (!admit(i)) continue;
    const v = vectors[i]!;
    let dot = 0;
    let vn = 0;
    for (let j = 0; j < DIMS; j++) {
      dot += v[j]! * query[j]!;
      vn += v[j]! * v[j]!;
    }
    scored.push([i, dot / (Math.sqrt(vn) * qn)]);
  }
  return scored.sort((x, y) => y[1] - x[1]).slice(0, k).map((s) => s[0]);
}

const embedder = new HashEmbedder('bench-hash-512', DIMS);
const path = join(dir, 'vault.db');
const created = await VaultService.create(path, { ownerName: 'bench', password: 'bench-password', kdf: 'insecure-test-only', stateDir: join(dir, 'state'), embedder });
let session = await created.service.unlock('bench', 'bench-password');
const service = created.service;

// Baseline for the bulk path: the same rows as plaintext into SQLite + FTS5, one transaction.
const plain = new Database(join(dir, 'plain.db'));
plain.pragma('journal_mode = WAL');
plain.pragma('synchronous = NORMAL');
plain.exec(`CREATE TABLE m (id INTEGER PRIMARY KEY, content TEXT, tags TEXT, embedding BLOB);
  CREATE VIRTUAL TABLE f USING fts5(content, tokenize='porter unicode61');`);
const insPlain = plain.prepare('INSERT INTO m (id, content, tags, embedding) VALUES (?, ?, ?, ?)');
const insFts = plain.prepare('INSERT INTO f (rowid, content) VALUES (?, ?)');
let start = performance.now();
plain.transaction(() =>
  rows.forEach((r, i) => {
    insPlain.run(i + 1, r.content, JSON.stringify(r.tags), Buffer.from(vectors[i]!.buffer));
    insFts.run(i + 1, r.content);
  }),
)();
const plainBulkMs = ms(start);
plain.close();

start = performance.now();
const { ids: added } = await service.addMemories(session, { memories: rows }, (phase, done, total) => {
  if (phase === 'store' && done % 20_000 === 0) process.stderr.write(`stored ${done}/${total}\n`);
});
const bulkMs = ms(start);
const ids = added.map((id) => id!);
row(`bulk add ${N} (one addMemories)`, `plain SQLite + FTS5, one transaction: ${plainBulkMs.toFixed(0)} ms`, `${bulkMs.toFixed(0)} ms`, `${(plainBulkMs / bulkMs).toFixed(2)}x speed`);

start = performance.now();
service.lock(session);
const lockMs = ms(start);
// What each file holds on disk once its write-ahead log is folded in (the plain file's was, when
// it closed; the open vault's is here, from a second connection), so no page counts twice.
const folded = new Database(path);
folded.pragma('wal_checkpoint(TRUNCATE)');
folded.close();
const diskBytes = (file: string): number => [file, `${file}-wal`].reduce((n, f) => n + (existsSync(f) ? statSync(f).size : 0), 0);
const MiB = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
row(
  'disk bytes after the bulk add (WAL checkpointed)',
  `payload ${MiB(payloadBytes)}; plain SQLite + FTS5 ${MiB(diskBytes(join(dir, 'plain.db')))}`,
  MiB(diskBytes(path)),
  `${(diskBytes(path) / payloadBytes).toFixed(2)}x payload`,
);
const snapshotBytes = (() => {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare('SELECT coalesce(sum(length(sealed)), 0) FROM index_snapshot_chunks').pluck().get() as number;
  } finally {
    db.close();
  }
})();
row('of which the sealed index snapshot', '-', MiB(snapshotBytes), `${(snapshotBytes / payloadBytes).toFixed(2)}x payload`);
row('lock after the bulk add (seals the index snapshot)', '-', `${lockMs.toFixed(0)} ms`, '-');
const unlockIn = (cold: boolean): { unlockMs: number; rssGrowth: number } => {
  const env = { ...process.env, SCALE_UNLOCK_CHILD: dir, ...(cold ? { SCALE_UNLOCK_COLD: '1' } : {}) };
  const measured = spawnSync(process.execPath, [...process.execArgv, process.argv[1]!], { env, encoding: 'utf8' });
  if (measured.status !== 0) throw new Error(`unlock measurement failed: ${measured.stderr}`);
  return JSON.parse(measured.stdout.trim().split('\n').at(-1)!) as { unlockMs: number; rssGrowth: number };
};
const { unlockMs, rssGrowth } = unlockIn(false);
row(`unlock -> first search ready, ${N} (fresh process, index snapshot)`, 'target 2 s at 100k', `${unlockMs.toFixed(0)} ms`, '-');
row('RSS growth after unlock (fresh process, index snapshot)', `raw vectors + text ${(payloadBytes / 2 ** 20).toFixed(0)} MiB`, `${(rssGrowth / 2 ** 20).toFixed(0)} MiB`, `${(rssGrowth / payloadBytes).toFixed(2)}x`);
// Cold: what the first unlock after another process imported pays, or any unlock of a vault whose snapshot is stale.
const cold = unlockIn(true);
row(`unlock -> first search ready, ${N} (fresh process, no snapshot)`, '-', `${cold.unlockMs.toFixed(0)} ms`, '-');
row('RSS growth after unlock (fresh process, no snapshot)', `raw vectors + text ${(payloadBytes / 2 ** 20).toFixed(0)} MiB`, `${(cold.rssGrowth / 2 ** 20).toFixed(0)} MiB`, `${(cold.rssGrowth / payloadBytes).toFixed(2)}x`);
session = await service.unlock('bench', 'bench-password');

const bandwidth = readBandwidth();
const floorMs = ((N * DIMS * 4) / bandwidth) * 1000;
const vectorTimes: number[] = [];
let recallHits = 0;
for (const q of queries) {
  start = performance.now();
  const hits = await service.searchMemories(session, { vector: Array.from(q), mode: 'vector', k: 10 });
  vectorTimes.push(ms(start));
  const want = new Set(exactTop(q, 10, () => true).map((i) => ids[i]!));
  recallHits += hits.filter((h) => want.has(h.memory.id)).length;
}
const p50 = pct(vectorTimes, 0.5);
row('read bandwidth (best of memchr, memcmp)', '-', `${(bandwidth / 1e9).toFixed(1)} GB/s`, '-');
row('vector search k=10 p50', `floor ${floorMs.toFixed(2)} ms (bytes / bandwidth)`, `${p50.toFixed(2)} ms`, `${(p50 / floorMs).toFixed(2)}x`);
row('vector search recall@10', 'exact JS scan', (recallHits / (QUERIES * 10)).toFixed(3), '-');

let rareHits = 0;
let rareWanted = 0;
for (const q of queries.slice(0, 10)) {
  const hits = await service.searchMemories(session, { vector: Array.from(q), mode: 'vector', k: 10, tags: ['rare'] });
  const want = new Set(exactTop(q, 10, (i) => rows[i]!.tags.length > 0).map((i) => ids[i]!));
  rareWanted += want.size;
  rareHits += hits.filter((h) => want.has(h.memory.id)).length;
}
row(`vector search, tag on ${RARE} of ${N}, recall@10`, 'filtered exact JS scan', (rareHits / rareWanted).toFixed(3), '-');

const keywordTimes: number[] = [];
const hybridTimes: number[] = [];
for (const [i, q] of queries.entries()) {
  // Two topical words: ranks 50 to 549, neither function words nor hapaxes.
  const words2 = `${words[50 + ((i * 37) % 500)]} ${words[50 + ((i * 101 + 13) % 500)]}`;
  start = performance.now();
  await service.searchMemories(session, { text: words2, mode: 'keyword', k: 10 });
  keywordTimes.push(ms(start));
  start = performance.now();
  await service.searchMemories(session, { text: words2, vector: Array.from(q), mode: 'hybrid', k: 10 });
  hybridTimes.push(ms(start));
}
row('keyword search k=10 p50 / p95', '-', `${pct(keywordTimes, 0.5).toFixed(2)} / ${pct(keywordTimes, 0.95).toFixed(2)} ms`, '-');
row('hybrid search k=10 p50 / p95', `vector p50 ${p50.toFixed(2)} ms`, `${pct(hybridTimes, 0.5).toFixed(2)} / ${pct(hybridTimes, 0.95).toFixed(2)} ms`, `${(pct(hybridTimes, 0.5) / p50).toFixed(2)}x`);

service.close();

const adds = spawnSync(process.execPath, [...process.execArgv, process.argv[1]!], { env: { ...process.env, SCALE_ADDS_CHILD: dir, SCALE_ADDS: String(Math.min(1000, N)) }, encoding: 'utf8' });
if (adds.status !== 0) throw new Error(`single-add measurement failed: ${adds.stderr}`);
const single = JSON.parse(adds.stdout.trim().split('\n').at(-1)!) as { count: number; plainMs: number; forcedMs: number; firstMs: number; checkedMs: number };
row(`add, one per call, forced (${single.count} more, fresh process)`, `plain SQLite + FTS5 row, one transaction each: ${single.plainMs.toFixed(3)} ms`, `${single.forcedMs.toFixed(3)} ms each (first ${single.firstMs.toFixed(1)} ms)`, `${(single.plainMs / single.forcedMs).toFixed(2)}x speed`);
row(`add, one per call, near-duplicate check on (${single.count} more)`, `forced add ${single.forcedMs.toFixed(3)} ms`, `${single.checkedMs.toFixed(3)} ms each`, `${(single.forcedMs / single.checkedMs).toFixed(2)}x speed`);
rmSync(dir, { recursive: true, force: true });

const table = [['figure', 'baseline', 'memvault', 'ratio'], ...results];
const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
console.log(`N=${N}, ${DIMS} dims, ${CLUSTERS} clusters, ${QUERIES} queries`);
for (const r of table) console.log(r.map((c, i) => c.padEnd(widths[i]!)).join('  '));

// The same rows as JSON, with the machine they were measured on, for RESULTS.md and for tools.
writeResults('scale', { n: N, dimensions: DIMS, rows: results.map(([figure, baseline, memvault, ratio]) => ({ figure, baseline, memvault, ratio })) });
