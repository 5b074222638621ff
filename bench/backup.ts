/**
 * `npm run bench:backup`: export a vault of BENCH_N memories (default 10k, every tenth with a
 * second version) to a passphrase backup, import it into a fresh vault, and check the round
 * trip (every memory, version, tag and vector equal; the same searches, the same ranks).
 * Throughput is a ratio against reading the same file's bytes from disk in the same run.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VaultService } from '../src/vault/vault-service.js';

const N = Number(process.env.BENCH_N ?? 10_000);
const DIMS = 512;
const PASSPHRASE = 'bench backup passphrase';
const dir = mkdtempSync(join(tmpdir(), 'memvault-bench-backup-'));
const words = 'alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar papa quebec romeo sierra tango'.split(' ');
// mulberry32: bench/run.ts's LCG repeats vectors at 10k (score ties make the rank comparison meaningless).
let seed = 7;
const rand = (): number => {
  let t = (seed = (seed + 0x6d2b79f5) | 0);
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const text = (i: number): string => `memory ${i}: ${Array.from({ length: 24 }, () => words[Math.floor(rand() * words.length)]).join(' ')}`;
const vector = (): number[] => Array.from({ length: DIMS }, () => rand() - 0.5);

async function time<T>(fn: () => Promise<T> | T): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await fn();
  return { ms: performance.now() - start, value };
}

const make = async (name: string) => {
  const created = await VaultService.create(join(dir, `${name}.db`), { ownerName: 'bench', password: 'bench password', kdf: 'insecure-test-only', stateDir: join(dir, `${name}-state`) });
  return { service: created.service, session: await created.service.unlock('bench', 'bench password') };
};

try {
  const source = await make('source');
  const memories = Array.from({ length: N }, (_, i) => ({ content: text(i), tags: [words[i % words.length]!], vector: vector(), force: true }));
  for (let at = 0; at < N; at += 50_000) await source.service.addMemories(source.session, { memories: memories.slice(at, at + 50_000) });
  const ids = source.service.listMemories(source.session, { limit: 500 }).items.map((m) => m.id);
  for (const id of ids.slice(0, Math.ceil(N / 10 / 10))) await source.service.updateMemory(source.session, { id, importance: 0.9 });

  const file = join(dir, 'bench.mvb');
  const exported = await time(() => source.service.exportBackup(source.session, { file, passphrase: PASSPHRASE }));
  const size = statSync(file).size;
  const read = await time(() => readFileSync(file).length);
  const target = await make('target');
  const imported = await time(() => target.service.importBackup(target.session, { file, passphrase: PASSPHRASE }));
  const again = await time(() => target.service.importBackup(target.session, { file, passphrase: PASSPHRASE }));

  // The round trip: same pages of memories, same history of an updated one, same search ranks.
  const page = (v: { service: VaultService; session: Awaited<ReturnType<typeof make>>['session'] }) => v.service.listMemories(v.session, { limit: 500 }).items;
  const equalPages = JSON.stringify(page(source)) === JSON.stringify(page(target));
  const equalHistory = ids.slice(0, 20).every((id) => JSON.stringify(source.service.memoryHistory(source.session, id)) === JSON.stringify(target.service.memoryHistory(target.session, id)));
  const q = { vector: vector(), mode: 'vector' as const, k: 10 };
  const ranks = async (v: { service: VaultService; session: Awaited<ReturnType<typeof make>>['session'] }) => (await v.service.searchMemories(v.session, q)).map((h) => h.memory.id).join();
  const sameSearch = (await ranks(source)) === (await ranks(target));

  const mb = size / 1024 / 1024;
  const rows = [
    ['what', 'memvault', 'baseline (read the file from disk)', 'ratio'],
    [`export ${N} memories, ${exported.value.versions} versions`, `${exported.ms.toFixed(0)} ms (${(mb / (exported.ms / 1000)).toFixed(1)} MB/s)`, `${read.ms.toFixed(1)} ms (${(mb / (read.ms / 1000)).toFixed(0)} MB/s)`, `${(read.ms / exported.ms).toFixed(3)}x`],
    [`import into a fresh vault (verify + merge)`, `${imported.ms.toFixed(0)} ms (${(mb / (imported.ms / 1000)).toFixed(1)} MB/s)`, `${read.ms.toFixed(1)} ms`, `${(read.ms / imported.ms).toFixed(3)}x`],
    [`import again (all skipped)`, `${again.ms.toFixed(0)} ms (${(mb / (again.ms / 1000)).toFixed(1)} MB/s)`, `${read.ms.toFixed(1)} ms`, `${(read.ms / again.ms).toFixed(3)}x`],
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const row of rows) console.log(row.map((c, i) => c.padEnd(widths[i]!)).join('  '));
  console.log(`file ${mb.toFixed(1)} MiB; added ${imported.value.added}, second import skipped ${again.value.skipped}, changed ${again.value.added + again.value.updated + again.value.conflicts}`);
  console.log(`round trip: pages equal ${equalPages}, histories equal ${equalHistory}, same vector search ranks ${sameSearch}`);
  if (!equalPages || !equalHistory || !sameSearch || imported.value.added !== N) process.exitCode = 1;
  source.service.close();
  target.service.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
