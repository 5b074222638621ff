/**
 * `npm run bench`: Memvault against a plain baseline measured in the same run, as ratios.
 * Vectors are random (caller-supplied), so the figures measure storage, crypto and search,
 * not the embedding model, which is timed on its own line.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startServer } from '../src/api/server.js';
import { VaultService } from '../src/vault/vault-service.js';
import { defaultEmbedder } from '../src/embed/static-embedder.js';

const N = Number(process.env.BENCH_N ?? 3000);
const DIMS = 512;
const QUERIES = 50;
const REQUESTS = 500;
const dir = mkdtempSync(join(tmpdir(), 'memvault-bench-'));
const words = 'alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar papa quebec romeo sierra tango'.split(' ');

let seed = 42;
const rand = (): number => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
const text = (i: number): string => `memory ${i}: ${Array.from({ length: 12 }, () => words[Math.floor(rand() * words.length)]).join(' ')}`;
const vector = (): number[] => Array.from({ length: DIMS }, () => rand() - 0.5);
const rows = Array.from({ length: N }, (_, i) => ({ content: text(i), vector: vector() }));
const queries = Array.from({ length: QUERIES }, () => vector());

async function time(fn: () => unknown | Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

const results: { what: string; baseline: string; baselineMs: number; memvaultMs: number; unit: string }[] = [];

// Baseline store: plaintext SQLite, one transaction per row (as the vault does), FTS5 and vec0 in memory.
const plain = new Database(join(dir, 'plain.db'));
plain.pragma('journal_mode = WAL');
plain.pragma('synchronous = NORMAL');
sqliteVec.load(plain);
plain.exec(`CREATE TABLE m (id INTEGER PRIMARY KEY, content TEXT, embedding BLOB);
  CREATE VIRTUAL TABLE f USING fts5(content, tokenize='porter unicode61');
  CREATE VIRTUAL TABLE temp.v USING vec0(embedding float[${DIMS}] distance_metric=cosine);`);
const ins = plain.prepare('INSERT INTO m (id, content, embedding) VALUES (?, ?, ?)');
const insF = plain.prepare('INSERT INTO f (rowid, content) VALUES (?, ?)');
const insV = plain.prepare('INSERT INTO temp.v (rowid, embedding) VALUES (?, ?)');
const plainInsert = await time(() =>
  rows.forEach((r, i) =>
    plain.transaction(() => {
      const v = new Float32Array(r.vector);
      ins.run(i + 1, r.content, Buffer.from(v.buffer));
      insF.run(i + 1, r.content);
      insV.run(BigInt(i + 1), v);
    })(),
  ),
);

const created = await VaultService.create(join(dir, 'vault.db'), { ownerName: 'bench', password: 'bench-password', kdf: 'insecure-test-only', stateDir: join(dir, 'state') });
let session = await created.service.unlock('bench', 'bench-password');
const vaultInsert = await time(async () => {
  for (const r of rows) await created.service.addMemory(session, { content: r.content, vector: r.vector, force: true });
});
results.push({ what: `add ${N} memories (1 per transaction)`, baseline: 'plain SQLite + FTS5 + vec0', baselineMs: plainInsert, memvaultMs: vaultInsert, unit: 'total' });

const plainUnlock = await time(() => {
  plain.exec('DELETE FROM temp.v');
  for (const r of plain.prepare('SELECT id, embedding FROM m').all() as { id: number; embedding: Buffer }[])
    insV.run(BigInt(r.id), new Float32Array(r.embedding.buffer, r.embedding.byteOffset, DIMS));
});
created.service.lock(session);
// A space is indexed at the first list or search, so the figure is unlock plus that search.
const vaultUnlock = await time(async () => {
  session = await created.service.unlock('bench', 'bench-password');
  await created.service.searchMemories(session, { vector: queries[0]!, mode: 'vector', k: 10 });
});
results.push({ what: `unlock + first search: load ${N} into the index`, baseline: 'plain rows into vec0', baselineMs: plainUnlock, memvaultMs: vaultUnlock, unit: 'total (vault includes test-cost KDF)' });

const knn = plain.prepare(`SELECT rowid, distance FROM temp.v WHERE embedding MATCH ? AND k = 10`);
const plainVector = await time(() => queries.forEach((q) => knn.all(new Float32Array(q))));
const vaultVector = await time(async () => {
  for (const q of queries) await created.service.searchMemories(session, { vector: q, mode: 'vector', k: 10 });
});
results.push({ what: 'vector search k=10', baseline: 'vec0 query alone', baselineMs: plainVector / QUERIES, memvaultMs: vaultVector / QUERIES, unit: 'per query' });

const fts = plain.prepare(`SELECT rowid FROM f WHERE f MATCH ? ORDER BY bm25(f) LIMIT 10`);
const kw = queries.map((_, i) => `${words[i % words.length]} ${words[(i * 7) % words.length]}`);
const plainKeyword = await time(() => kw.forEach((q) => fts.all(q.split(' ').map((w) => `"${w}"`).join(' OR '))));
const vaultKeyword = await time(async () => {
  for (const q of kw) await created.service.searchMemories(session, { text: q, mode: 'keyword', k: 10 });
});
results.push({ what: 'keyword search k=10', baseline: 'FTS5 query alone', baselineMs: plainKeyword / QUERIES, memvaultMs: vaultKeyword / QUERIES, unit: 'per query' });

// Loopback API: the same requests against a bare node:http server (the floor for one
// keep-alive connection), and search over HTTP against the same search in-process.
const bare = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}'));
await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', resolve));
const bareUrl = `http://127.0.0.1:${(bare.address() as AddressInfo).port}/`;
const bareMs = await time(async () => {
  for (let i = 0; i < REQUESTS; i++) await (await fetch(bareUrl)).text();
});
bare.close();
const { token } = created.service.addAgent(session, { name: 'bench', spaces: ['default'], grants: ['read'], requestsPerMinute: 100_000 });
const api = await startServer({ service: created.service, port: 0, connectionFile: null });
const auth = { authorization: `Bearer ${token}` };
const someId = created.service.listMemories(session, { limit: 1 }).items[0]!.id;
const healthMs = await time(async () => {
  for (let i = 0; i < REQUESTS; i++) await (await fetch(`${api.url}/v1/health`)).text();
});
results.push({ what: 'HTTP GET, no auth (/v1/health)', baseline: 'bare node:http', baselineMs: bareMs / REQUESTS, memvaultMs: healthMs / REQUESTS, unit: 'per request' });
const byIdMs = await time(async () => {
  for (let i = 0; i < REQUESTS; i++) await (await fetch(`${api.url}/v1/memories/${someId}`, { headers: auth })).text();
});
results.push({ what: 'HTTP GET memory by id, token auth', baseline: 'bare node:http', baselineMs: bareMs / REQUESTS, memvaultMs: byIdMs / REQUESTS, unit: 'per request' });
const agentSession = created.service.authenticateAgent(token);
const inProcessMs = await time(() => {
  for (let i = 0; i < REQUESTS; i++) created.service.getMemory(agentSession, someId);
});
results.push({ what: 'HTTP GET memory by id, token auth', baseline: 'same get in-process', baselineMs: inProcessMs / REQUESTS, memvaultMs: byIdMs / REQUESTS, unit: 'per request' });
const httpSearchMs = await time(async () => {
  for (const q of queries)
    await (await fetch(`${api.url}/v1/search`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ vector: q, mode: 'vector', k: 10 }) })).text();
});
results.push({ what: 'vector search k=10 over HTTP', baseline: 'same search in-process', baselineMs: vaultVector / QUERIES, memvaultMs: httpSearchMs / QUERIES, unit: 'per query' });
await api.close();

// A rejected token must take the same time whether its identifier exists (wrong secret) or not,
// or timing tells a guesser which identifiers are real. Interleaved, medians of single calls.
const known = /^mvat_([0-9a-f]{32})_/.exec(token)![1]!;
const wrongSecret = `mvat_${known}_${'B'.repeat(42)}A`;
const unknownId = `mvat_${'f'.repeat(32)}_${'B'.repeat(42)}A`;
const AUTH_TRIALS = 2000;
const wrongTimes: number[] = [];
const unknownTimes: number[] = [];
for (let i = 0; i < AUTH_TRIALS; i++) {
  for (const [t, times] of (i % 2 ? [[wrongSecret, wrongTimes], [unknownId, unknownTimes]] : [[unknownId, unknownTimes], [wrongSecret, wrongTimes]]) as [string, number[]][]) {
    const start = performance.now();
    try {
      created.service.authenticateAgent(t);
    } catch {
      times.push(performance.now() - start);
    }
  }
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
results.push({ what: 'reject a token: wrong secret of a real id', baseline: 'reject an unknown id', baselineMs: median(unknownTimes), memvaultMs: median(wrongTimes), unit: 'per call (median)' });

const embedder = defaultEmbedder();
await embedder.embed(['warm up']);
const embedOne = await time(() => embedder.embed(['What did I say about the quarterly report?']));

created.service.close();
plain.close();
rmSync(dir, { recursive: true, force: true });

const f = (ms: number): string => (ms >= 100 ? `${ms.toFixed(0)} ms` : `${ms.toFixed(2)} ms`);
const table = [
  ['operation', 'baseline', 'baseline time', 'memvault time', 'ratio', 'unit'],
  ...results.map((r) => [r.what, r.baseline, f(r.baselineMs), f(r.memvaultMs), `${(r.memvaultMs / r.baselineMs).toFixed(1)}x`, r.unit]),
  ['embed one query (built-in static model)', '-', '-', f(embedOne), '-', 'per text'],
];
const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
for (const row of table) console.log(row.map((c, i) => c.padEnd(widths[i]!)).join('  '));
