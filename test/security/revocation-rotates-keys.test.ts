import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Memory } from '../../src/contract/memory.js';
import { DecryptionError, associatedData, open } from '../../src/crypto/aead.js';
import { openSealed, type BoxKeyPair } from '../../src/crypto/keys.js';
import { unpackRecord } from '../../src/vault/records.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { expectCode } from '../support/vault.js';
import type { Session } from '../../src/vault/session.js';

// Item 7: revoking a profile from a space must be cryptographic. The revoked editor may have
// kept its old space key (a copy of its sealed_keys rows plus its own key pair); that key must
// not open anything written after the revocation, nor, once re-keyed, anything older.

const EDITOR = 'eddie';
const EDITOR_PASSWORD = 'editor-password-1';

describe('item 7: revocation rotates the space key', () => {
  let t: TestServer;
  let spaceId: string;
  let editor: Session;
  let editorKeys: BoxKeyPair;
  /** The space keys the editor could open before it was revoked (what an attacker would keep). */
  let stolenKeys: Uint8Array[];
  let oldId: string;
  let agentToken: string;

  /** The file as an attacker with a copy of it sees it. */
  function readFile<T>(work: (db: Database.Database) => T): T {
    const db = new Database(t.v.path, { readonly: true });
    try {
      return work(db);
    } finally {
      db.close();
    }
  }

  /** Opens a version's content the way docs/formats.md describes a record, with a raw space key. */
  function openContent(key: Uint8Array, memoryId: string, version: number): string {
    const row = readFile((db) => db.prepare('SELECT record FROM memory_versions WHERE memory_id = ? AND version = ?').get(memoryId, version) as { record: Buffer });
    return unpackRecord(open(key, row.record, associatedData('memvault-record-v2', t.v.service.vaultId, spaceId, memoryId, version))).content;
  }

  const spaceRow = () => readFile((db) => db.prepare('SELECT * FROM spaces WHERE id = ?').get(spaceId) as Record<string, number>);

  beforeEach(async () => {
    t = await startTestServer();
    spaceId = t.v.service.createSpace(t.v.owner, 'work').id;
    await t.v.service.addProfile(t.v.owner, { name: EDITOR, role: 'editor', password: EDITOR_PASSWORD, spaces: ['work'] });
    editor = await t.v.service.unlock(EDITOR, EDITOR_PASSWORD);
    // Copies: a session's keys are zeroed when it ends.
    editorKeys = { publicKey: Uint8Array.from(editor.keyPair!.publicKey), secretKey: Uint8Array.from(editor.keyPair!.secretKey) };
    agentToken = t.agent({ name: 'keeper', spaces: ['work'], grants: ['read', 'write'] });
    oldId = (await t.v.service.addMemory(t.v.owner, { space: 'work', content: 'Old secret: the office safe code is 0427' })).id;
    await t.v.service.updateMemory(t.v.owner, { id: oldId, tags: ['safe'] });
    const sealed = readFile((db) => db.prepare('SELECT sealed FROM sealed_keys WHERE key_ref = ? AND profile_id = ?').all(`space:${spaceId}`, editor.actor.id) as { sealed: Buffer }[]);
    stolenKeys = sealed.map((r) => openSealed(editorKeys, r.sealed));
    expect(stolenKeys.length).toBeGreaterThan(0);
    // The stolen key is real: it opens what exists now.
    for (const key of stolenKeys) expect(openContent(key, oldId, 2)).toContain('0427');
  });
  afterEach(() => t.close());

  it('a memory written after the revocation does not open with the revoked editor’s old key; the owner reads it', async () => {
    const before = spaceRow();
    t.v.service.revokeSpace(t.v.owner, 'work', EDITOR);
    const fresh = await t.v.service.addMemory(t.v.owner, { space: 'work', content: 'New secret: the safe code is now 9153' });
    for (const key of stolenKeys) expect(() => openContent(key, fresh.id, 1)).toThrow(DecryptionError);
    expect(t.v.service.getMemory(t.v.owner, fresh.id).content).toBe('New secret: the safe code is now 9153');

    const after = spaceRow();
    expect(after.key_epoch).toBeGreaterThan(before.key_epoch!);
    const version = readFile((db) => db.prepare('SELECT key_epoch FROM memory_versions WHERE memory_id = ?').get(fresh.id) as { key_epoch: number });
    expect(version.key_epoch).toBe(after.key_epoch);
  });

  it('the revoked editor’s still-open session loses the space at its next call (no write under the old key)', async () => {
    t.v.service.revokeSpace(t.v.owner, 'work', EDITOR);
    await expectCode(() => t.v.service.addMemory(editor, { space: 'work', content: 'Written with a key I should no longer hold' }), 'not_found');
    await expectCode(() => t.v.service.getMemory(editor, oldId), 'not_found');
    expect(t.v.service.listMemories(t.v.owner, { spaces: ['work'] }).items.map((m) => m.id)).toEqual([oldId]);
  });

  it('rekeySpaces re-encrypts old versions with progress, retires old keys, and the old key opens nothing', async () => {
    t.v.service.revokeSpace(t.v.owner, 'work', EDITOR);
    expect(t.v.service.rekeyStatus(t.v.owner).pending).toBeGreaterThan(0);
    const progress: [number, number][] = [];
    const { rekeyed } = t.v.service.rekeySpaces(t.v.owner, (done, total) => progress.push([done, total]));
    const [done, total] = progress.at(-1)!;
    expect(total).toBeGreaterThanOrEqual(2);
    expect(done).toBe(total);
    expect(rekeyed).toBe(total);
    expect(t.v.service.rekeyStatus(t.v.owner).pending).toBe(0);

    const epoch = spaceRow().key_epoch!;
    readFile((db) => {
      const stale = db.prepare('SELECT count(*) AS n FROM memory_versions v JOIN memories m ON m.id = v.memory_id WHERE m.space_id = ? AND v.key_epoch < ?').get(spaceId, epoch);
      expect(stale).toEqual({ n: 0 });
      expect(db.prepare('SELECT count(*) AS n FROM sealed_keys WHERE key_ref = ? AND epoch < ?').get(`space:${spaceId}`, epoch)).toEqual({ n: 0 });
      expect(db.prepare('SELECT count(*) AS n FROM agent_sealed_keys WHERE space_id = ? AND epoch < ?').get(spaceId, epoch)).toEqual({ n: 0 });
    });
    for (const version of [1, 2]) for (const key of stolenKeys) expect(() => openContent(key, oldId, version)).toThrow(DecryptionError);
    expect(t.v.service.getMemory(t.v.owner, oldId).content).toContain('0427');
    expect(t.v.service.memoryHistory(t.v.owner, oldId).map((v) => v.content)).toEqual([
      'Old secret: the office safe code is 0427',
      'Old secret: the office safe code is 0427',
    ]);
  });

  it('an agent the owner made keeps working across the rotation and the re-keying with the same token', async () => {
    const read = async (id: string) => {
      const res = await t.call(agentToken, 'GET', `/v1/memories/${id}`);
      expect(res.status).toBe(200);
      return ((await res.json()) as Memory).content;
    };
    expect(await read(oldId)).toContain('0427');
    t.v.service.revokeSpace(t.v.owner, 'work', EDITOR);
    // Its key was sealed again to its public key: old versions and new writes both work.
    expect(await read(oldId)).toContain('0427');
    const written = await t.call(agentToken, 'POST', '/v1/memories', { space: 'work', content: 'Written by the agent after the rotation' });
    expect(written.status).toBe(201);
    const newId = ((await written.json()) as Memory).id;
    expect(await read(newId)).toBe('Written by the agent after the rotation');
    t.v.service.rekeySpaces(t.v.owner);
    expect(await read(oldId)).toContain('0427');
    expect(await read(newId)).toBe('Written by the agent after the rotation');
  });
});
