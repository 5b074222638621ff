/**
 * `npm run bench:agents`: 32 agents on one server process (BENCH_N memories, default 10k, in
 * one space, 512-d vectors supplied by the caller). The baseline is the first agent: its first
 * request indexes the space, and RSS after it is what one agent costs; the next 31 agents'
 * first requests find the space indexed. Prints a table (run with --expose-gc for steady RSS).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../src/api/server.js';
import { VaultService } from '../src/vault/vault-service.js';
import { HashEmbedder } from '../test/support/hash-embedder.js';
import { seededRandom } from '../test/support/random.js';

const N = Number(process.env.BENCH_N ?? 10_000);
const AGENTS = 32;
const DIMS = 512;
const rand = seededRandom(5);
const dir = process.env.AGENTS_CHILD ?? mkdtempSync(join(tmpdir(), 'memvault-agents-'));
const gc = (globalThis as { gc?: () => void }).gc;
const rss = (): number => {
  gc?.();
  return process.memoryUsage().rss;
};

const embedder = new HashEmbedder('bench-hash-512', DIMS);
const child = process.env.AGENTS_CHILD;
if (!child) {
  // The vault is built here; the server is measured in a fresh process, so the bulk load's
  // garbage does not blur its RSS.
  const { service } = await VaultService.create(join(dir, 'vault.db'), { ownerName: 'bench', password: 'bench-password', kdf: 'insecure-test-only', stateDir: join(dir, 'state'), embedder });
  const owner = await service.unlock('bench', 'bench-password');
  const memories = Array.from({ length: N }, (_, i) => ({ content: `agent bench memory ${i} ${rand().toString(36)}`, vector: Array.from({ length: DIMS }, rand), force: true }));
  await service.addMemories(owner, { memories });
  const tokens = Array.from({ length: AGENTS }, (_, i) => service.addAgent(owner, { name: `agent-${i}`, spaces: ['default'], grants: ['read', 'write'], requestsPerMinute: 10_000 }).token);
  service.close();
  writeFileSync(join(dir, 'tokens.json'), JSON.stringify(tokens), { mode: 0o600 });
  const run = spawnSync(process.execPath, [...process.execArgv, process.argv[1]!], { env: { ...process.env, AGENTS_CHILD: dir }, encoding: 'utf8' });
  rmSync(dir, { recursive: true, force: true });
  if (run.status !== 0) throw new Error(`agents measurement failed: ${run.stderr}`);
  process.stdout.write(run.stdout);
  process.exit(0);
}
const tokens = JSON.parse(readFileSync(join(child, 'tokens.json'), 'utf8')) as string[];
const service = await VaultService.open(join(child, 'vault.db'), { kdf: 'insecure-test-only', stateDir: join(child, 'state'), embedder });
const api = await startServer({ service, port: 0, connectionFile: null });
const query = JSON.stringify({ vector: Array.from({ length: DIMS }, rand), mode: 'vector', k: 10 });
const search = async (token: string): Promise<number> => {
  const start = performance.now();
  const r = await fetch(`${api.url}/v1/search`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: query });
  if (r.status !== 200) throw new Error(`search answered ${r.status}`);
  await r.arrayBuffer();
  return performance.now() - start;
};

// One request warms the HTTP stack without an agent (health), so agent 1 pays only for itself.
await (await fetch(`${api.url}/v1/health`)).text();
const before = rss();
const firstMs = await search(tokens[0]!);
const one = rss();
const laterMs: number[] = [];
for (const token of tokens.slice(1)) laterMs.push(await search(token));
const all = rss();
await api.close();
service.close();

laterMs.sort((a, b) => a - b);
const signedPercent = (x: number): string => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)} %`;
const mib = (b: number): string => `${(b / 2 ** 20).toFixed(0)} MiB`;
const rows: [string, string, string, string][] = [
  ['figure', 'baseline', 'memvault', 'ratio'],
  [`first request of agent 1 (indexes ${N})`, '-', `${firstMs.toFixed(1)} ms`, '-'],
  [`first request of agents 2-${AGENTS}, p50 / max`, 'target 50 ms', `${laterMs[Math.floor(laterMs.length / 2)]!.toFixed(1)} / ${laterMs.at(-1)!.toFixed(1)} ms`, '-'],
  [`RSS growth, ${AGENTS} agents vs 1`, `1 agent: ${mib(one - before)} over the idle server`, `${AGENTS} agents: ${mib(all - before)}`, signedPercent((all - one) / (one - before))],
];
const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
console.log(`N=${N}, ${AGENTS} agents, one space, gc ${gc ? 'exposed' : 'not exposed'}`);
for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i]!)).join('  '));
