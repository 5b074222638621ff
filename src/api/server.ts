import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import { jsonSchemaTransform, jsonSchemaTransformObject, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { registerOpenApiComponents } from './openapi-components.js';
import { servedDocument } from './openapi-document.js';
import { VaultError, type VaultService } from '../vault/index.js';
import { checkConnectionFolder, refuseIfRunning, removeConnectionFile, writeConnectionFile } from './connection-file.js';
import { FailureThrottle } from './failure-throttle.js';
import { parseJsonBody, sha256Hex } from './json-body.js';
import { allowedHosts, allowedOrigins, checkPort, DEFAULT_PORT, loopbackAddress } from './loopback.js';
import { PROBLEM_CONTENT_TYPE, problemFromBody, toProblem } from './problem.js';
import { guardRequest, type GuardConfig } from './request-guards.js';
import { registerRestRoutes } from './rest-routes.js';
import { agentAuth } from './agent-auth.js';
import { registerMcpRoute } from './mcp-http.js';
import { SECURITY_HEADERS } from './security-headers.js';
import { answerClientError } from './client-errors.js';

export interface ServerLimits {
  /** Largest accepted request body; larger ones get 413 and the connection is closed. */
  bodyBytes: number;
  /** The same for `POST /v1/memories/batch` (up to 1,000 memories with their vectors). */
  batchBodyBytes: number;
  /** Time allowed to send all request headers (slow-header clients are cut off). */
  headersTimeoutMs: number;
  /** Time allowed for a whole request. */
  requestTimeoutMs: number;
  /** How often Node checks the two timeouts above. */
  timeoutCheckMs: number;
  /** Failed credentials per client per minute before its failing requests get 429. */
  authFailuresPerMinute: number;
}

/**
 * 1 MiB holds the largest single request the API document allows: 32,768 characters of content
 * and 16,384 of context at up to six bytes each as JSON escapes, the largest flat metadata (about
 * 230 KB escaped), 32 tags and a vector of 4,096 numbers come to about 640 KB.
 */
export const DEFAULT_LIMITS: ServerLimits = { bodyBytes: 1024 * 1024, batchBodyBytes: 16 * 1024 * 1024, headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, timeoutCheckMs: 1_000, authFailuresPerMinute: 10 };

declare module 'fastify' {
  interface FastifyContextConfig {
    /** `app`: a route of the app's own (its page, its session), which agent authentication skips. */
    auth?: 'app';
  }
}

/** What a host that serves people as well (the browser host) adds to the same server, behind the same Host and Origin guards. */
export interface ExtraRoutes {
  /** Registers its routes; each must carry `config: { auth: 'app' }`, which skips agent authentication (the routes check their own session). */
  register(app: FastifyInstance, origins: ReadonlySet<string>): void | Promise<void>;
  /** The Content-Security-Policy of its pages, in place of the API's `default-src 'none'`. */
  pageCsp: string;
}

export interface ServerOptions {
  /** The vault agents reach; a function when the vault may not exist yet (the app's first run), which throws until it does. */
  service: VaultService | (() => VaultService);
  extra?: ExtraRoutes;
  host?: string;
  port?: number;
  /** Where to write port, pid and start time; null writes none (tests that run many servers). */
  connectionFile: string | null;
  limits?: Partial<ServerLimits>;
  /** Epoch milliseconds, for signature windows and throttles. */
  clock?: () => number;
  /** One line per answered request (time, method, route, status, agent, duration; never a token, query or body). */
  requestLog?: (line: string) => void;
  /** False while the agent API is turned off (the app's Settings): /v1 and /mcp answer 503. */
  agentApiOn?: () => boolean;
}

export interface RunningServer {
  url: string;
  host: string;
  port: number;
  close(): Promise<void>;
}


const EMPTY_SHA256 = sha256Hex('');

/**
 * The loopback API: REST under /v1, MCP at /mcp, OpenAPI at /openapi.json. It only
 * translates; every rule about memories, agents and grants lives in the vault service.
 */
/** Paths of the API itself: an unknown one still asks for a token, so routes are not probed without one. */
const API_PATH = /^\/(v1|mcp)(\/|\?|$)/;

/**
 * A vault that may not exist yet, as the API's modules take it: each call reaches the vault
 * the function returns at that moment, so agent routes registered before the first run answer
 * once the vault is created.
 */
function lateBound(current: () => VaultService): VaultService {
  return new Proxy({} as VaultService, {
    get(_target, name) {
      const service = current();
      const value = Reflect.get(service, name, service) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(service) : value;
    },
  });
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const service = typeof options.service === 'function' ? lateBound(options.service) : options.service;
  const address = loopbackAddress(options.host ?? '127.0.0.1');
  const requestedPort = checkPort(options.port ?? DEFAULT_PORT);
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const clock = options.clock ?? Date.now;
  if (options.connectionFile) {
    checkConnectionFolder(options.connectionFile);
    await refuseIfRunning(options.connectionFile);
  }

  let url = '';
  registerOpenApiComponents();
  const hosts = new Set<string>();
  const origins = new Set<string>();
  const guards: GuardConfig = { hosts, origins };
  const failures = new FailureThrottle(limits.authFailuresPerMinute);
  const { authenticate, checkSignature } = agentAuth(service, failures, clock);

  const app = Fastify({
    logger: false,
    bodyLimit: limits.bodyBytes,
    requestTimeout: limits.requestTimeoutMs,
    http: { headersTimeout: limits.headersTimeoutMs, connectionsCheckingInterval: limits.timeoutCheckMs },
    forceCloseConnections: true,
    return503OnClosing: true,
    exposeHeadRoutes: false,
    clientErrorHandler: answerClientError,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorateRequest('agentSession', null);
  app.decorateRequest('bodySha256', EMPTY_SHA256);

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    try {
      const parsed = parseJsonBody(body as string);
      req.bodySha256 = parsed.sha256;
      done(null, parsed.value);
    } catch (err) {
      done(err as Error, undefined);
    }
  });

  app.addHook('onRequest', async (req) => {
    try {
      guardRequest(req.raw, guards);
    } catch (err) {
      try {
        service.recordAnonymousRefusal('httpRequest', (err as Error).message);
      } catch (recording) {
        // Before the app's first run there is no vault to record into; the refusal itself stands.
        if (!(recording instanceof VaultError && recording.code === 'unavailable')) throw recording;
      }
      throw err;
    }
    const route = req.routeOptions.url;
    if (req.routeOptions.config?.auth === 'app') return;
    if (req.method === 'GET' && (route === '/v1/health' || route === '/openapi.json')) return;
    // OAuth discovery (/.well-known/..., /register) and other paths outside the API are simply
    // absent: a 404 without asking for a token, so MCP clients do not start client registration
    // and their probes do not count as failed tokens.
    if (route === undefined && !API_PATH.test(req.url ?? '/')) return;
    if (options.agentApiOn && !options.agentApiOn() && API_PATH.test(req.url ?? '/')) throw new VaultError('unavailable', 'the agent API is turned off in the Memvault app’s Settings');
    authenticate(req);
  });

  app.addHook('preHandler', async (req) => checkSignature(req));

  if (options.requestLog) {
    const log = options.requestLog;
    app.addHook('onResponse', async (req, reply) => {
      // The route's pattern, not the URL: ids and query strings stay out of the log.
      const route = req.routeOptions.url ?? 'unknown route';
      const agent = req.agentSession ? req.agentSession.actor.name : '-';
      log(`${new Date(clock()).toISOString()} ${req.method} ${route} ${reply.statusCode} ${agent} ${reply.elapsedTime.toFixed(1)}ms`);
    });
  }

  // Calls are counted in the vault (each REST operation, each MCP tool call); the headers show where the agent stands.
  app.addHook('onSend', async (req, reply, payload) => {
    reply.headers(SECURITY_HEADERS);
    if (options.extra && req.routeOptions.config?.auth === 'app') reply.header('content-security-policy', options.extra.pageCsp);
    const rate = req.agentSession && !req.agentSession.locked ? service.rateState(req.agentSession) : null;
    if (rate) reply.headers({ 'ratelimit-limit': String(rate.limit), 'ratelimit-remaining': String(rate.remaining), 'ratelimit-reset': String(rate.resetSeconds) });
    return payload;
  });

  app.setErrorHandler((err, req, reply) => {
    const problem = toProblem(err);
    // RFC 9110: every 401 names its scheme; RFC 6750 adds why when a token was sent.
    if (problem.status === 401 && req.routeOptions.config?.auth !== 'app') reply.header('www-authenticate', `Bearer realm="memvault"${req.headers.authorization === undefined ? '' : ', error="invalid_token"'}`);
    if (problem.code === 'internal' && process.env.MEMVAULT_DEBUG === '1') console.error(err);
    if (problem.retryAfterSeconds !== undefined) reply.header('retry-after', String(problem.retryAfterSeconds));
    if (problem.code === 'method_not_allowed') reply.header('allow', 'POST');
    return reply.code(problem.status).type(PROBLEM_CONTENT_TYPE).send(problem);
  });
  app.setNotFoundHandler((_req, reply) => reply.code(404).type(PROBLEM_CONTENT_TYPE).send(problemFromBody({ code: 'not_found', message: 'no such route' })));

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Memvault loopback API',
        version: '1.0.0',
        description:
          'Memories for local agents. Every route but GET /v1/health and this document (GET /openapi.json, served without a token and not rate-limited) needs `Authorization: Bearer <agent token>`. Errors are RFC 9457 problem+json.',
        license: { name: 'UNLICENSED' },
      },
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', description: 'An agent token from `memvault agent add`' } } },
      security: [{ bearerAuth: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });

  // The app's origins are known once the port is; the set is filled after listen, before any request.
  if (options.extra) await options.extra.register(app, origins);
  registerRestRoutes(app, service, limits);
  registerMcpRoute(app, service, SECURITY_HEADERS);
  app.get('/openapi.json', { schema: { hide: true } }, () => servedDocument(app.swagger(), { url, dimensions: service.vectorDimensions() }));

  try {
    await app.listen({ host: address, port: requestedPort });
  } catch (err) {
    await app.close();
    if ((err as { code?: string }).code === 'EADDRINUSE') throw new VaultError('conflict', `port ${requestedPort} is in use; pass --port 0 for any free port or choose another`);
    throw err;
  }
  const port = (app.server.address() as AddressInfo).port;
  url = `http://${address === '::1' ? '[::1]' : address}:${port}`;
  for (const h of allowedHosts(address, port)) hosts.add(h);
  for (const o of allowedOrigins(address, port)) origins.add(o);
  try {
    if (options.connectionFile) writeConnectionFile(options.connectionFile, { url, host: address, port, pid: process.pid, startedAt: new Date(clock()).toISOString() });
  } catch (err) {
    await app.close();
    throw err;
  }

  return {
    url,
    host: address,
    port,
    async close() {
      if (options.connectionFile) removeConnectionFile(options.connectionFile);
      await app.close();
    },
  };
}
