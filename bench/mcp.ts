/**
 * `npm run bench:mcp`: `remember` over MCP stdio (`memvault mcp`, the vault's own embedder, the
 * near-duplicate check on) into a vault of BENCH_N memories (default 10,000), beside
 * mcp-memory-keeper's `context_save` (a plaintext SQLite MCP memory server from npm, with its own
 * embedding) holding as many, both driven by the official MCP client in the same run.
 *
 * Two kinds of text, each timed for both servers: synthetic notes of English words drawn by
 * Zipf's law, 50 to 2,000 characters (bench/synthetic-text.ts), and templated
 * notes drawn from 25 words (`VOCABULARY` below), where every memory shares most of its character trigrams
 * with every other, so that each near-duplicate check draws the whole space as candidates and
 * scores every one (the worst case of the check). The vault's memories are embedded by its own
 * model when preloaded.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { VaultService } from '../src/vault/vault-service.js';
import { seededRandom } from '../test/support/random.js';
import { writeResults } from './results.js';
import { englishWords, syntheticText } from './synthetic-text.js';

const N = Number(process.env.BENCH_N ?? 10_000);
const CALLS = Number(process.env.BENCH_CALLS ?? 200);
const WARM_UP = 5;
const PRELOAD_BATCH = 100;
const ROOT = resolve(import.meta.dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'memvault-mcp-bench-'));
const rand = seededRandom(17);

const VOCABULARY = 'deploy review ticket service staging release database backup schedule owner budget meeting design client invoice build test cache queue index migration token rotation alert incident'.split(' ');
const templated = (i: number, tag: string): string =>
  `${tag} note ${i}: ${Array.from({ length: 12 + (i % 9) }, (_, j) => VOCABULARY[(i * 7 + j * 13 + Math.floor((rand() + 0.5) * 5)) % VOCABULARY.length]).join(' ')}`;

type ToolResult = { isError?: boolean; content: { type: string; text: string }[] };

/** Connects the official client to a server over stdio. */
async function connect(args: string[], env: Record<string, string>): Promise<Client> {
  const client = new Client({ name: 'memvault-bench', version: '1.0.0' });
  await client.connect(new StdioClientTransport({ command: process.execPath, args, env: { ...(process.env as Record<string, string>), ...env }, stderr: 'pipe' }));
  return client;
}

async function call(client: Client, name: string, args: Record<string, unknown>): Promise<void> {
  const result = (await client.callTool({ name, arguments: args })) as ToolResult;
  if (result.isError) throw new Error(`${name} failed: ${result.content[0]?.text ?? 'no text'}`);
}

/** Milliseconds per call, after a few untimed calls that load code and models. */
async function timeCalls(client: Client, name: string, argsFor: (i: number) => Record<string, unknown>): Promise<number[]> {
  for (let i = 0; i < WARM_UP; i++) await call(client, name, argsFor(-1 - i));
  const times: number[] = [];
  for (let i = 0; i < CALLS; i++) {
    const start = performance.now();
    await call(client, name, argsFor(i));
    times.push(performance.now() - start);
  }
  return times;
}

const pct = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;
const mean = (xs: number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;

interface Timed {
  vault: number[];
  keeper: number[];
}

/** N memories of `text` into a new vault and a new mcp-memory-keeper, then CALLS more into each, timed. */
async function compare(kind: string, text: (i: number, tag: string) => string): Promise<Timed> {
  const at = join(dir, kind);
  mkdirSync(at);
  const vaultPath = join(at, 'vault.db');
  const created = await VaultService.create(vaultPath, { ownerName: 'bench', password: 'bench-password', kdf: 'insecure-test-only', stateDir: join(at, 'state') });
  const owner = await created.service.unlock('bench', 'bench-password');
  for (let from = 0; from < N; from += 1000) {
    const memories = Array.from({ length: Math.min(1000, N - from) }, (_, i) => ({ content: text(from + i, 'stored'), force: true }));
    await created.service.addMemories(owner, { memories });
  }
  const { token } = created.service.addAgent(owner, { name: 'bench-agent', spaces: ['default'], grants: ['read', 'write'], requestsPerMinute: 100_000, dailyWrites: 10 * (CALLS + WARM_UP) });
  created.service.close();

  const vault = await connect([join(ROOT, 'bin/memvault.js'), 'mcp'], { MEMVAULT_VAULT: vaultPath, MEMVAULT_TOKEN: token });
  const vaultTimes = await timeCalls(vault, 'remember', (i) => ({ content: text(i, `remembered ${i < 0 ? 'warm' : 'new'}`) }));
  await vault.close();

  // mcp-memory-keeper with as many items, written in its largest batches.
  const keeperData = join(at, 'memory-keeper');
  mkdirSync(keeperData);
  const keeper = await connect([join(ROOT, 'node_modules/mcp-memory-keeper/dist/index.js')], { DATA_DIR: keeperData });
  for (let from = 0; from < N; from += PRELOAD_BATCH) {
    const items = Array.from({ length: Math.min(PRELOAD_BATCH, N - from) }, (_, i) => ({ key: `stored-${from + i}`, value: text(from + i, 'stored'), category: 'note' }));
    await call(keeper, 'context_batch_save', { items });
  }
  const keeperTimes = await timeCalls(keeper, 'context_save', (i) => ({ key: `remembered-${i}`, value: text(i, `remembered ${i < 0 ? 'warm' : 'new'}`), category: 'note' }));
  await keeper.close();
  return { vault: vaultTimes, keeper: keeperTimes };
}

const zipf = syntheticText(englishWords(), rand);
const natural = await compare('zipf', (i, tag) => zipf(`${tag} note ${i}`));
const worst = await compare('templated', templated);
rmSync(dir, { recursive: true, force: true });

const f = (ms: number): string => `${ms.toFixed(2)} ms`;
const rowsOf = (label: string, t: Timed) => [
  {
    figure: `${label}: one memory per call over MCP stdio, ${N} stored (p50 / mean)`,
    baseline: `mcp-memory-keeper context_save: ${f(pct(t.keeper, 0.5))} / ${f(mean(t.keeper))}`,
    memvault: `remember: ${f(pct(t.vault, 0.5))} / ${f(mean(t.vault))}`,
    ratio: `${(pct(t.vault, 0.5) / pct(t.keeper, 0.5)).toFixed(2)}x the time`,
  },
  { figure: `${label}: p95`, baseline: f(pct(t.keeper, 0.95)), memvault: f(pct(t.vault, 0.95)), ratio: '-' },
];
const rows = [...rowsOf(`notes of 50-2,000 characters, ${englishWords().length} English words`, natural), ...rowsOf('templated notes, 25-word vocabulary (worst case)', worst)];
const table = [['figure', 'baseline', 'memvault', 'ratio'], ...rows.map((r) => [r.figure, r.baseline, r.memvault, r.ratio])];
const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
console.log(`N=${N}, ${CALLS} timed calls each after ${WARM_UP} untimed`);
for (const r of table) console.log(r.map((c, i) => c.padEnd(widths[i]!)).join('  '));

writeResults('mcp', { n: N, calls: CALLS, rows });
