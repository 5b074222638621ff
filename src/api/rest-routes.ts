import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { agentSelfSchema } from '../contract/agent.js';
import {
  addMemoriesRequestSchema,
  addMemoriesResultSchema,
  addMemorySchema,
  cursorSchema,
  FILTER_VALUES,
  filterSchema,
  kindSchema,
  LIMITS,
  MEMORY_STATES,
  memoryChangeSchema,
  memoryIdSchema,
  memoryPageSchema,
  memorySchema,
  memoryVersionSchema,
  searchHitSchema,
  searchSchema,
  spaceNameSchema,
  tagSchema,
  updateResultSchema,
} from '../contract/memory.js';
import { PROBLEM_CONTENT_TYPE, problemSchema } from './problem.js';
import type { VaultService } from '../vault/index.js';
import { sessionOf } from './request-context.js';

/**
 * A parameter given once or repeated (`tag=a&tag=b`): the query parser makes one string or an
 * array of them. Commas are not separators, as in OpenAPI's default form for query lists (no
 * item may hold one, so `tag=a,b` is refused by the item's own rule).
 */
const listParam = <T extends z.ZodType<string, string>>(item: T, max: number) =>
  z
    .union([item, z.array(item).min(1).max(max)])
    .transform((v): z.output<T>[] => (Array.isArray(v) ? v : [v]))
    .optional();

/**
 * A whole number as a query writes it. z.coerce.number() would also take `0x10`, `1e2` and ` 7`,
 * which the document's `integer` does not; the number form below is what JSON Schema reads as one.
 */
const limitParam = z
  .string()
  .regex(/^-?\d+(\.\d+)?$/, 'limit must be a whole number')
  .transform(Number)
  .pipe(z.number().int('limit must be a whole number').min(1).max(LIMITS.listLimit))
  .meta({ type: 'integer', minimum: 1, maximum: LIMITS.listLimit, default: 50, pattern: undefined })
  .default(50);

const listQuerySchema = z.strictObject({
  space: listParam(spaceNameSchema, FILTER_VALUES.spaces),
  kind: listParam(kindSchema, FILTER_VALUES.kinds),
  tag: listParam(tagSchema, FILTER_VALUES.tags),
  state: listParam(z.enum(MEMORY_STATES), FILTER_VALUES.states),
  source: filterSchema.shape.source,
  since: filterSchema.shape.since,
  until: filterSchema.shape.until,
  limit: limitParam,
  cursor: cursorSchema.optional(),
});

const idParams = z.strictObject({ id: memoryIdSchema });

const BEARER = [{ bearerAuth: [] }];
const problem = (description: string) => ({ description: `${description} (RFC 9457 problem details; \`type\` is urn:memvault:problem:<code>)`, content: { [PROBLEM_CONTENT_TYPE]: { schema: problemSchema } } });
const mib = (bytes: number) => `${Math.round((bytes / 2 ** 20) * 100) / 100} MiB`;

/** Every status the server answers with besides success, each with its problem type. */
const errorResponses = (limits: BodyLimits) => ({
  400: problem('Invalid input: a field breaks the schema (the message names it), or credentials were sent in the URL'),
  401: problem('Missing, invalid, expired, paused or revoked agent token (with WWW-Authenticate)'),
  403: problem('The token lacks the grant, the space is not the agent’s, or the Host or Origin is not the loopback API’s'),
  404: problem('No such memory for this agent, or no such route'),
  409: problem('Conflict: the memory is not at expectedVersion (details.currentVersion), or a near-identical one exists (code duplicate, details.existingId)'),
  413: problem(`The body is larger than the route accepts: ${mib(limits.bodyBytes)}, or ${mib(limits.batchBodyBytes)} for a batch`),
  415: problem('A body that is not application/json'),
  429: problem('Rate limit, daily write quota, or too many failed tokens (with Retry-After)'),
  500: problem('Internal or integrity error; nothing was changed'),
  503: problem('A service Memvault depends on (an embeddings endpoint) is unavailable, or no vault exists yet'),
});

/** The request body limits the server was started with (server.ts DEFAULT_LIMITS). */
export interface BodyLimits {
  bodyBytes: number;
  batchBodyBytes: number;
}
const spacesSchema = z.object({ items: z.array(z.object({ id: z.string(), name: z.string(), createdAt: z.string(), memories: z.number().int() })) });

/**
 * REST under /v1. Each route validates its input against the contract schema, then hands the
 * caller's session and the input to one service method; the service validates again.
 */
