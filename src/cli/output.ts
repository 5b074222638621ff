import type { Memory, SearchHit } from '../contract/memory.js';

/*
 * Memory content, tags and metadata are written by agents, and this output goes to the owner's
 * terminal, which acts on control characters instead of showing them: ESC and the one-byte C1
 * CSI (U+009B) start sequences that retitle the window, hide text or move the cursor; CR and
 * backspace overwrite what was printed; NEL (U+0085) and U+2028/2029 break lines in some
 * terminals; bidi embeddings, overrides, isolates and marks reorder what follows ("Trojan
 * Source"). So every such character is shown as its JSON-style escape, `\u001b` for ESC, the
 * same text in human and --json output. Only \n (our own line breaks) and \t (it only moves the
 * cursor right, over nothing yet printed) reach the terminal from printLine.
 */
const UNSAFE_BEYOND_C0 = '\\u007f-\\u009f\\u061c\\u200e\\u200f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069';
/** JSON.stringify escapes C0 itself; in the JSON text these can only occur inside strings, so escaping them keeps it valid. */
const UNSAFE_IN_JSON = new RegExp(`[${UNSAFE_BEYOND_C0}]`, 'g');
const UNSAFE_IN_TEXT = new RegExp(`[\\u0000-\\u0008\\u000b-\\u001f${UNSAFE_BEYOND_C0}]`, 'g');
/** A table cell is one line of a fixed width: no character in it may break or shift the line. */
const UNSAFE_IN_CELL = new RegExp(`[\\u0000-\\u001f${UNSAFE_BEYOND_C0}]`, 'g');

const escapeChar = (c: string): string => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2).replace(UNSAFE_IN_JSON, escapeChar)}\n`);
}

export function printLine(text = ''): void {
  process.stdout.write(`${text.replace(UNSAFE_IN_TEXT, escapeChar)}\n`);
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
    // Indented, so no line of the content can pass for one of the headers above or for output
    // that follows; CRLF is an ordinary line break here, a lone CR is escaped by printLine.
    ...m.content.split(/\r?\n/).map((l) => `  ${l}`),
    ...(m.context ? ['', 'context:', ...m.context.split(/\r?\n/).map((l) => `  ${l}`)] : []),
  ]
    .filter((l) => l !== null)
    .join('\n');
}

export function hitLine(h: SearchHit, rank: number): string {
  return `${String(rank).padStart(2)}. ${h.score.toFixed(4)}  ${memoryLine(h.memory)}`;
}

export function table(rows: string[][]): string {
  if (!rows.length) return '';
  // Escaped before the widths are measured, so the columns line up with what is shown.
  const cells = rows.map((r) => r.map((c) => c.replace(UNSAFE_IN_CELL, escapeChar)));
  const widths = cells[0]!.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  return cells.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}

/** What `audit verify` and `doctor` say: intact, how far it is signed, or the first bad event and why. */
