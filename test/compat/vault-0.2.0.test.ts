import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { VaultService } from '../../src/vault/vault-service.js';
import { HashEmbedder } from '../support/hash-embedder.js';
import { expectCode } from '../support/vault.js';

const FIXTURE = join(import.meta.dirname, '../fixtures/vault-0.2.0');
const facts = JSON.parse(readFileSync(join(FIXTURE, 'fixture.json'), 'utf8')) as {
  ownerPassword: string;
  agentToken: string;
  memories: Record<'pets' | 'build' | 'forgotten' | 'agentNote' | 'editorNote' | 'afterRevoke', string>;
};
/** Versions in the file: pets; build ×2; forgotten and its tombstone; the agent's, the editor's and the post-revocation notes. */
const VERSIONS = 8;

/** A copy of the file release 0.2.0 wrote (per-field sealing), opened and converted by today's code. */
describe('a vault written by release 0.2.0', () => {
  let dir: string;
  let path: string;
  let service: VaultService;
  const open = () => VaultService.open(path, { embedder: new HashEmbedder(), kdf: 'insecure-test-only', stateDir: join(dir, 'state') });
  const raw = <T>(query: (db: Database.Database) => T): T => {
    const db = new Database(path, { readonly: true });
    try {
      return query(db);
    } finally {
      db.close();
    }
  };
  const shapes = () =>
    raw((db) => db.prepare('SELECT record IS NOT NULL AS record, count(*) AS n FROM memory_versions GROUP BY 1 ORDER BY 1').all());

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'memvault-compat-'));
    path = join(dir, 'vault.db');
    copyFileSync(join(FIXTURE, 'vault.db'), path);
    service = await open();
  });
  afterEach(() => {
    service.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('migrates to the current schema and keeps every version in its per-field form until it is re-sealed', () => {
    expect(raw((db) => db.pragma('user_version', { simple: true }))).toBe(MIGRATIONS.length);
    expect(shapes()).toEqual([{ record: 0, n: VERSIONS }]);
    expect(service.verifyChainNow()).toMatchObject({ ok: true, problem: null });
  });

  it('its owner reads, searches and sees the history of what 0.2.0 stored, before any conversion', async () => {
    const owner = await service.unlock('olivia', facts.ownerPassword);
    expect(service.getMemory(owner, facts.memories.pets)).toMatchObject({ content: 'The cat is named Tom', tags: ['pets'], kind: 'fact', metadata: { from: 'fixture' }, importance: 0.7 });
    expect(service.memoryHistory(owner, facts.memories.build).map((v) => v.content)).toEqual(['The build uses pnpm workspaces', 'The build uses pnpm workspaces and turbo']);
    expect(service.getMemory(owner, facts.memories.build).validFrom).toBe('2026-11-01T00:00:00.000Z');
    expect(service.listMemories(owner, { states: ['deleted'] }).items.map((m) => m.id)).toEqual([facts.memories.forgotten]);
    expect((await service.searchMemories(owner, { text: 'pnpm turbo', mode: 'keyword' }))[0]!.memory.id).toBe(facts.memories.build);
    expect((await service.searchMemories(owner, { text: 'cat named Tom', mode: 'vector' }))[0]!.memory.id).toBe(facts.memories.pets);
    expect(service.getMemory(owner, facts.memories.afterRevoke).content).toBe('Written under the new work key');
  });

  it("the owner's upkeep seals every version as one record, and the converted file reads the same after a reopen", async () => {
    const owner = await service.unlock('olivia', facts.ownerPassword);
    const before = service.listMemories(owner, { states: ['active', 'archived', 'deleted'] }).items;
    const progress: [string, number, number][] = [];
    expect(await service.upkeep(owner, (phase, done, total) => progress.push([phase, done, total]))).toEqual({ resealed: VERSIONS, reindexed: 0, resealLeft: 0, reindexLeft: 0, reindexBlocked: null });
    expect(progress.at(-1)).toEqual(['reseal', VERSIONS, VERSIONS]);
    expect(shapes()).toEqual([{ record: 1, n: VERSIONS }]);
    expect(raw((db) => db.prepare('SELECT count(*) AS n FROM memory_versions WHERE coalesce(content, tags, metadata, source, embedding) IS NOT NULL').get())).toEqual({ n: 0 });
    // Work's versions moved to its current epoch (1), default's stayed at 0; work's retired keys are gone.
    expect(raw((db) => db.prepare('SELECT DISTINCT key_epoch FROM memory_versions ORDER BY 1').all())).toEqual([{ key_epoch: 0 }, { key_epoch: 1 }]);
    expect(raw((db) => db.prepare("SELECT count(*) AS n FROM sealed_keys k JOIN spaces s ON k.key_ref = 'space:' || s.id WHERE k.epoch < s.key_epoch").get())).toEqual({ n: 0 });
    service.close();
    service = await open();
    const again = await service.unlock('olivia', facts.ownerPassword);
    expect(service.listMemories(again, { states: ['active', 'archived', 'deleted'] }).items).toEqual(before);
    expect(service.memoryHistory(again, facts.memories.build).map((v) => v.content)).toEqual(['The build uses pnpm workspaces', 'The build uses pnpm workspaces and turbo']);
    expect((await service.searchMemories(again, { text: 'cat named Tom', mode: 'vector' }))[0]!.memory.id).toBe(facts.memories.pets);
    expect(service.verifyChainNow()).toMatchObject({ ok: true, problem: null });
  });

  it("an agent's upkeep converts nothing and reports what an owner or admin must re-seal", async () => {
    const agent = service.authenticateAgent(facts.agentToken);
    expect(service.getMemory(agent, facts.memories.agentNote).content).toBe('Agent wrote this about deploys');
    // Work holds every version but the pets fact.
    expect(await service.upkeep(agent)).toEqual({ resealed: 0, reindexed: 0, resealLeft: VERSIONS - 1, reindexLeft: 0, reindexBlocked: null });
    expect(shapes()).toEqual([{ record: 0, n: VERSIONS }]);
  });

  it('a per-field ciphertext moved to another version still fails to open', async () => {
    const db = new Database(path);
    try {
      const v1 = db.prepare('SELECT content FROM memory_versions WHERE memory_id = ? AND version = 1').pluck().get(facts.memories.build) as Buffer;
      db.prepare('UPDATE memory_versions SET content = ? WHERE memory_id = ? AND version = 2').run(v1, facts.memories.build);
    } finally {
      db.close();
    }
    const owner = await service.unlock('olivia', facts.ownerPassword);
    await expectCode(() => service.getMemory(owner, facts.memories.build), 'integrity');
  });
});
