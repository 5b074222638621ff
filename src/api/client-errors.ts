import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { ConnectionError } from 'fastify';
import type { ErrorBody } from '../contract/errors.js';
import { PROBLEM_CONTENT_TYPE, problemFromBody } from './problem.js';
import { SECURITY_HEADERS } from './security-headers.js';

/**
 * Node's parser errors by code, with the statuses Node itself uses. The messages are fixed:
 * nothing of the refused request (method, URL, headers) is ever echoed back.
 */
const REFUSALS: ReadonlyMap<string, ErrorBody> = new Map([
  ['HPE_HEADER_OVERFLOW', { code: 'headers_too_large', message: 'the request line and headers are larger than this server accepts' }],
  ['HPE_CHUNK_EXTENSIONS_OVERFLOW', { code: 'payload_too_large', message: 'the chunk extensions are larger than this server accepts' }],
  ['ERR_HTTP_REQUEST_TIMEOUT', { code: 'request_timeout', message: 'the request did not arrive in time' }],
]);
/** Unknown methods, malformed lines, and smuggling attempts (Content-Length with Transfer-Encoding, two Content-Lengths). */
const MALFORMED: ErrorBody = { code: 'invalid_input', message: 'the request is not valid HTTP/1.1' };

function responseFor(code: string): string {
  const problem = problemFromBody(REFUSALS.get(code) ?? MALFORMED);
  const status = problem.status;
  const json = JSON.stringify(problem);
  const headers = { ...SECURITY_HEADERS, 'content-type': PROBLEM_CONTENT_TYPE, 'content-length': String(Buffer.byteLength(json)), connection: 'close' };
  const head = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
  return `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${head.join('')}\r\n${json}`;
}

/** Node's in-flight response on this socket, if any (the same field Node's own clientError fallback checks). */
type HttpSocket = Socket & { _httpMessage?: { headersSent: boolean } | null };

/**
 * Fastify's `clientErrorHandler`: requests Node's HTTP parser refuses never reach Fastify's
 * error handler, so this answers them in the API's own shape (problem+json, security headers)
 * instead of Node's bare default, then closes the connection: after a framing error the rest
 * of the bytes on it cannot be trusted to start a request.
 */
export function answerClientError(err: ConnectionError, socket: Socket): void {
  const inFlight = (socket as HttpSocket)._httpMessage;
  // A reset connection has nobody to answer; a response already begun cannot be followed by another.
  if (err.code !== 'ECONNRESET' && socket.writable && !inFlight?.headersSent) socket.write(responseFor(err.code));
  socket.destroy();
}
