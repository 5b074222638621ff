import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';
import { AGENT_CONFIG_CLIENTS, README_CONFIG_PLACEHOLDERS, agentConfig } from '../../src/contract/agent-configs.js';

const ROOT = resolve(import.meta.dirname, '../..');

interface ServerEntry {
  type?: string;
  command?: string;
  args?: string[];
  env?: Record<string, string>;
  url?: string;
  headers?: Record<string, string>;
}

/** The JSON block after each `<!-- mcp-config: NAME -->` marker in the README. */
function readmeConfigs(): Map<string, unknown> {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const found = new Map<string, unknown>();
  for (const m of readme.matchAll(/<!-- mcp-config: ([\w-]+) -->\n```json\n([\s\S]*?)\n```/g)) found.set(m[1]!, JSON.parse(m[2]!));
  return found;
}

describe('the MCP client configurations in the README work with the SDK client', () => {
  let t: TestServer;
  let token: string;
  let tokenFile: string;
  const configs = readmeConfigs();

  beforeAll(async () => {
    t = await startTestServer();
    token = t.agent({ name: 'desk', spaces: ['default'], grants: ['read', 'write'] });
    tokenFile = join(t.v.dir, 'memvault-token');
    writeFileSync(tokenFile, `${token}\n`, { mode: 0o600 });
  });
  afterAll(() => t.close());

  /** What a user does with the placeholders, and what VS Code does with its input variable. */
  const fill = (text: string): string =>
    text
      .replaceAll('/ABSOLUTE/PATH/TO/memvault/', `${ROOT}/`)
      .replaceAll('/ABSOLUTE/PATH/TO/memvault-token', tokenFile)
      .replaceAll('/ABSOLUTE/PATH/TO/vault.db', t.v.path)
      .replaceAll('mvat_YOUR_TOKEN', token)
      .replaceAll('${input:memvault-token}', token)
      .replaceAll('127.0.0.1:7437', `127.0.0.1:${t.server.port}`);

  const transportFor = (entry: ServerEntry): Transport => {
    if (entry.command) {
      return new StdioClientTransport({
        command: entry.command === 'node' ? process.execPath : entry.command,
        args: entry.args,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...entry.env },
        stderr: 'pipe',
      });
    }
    return new StreamableHTTPClientTransport(new URL(entry.url!), { requestInit: { headers: entry.headers } });
  };

  it('has a block for each documented client', () => {
    expect([...configs.keys()].sort()).toEqual(['claude-code', 'claude-desktop', 'cursor', 'vscode']);
  });

  for (const name of AGENT_CONFIG_CLIENTS) {
    it(`${name}: the README block is the one the app offers`, () => {
      expect(configs.get(name)).toEqual(agentConfig(name, README_CONFIG_PLACEHOLDERS));
    });
  }

  for (const name of ['claude-desktop', 'claude-code', 'cursor', 'vscode']) {
    it(`${name}: connects, remembers and recalls`, async () => {
      const config = JSON.parse(fill(JSON.stringify(configs.get(name)))) as { mcpServers?: Record<string, ServerEntry>; servers?: Record<string, ServerEntry> };
      const entry = (config.mcpServers ?? config.servers)!.memvault!;
      const client = new Client({ name: `readme-${name}`, version: '1.0.0' });
      await client.connect(transportFor(entry));
      try {
        const fact = `The ${name} setup was verified against the SDK client`;
        const stored = (await client.callTool({ name: 'remember', arguments: { content: fact } })) as { isError?: boolean };
        expect(stored.isError).toBeFalsy();
        const recalled = (await client.callTool({ name: 'recall', arguments: { query: `${name} setup verified`, k: 3 } })) as { content: { text: string }[] };
        expect(recalled.content[0]!.text).toContain(fact);
      } finally {
        await client.close();
      }
    });
  }
});
