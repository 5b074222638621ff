import type { AuditEvent } from '../../../src/contract/audit.js';
import type { AuditFilter } from '../../../src/contract/vault.js';
import type { VaultClient } from '../../../src/contract/client.js';

const PAGE = 10_000;
const CSV_COLUMNS = ['seq', 'time', 'actorType', 'actorId', 'action', 'targets', 'outcome', 'details', 'prevHash', 'hash'] as const;

/** A cell that spreadsheet programs will not run as a formula, quoted per RFC 4180. */
function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function csvRow(e: AuditEvent): string {
  const cells: Record<(typeof CSV_COLUMNS)[number], string> = {
    seq: String(e.seq),
    time: e.time,
    actorType: e.actorType,
    actorId: e.actorId,
    action: e.action,
    targets: e.targets.join(' '),
    outcome: e.outcome,
    details: JSON.stringify(e.details),
    prevHash: e.prevHash,
    hash: e.hash,
  };
  return CSV_COLUMNS.map((c) => csvCell(cells[c])).join(',');
}

/** Every event the filter matches, oldest first, page by page from the core, as one file's text. */
export async function exportAudit(client: VaultClient, filter: AuditFilter, format: 'jsonl' | 'csv', onProgress: (done: number) => void): Promise<Blob> {
  const lines: string[] = format === 'csv' ? [CSV_COLUMNS.join(',')] : [];
  let after = 0;
  for (;;) {
    const page = await client.call('listAudit', { ...filter, afterSeq: after, order: 'asc', limit: PAGE });
    for (const e of page) lines.push(format === 'csv' ? csvRow(e) : JSON.stringify(e));
    onProgress(lines.length - (format === 'csv' ? 1 : 0));
    if (page.length < PAGE) break;
    after = page[page.length - 1]!.seq;
  }
  return new Blob([lines.join('\n') + '\n'], { type: format === 'csv' ? 'text/csv' : 'application/x-ndjson' });
}

export function download(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
