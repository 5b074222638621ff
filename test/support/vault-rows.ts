import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';

/** A hash of every row of the vault's tables (or the ones named), to show a refused action changed nothing. */
export function vaultRowsHash(path: string, tables?: string[]): string {
  const db = new Database(path, { readonly: true });
  try {
    const names = tables ?? (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '%fts%' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
    const hash = createHash('sha256');
    for (const name of names) {
      hash.update(name);
      for (const row of db.prepare(`SELECT * FROM "${name}" ORDER BY 1`).all()) hash.update(JSON.stringify(row, (_, v: unknown) => (Buffer.isBuffer(v) ? v.toString('hex') : v)));
    }
    return hash.digest('hex');
  } finally {
    db.close();
  }
}
