import type { Memory, SearchHit } from '../contract/memory.js';

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function printLine(text = ''): void {
  process.stdout.write(`${text}\n`);
}

const oneLine = (text: string, width: number): string => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > width ? `${flat.slice(0, width - 1)}…` : flat;
};

export function memoryLine(m: Memory): string {
  const tags = m.tags.length ? `  [${m.tags.join(', ')}]` : '';
  return `${m.id}  ${m.kind.padEnd(10)} ${m.space.padEnd(12)} ${oneLine(m.content, 70)}${tags}`;
}

export function memoryBlock(m: Memory): string {
  return [
    `id:         ${m.id}`,
    `space:      ${m.space}`,
    `kind:       ${m.kind}`,
    `state:      ${m.state} (version ${m.version})`,
    `source:     ${m.source}`,
    `created:    ${m.createdAt}`,
    `updated:    ${m.updatedAt}`,
    m.validFrom || m.validUntil ? `valid:      ${m.validFrom ?? '…'} to ${m.validUntil ?? '…'}` : null,
    `importance: ${m.importance}`,
    m.tags.length ? `tags:       ${m.tags.join(', ')}` : null,
    Object.keys(m.metadata).length ? `metadata:   ${JSON.stringify(m.metadata)}` : null,
    '',
    m.content,
  ]
    .filter((l) => l !== null)
    .join('\n');
}

export function hitLine(h: SearchHit, rank: number): string {
  return `${String(rank).padStart(2)}. ${h.score.toFixed(4)}  ${memoryLine(h.memory)}`;
}

export function table(rows: string[][]): string {
  if (!rows.length) return '';
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}
