import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { VaultService } from '../../src/vault/vault-service.js';
import { HashEmbedder } from '../support/hash-embedder.js';

const FIXTURE = join(import.meta.dirname, '../fixtures/vault-0.1.0');
const facts = JSON.parse(readFileSync(join(FIXTURE, 'fixture.json'), 'utf8')) as {
  ownerPassword: string;
  editorPassword: string;
  agentToken: string;
  memories: { pets: string; build: string; forgotten: string };
};

/** A copy of the file release 0.1.0 wrote, opened by today's code: migrated, read, searched and verified. */
describe('a vault written by release 0.1.0', () => {
  let dir: string;
  let service: VaultService;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'memvault-compat-'));
    copyFileSync(join(FIXTURE, 'vault.db'), join(dir, 'vault.db'));
    service = await VaultService.open(join(dir, 'vault.db'), { embedder: new HashEmbedder(), kdf: 'insecure-test-only', stateDir: join(dir, 'state') });
  });
  afterEach(() => {
    service.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('migrates to the current schema and keeps every key at epoch 0', () => {
    const db = new Database(join(dir, 'vault.db'), { readonly: true });
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
      expect(db.prepare('SELECT DISTINCT key_epoch FROM memory_versions').all()).toEqual([{ key_epoch: 0 }]);
      expect(db.prepare("SELECT DISTINCT signer FROM audit_checkpoints").all()).toEqual([{ signer: 'vault' }]);
    } finally {
      db.close();
    }
  });

  it('its owner reads, lists, searches and sees the history of what 0.1.0 stored', async () => {
    const owner = await service.unlock('olivia', facts.ownerPassword);
    expect(service.getMemory(owner, facts.memories.pets)).toMatchObject({ content: 'The cat is named Tom', tags: ['pets'], kind: 'fact', metadata: { from: 'fixture' } });
    expect(service.memoryHistory(owner, facts.memories.build).map((v) => v.content)).toEqual(['The build uses pnpm workspaces', 'The build uses pnpm workspaces and turbo']);
    expect(service.listMemories(owner, { states: ['deleted'] }).items.map((m) => m.id)).toEqual([facts.memories.forgotten]);
    const hits = await service.searchMemories(owner, { text: 'pnpm turbo', mode: 'keyword' });
    expect(hits[0]!.memory.id).toBe(facts.memories.build);
    expect(service.listMemories(owner).items.map((m) => m.content)).toContain('Agent wrote this about deploys');
  });

  it('its audit chain verifies: the tail 0.1.0 left unsigned is named, and signed at the next owner unlock', async () => {
    // 0.1.0 never signed the events of an agent's session after the owner's last action.
    expect(service.verifyChainNow()).toMatchObject({ ok: false, problem: 'unsigned_tail' });
    await service.unlock('olivia', facts.ownerPassword);
    expect(service.verifyChainNow()).toMatchObject({ ok: true, problem: null });
  });

  it("its agent's token still works: the agent is converted at its first request and keeps its space", async () => {
    const agent = service.authenticateAgent(facts.agentToken);
    expect(service.agentSelf(agent)).toMatchObject({ agent: 'coder', spaces: ['work'] });
    expect(service.getMemory(agent, facts.memories.build).content).toBe('The build uses pnpm workspaces and turbo');
    const written = await service.addMemory(agent, { content: 'Written after the upgrade' });
    expect(written.space).toBe('work');
    const db = new Database(join(dir, 'vault.db'), { readonly: true });
    try {
      expect(db.prepare('SELECT count(*) AS n FROM agent_keys').get()).toEqual({ n: 0 });
      expect(db.prepare('SELECT count(*) AS n FROM agent_sealed_keys').get()).toEqual({ n: 1 });
    } finally {
      db.close();
    }
  });

  it("its editor's first signature counts once an owner has certified the editor's key", async () => {
    const editor = await service.unlock('eddie', facts.editorPassword);
    await service.addMemory(editor, { space: 'work', content: 'Editor note after the upgrade' });
    expect(service.verifyChainNow()).toMatchObject({ ok: false, problem: 'bad_checkpoint' });
    await service.unlock('olivia', facts.ownerPassword);
    expect(service.verifyChainNow().ok).toBe(true);
  });

  it('revoking its editor rotates the work key, and the agent of 0.1.0 that was never used since loses the space', async () => {
    const owner = await service.unlock('olivia', facts.ownerPassword);
    service.revokeSpace(owner, 'work', 'eddie');
    expect(service.rekeyStatus(owner).pending).toBeGreaterThan(0);
    // In work: two versions of the build note, the forgotten note and its tombstone, the agent's
    // note; in default, the pets fact, which is only in the per-field format.
    expect(service.rekeySpaces(owner).rekeyed).toBe(6);
    expect(service.rekeyStatus(owner).pending).toBe(0);
    expect(service.getMemory(owner, facts.memories.build).content).toBe('The build uses pnpm workspaces and turbo');
    // Its keys were wrapped under its token, so they could not be sealed to the new key: it must be rotated.
    const agent = service.authenticateAgent(facts.agentToken);
    expect(service.agentSelf(agent).spaces).toEqual([]);
  });
});
