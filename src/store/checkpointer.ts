import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Db } from './database.js';

/** Commits before the worker is started: a process that writes a little never pays for a thread. */
const START_AFTER_COMMITS = 32;
/** After a commit wakes it, the worker waits this long so one checkpoint covers a few commits. */
const BATCH_MS = 5;
/** How long `close` waits for the worker to close its connection. */
const CLOSE_WAIT_MS = 5_000;

/** Slots of the shared Int32Array: commits so far, stop requested, worker's connection closed. */
const COMMITS = 0;
const STOP = 1;
const CLOSED = 2;

/*
 * The worker blocks on Atomics (no event loop, no timer while the vault is idle), wakes on a
 * commit, waits BATCH_MS for more, then runs one PASSIVE checkpoint: it copies committed WAL
 * frames into the file without blocking the writer, which restarts the log once it is copied.
 * It reads and writes only pages of the vault file, which hold ciphertext and ids, never
 * plaintext. Written as CommonJS source so it runs the same under tsx, from dist and in Electron.
 */
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const flags = new Int32Array(workerData.flags);
let db = null;
try {
  db = new Database(workerData.path, { fileMustExist: true });
  db.pragma('synchronous = NORMAL');
  let seen = 0;
  for (;;) {
    Atomics.wait(flags, ${COMMITS}, seen);
    if (Atomics.load(flags, ${STOP})) break;
    Atomics.wait(flags, ${STOP}, 0, ${BATCH_MS});
    if (Atomics.load(flags, ${STOP})) break;
    seen = Atomics.load(flags, ${COMMITS});
    try {
      db.pragma('wal_checkpoint(PASSIVE)');
    } catch {
      // A busy or locked file: the next commit tries again, and the writer's own checkpoint remains.
    }
  }
} finally {
  if (db) db.close();
  Atomics.store(flags, ${CLOSED}, 1);
  Atomics.notify(flags, ${CLOSED});
}
`;

/**
 * Moves WAL checkpoints off the writer's thread. SQLite's automatic checkpoint runs inside the
 * commit that crosses 1,000 frames: at 100k memories one add in about a hundred paid 2-10 ms
 * for it, 63 % of all commit time (measured here). A worker with its own connection does that
 * copy on the other core instead; the writer keeps SQLite's own automatic checkpoint (1,000
 * frames), which then mostly finds the log copied already, and which keeps the log bounded if
 * the worker cannot start or falls behind.
 */
export class Checkpointer {
  private readonly flags = new Int32Array(new SharedArrayBuffer(3 * Int32Array.BYTES_PER_ELEMENT));
  private worker: Worker | null = null;
  private commits = 0;
  private failed = false;

  constructor(private readonly db: Db) {}

  /** After every commit of the writer. */
  committed(): void {
    if (this.failed || this.db.memory) return;
    if (++this.commits === START_AFTER_COMMITS) this.start();
    if (!this.worker) return;
    Atomics.add(this.flags, COMMITS, 1);
    Atomics.notify(this.flags, COMMITS);
  }

  /** Whether a worker is checkpointing for this connection now. */
  get running(): boolean {
    return this.worker !== null && Atomics.load(this.flags, CLOSED) === 0;
  }

  /**
   * Stops the worker and waits for it to close its connection, so that the writer's own close
   * is the last one (SQLite then checkpoints the whole log and removes it).
   */
  close(): void {
    if (!this.worker) return;
    Atomics.store(this.flags, STOP, 1);
    Atomics.add(this.flags, COMMITS, 1);
    Atomics.notify(this.flags, COMMITS);
    Atomics.notify(this.flags, STOP);
    Atomics.wait(this.flags, CLOSED, 0, CLOSE_WAIT_MS);
    this.worker = null;
  }

  private start(): void {
    try {
      const driver = createRequire(import.meta.url).resolve('better-sqlite3');
      const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver, path: this.db.name, flags: this.flags.buffer } });
      worker.unref();
      worker.on('error', () => this.fallBack());
      worker.on('exit', () => {
        if (Atomics.load(this.flags, STOP) === 0) this.fallBack();
      });
      this.worker = worker;
    } catch {
      this.fallBack();
    }
  }

  /** The worker could not start or stopped: the writer's own automatic checkpoint does all the work again. */
  private fallBack(): void {
    this.failed = true;
    this.worker = null;
    Atomics.store(this.flags, CLOSED, 1);
  }
}
