import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Memory } from '../../src/contract/memory.js';
import { VaultService } from '../../src/vault/vault-service.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { OWNER_PASSWORD } from '../support/vault.js';

// Item 2: an agent minted by an editor must not outlive the editor's own access. Before the
// fix, its token carried the space key by itself, so taking the editor out changed nothing for it.

const EDITOR = 'eddie';
const EDITOR_PASSWORD = 'editor-password-1';
const AUTH_FAILED = 'urn:memvault:problem:auth_failed';
const NOT_FOUND = 'urn:memvault:problem:not_found';

const typeOf = async (res: Response): Promise<string> => ((await res.json()) as { type: string }).type;

describe('item 2: agents die with their creator’s access', () => {
  let t: TestServer;
  let token: string;
  let agentId: string;
  let memoryId: string;

  /** The editor (holding `spaces`) mints an agent for them and the agent writes into work over HTTP. */
  async function setUp(spaces: string[]): Promise<void> {
    t = await startTestServer();
    for (const s of spaces) t.v.service.createSpace(t.v.owner, s);
    await t.v.service.addProfile(t.v.owner, { name: EDITOR, role: 'editor', password: EDITOR_PASSWORD, spaces });
    const editor = await t.v.service.unlock(EDITOR, EDITOR_PASSWORD);
    const issued = t.v.service.addAgent(editor, { name: 'eddie-bot', spaces, grants: ['read', 'write'] });
    token = issued.token;
    agentId = issued.agent.id;
    const res = await t.call(token, 'POST', '/v1/memories', { space: 'work', content: 'Deploys go out on Wednesdays' });
    expect(res.status).toBe(201);
    memoryId = ((await res.json()) as Memory).id;
    expect((await t.call(token, 'GET', `/v1/memories/${memoryId}`)).status).toBe(200);
  }
  afterEach(() => t.close());

  /** Every request of the agent is refused like a bad token. */
  async function expectDead(): Promise<void> {
    for (const [method, path, body] of [
      ['GET', `/v1/memories/${memoryId}`],
      ['GET', '/v1/memories?space=work'],
      ['POST', '/v1/memories', { space: 'work', content: 'Written after the creator lost work' }],
    ] as const) {
      const res = await t.call(token, method, path, body);
      expect(res.status, `${method} ${path}`).toBe(401);
      expect(await typeOf(res)).toBe(AUTH_FAILED);
    }
  }

  /** The owner's audit log names the agent as the target of `action`. */
  function expectAudited(action: string): void {
    const events = t.v.service.listAudit(t.v.owner, { limit: 1000 });
    expect(events.some((e) => e.action === action && e.outcome === 'ok' && e.targets.includes(agentId))).toBe(true);
  }

  describe('with one space', () => {
    beforeEach(() => setUp(['work']));

    it('revokeSpace of the editor: the agent’s next request fails, and the revocation is audited', async () => {
      t.v.service.revokeSpace(t.v.owner, 'work', EDITOR);
      await expectDead();
      expectAudited('revokeAgent');
    });

    it('removeProfile of the editor: the agent gets 401', async () => {
      t.v.service.removeProfile(t.v.owner, EDITOR);
      await expectDead();
      expectAudited('revokeAgent');
    });

    it('revokeSpace through a second VaultService on the same file (the CLI while serving) reaches the running server', async () => {
      // Same file, same pinned-head folder: what `memvault space revoke` does while `serve` runs.
      const cli = await VaultService.open(t.v.path, { kdf: 'insecure-test-only', stateDir: join(t.v.dir, 'state') });
      try {
        const owner = await cli.unlock('olivia', OWNER_PASSWORD);
        cli.revokeSpace(owner, 'work', EDITOR);
      } finally {
        cli.close();
      }
      await expectDead();
      expectAudited('revokeAgent');
    });
  });

  describe('with two spaces', () => {
    beforeEach(() => setUp(['work', 'notes']));

    /** The agent keeps its token and `notes`, but `work` answers like a space it never had. */
    async function expectLostWork(): Promise<void> {
      const get = await t.call(token, 'GET', `/v1/memories/${memoryId}`);
      expect(get.status).toBe(404);
      expect(await typeOf(get)).toBe(NOT_FOUND);
      const list = await t.call(token, 'GET', '/v1/memories');
      expect(list.status).toBe(200);
      expect(((await list.json()) as { items: Memory[] }).items).toEqual([]);
      const write = await t.call(token, 'POST', '/v1/memories', { space: 'work', content: 'Written after the creator lost work' });
      expect(write.status).toBe(404);
      expect(await typeOf(write)).toBe(NOT_FOUND);
      expect((await t.call(token, 'POST', '/v1/memories', { space: 'notes', content: 'Notes still work' })).status).toBe(201);
      expectAudited('revokeAgentSpace');
    }

    it('revokeSpace of one space: the agent loses that space at once and keeps the other', async () => {
      t.v.service.revokeSpace(t.v.owner, 'work', EDITOR);
      await expectLostWork();
    });

    it('the same through a second VaultService: the server drops the key its cached agent session holds', async () => {
      // The agent's session (with the work key) is cached by the server; only the file says it changed.
      const cli = await VaultService.open(t.v.path, { kdf: 'insecure-test-only', stateDir: join(t.v.dir, 'state') });
      try {
        cli.revokeSpace(await cli.unlock('olivia', OWNER_PASSWORD), 'work', EDITOR);
      } finally {
        cli.close();
      }
      await expectLostWork();
    });
  });
});
