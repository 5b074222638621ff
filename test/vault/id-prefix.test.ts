import { afterEach, describe, expect, it } from 'vitest';
import { seededRandom } from '../support/random.js';
import { createTestVault, expectCode, type TestVault } from '../support/vault.js';

describe('memory ids by prefix', () => {
  let v: TestVault;
  afterEach(() => v.cleanup());

  it('resolves a unique prefix, refuses an ambiguous one with candidates, and never sees other spaces', async () => {
    v = await createTestVault();
    const rand = seededRandom(3);
    // 1,500 random UUIDs all but surely share a 4-character prefix (birthday bound on 16^4).
    const { ids } = await v.service.addMemories(v.owner, { memories: Array.from({ length: 1500 }, (_, i) => ({ content: `Prefix fact ${i}`, vector: Array.from({ length: 512 }, rand), force: true })) });
    const all = ids as string[];
    const byPrefix = new Map<string, string[]>();
    for (const id of all) byPrefix.set(id.slice(0, 4), [...(byPrefix.get(id.slice(0, 4)) ?? []), id]);
    const [shared, sharing] = [...byPrefix].find(([, list]) => list.length > 1)!;
    const err = await expectCode(() => v.service.resolveMemoryId(v.owner, shared), 'conflict');
    expect(String((err as Error).message)).toContain(sharing[0]!);
    expect(v.service.resolveMemoryId(v.owner, sharing[0]!)).toBe(sharing[0]);
    const unique = all.find((id) => byPrefix.get(id.slice(0, 4))!.length === 1)!;
    expect(v.service.resolveMemoryId(v.owner, unique.slice(0, 4))).toBe(unique);

    // A profile without the space finds nothing, not even that the id exists.
    await v.service.addProfile(v.owner, { name: 'outsider', role: 'viewer', password: 'outsider-password', spaces: [] });
    const outsider = await v.service.unlock('outsider', 'outsider-password');
    await expectCode(() => v.service.resolveMemoryId(outsider, unique.slice(0, 8)), 'not_found');
  });

  it('a forgotten memory is no candidate for a role that may not see it, and stays one for those who may', async () => {
    v = await createTestVault();
    const gone = await v.service.addMemory(v.owner, { content: 'A memory about to be forgotten' });
    v.service.deleteMemory(v.owner, gone.id);
    await v.service.addProfile(v.owner, { name: 'eddie', role: 'editor', password: 'editor-password', spaces: ['default'] });
    const editor = await v.service.unlock('eddie', 'editor-password');
    await expectCode(() => v.service.resolveMemoryId(editor, gone.id.slice(0, 8)), 'not_found');
    expect(v.service.resolveMemoryId(v.owner, gone.id.slice(0, 8))).toBe(gone.id);
  });
});
