import Database from 'better-sqlite3';
import { expect, vi } from 'vitest';
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

/** The seq and time of each event of this action in the file, in order. */
export function eventsOf(vaultPath: string, action: string): { seq: number; ts: number }[] {
  const db = new Database(vaultPath, { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT seq, ts FROM audit_events WHERE action = ? ORDER BY seq').all(action) as { seq: number; ts: number }[];
  } finally {
    db.close();
  }
}

/** Reads log their events in a group commit (src/vault/read-group.ts); waits until this one's group is in the file. */
export async function readLogged(vaultPath: string, action: string, count = 1): Promise<void> {
  await vi.waitFor(() => expect(eventsOf(vaultPath, action).length).toBeGreaterThanOrEqual(count), { timeout: 5_000, interval: 20 });
}
