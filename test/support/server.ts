import { connect } from 'node:net';
import { startServer, type RunningServer, type ServerOptions } from '../../src/api/server.js';
import type { AddAgentInput } from '../../src/contract/agent.js';
import { createTestVault, type TestVault } from './vault.js';

export interface TestServer {
  v: TestVault;
  server: RunningServer;
  url: string;
  /** Adds an agent through the owner's session and returns its token. */
  agent(input: AddAgentInput): string;
  /** fetch against the server with a bearer token and a JSON body. */
  call(token: string | null, method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
  close(): Promise<void>;
}

/** A real vault and a real server on 127.0.0.1, port 0. */
export async function startTestServer(options: { clock?: () => number; limits?: ServerOptions['limits'] } = {}): Promise<TestServer> {
  const v = await createTestVault({ clock: options.clock });
  const server = await startServer({ service: v.service, port: 0, connectionFile: null, clock: options.clock, limits: options.limits });
  return {
    v,
    server,
    url: server.url,
    agent: (input) => v.service.addAgent(v.owner, input).token,
    call(token, method, path, body, headers = {}) {
      const h: Record<string, string> = { ...headers };
      if (token !== null) h.authorization = `Bearer ${token}`;
      if (method !== 'GET' && !('content-type' in h)) h['content-type'] = 'application/json';
      return fetch(`${server.url}${path}`, { method, headers: h, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
    },
    async close() {
      await server.close();
      v.cleanup();
    },
  };
}

export interface RawResponse {
  status: number;
  head: string;
  body: string;
  /** The server ended the connection. */
  closed: boolean;
}

/**
 * Sends bytes exactly as given, for what fetch will not send (two Host headers, no Host, a
 * body larger than its Content-Length says). Resolves when the server closes, or goes quiet for
 * `quietMs` after it has answered; a slow first answer (a loaded CI machine) waits up to 15 s.
 */
export function rawRequest(port: number, text: string, quietMs = 500, address = '127.0.0.1'): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, address);
    let data = '';
    let timer: NodeJS.Timeout | undefined;
    const finish = (closed: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      const [head = '', body = ''] = data.split('\r\n\r\n', 2);
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0), head: head.toLowerCase(), body, closed });
    };
    const quiet = () => {
      clearTimeout(timer);
      timer = setTimeout(() => finish(false), quietMs);
    };
    socket.on('data', (chunk) => {
      data += chunk.toString('latin1');
      quiet();
    });
    socket.on('end', () => finish(true));
    socket.on('close', () => finish(true));
    socket.on('error', (err) => (data ? finish(true) : reject(err)));
    socket.write(text, () => {
      timer ??= setTimeout(() => finish(false), 15_000);
    });
  });
}
