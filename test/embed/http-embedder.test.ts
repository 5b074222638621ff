import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HttpEmbedder, EmbeddingEndpointError } from '../../src/embed/http-embedder.js';
import { VaultService } from '../../src/vault/vault-service.js';
import { startEmbeddingsServer, type EmbeddingsServer } from '../support/embeddings-server.js';
import { HashEmbedder } from '../support/hash-embedder.js';
import { createTestVault, expectCode, OWNER_PASSWORD, type TestVault } from '../support/vault.js';

describe('an OpenAI-compatible embeddings endpoint', () => {
  let server: EmbeddingsServer;
  beforeEach(async () => {
    server = await startEmbeddingsServer(16);
  });
  afterEach(() => server.close());

  it('answers vectors in input order (it sends them reversed), in batches of 64, with the model and the API key', async () => {
    const embedder = new HttpEmbedder({ url: server.url, model: 'tiny', apiKey: 'sk-test', dimensions: 16 });
    const texts = Array.from({ length: 70 }, (_, i) => `text number ${i}`);
    const vectors = await embedder.embed(texts);
    expect(vectors).toHaveLength(70);
    expect(server.requests.map((r) => r.body.input.length)).toEqual([64, 6]);
    expect(server.requests[0]!.body.model).toBe('tiny');
    expect(server.requests[0]!.headers.authorization).toBe('Bearer sk-test');
    const [alone] = await embedder.embed(['text number 69']);
    expect(Array.from(vectors[69]!)).toEqual(Array.from(alone!));
    expect(embedder.modelId).toBe('openai-compatible:tiny');
  });

  it('an error names the host and the status, never the texts', async () => {
    server.failWith(500);
    const embedder = new HttpEmbedder({ url: server.url, model: 'tiny', dimensions: 16 });
    const err = await embedder.embed(['my secret diary entry']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EmbeddingEndpointError);
    expect((err as Error).message).toMatch(/127\.0\.0\.1:\d+ answered HTTP 500/);
    expect((err as Error).message).not.toContain('diary');
  });
});

describe('a vault set to embed with an endpoint', () => {
  let server: EmbeddingsServer;
  let v: TestVault;
  beforeEach(async () => {
    server = await startEmbeddingsServer(16);
    v = await createTestVault({ embedder: new HashEmbedder() });
  });
  afterEach(async () => {
    v.service.close();
    v.cleanup();
    await server.close();
  });
  const reopen = async () => {
    v.service.close();
    v.service = await VaultService.open(v.path, { kdf: 'insecure-test-only', stateDir: `${v.dir}/state` });
    return v.service.unlock('olivia', OWNER_PASSWORD);
  };

  it('re-embeds every memory with it at the next unlock, with progress, and searches with it', async () => {
    const m = await v.service.addMemory(v.owner, { content: 'The staging database runs Postgres 16' });
    expect(await v.service.setEmbedder(v.owner, { kind: 'openai-compatible', url: server.url, model: 'tiny' })).toEqual({
      kind: 'openai-compatible',
      modelId: 'openai-compatible:tiny',
      dimensions: 16,
      url: server.url,
    });
    const owner = await reopen();
    expect(v.service.embedderInfo(owner)).toMatchObject({ kind: 'openai-compatible', dimensions: 16 });
    const progress: string[] = [];
    expect(await v.service.upkeep(owner, (phase, done, total) => progress.push(`${phase} ${done}/${total}`))).toMatchObject({ reindexed: 1, reindexLeft: 0, reindexBlocked: null });
    expect(progress.at(-1)).toBe('reindex 1/1');
    const raw = new Database(v.path, { readonly: true });
    expect(raw.prepare('SELECT DISTINCT embed_model FROM memory_versions').pluck().all()).toEqual(['openai-compatible:tiny']);
    raw.close();
    const hits = await v.service.searchMemories(owner, { text: 'which postgres does staging run', mode: 'vector' });
    expect(hits[0]!.memory.id).toBe(m.id);
    expect(server.requests.at(-1)!.body.input).toEqual(['which postgres does staging run']);
  });

  it('an endpoint that is down: writes answer unavailable, the unlock still works and says why re-embedding waits', async () => {
    await v.service.addMemory(v.owner, { content: 'Written with the hash model' });
    await v.service.setEmbedder(v.owner, { kind: 'openai-compatible', url: server.url, model: 'tiny' });
    server.failWith(503);
    const owner = await reopen();
    const report = await v.service.upkeep(owner);
    expect(report).toMatchObject({ reindexed: 0, reindexLeft: 1 });
    expect(report.reindexBlocked).toMatch(/answered HTTP 503/);
    await expectCode(() => v.service.addMemory(owner, { content: 'Needs an embedding' }), 'unavailable');
    expect(v.service.listMemories(owner).items).toHaveLength(1);
  });

  it('a choice changed in the file without the vault key is not used: the built-in model embeds, nothing reaches the endpoint, doctor says why', async () => {
    await v.service.addMemory(v.owner, { content: 'Private note that must stay here' });
    await v.service.setEmbedder(v.owner, { kind: 'openai-compatible', url: server.url, model: 'tiny' });
    v.service.close();
    const raw = new Database(v.path);
    const stored = JSON.parse(raw.prepare("SELECT value FROM meta WHERE key = 'embedder'").pluck().get() as string) as { config: { model: string } };
    stored.config.model = 'attacker-model';
    raw.prepare("UPDATE meta SET value = ? WHERE key = 'embedder'").run(JSON.stringify(stored));
    raw.close();
    v.service = await VaultService.open(v.path, { kdf: 'insecure-test-only', stateDir: `${v.dir}/state` });
    const owner = await v.service.unlock('olivia', OWNER_PASSWORD);
    expect(v.service.embedderInfo(owner).kind).toBe('offline');
    expect(v.service.embedderChoiceProblem()).toMatch(/not signed by the vault key/);
    const before = server.requests.length;
    await v.service.upkeep(owner);
    expect(server.requests.length).toBe(before);
  });

  it('an API key is named by a variable ending in _API_KEY or _KEY, never a MEMVAULT_ one', async () => {
    for (const apiKeyEnv of ['MEMVAULT_PASSWORD', 'MEMVAULT_API_KEY', 'HOME'])
      await expectCode(() => v.service.setEmbedder(v.owner, { kind: 'openai-compatible', url: server.url, model: 'tiny', apiKeyEnv }), 'invalid_input');
  });

  it('refuses an endpoint off this machine unless allowed, and one that does not answer', async () => {
    await expectCode(() => v.service.setEmbedder(v.owner, { kind: 'openai-compatible', url: 'https://api.example.com/v1', model: 'x' }), 'invalid_input');
    server.failWith(404);
    await expectCode(() => v.service.setEmbedder(v.owner, { kind: 'openai-compatible', url: server.url, model: 'tiny' }), 'unavailable');
    await expectCode(() => v.service.setEmbedder(v.owner, { kind: 'openai-compatible', url: 'file:///etc/passwd', model: 'x' } as never), 'invalid_input');
  });
});
