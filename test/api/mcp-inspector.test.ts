import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';

const BIN = resolve(import.meta.dirname, '../../bin/memvault.js');
const INSPECTOR_ROOT = dirname(createRequire(import.meta.url).resolve('@modelcontextprotocol/inspector-cli/package.json'));
const INSPECTOR = resolve(INSPECTOR_ROOT, 'build/cli.js');

const READ_TOOLS = ['get', 'list_spaces', 'recall'];
const ALL_TOOLS = ['forget', 'get', 'list_spaces', 'recall', 'remember', 'remember_many', 'update'];

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

type ToolResult = { isError?: boolean; content: { type: string; text: string }[]; structuredContent?: Record<string, unknown> };

/** Runs `mcp-inspector-cli --cli ...args` the way a user would, and never rejects. */
function inspector(args: string[]): Promise<Run> {
  return new Promise((done) => {
    // The CLI finds its own package.json at `../package.json` relative to the working directory
    // (inspector v1 quirk), so it has to run from inside its package.
    execFile(process.execPath, [INSPECTOR, '--cli', ...args], { cwd: resolve(INSPECTOR_ROOT, 'build'), timeout: 45_000 }, (err, stdout, stderr) =>
      done({ code: err ? (typeof err.code === 'number' ? err.code : null) : 0, stdout, stderr }),
    );
  });
}

/** The JSON result the CLI prints on stdout; fails the test with the CLI's stderr if it did not succeed. */
async function ok<T>(run: Promise<Run>): Promise<T> {
  const { code, stdout, stderr } = await run;
  expect(code, stderr).toBe(0);
  return JSON.parse(stdout) as T;
}

const toolArgs = (args: Record<string, string>) => ['--tool-arg', ...Object.entries(args).map(([k, v]) => `${k}=${v}`)];
const toolNames = (result: { tools: { name: string }[] }) => result.tools.map((x) => x.name).sort();

describe('MCP with the MCP Inspector CLI', () => {
  let t: TestServer;
  let token: string;
  let readOnly: string;

  beforeAll(async () => {
    t = await startTestServer();
    t.v.service.createSpace(t.v.owner, 'notes');
    token = t.agent({ name: 'inspector', spaces: ['notes'], grants: ['read', 'write', 'delete'] });
    readOnly = t.agent({ name: 'inspector-reader', spaces: ['notes'], grants: ['read'] });
  });
  afterAll(() => t.close());

  // The URL comes first: `--header` takes several values and would swallow it.
  const http = (bearer: string, ...args: string[]) => inspector([`${t.url}/mcp`, '--transport', 'http', '--header', `Authorization: Bearer ${bearer}`, ...args]);
  const stdio = (bearer: string, ...args: string[]) =>
    inspector(['-e', `MEMVAULT_VAULT=${t.v.path}`, '-e', `MEMVAULT_TOKEN=${bearer}`, process.execPath, BIN, 'mcp', ...args]);

  it('over HTTP lists only the tools the grant allows', { timeout: 60_000 }, async () => {
    expect(toolNames(await ok(http(readOnly, '--method', 'tools/list')))).toEqual(READ_TOOLS);
    expect(toolNames(await ok(http(token, '--method', 'tools/list')))).toEqual(ALL_TOOLS);
  });

  it('over HTTP remembers a fact and recalls it', { timeout: 60_000 }, async () => {
    const content = 'The inspector agent prefers rebase over merge for feature branches';
    const remembered = await ok<ToolResult>(http(token, '--method', 'tools/call', '--tool-name', 'remember', ...toolArgs({ content, tags: '["git"]' })));
    expect(remembered.isError, remembered.content[0]?.text).toBeFalsy();
    const id = remembered.structuredContent!.id as string;
    expect(id).toEqual(expect.any(String));

    const recalled = await ok<ToolResult>(http(token, '--method', 'tools/call', '--tool-name', 'recall', ...toolArgs({ query: 'rebase or merge feature branches', k: '3' })));
    expect(recalled.isError).toBeFalsy();
    expect(recalled.content[0]!.text).toContain(content);
    expect((recalled.structuredContent!.items as { memory: { id: string; tags: string[] } }[])[0]!.memory).toMatchObject({ id, tags: ['git'] });
  });

  it('over stdio (`memvault mcp`) lists the granted tools, remembers and recalls', { timeout: 90_000 }, async () => {
    expect(toolNames(await ok(stdio(readOnly, '--method', 'tools/list')))).toEqual(READ_TOOLS);
    expect(toolNames(await ok(stdio(token, '--method', 'tools/list')))).toEqual(ALL_TOOLS);

    const content = 'Database migrations live in the db/migrations folder';
    const remembered = await ok<ToolResult>(stdio(token, '--method', 'tools/call', '--tool-name', 'remember', ...toolArgs({ content, tags: '["db"]' })));
    expect(remembered.isError, remembered.content[0]?.text).toBeFalsy();
    const id = remembered.structuredContent!.id as string;

    // A separate process: what the stdio run stored is in the vault, not in that process.
    const recalled = await ok<ToolResult>(stdio(readOnly, '--method', 'tools/call', '--tool-name', 'recall', ...toolArgs({ query: 'where do database migrations live', k: '3' })));
    expect(recalled.isError).toBeFalsy();
    expect(recalled.content[0]!.text).toContain(content);
    expect((recalled.structuredContent!.items as { memory: { id: string } }[])[0]!.memory.id).toBe(id);
  });

  it('a wrong token gets a plain 401, and OAuth discovery finds nothing', { timeout: 60_000 }, async () => {
    const refused = await http('mvat_not_a_real_token', '--method', 'tools/list');
    expect(refused.code).not.toBe(0);
    expect(refused.stdout).toBe('');
    // The SDK reports the refused POST with the server's problem body.
    expect(refused.stderr).toMatch(/Failed to connect to MCP server: .*"status":401/);
    // Had the server pointed at OAuth, the SDK would have tried discovery or client registration.
    expect(refused.stderr).not.toMatch(/oauth|registration|authorization server/i);

    const init = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'x', version: '1' } } });
    const wrong = await fetch(`${t.url}/mcp`, {
      method: 'POST',
      headers: { authorization: 'Bearer mvat_not_a_real_token', 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: init,
    });
    expect(wrong.status).toBe(401);
    const challenge = wrong.headers.get('www-authenticate') ?? '';
    expect(challenge).toMatch(/^Bearer realm="memvault"/);
    expect(challenge).toContain('error="invalid_token"');
    expect(challenge).not.toContain('resource_metadata');

    for (const [method, path] of [
      ['GET', '/.well-known/oauth-protected-resource'],
      ['GET', '/.well-known/oauth-protected-resource/mcp'],
      ['GET', '/.well-known/oauth-authorization-server'],
      ['POST', '/register'],
    ] as const) {
      const res = await fetch(`${t.url}${path}`, { method, ...(method === 'POST' ? { headers: { 'content-type': 'application/json' }, body: '{}' } : {}) });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.headers.get('www-authenticate'), `${method} ${path}`).toBeNull();
    }
  });
});
