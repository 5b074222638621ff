import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventHash } from '../../src/audit/chain.js';
import { createCliVault, maxSeq, rehashFrom, startServe, stopServe, tamper, type CliVault, type Served } from './cli-harness.js';

/**
 * Item 3: the audit log could be truncated, rewritten or wiped and `memvault audit verify`
 * still said "Audit log intact" (exit 0). Each case tampers with the real file the way someone
 * holding a copy would (plain SQLite, the public hash rule) and asks the real CLI.
 */
describe('item 3: truncating, rewriting or wiping the audit log is reported', () => {
  let v: CliVault;
  /** A second state folder: a machine that never verified this vault (nothing pinned). */
  let freshState: string;

  beforeEach(() => {
    v = createCliVault();
    freshState = mkdtempSync(join(tmpdir(), 'memvault-sec-nopin-'));
    // A few memories and actions, each its own process (unlock, action, lock, signed and pinned).
    for (const text of ['My cat is named Tom', 'I prefer dark roast coffee', 'The report is due on Friday']) expect(v.run(['add', text]).code).toBe(0);
    expect(v.run(['list']).code).toBe(0);
    // The untouched log verifies; this is the baseline every attack below starts from.
    const baseline = v.run(['audit', 'verify']);
    expect(baseline.code).toBe(0);
    expect(baseline.out).toContain('Audit log intact');
  });
  afterEach(() => {
    v.cleanup();
    rmSync(freshState, { recursive: true, force: true });
  });

  const verify = (env?: Record<string, string>) => v.run(['audit', 'verify'], { env });
  const expectNotIntact = (r: { code: number | null; out: string }) => {
    expect(r.code).toBe(1);
    expect(r.out).not.toContain('Audit log intact');
  };
  /** Broken with this machine's pinned head, and, for the reason given, on a machine that never verified the vault. */
  const expectBrokenPinnedAndNot = (unpinnedReason: RegExp) => {
    const r = verify();
    expectNotIntact(r);
    expect(r.out).toContain('Audit log BROKEN');
    const unpinned = verify({ MEMVAULT_STATE_DIR: freshState });
    expectNotIntact(unpinned);
    expect(unpinned.out).toMatch(unpinnedReason);
  };
  /**
   * `memvault serve` with no profile unlocked; an agent (minted by the owner through the CLI)
   * stores `count` memories over REST; SIGTERM stops the server cleanly. Returns the last
   * event seq before the server started.
   */
  const agentWritesThroughServe = async (count: number): Promise<number> => {
    const { token } = v.json<{ token: string }>(['agent', 'add', 'coder', '--space', 'default', '--perm', 'read,write']);
    const before = tamper(v, (db) => maxSeq(db, 'audit_events'));
    let served: Served | undefined;
    try {
      served = await startServe(v);
      for (let i = 0; i < count; i++) {
        const r = await fetch(`${served.url}/v1/memories`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ content: [`The build uses pnpm`, `Deploys happen on Tuesdays`][i % 2], force: true }),
        });
        expect(r.status).toBe(201);
      }
      served.child.kill('SIGTERM');
      expect(await served.exited).toBe(0);
    } finally {
      await stopServe(served);
    }
    return before;
  };
  /** Edits one addMemory event's details and recomputes every hash from there on. */
  const rewriteFirstAdd = (db: Database.Database): number => {
    const { seq } = db.prepare("SELECT min(seq) AS seq FROM audit_events WHERE action = 'addMemory'").get() as { seq: number };
    db.prepare('UPDATE audit_events SET details = ? WHERE seq = ?').run(JSON.stringify({ kind: 'preference', note: 'forged' }), seq);
    rehashFrom(db, seq);
    return seq;
  };

  // The release before this fix already caught this literal case through the CLI (the checkpoint
  // of the deleted last lock names a missing event); it stays as a guard. The variant below,
  // with a tail written by an agent, is the one that got through.
  it('(a) deleting the last events, checkpoints left as they were, is not intact', () => {
    tamper(v, (db) => {
      const max = maxSeq(db, 'audit_events');
      db.prepare('DELETE FROM audit_events WHERE seq > ?').run(max - 3);
    });
    const r = verify();
    expectNotIntact(r);
    expect(r.out).toContain('Audit log BROKEN');
  });

  it('(a) deleting the last events an agent wrote through `serve`, checkpoints left, is not intact', async () => {
    // An agent's events used to be unsigned (agents held no signing key), so the signed part
    // of the log ended before them and cutting them off left a log that verified.
    const before = await agentWritesThroughServe(2);
    tamper(v, (db) => {
      expect(maxSeq(db, 'audit_events')).toBeGreaterThan(before);
      // Every event the server process wrote (the agent's session, its writes, its lock) goes.
      db.prepare('DELETE FROM audit_events WHERE seq > ?').run(before);
    });
    const r = verify();
    expectNotIntact(r);
    expect(r.out).toContain('Audit log BROKEN');
  });

  it('(b) deleting the last events and every checkpoint after them is caught by the pinned head', () => {
    let kept = 0;
    tamper(v, (db) => {
      kept = maxSeq(db, 'audit_events') - 3;
      db.prepare('DELETE FROM audit_events WHERE seq > ?').run(kept);
      db.prepare('DELETE FROM audit_checkpoints WHERE seq > ?').run(kept);
    });
    // The file alone is now a consistent, fully signed shorter log: every remaining checkpoint
    // is genuine. Only the head this machine verified earlier, pinned OUTSIDE the file in
    // MEMVAULT_STATE_DIR, shows that events after `kept` existed: a rollback.
    const r = verify();
    expectNotIntact(r);
    expect(r.out).toContain('Audit log BROKEN');
    expect(r.out).toMatch(/rolled back/);
  });

  it('(b) with no pinned head, deleting events and ALL checkpoints is still reported (zero checkpoints)', () => {
    tamper(v, (db) => {
      db.prepare('DELETE FROM audit_events WHERE seq > ?').run(maxSeq(db, 'audit_events') - 3);
      db.prepare('DELETE FROM audit_checkpoints').run();
    });
    const r = verify({ MEMVAULT_STATE_DIR: freshState });
    expectNotIntact(r);
    expect(r.out).toContain('Audit log BROKEN');
    expect(r.out).toMatch(/no signed checkpoint/);
  });

  it('(c) an edited event with every later hash recomputed and all checkpoints deleted is not intact', () => {
    tamper(v, (db) => {
      rewriteFirstAdd(db);
      db.prepare('DELETE FROM audit_checkpoints').run();
    });
    // Also on a machine without a pin: a log with no signature at all is never "intact".
    expectBrokenPinnedAndNot(/no signed checkpoint/);
  });

  it('(c) doctor reports the audit chain as FAIL', () => {
    tamper(v, (db) => {
      rewriteFirstAdd(db);
      db.prepare('DELETE FROM audit_checkpoints').run();
    });
    const r = v.run(['doctor']);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^FAIL\s+audit chain:/m);
  });

  it('(d) deleting every event and every checkpoint is not intact', () => {
    tamper(v, (db) => {
      db.prepare('DELETE FROM audit_events').run();
      db.prepare('DELETE FROM audit_checkpoints').run();
    });
    // Same without a pinned head: an empty log is a wiped log.
    expectBrokenPinnedAndNot(/wiped/);
  });

  it('(e) a normal command that unlocks does not seal a rewritten log (pinned head present)', () => {
    let edited = 0;
    tamper(v, (db) => {
      edited = rewriteFirstAdd(db);
      // Consistent: checkpoints before the edit are still valid and stay; the ones that would
      // no longer match are removed, so the file shows a signed prefix and an unsigned tail.
      db.prepare('DELETE FROM audit_checkpoints WHERE seq >= ?').run(edited);
    });
    // The owner goes on with their day: unlock, list, lock. In the old release this signed a
    // fresh checkpoint over the forged events, and `verify` then called them intact.
    expect(v.run(['list']).code).toBe(0);
    const signedOver = tamper(v, (db) => (db.prepare('SELECT count(*) AS n FROM audit_checkpoints WHERE seq >= ?').get(edited) as { n: number }).n);
    expect(signedOver).toBe(0);
    const r = verify();
    expectNotIntact(r);
    expect(r.out).toContain('Audit log BROKEN');
  });

  it('(e) a normal command that unlocks does not seal a rewritten log (no pinned head)', () => {
    const env = { MEMVAULT_STATE_DIR: freshState };
    let edited = 0;
    tamper(v, (db) => {
      edited = rewriteFirstAdd(db);
      db.prepare('DELETE FROM audit_checkpoints WHERE seq >= ?').run(edited);
    });
    // Before anyone unlocks, verify sees the forged events only as "not signed yet".
    expectNotIntact(verify(env));
    // Those events were written by the owner's own sessions, which sign in the same
    // transaction: an unsigned owner event is evidence of tampering, not a pending refusal,
    // so the next unlock must not sign over it.
    expect(v.run(['list'], { env }).code).toBe(0);
    const signedOver = tamper(v, (db) => (db.prepare('SELECT count(*) AS n FROM audit_checkpoints WHERE seq >= ?').get(edited) as { n: number }).n);
    expect(signedOver).toBe(0);
    expectNotIntact(verify(env));
  });

  it('(e) forged owner events appended after the head are not sealed by the next unlock (pinned head present)', () => {
    let forged = 0;
    tamper(v, (db) => {
      const head = db.prepare('SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: Buffer };
      forged = head.seq + 1;
      const row = { seq: forged, ts: Date.now(), actor_type: 'profile', actor_id: 'olivia', action: 'purgeMemory', targets: '[]', outcome: 'ok', details: '{}' };
      db.prepare('INSERT INTO audit_events VALUES (@seq, @ts, @actor_type, @actor_id, @action, @targets, @outcome, @details, @prev_hash, @hash)').run({
        ...row,
        prev_hash: head.hash,
        hash: eventHash(head.hash, row),
      });
    });
    // The pinned head is still in the file with its hash, so only the tail is new; but an
    // owner event is always signed in its own transaction, so an unsigned one is a forgery.
    expectNotIntact(verify());
    expect(v.run(['list']).code).toBe(0);
    const signedOver = tamper(v, (db) => (db.prepare('SELECT count(*) AS n FROM audit_checkpoints WHERE seq >= ?').get(forged) as { n: number }).n);
    expect(signedOver).toBe(0);
    expectNotIntact(verify());
  });

  it('(f) events an agent writes while no owner or admin is unlocked are covered by a signature', async () => {
    await agentWritesThroughServe(1);
    const db = v.open(true);
    try {
      expect(db.prepare("SELECT count(*) AS n FROM audit_events WHERE actor_type = 'agent' AND action = 'addMemory'").get()).toEqual({ n: 1 });
      // The last event (the agent session's lock at shutdown) is under a checkpoint.
      expect(maxSeq(db, 'audit_checkpoints')).toBe(maxSeq(db, 'audit_events'));
    } finally {
      db.close();
    }
    // verify runs before anything unlocks, so only the agent's own signature can cover its events.
    const r = verify();
    expect(r.code).toBe(0);
    expect(r.out).toContain('Audit log intact');
  });

  it('(g) putting back an older copy of the whole file is reported as a rollback', () => {
    // Every CLI process has exited and closed the database, so the WAL is folded into the file.
    const backup = join(v.dir, 'backup.db');
    copyFileSync(v.vault, backup);
    for (const ext of ['-wal', '-shm']) if (existsSync(v.vault + ext)) copyFileSync(v.vault + ext, backup + ext);
    expect(v.run(['add', 'A memory made after the backup']).code).toBe(0);
    expect(v.run(['add', 'Another one']).code).toBe(0);
    expect(v.run(['audit', 'verify']).code).toBe(0);

    for (const ext of ['', '-wal', '-shm']) rmSync(v.vault + ext, { force: true });
    copyFileSync(backup, v.vault);
    for (const ext of ['-wal', '-shm']) if (existsSync(backup + ext)) copyFileSync(backup + ext, v.vault + ext);

    const r = verify();
    expectNotIntact(r);
    expect(r.out).toContain('Audit log BROKEN');
    expect(r.out).toMatch(/rolled back/);
  });
});
