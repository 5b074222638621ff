import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { Checkpointer } from '../../src/store/checkpointer.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A WAL file whose own connection never checkpoints while it is open, so only the worker can copy frames. */
function walFile(): { path: string; db: Database.Database } {
  const dir = mkdtempSync(join(tmpdir(), 'memvault-ckpt-'));
  dirs.push(dir);
  const path = join(dir, 'v.db');
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('wal_autocheckpoint = 0');
  db.exec('CREATE TABLE t (b BLOB)');
  return { path, db };
}

function commit(db: Database.Database, checkpointer: Checkpointer, n: number): void {
  const insert = db.prepare('INSERT INTO t (b) VALUES (?)');
  for (let i = 0; i < n; i++) {
    db.transaction(() => insert.run(Buffer.alloc(8192, i)))();
    checkpointer.committed();
  }
}

async function until(check: () => boolean, ms = 10_000): Promise<boolean> {
  for (const start = Date.now(); Date.now() - start < ms; await new Promise((r) => setTimeout(r, 20))) if (check()) return true;
  return check();
}

describe('WAL checkpoints from a worker thread', () => {
  it('a process that commits a few times starts no worker', () => {
    const { db } = walFile();
    const checkpointer = new Checkpointer(db);
    commit(db, checkpointer, 31);
    expect(checkpointer.running).toBe(false);
    checkpointer.close();
    db.close();
  });

  it('after enough commits the worker copies the log into the file while the writer never checkpoints', async () => {
    const { path, db } = walFile();
    const checkpointer = new Checkpointer(db);
    const before = statSync(path).size;
    commit(db, checkpointer, 200);
    expect(checkpointer.running).toBe(true);
    // 200 rows of 8 KiB reach the main file only through a checkpoint.
    expect(await until(() => statSync(path).size > before + 100 * 8192)).toBe(true);
    checkpointer.close();
    db.close();
  });

  it('close waits for the worker to let go, so the writer closes last and SQLite removes the log', () => {
    const { path, db } = walFile();
    const checkpointer = new Checkpointer(db);
    commit(db, checkpointer, 64);
    checkpointer.close();
    expect(checkpointer.running).toBe(false);
    db.close();
    expect(existsSync(`${path}-wal`)).toBe(false);
  });

  it('a process that never closes still exits: the worker does not keep it alive', () => {
    const { path, db } = walFile();
    db.close();
    const script = `
      import Database from 'better-sqlite3';
      import { Checkpointer } from ${JSON.stringify(join(process.cwd(), 'src/store/checkpointer.ts'))};
      const db = new Database(${JSON.stringify(path)});
      const c = new Checkpointer(db);
      const insert = db.prepare('INSERT INTO t (b) VALUES (?)');
      for (let i = 0; i < 64; i++) { insert.run(Buffer.alloc(1024)); c.committed(); }
      if (!c.running) process.exit(3);
    `;
    execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: process.cwd(), timeout: 20_000 });
    const reopened = new Database(path);
    expect(reopened.prepare('SELECT count(*) FROM t').pluck().get()).toBe(64);
    reopened.close();
  });
});
