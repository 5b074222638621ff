import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createTestVault, expectCode, type TestVault } from '../support/vault.js';

const CANARY_CONTENT = 'CANARYcontent7f3a9';
const CANARY_TAG = 'CANARYtag55q';
const CANARY_META = 'CANARYmeta42z';
const CANARY_QUERY = 'CANARYquery81k';
/** A vector whose float32 bytes are distinctive enough to find in a file. */
const canaryVector = Array.from({ length: 512 }, (_, i) => (i % 7 === 0 ? 0.123456789 : 1 / (i + 3)));
const canaryVectorBytes = Buffer.from(new Float32Array(canaryVector.slice(0, 16)).buffer);

function filesIn(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

/** Every file in the vault's folder (main file, -wal, -shm, anything else) as raw bytes. */
function scan(dir: string): string[] {
  const found: string[] = [];
  for (const file of filesIn(dir)) {
    const bytes = readFileSync(file);
    for (const needle of [CANARY_CONTENT, CANARY_TAG, CANARY_META, CANARY_QUERY])
      if (bytes.includes(Buffer.from(needle)) || bytes.includes(Buffer.from(needle, 'utf16le'))) found.push(`${needle} in ${file}`);
    if (bytes.includes(canaryVectorBytes)) found.push(`vector in ${file}`);
  }
  return found;
}

describe('data at rest', () => {
  let v: TestVault;
  beforeEach(async () => {
    v = await createTestVault();
  });
  afterEach(() => v.cleanup());

  it('the scan finds a canary that is written in the clear (control)', () => {
    writeFileSync(join(v.dir, 'control.bin'), Buffer.concat([Buffer.from(`xx${CANARY_CONTENT}xx`), canaryVectorBytes]));
    expect(scan(v.dir)).toHaveLength(2);
  });

  it('no canary string or vector appears in the database, its WAL or the folder; not after purge either', async () => {
    const m = await v.service.addMemory(v.owner, {
      content: `The launch code word is ${CANARY_CONTENT}`,
      tags: [CANARY_TAG],
      metadata: { note: CANARY_META },
      vector: canaryVector,
    });
    await v.service.addMemory(v.owner, { content: `Second memory also mentions ${CANARY_CONTENT} for the index`, tags: [CANARY_TAG] });
    const hits = await v.service.searchMemories(v.owner, { text: `${CANARY_QUERY} ${CANARY_CONTENT}` });
    expect(hits.map((h) => h.memory.id)).toContain(m.id);
    expect(filesIn(v.dir).some((f) => f.endsWith('-wal'))).toBe(true);
    expect(scan(v.dir)).toEqual([]);

    v.service.deleteMemory(v.owner, m.id);
    v.service.purgeMemory(v.owner, m.id);
    await expectCode(() => v.service.getMemory(v.owner, m.id), 'not_found');
    v.service.close();
    expect(scan(v.dir)).toEqual([]);

    const raw = new Database(v.path, { readonly: true });
    expect(raw.prepare('SELECT count(*) AS n FROM memory_versions WHERE memory_id = ?').get(m.id)).toEqual({ n: 0 });
    raw.close();
  });
});
