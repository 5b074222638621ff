import { type Command, InvalidArgumentError } from 'commander';
import { lstatSync, readFileSync } from 'node:fs';
import { defaultConnectionFile } from '../api/connection-file.js';
import { closedToOthers, ownedByMe } from '../api/file-access.js';
import { DEFAULT_PORT } from '../api/loopback.js';
import { VaultError } from '../vault/index.js';
import { kdfPreset, openVault, vaultPath, type GlobalOptions } from './context.js';
import { openInBrowser } from './open-browser.js';

/** A served agent's keys stay in memory this long after its last request. */
const SERVE_SESSION_IDLE_MS = 15 * 60_000;

const port = (value: string): number => {
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65535) throw new InvalidArgumentError('a port is a whole number from 0 to 65535');
  return Number(value);
};

/**
 * The token never comes from an argument, which every user on the machine can read in the
 * process list. A token file is trusted only if it is the user's own regular file that nobody
 * else can read: a symbolic link (whoever controls its folder can repoint it) and a file owned
 * by someone else (they can rewrite it, or open it up again) are refused, not followed.
 */
function agentToken(tokenFile: string | undefined): string {
  if (tokenFile) {
    const st = lstatSync(tokenFile, { throwIfNoEntry: false });
    if (!st) throw new VaultError('invalid_input', `the token file ${tokenFile} does not exist`);
    if (st.isSymbolicLink()) throw new VaultError('invalid_input', `the token file ${tokenFile} is a symbolic link; pass the path of the real file`);
    if (!st.isFile()) throw new VaultError('invalid_input', `the token file ${tokenFile} is not a regular file`);
    if (!ownedByMe(st)) throw new VaultError('forbidden', `the token file ${tokenFile} is not owned by you`);
    if (!closedToOthers(st)) throw new VaultError('forbidden', `the token file ${tokenFile} must not be readable by others (chmod 600 it)`);
    return readFileSync(tokenFile, 'utf8').trim();
  }
  const fromEnv = process.env.MEMVAULT_TOKEN;
  if (fromEnv) return fromEnv.trim();
  throw new VaultError('invalid_input', 'set MEMVAULT_TOKEN or pass --token-file with an agent token');
}

function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}

/** `memvault serve` and `memvault mcp`: the front doors for agents. No profile password is needed. */
export function registerServerCommands(program: Command, g: () => GlobalOptions): void {
  program
    .command('serve')
    .description(`run the loopback API (REST /v1, MCP /mcp) for agents on 127.0.0.1:${DEFAULT_PORT}`)
    .option('--port <n>', `port (default ${DEFAULT_PORT}; 0 picks a free one)`, port, DEFAULT_PORT)
    .option('--host <address>', 'loopback address to bind: 127.0.0.1 or ::1', '127.0.0.1')
    .option('--connection-file <path>', 'where to write port, pid and start time (default: run/server.json next to the vault)')
    .option('--quiet', 'no request log (by default one line per request on stderr: time, method, route, status, agent, duration)')
    .action(async (o: { port: number; host: string; connectionFile?: string; quiet?: boolean }) => {
      const path = vaultPath(g());
      const service = await openVault(g(), { sessionIdleMs: SERVE_SESSION_IDLE_MS });
      const connectionFile = o.connectionFile ?? defaultConnectionFile(path);
      try {
        // The HTTP stack (Fastify, the MCP SDK) is loaded only by the commands that serve: ~0.3 s of every other start.
        const { startServer } = await import('../api/server.js');
        const requestLog = o.quiet ? undefined : (line: string) => void process.stderr.write(`${line}\n`);
        const server = await startServer({ service, host: o.host, port: o.port, connectionFile, ...(requestLog ? { requestLog } : {}) });
        // One line, so a supervisor can read it before the server's lifetime ends.
        if (g().json) process.stdout.write(`${JSON.stringify({ url: server.url, port: server.port, pid: process.pid, connectionFile })}\n`);
        else process.stdout.write(`Memvault API listening on ${server.url} (MCP: ${server.url}/mcp)\nConnection file: ${connectionFile}\nPress Ctrl+C to stop.\n`);
        await untilSignal();
        await server.close();
      } finally {
        service.close();
      }
    });

  program
    .command('start')
    .description('run the app in your browser (and the agent API on the same port); prints a one-time login link')
    .option('--port <n>', 'port (default 0: any free one)', port, 0)
    .option('--host <address>', 'loopback address to bind: 127.0.0.1 or ::1', '127.0.0.1')
    .option('--no-open', 'print the login link without opening a browser')
    .addHelpText('after', '\nThe link works once and for 2 minutes; press Enter here for a new one. It proves only that the\nbrowser is yours: the vault still asks for a profile and its password (or creates the vault on first run).')
    .action(async (o: { port: number; host: string; open: boolean }) => {
      const path = vaultPath(g());
      const { startBrowserHost } = await import('../host/browser-host.js');
      const host = await startBrowserHost({ vaultPath: path, host: o.host, port: o.port, kdf: kdfPreset(), connectionFile: defaultConnectionFile(path) });
      const announce = (): string => {
        const link = host.loginLink();
        if (g().json) process.stdout.write(`${JSON.stringify({ url: host.url, loginLink: link, pid: process.pid })}\n`);
        else process.stdout.write(`Memvault is running at ${host.url} (agents: ${host.url}/v1, ${host.url}/mcp)\nOpen this link to sign in (works once, for 2 minutes):\n  ${link}\nPress Enter for a new link, Ctrl+C to stop.\n`);
        return link;
      };
      const first = announce();
      if (o.open && !g().json) openInBrowser(first);
      process.stdin.on('data', (chunk: Buffer) => {
        if (chunk.includes(10)) announce();
      });
      await untilSignal();
      process.stdin.pause();
      await host.close();
    });

  program
    .command('mcp')
    .description('serve one agent over MCP stdio (token from MEMVAULT_TOKEN or --token-file)')
    .option('--token-file <path>', 'file holding the agent token (mode 0600)')
    .action(async (o: { tokenFile?: string }) => {
      const token = agentToken(o.tokenFile);
      const service = await openVault(g(), { sessionIdleMs: SERVE_SESSION_IDLE_MS });
      try {
        const { serveMcpOverStdio } = await import('../api/mcp-stdio.js');
        await serveMcpOverStdio(service, token);
      } finally {
        service.close();
      }
    });
}
