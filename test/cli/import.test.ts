import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCliVault, type CliVault } from '../security/cli-harness.js';

/** `memvault import FILE`: JSON Lines, one transaction, progress on stderr, bad lines named. */
describe('memvault import', () => {
  let v: CliVault;
  beforeEach(() => (v = createCliVault('memvault-import-')));
  afterEach(() => v.cleanup());

  const memoryCount = (): number => {
    const db = v.open(true);
    try {
      return (db.prepare('SELECT count(*) AS n FROM memories').get() as { n: number }).n;
    } finally {
      db.close();
    }
  };

  it('stores every line of the file, shows progress, and reports near-duplicates by line', () => {
    const file = join(v.dir, 'notes.jsonl');
    writeFileSync(file, ['{"content": "The build uses pnpm", "tags": ["tooling"]}', '', '{"content": "Deploys happen on Tuesdays", "kind": "fact"}', '{"content": "the build uses pnpm"}', ''].join('\n'));
    const r = v.run(['import', file]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('Imported 2 of 3 memories');
    expect(r.out).toMatch(/line 4: near-identical to [0-9a-f-]{36}, left out/);
    expect(r.err).toMatch(/storing: 3\/3 \(100%\)/);
    expect(memoryCount()).toBe(2);
    const listed = v.json<{ items: { content: string; tags: string[] }[] }>(['list']);
    expect(listed.items.map((m) => m.content).sort()).toEqual(['Deploys happen on Tuesdays', 'The build uses pnpm']);
  });

  it('a large import shows the sealing of the search index at the end, not a silent wait', () => {
    const file = join(v.dir, 'many.jsonl');
    const lines = Array.from({ length: 5_000 }, (_, i) => JSON.stringify({ content: `entry ${i}: ${createHash('sha256').update(String(i)).digest('hex')}` }));
    writeFileSync(file, lines.join('\n'));
    const r = v.run(['import', file]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('Imported 5000 of 5000 memories');
    expect(r.err).toMatch(/sealing the search index of space default into the vault: 5000\/5000 \(100%\)\n/);
  }, 60_000);

  it('a bad line stops the import before anything is stored, naming the line (exit 2)', () => {
    const file = join(v.dir, 'bad.jsonl');
    writeFileSync(file, ['{"content": "fine"}', '{"content": "also fine"}', '{"content": "", "kind": "note"}'].join('\n'));
    const r = v.run(['import', file]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('line 3: content');
    const broken = join(v.dir, 'broken.jsonl');
    writeFileSync(broken, '{"content": "fine"}\n{not json\n');
    expect(v.run(['import', broken]).err).toContain('line 2: not valid JSON');
    expect(memoryCount()).toBe(0);
  });
});
