import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventHash } from '../../src/audit/chain.js';
import { VaultService } from '../../src/vault/vault-service.js';
import { HashEmbedder } from '../support/hash-embedder.js';
import { OWNER_PASSWORD, createTestVault, type TestVault } from '../support/vault.js';

/**
 * Item 3, the running-process case: a session that already verified the chain only checks the
 * events written since. An action (an event Memvault always signs in its own transaction)
 * slipped into the file by someone else between two of its actions must not be sealed by its
 * next signature; the same action written by a real second process, which signs it, is fine.
 */
describe('a running session does not seal actions someone else forged into the file', () => {
  let v: TestVault;
  beforeEach(async () => {
    v = await createTestVault({ embedder: new HashEmbedder() });
    await v.service.addMemory(v.owner, { content: 'A first memory' });
  });
  afterEach(() => v.cleanup());

  const appendForged = (): number => {
    const raw = new Database(v.path);
    try {
      const head = raw.prepare('SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: Buffer };
      const row = { seq: head.seq + 1, ts: Date.now(), actor_type: 'profile', actor_id: 'olivia', action: 'purgeMemory', targets: '[]', outcome: 'ok', details: '{}' };
      raw
        .prepare('INSERT INTO audit_events VALUES (@seq, @ts, @actor_type, @actor_id, @action, @targets, @outcome, @details, @prev_hash, @hash)')
        .run({ ...row, prev_hash: head.hash, hash: eventHash(head.hash, row) });
      return row.seq;
    } finally {
      raw.close();
    }
  };
  const checkpointsFrom = (seq: number): number => {
    const raw = new Database(v.path, { readonly: true });
    try {
      return (raw.prepare('SELECT count(*) AS n FROM audit_checkpoints WHERE seq >= ?').get(seq) as { n: number }).n;
    } finally {
      raw.close();
    }
  };

  it('the next action of the running session leaves the forged event unsigned, and verify names it', async () => {
    const forged = appendForged();
    await v.service.addMemory(v.owner, { content: 'A second memory' });
    expect(checkpointsFrom(forged)).toBe(0);
    expect(v.service.verifyChainNow()).toMatchObject({ ok: false, problem: 'unsigned_action', firstBadSeq: forged });
  });

  it('actions a second process wrote and signed are extended as usual', async () => {
    const other = await VaultService.open(v.path, { embedder: new HashEmbedder(), kdf: 'insecure-test-only', stateDir: `${v.dir}/state` });
    try {
      const owner2 = await other.unlock('olivia', OWNER_PASSWORD);
      await other.addMemory(owner2, { content: 'Written by the other process' });
    } finally {
      other.close();
    }
    await v.service.addMemory(v.owner, { content: 'Written after it' });
    expect(v.service.verifyChainNow()).toMatchObject({ ok: true, problem: null });
  });

  it('a reset with the recovery key is signed at once, so the log stays intact', async () => {
    await v.service.recoverOwner(v.recoveryKey, 'a-new-owner-password');
    expect(v.service.verifyChainNow()).toMatchObject({ ok: true, problem: null });
  });
});
