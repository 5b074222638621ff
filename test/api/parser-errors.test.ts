import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest, startTestServer, type RawResponse, type TestServer } from '../support/server.js';

/**
 * Requests Node's HTTP parser rejects before Fastify sees them (default maxHeaderSize: 16 KiB
 * for the request line and headers together) still get the API's problem+json and headers.
 */
describe('HTTP parser errors are answered like every other error', () => {
  let t: TestServer;
  let host: string;

  beforeAll(async () => {
    t = await startTestServer({ limits: { headersTimeoutMs: 300, timeoutCheckMs: 100 } });
    host = `Host: 127.0.0.1:${t.server.port}\r\n`;
  });
  afterAll(() => t.close());

  const expectProblem = (r: RawResponse, status: number, secret: string, code = 'invalid_input') => {
    expect(r.status).toBe(status);
    expect(r.head).toContain('content-type: application/problem+json');
    expect(r.head).toContain('x-content-type-options: nosniff');
    expect(r.head).toContain("content-security-policy: default-src 'none'");
    expect(r.head).toContain('cache-control: no-store');
    expect(r.head).toContain('connection: close');
    expect(r.closed).toBe(true);
    const problem = JSON.parse(r.body) as { type: string; status: number; code: string; detail: string };
    expect(problem).toMatchObject({ type: `urn:memvault:problem:${code}`, code, status });
    expect(r.head + r.body).not.toContain(secret);
  };

  it('an unknown method: 400', async () => {
    expectProblem(await rawRequest(t.server.port, `FOO /v1/echo-FOO-secret HTTP/1.1\r\n${host}\r\n`), 400, 'echo-FOO-secret');
  });

  it('smuggling: Content-Length with Transfer-Encoding, and two Content-Lengths: 400', async () => {
    const both = `POST /v1/memories HTTP/1.1\r\n${host}Content-Type: application/json\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\n${host}\r\n`;
    expectProblem(await rawRequest(t.server.port, both), 400, 'smuggled');
    const twice = `POST /v1/memories HTTP/1.1\r\n${host}Content-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 40\r\n\r\n{}`;
    expectProblem(await rawRequest(t.server.port, twice), 400, 'Content-Length');
  });

  it('a malformed header line: 400', async () => {
    expectProblem(await rawRequest(t.server.port, `GET /v1/health HTTP/1.1\r\n${host}this line has no colon secret-value\r\n\r\n`), 400, 'secret-value');
  });

  it('headers over 16 KiB, or a URL that long: 431', async () => {
    const big = 'x'.repeat(20 * 1024);
    expectProblem(await rawRequest(t.server.port, `GET /v1/health HTTP/1.1\r\n${host}X-Big: ${big}\r\n\r\n`), 431, 'xxxxxxxx', 'headers_too_large');
    expectProblem(await rawRequest(t.server.port, `GET /v1/${big} HTTP/1.1\r\n${host}\r\n`), 431, 'xxxxxxxx', 'headers_too_large');
  });

  it('headers that never finish: 408', async () => {
    expectProblem(await rawRequest(t.server.port, `GET /v1/health-secret HTTP/1.1\r\n${host}`), 408, 'health-secret', 'request_timeout');
  });
});
