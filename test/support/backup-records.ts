import type { VersionRecord } from '../../src/backup/body.js';

/** A first version as a backup file holds it, with what a test changes given. */
export function versionRecord(fields: Partial<VersionRecord> & Pick<VersionRecord, 'content'>): VersionRecord {
  return {
    version: 1,
    kind: 'note',
    state: 'active',
    importance: 0.5,
    validFrom: null,
    validUntil: null,
    changedAt: '2026-12-01T00:00:00.000Z',
    changedBy: 'profile:test',
    change: 'create',
    context: '',
    tags: [],
    metadata: '{}',
    source: 'profile:test',
    model: null,
    vector: null,
    ...fields,
  };
}
