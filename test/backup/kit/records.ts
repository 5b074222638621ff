import type { BodyRecord } from '../../../src/backup/body.js';
import { versionRecord } from '../../support/backup-records.js';

/** Five memories with long content: the body spans three chunks, so chunks can be cut and swapped. */
export function kitRecords(): BodyRecord[] {
  const memory = (n: number): BodyRecord => ({
    t: 'memory',
    id: `00000000-0000-4000-8000-00000000000${n}`,
    space: 'kit',
    createdAt: '2026-12-01T00:00:00.000Z',
    versions: [
      versionRecord({
        changedBy: 'profile:kit',
        content: `Kit memory ${n}: ${'the quick brown fox jumps over the lazy dog. '.repeat(700)}`.slice(0, 30_000),
        tags: ['kit'],
        source: 'profile:kit',
      }),
    ],
  });
  return [
    { t: 'contents', vaultId: 'kit-vault', spaces: ['kit'], withAudit: false },
    memory(1),
    memory(2),
    memory(3),
    memory(4),
    memory(5),
    { t: 'end', spaces: 1, memories: 5, versions: 5, auditEvents: 0 },
  ];
}
