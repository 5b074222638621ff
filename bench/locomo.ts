/**
 * `npm run bench:locomo`: turn-level recall@10 of each search mode on the LoCoMo development
 * split in ../shared/data/locomo (evaluation only; the data is not part of this repository).
 * Each conversation goes into its own vault, one turn per memory, as stored by an agent.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VaultService } from '../src/vault/vault-service.js';
import { defaultEmbedder } from '../src/embed/use-lite.js';
import type { SearchMode } from '../src/contract/memory.js';

interface Turn {
  speaker: string;
  dia_id: string;
  text: string;
}
interface Conversation {
  sample_id: string;
  conversation: Record<string, unknown>;
  qa: { question: string; evidence: string[]; category: number }[];
}

const file = process.env.LOCOMO ?? join(import.meta.dirname, '../../shared/data/locomo/locomo-dev.json');
if (!existsSync(file)) {
  console.log(`LoCoMo data not found at ${file}; set LOCOMO=path/to/locomo-dev.json`);
  process.exit(0);
}
const conversations = JSON.parse(readFileSync(file, 'utf8')) as Conversation[];
const modes: SearchMode[] = ['keyword', 'vector', 'hybrid'];
const totals = new Map<SearchMode, { sum: number; n: number }>(modes.map((m) => [m, { sum: 0, n: 0 }]));
const embedder = defaultEmbedder();

for (const conv of conversations) {
  const dir = mkdtempSync(join(tmpdir(), 'memvault-locomo-'));
  const { service } = await VaultService.create(join(dir, 'v.db'), { ownerName: 'eval', password: 'eval-password', kdf: 'insecure-test-only' });
  const session = await service.unlock('eval', 'eval-password');
  const turns = Object.entries(conv.conversation)
    .filter(([k, v]) => /^session_\d+$/.test(k) && Array.isArray(v))
    .flatMap(([, v]) => v as Turn[]);
  const texts = turns.map((t) => `${t.speaker}: ${t.text}`);
  const vectors = await embedder.embed(texts);
  const byMemory = new Map<string, string>();
  for (let i = 0; i < turns.length; i++) {
    const m = await service.addMemory(session, { content: texts[i]!, kind: 'episode', vector: Array.from(vectors[i]!), force: true });
    byMemory.set(m.id, turns[i]!.dia_id);
  }
  for (const qa of conv.qa.filter((q) => q.category >= 1 && q.category <= 4 && q.evidence.length)) {
    for (const mode of modes) {
      const hits = await service.searchMemories(session, { text: qa.question.slice(0, 2000), mode, k: 10 });
      const found = new Set(hits.map((h) => byMemory.get(h.memory.id)));
      const t = totals.get(mode)!;
      t.sum += qa.evidence.filter((e) => found.has(e)).length / qa.evidence.length;
      t.n++;
    }
  }
  service.close();
  rmSync(dir, { recursive: true, force: true });
  process.stderr.write(`${conv.sample_id}: ${turns.length} turns\n`);
}

console.log('mode     recall@10  questions');
for (const mode of modes) {
  const t = totals.get(mode)!;
  console.log(`${mode.padEnd(8)} ${(t.sum / t.n).toFixed(3).padEnd(10)} ${t.n}`);
}
