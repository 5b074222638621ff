import { join, resolve } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { signRequest } from '../../src/api/signing.js';
import { startServer, type RunningServer } from '../../src/api/server.js';
import { VaultService } from '../../src/vault/vault-service.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { OWNER_PASSWORD } from '../support/vault.js';

const BIN = resolve(import.meta.dirname, '../../bin/memvault.js');

type ToolResult = { isError?: boolean; content: { type: string; text: string }[] };

/** Item 9: the per-minute limit counts tool calls, whatever carries them. */
describe('rate limits count every call, on every transport', () => {
  let t: TestServer;
  beforeEach(async () => (t = await startTestServer()));
  afterEach(() => t.close());

  it('one MCP JSON-RPC batch of 10 tool calls spends 10 calls, not one request', async () => {
    const token = t.agent({ name: 'batcher', spaces: ['default'], grants: ['read'], requestsPerMinute: 4 });
    const batch = Array.from({ length: 10 }, (_, i) => ({ jsonrpc: '2.0', id: i + 1, method: 'tools/call', params: { name: 'list_spaces', arguments: {} } }));
    const r = await t.call(token, 'POST', '/mcp', batch, { accept: 'application/json, text/event-stream' });
    expect(r.status).toBe(200);
    const results = (await r.json()) as { id: number; result: ToolResult }[];
    expect(results).toHaveLength(10);
    const refused = results.filter((x) => x.result.isError);
    expect(refused).toHaveLength(6);
    expect(refused[0]!.result.content[0]!.text).toMatch(/rate limit/);
    // The next plain request is over the limit as well.
    expect((await t.call(token, 'GET', '/v1/me')).status).toBe(429);
  });

  it('`memvault mcp` over stdio has the same per-minute limit', async () => {
    const token = t.agent({ name: 'stdio-bot', spaces: ['default'], grants: ['read'], requestsPerMinute: 3 });
    const client = new Client({ name: 'memvault-test', version: '1.0.0' });
    await client.connect(
      new StdioClientTransport({
        command: process.execPath,
        args: [BIN, 'mcp'],
        env: { ...(process.env as Record<string, string>), MEMVAULT_VAULT: t.v.path, MEMVAULT_TOKEN: token },
        stderr: 'pipe',
      }),
    );
    try {
      const results: ToolResult[] = [];
      for (let i = 0; i < 5; i++) results.push((await client.callTool({ name: 'list_spaces', arguments: {} })) as ToolResult);
      expect(results.map((r) => r.isError === true)).toEqual([false, false, false, true, true]);
      expect(results[3]!.content[0]!.text).toMatch(/rate limit/);
    } finally {
      await client.close();
    }
  });
});

/** Item 6: signed-request nonces outlive a restart, and each agent has its own budget. */
describe('signed-request nonces', () => {
  let t: TestServer;
  let second: RunningServer | undefined;
  let restarted: VaultService | undefined;
  beforeEach(async () => (t = await startTestServer()));
  afterEach(async () => {
    await second?.close();
    second = undefined;
    restarted?.close();
    restarted = undefined;
    await t.close();
  });

  it('a signed request replayed after a server restart is refused as a replay', async () => {
    const token = t.agent({ name: 'signer', spaces: ['default'], grants: ['read'], requireSigning: true });
    const host = new URL(t.url).host;
    const signed = signRequest(token, { method: 'GET', url: '/v1/me', host });
    expect((await t.call(token, 'GET', '/v1/me', undefined, signed)).status).toBe(200);
    const port = t.server.port;
    await t.server.close();
    // A new process's worth of state: a fresh service on the same file, so nothing held in
    // memory survives; the same address, so the captured request's signed Host still matches.
    restarted = await VaultService.open(t.v.path, { kdf: 'insecure-test-only', stateDir: join(t.v.dir, 'state') });
    second = await startServer({ service: restarted, port, connectionFile: null });
    const replay = await fetch(`${second.url}/v1/me`, { headers: { authorization: `Bearer ${token}`, ...signed } });
    expect(replay.status).toBe(401);
    const reasons = restarted.listAudit(await restarted.unlock('olivia', OWNER_PASSWORD), { action: 'verifySignature', limit: 10 }).map((e) => e.details.reason);
    expect(reasons).toContain('replayed nonce');
  });

  it("an agent that uses up its nonce budget locks out only itself", async () => {
    const greedy = t.v.service.authenticateAgent(t.agent({ name: 'greedy', spaces: ['default'], grants: ['read'], requestsPerMinute: 1 }));
    const other = t.v.service.authenticateAgent(t.agent({ name: 'other', spaces: ['default'], grants: ['read'], requestsPerMinute: 1 }));
    const expires = Math.floor(Date.now() / 1000) + 600;
    let accepted = 0;
    while (t.v.service.claimRequestNonce(greedy, `greedy-nonce-${String(accepted).padStart(8, '0')}`, expires)) accepted++;
    // Its own rate limit (1 a minute, 10 minutes of nonces) is far below the budget it was given.
    expect(accepted).toBeGreaterThanOrEqual(10);
    expect(accepted).toBeLessThan(1_000);
    expect(t.v.service.claimRequestNonce(other, 'other-nonce-00000001', expires)).toBe(true);
  });
});
