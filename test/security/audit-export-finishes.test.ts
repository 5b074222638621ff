import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCliVault, maxSeq, type CliVault } from './cli-harness.js';

/**
 * Item 4: `memvault audit export --out FILE` never finished. It paged through the log with
 * listAudit, and every page read appended a listAudit event, so the next page was never empty:
 * the file (and the log) grew without end.
 */
describe('item 4: audit export finishes and logs itself once', () => {
  let v: CliVault;
  beforeEach(() => {
    v = createCliVault();
    for (const text of ['My cat is named Tom', 'I prefer dark roast coffee', 'The report is due on Friday']) expect(v.run(['add', text]).code).toBe(0);
    expect(v.run(['list']).code).toBe(0);
  });
  afterEach(() => v.cleanup());

  it('writes every event up to its start, in order, then stops', () => {
    const before = (() => {
      const db = v.open(true);
      try {
        return maxSeq(db, 'audit_events');
      } finally {
        db.close();
      }
    })();
    const out = join(v.dir, 'audit.jsonl');
    // A bounded wait: the old export loops for ever, and must fail this test, not hang the suite.
    const r = v.run(['audit', 'export', '--out', out], { timeoutMs: 30_000 });
    expect(r.signal).toBeNull();
    expect(r.code).toBe(0);

    const lines = readFileSync(out, 'utf8').trimEnd().split('\n');
    // The export's own unlock is written before the export starts, so it is the last event
    // exported; everything the file held before the command is there too, and nothing after.
    expect(lines).toHaveLength(before + 1);
    const events = lines.map((l) => JSON.parse(l) as { seq: number; action: string });
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: before + 1 }, (_, i) => i + 1));
    expect(events.at(-1)!.action).toBe('unlock');
    expect(events.some((e) => e.action === 'exportAudit' || e.action === 'listAudit')).toBe(false);

    // The export is one event afterwards, counting what it wrote.
    const logged = v.json<{ action: string; details: { count?: number } }[]>(['audit', 'list', '--action', 'exportAudit']);
    expect(logged).toHaveLength(1);
    expect(logged[0]!.details.count).toBe(lines.length);
  }, 90_000);
});
