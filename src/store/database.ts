import Database from 'better-sqlite3';
import { mkdirSync, existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { MIGRATIONS } from './migrations.js';

export type Db = Database.Database;

export interface OpenOptions {
  create: boolean;
}

/**
 * Opens a vault file with the pragmas the architecture requires and brings its schema up
 * to date. secure_delete overwrites freed pages so deleted ciphertext does not linger;
 * temp_store=MEMORY keeps sort and index scratch space (which may hold plaintext from the
 * in-memory index) off the disk.
 */
export function openDatabase(path: string, options: OpenOptions): Db {
  const exists = existsSync(path);
  if (!exists && !options.create) throw new Error('vault file does not exist');
  if (!exists) mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const db = new Database(path, { fileMustExist: !options.create });
  try {
    if (!exists) db.pragma('page_size = 16384');
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('secure_delete = ON');
    db.pragma('temp_store = MEMORY');
    db.pragma('busy_timeout = 5000');
    db.pragma('synchronous = NORMAL');
    migrate(db);
    cacheStatements(db);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

/**
 * Every statement the vault runs is compiled once per connection: compiling SQL on each call
 * was ~15 % of all CPU of an add (FACTS). A statement handed out again starts in its default
 * row mode, since callers may have set pluck or raw on it. Statements are not re-entrant, so
 * nothing runs the SQL of a statement while it is being iterated.
 */
function cacheStatements(db: Db): void {
  const compile = db.prepare.bind(db);
  const cache = new Map<string, Database.Statement>();
  db.prepare = ((source: string) => {
    let stmt = cache.get(source);
    if (!stmt) cache.set(source, (stmt = compile(source)));
    else if (stmt.reader) stmt.pluck(false).raw(false).expand(false);
    return stmt;
  }) as Db['prepare'];
}

/** Each step re-reads the version inside its write lock, so two processes opening at once do not both apply it. */
function migrate(db: Db): void {
  const version = (): number => db.pragma('user_version', { simple: true }) as number;
  if (version() > MIGRATIONS.length) throw new Error('vault file was written by a newer Memvault');
  for (let v = version(); v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      if (version() !== v) return;
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    }).immediate();
  }
}