export function registerRestRoutes(app: FastifyInstance, service: VaultService, limits: BodyLimits): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const ERRORS = errorResponses(limits);

  r.get('/v1/health', { schema: { operationId: 'getHealth', security: [], summary: 'Liveness check; the only route without a token', tags: ['meta'], response: { 200: z.object({ status: z.literal('ok'), api: z.literal('v1') }), ...ERRORS } } }, () => ({ status: 'ok' as const, api: 'v1' as const }));

  r.get('/v1/me', { schema: { operationId: 'getMe', summary: 'The calling agent: its spaces, grants, limits and expiry', tags: ['meta'], security: BEARER, response: { 200: agentSelfSchema, ...ERRORS } } }, (req) =>
    service.agentSelf(sessionOf(req)),
  );

  r.get('/v1/spaces', { schema: { operationId: 'listSpaces', summary: "The caller's spaces", tags: ['spaces'], security: BEARER, response: { 200: spacesSchema, ...ERRORS } } }, (req) => ({
    items: service.listSpaces(sessionOf(req)).map((s) => ({ id: s.id, name: s.name, createdAt: s.createdAt, memories: s.memories })),
  }));

  r.post(
    '/v1/memories',
    { schema: { operationId: 'addMemory', summary: 'Remember: store a memory (409 with details.existingId if a near-identical one exists)', tags: ['memories'], security: BEARER, body: addMemorySchema, response: { 201: memorySchema, ...ERRORS } } },
    async (req, reply) => {
      const memory = await service.addMemory(sessionOf(req), req.body);
      return reply.code(201).header('location', `/v1/memories/${memory.id}`).send(memory);
    },
  );

  r.post(
    '/v1/memories/batch',
    {
      bodyLimit: limits.batchBodyBytes,
      schema: {
        operationId: 'addMemories',
        summary: `Remember many: up to ${LIMITS.batchMemories} memories in one transaction, all stored or none; near-duplicates are left out and listed (callers with read permission)`,
        tags: ['memories'],
        security: BEARER,
        body: addMemoriesRequestSchema,
        response: { 201: addMemoriesResultSchema, ...ERRORS },
      },
    },
    async (req, reply) => reply.code(201).send(await service.addMemories(sessionOf(req), req.body)),
  );

  r.get('/v1/memories', { schema: { operationId: 'listMemories', summary: 'List memories, newest first, with a cursor', tags: ['memories'], security: BEARER, querystring: listQuerySchema, response: { 200: memoryPageSchema, ...ERRORS } } }, (req) => {
    const q = req.query;
    return service.listMemories(sessionOf(req), {
      spaces: q.space,
      kinds: q.kind,
      tags: q.tag,
      states: q.state,
      source: q.source,
      since: q.since,
      until: q.until,
      limit: q.limit,
      cursor: q.cursor,
    });
  });

  r.get('/v1/memories/:id', { schema: { operationId: 'getMemory', summary: 'One memory', tags: ['memories'], security: BEARER, params: idParams, response: { 200: memorySchema, ...ERRORS } } }, (req) =>
    service.getMemory(sessionOf(req), req.params.id),
  );

  r.patch('/v1/memories/:id', { schema: { operationId: 'updateMemory', summary: 'Change a memory; a new version is kept. A caller without read permission gets a receipt (id, space, version, state, updatedAt), never the content', tags: ['memories'], security: BEARER, params: idParams, body: memoryChangeSchema, response: { 200: updateResultSchema, ...ERRORS } } }, (req) =>
    service.updateMemory(sessionOf(req), { ...req.body, id: req.params.id }),
  );

  r.delete('/v1/memories/:id', { schema: { operationId: 'deleteMemory', summary: 'Forget a memory (its history stays until an owner purges it)', tags: ['memories'], security: BEARER, params: idParams, response: { 204: z.null().describe('Forgotten'), ...ERRORS } } }, async (req, reply) => {
    service.deleteMemory(sessionOf(req), req.params.id);
    return reply.code(204).send(null);
  });

  r.get('/v1/memories/:id/history', { schema: { operationId: 'memoryHistory', summary: 'Every version of a memory', tags: ['memories'], security: BEARER, params: idParams, response: { 200: z.object({ items: z.array(memoryVersionSchema) }), ...ERRORS } } }, (req) => ({
    items: service.memoryHistory(sessionOf(req), req.params.id),
  }));

  r.post('/v1/search', { schema: { operationId: 'searchMemories', summary: 'Recall: hybrid, vector or keyword search with filters', tags: ['memories'], security: BEARER, body: searchSchema, response: { 200: z.object({ items: z.array(searchHitSchema) }), ...ERRORS } } }, async (req) => ({
    items: await service.searchMemories(sessionOf(req), req.body),
  }));
}
