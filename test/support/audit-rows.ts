import Database from 'better-sqlite3';
import type { AuditRow } from '../../src/audit/chain.js';

export type RefusalRow = Pick<AuditRow, 'actor_type' | 'actor_id' | 'action' | 'outcome' | 'details'>;

/** Every refused or failed event in the vault file, in order, read the way a copy of the file shows them. */
export function refusalRows(vaultPath: string): RefusalRow[] {
  const db = new Database(vaultPath, { readonly: true, fileMustExist: true });
  try {
    return db.prepare("SELECT actor_type, actor_id, action, outcome, details FROM audit_events WHERE outcome != 'ok' ORDER BY seq").all() as RefusalRow[];
  } finally {
    db.close();
  }
}
