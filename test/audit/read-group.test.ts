import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { READ_GROUP_EVENTS } from '../../src/vault/read-group.js';
import { VaultService } from '../../src/vault/vault-service.js';
import { createCliVault, startServe, stopServe, type CliVault, type Served } from '../security/cli-harness.js';
import { createTestVault, type TestVault } from '../support/vault.js';
import { eventsOf, readLogged } from '../support/audit-rows.js';

/** Reads take no write lock; their events are written in groups, signed once per group. */
describe('read events are group-committed', () => {
  let v: TestVault;
  let id: string;
  beforeEach(async () => {
    v = await createTestVault();
    id = (await v.service.addMemory(v.owner, { content: 'A memory to read many times' })).id;
  });
  afterEach(() => v.cleanup());

  it('a read answers while another connection holds the write lock, and its event follows once the lock is free', async () => {
    const other = new Database(v.path);
    try {
      other.exec('BEGIN IMMEDIATE');
      // Before group commit, this waited the 5 s busy timeout and failed with SQLITE_BUSY.
      expect(v.service.getMemory(v.owner, id).content).toBe('A memory to read many times');
      other.exec('COMMIT');
    } finally {
      other.close();
    }
    await readLogged(v.path, 'getMemory');
    expect(eventsOf(v.path, 'getMemory')).toHaveLength(1);
    expect(v.service.verifyChainNow()).toMatchObject({ ok: true, problem: null });
  });

  it('a group of reads is written together, each event with the time of its read, in order, and the chain is signed over it', async () => {
    for (let i = 0; i < 5; i++) v.service.getMemory(v.owner, id);
    expect(eventsOf(v.path, 'getMemory')).toHaveLength(0);
    await readLogged(v.path, 'getMemory', 5);
    const events = eventsOf(v.path, 'getMemory');
    expect(events.map((e) => e.seq)).toEqual([0, 1, 2, 3, 4].map((i) => events[0]!.seq + i));
    expect(v.service.verifyChainNow()).toMatchObject({ ok: true, problem: null, unsignedEvents: 0 });
  });

  it(`${READ_GROUP_EVENTS} waiting reads are written at once, without the timer`, () => {
    for (let i = 0; i < READ_GROUP_EVENTS; i++) v.service.getMemory(v.owner, id);
    expect(eventsOf(v.path, 'getMemory')).toHaveLength(READ_GROUP_EVENTS);
  });

  it('a write, a lock and a close each write the reads before them first', async () => {
    v.service.getMemory(v.owner, id);
    await v.service.addMemory(v.owner, { content: 'Written after the read' });
    const [read] = eventsOf(v.path, 'getMemory');
    const [add] = eventsOf(v.path, 'addMemory').slice(-1);
    expect(read!.seq).toBeLessThan(add!.seq);

    v.service.listMemories(v.owner);
    v.service.lock(v.owner);
    expect(eventsOf(v.path, 'listMemories')[0]!.seq).toBeLessThan(eventsOf(v.path, 'lock').at(-1)!.seq);

    const owner = await v.service.unlock('olivia', 'owner-password-1');
    v.service.memoryHistory(owner, id);
    v.service.close();
    expect(eventsOf(v.path, 'memoryHistory')).toHaveLength(1);
    const reopened = await VaultService.open(v.path, { kdf: 'insecure-test-only', stateDir: `${v.dir}/state` });
    try {
      expect(reopened.verifyChainNow()).toMatchObject({ ok: true, problem: null });
    } finally {
      reopened.close();
    }
  });
});

describe('a crash loses only read events, never a write, and leaves a chain that verifies', () => {
  let c: CliVault;
  let served: Served | undefined;
  beforeEach(async () => {
    c = createCliVault();
    served = await startServe(c);
  });
  afterEach(async () => {
    await stopServe(served);
    c.cleanup();
  });

  it('SIGKILL right after a write and some reads', async () => {
    const { token } = c.json<{ token: string }>(['agent', 'add', 'coder', '--space', 'default', '--perm', 'read,write']);
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const written = await fetch(`${served!.url}/v1/memories`, { method: 'POST', headers, body: JSON.stringify({ content: 'Survives the crash' }) });
    expect(written.status).toBe(201);
    const { id } = (await written.json()) as { id: string };
    for (let i = 0; i < 5; i++) expect((await fetch(`${served!.url}/v1/memories/${id}`, { headers })).status).toBe(200);
    served!.child.kill('SIGKILL');
    await served!.exited;

    expect(eventsOf(c.vault, 'addMemory')).toHaveLength(1);
    const service = await VaultService.open(c.vault, { kdf: 'insecure-test-only', stateDir: c.stateDir });
    try {
      // Lost read events leave no unsigned action behind: the write was signed in its own transaction.
      expect(service.verifyChainNow()).toMatchObject({ ok: true, problem: null });
    } finally {
      service.close();
    }
  });
});
