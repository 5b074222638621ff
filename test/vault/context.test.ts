import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DecryptionError, associatedData } from '../../src/crypto/aead.js';
import { loadSodium, sodiumSync } from '../../src/crypto/sodium.js';
import { openRecord, packRecord } from '../../src/vault/records.js';
import { createTestVault, type TestVault } from '../support/vault.js';

/** Issue 9: a memory carries context that helps find it without being part of it. */
describe('context', () => {
  let v: TestVault;
  beforeEach(async () => {
    v = await createTestVault();
    // Distractors that share no topic word with the question.
    for (const content of ['Caroline: I started pottery classes last month', 'Melanie: The kids loved the beach trip', 'Caroline: My sister visited from Chicago'])
      await v.service.addMemory(v.owner, { content, force: true });
  });
  afterEach(() => v.cleanup());

  it('a short reply stored with its context is found by a question about the context, and not without it', async () => {
    const question = 'Does she still go hiking in the mountains?';
    const bare = await v.service.addMemory(v.owner, { content: 'Melanie: Yes, every Sunday with my dog.', force: true });
    const keyword = async () => (await v.service.searchMemories(v.owner, { text: question, mode: 'keyword', k: 3 })).map((h) => h.memory.id);
    expect(await keyword()).not.toContain(bare.id);

    const withContext = await v.service.addMemory(v.owner, {
      content: 'Melanie: Yes, every Sunday with my dog!',
      context: 'Caroline: Do you still go hiking in the mountains?',
      force: true,
    });
    expect((await keyword())[0]).toBe(withContext.id);
    const hybrid = (await v.service.searchMemories(v.owner, { text: question, k: 3 })).map((h) => h.memory.id);
    expect(hybrid[0]).toBe(withContext.id);
    expect(v.service.getMemory(v.owner, withContext.id).context).toBe('Caroline: Do you still go hiking in the mountains?');
    expect(v.service.getMemory(v.owner, bare.id).context).toBe('');
  });

  it('an update replaces it, history keeps the old one, and a version written without context reads as empty', async () => {
    const m = await v.service.addMemory(v.owner, { content: 'Melanie: Sure, I will bring it.', context: 'Caroline: Can you bring the tent?', force: true });
    await v.service.updateMemory(v.owner, { id: m.id, context: 'Caroline: Can you bring the camping stove?' });
    expect(v.service.memoryHistory(v.owner, m.id).map((h) => h.context)).toEqual(['Caroline: Can you bring the tent?', 'Caroline: Can you bring the camping stove?']);
    const hits = await v.service.searchMemories(v.owner, { text: 'camping stove', mode: 'keyword', k: 3 });
    expect(hits[0]!.memory.id).toBe(m.id);
    expect((await v.service.searchMemories(v.owner, { text: 'tent', mode: 'keyword', k: 3 })).map((h) => h.memory.id)).not.toContain(m.id);
  });

  it('a record whose context part is present but empty is refused (one spelling per record)', async () => {
    await loadSodium();
    const key = new Uint8Array(32).fill(7);
    const place = { vaultId: 'v', spaceId: 's', memoryId: 'm', version: 1 };
    const fields = { content: 'c', context: '', tags: [], metadata: '{}', source: 'profile:o', embedding: null };
    const plain = new Uint8Array([...packRecord(fields), 0, 0, 0, 0]);
    const nonce = new Uint8Array(24);
    const ct = sodiumSync().crypto_aead_xchacha20poly1305_ietf_encrypt(plain, associatedData('memvault-record-v2', 'v', 's', 'm', 1), null, nonce, key);
    const record = new Uint8Array([...nonce, ...ct]);
    expect(() => openRecord(key, place, { record, content: null, tags: null, metadata: null, source: null, embedding: null })).toThrow(DecryptionError);
  });
});
