import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  jsonBodySchema,
  operationById,
  operationsOf,
  queryErrors,
  RequestFaker,
  resolveSchema,
  schemaErrors,
  shapeOf,
  type JsonSchema,
  type OpenApiDocument,
  type Operation,
} from '../support/openapi-requests.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * The acceptance: request schemas in the served OpenAPI document exactly as strict as
 * the server. Requests json-schema-faker writes from the document must never be answered 400,
 * and every answer must carry a status the document lists for that operation; requests the
 * document refuses must be answered 400 with problem+json.
 */

/** Generated requests per operation: enough to reach most optional fields, few enough for 2 cores. */
const PER_OPERATION = 30;
const PROBLEM_JSON = 'application/problem+json';
const INVALID_INPUT = 'urn:memvault:problem:invalid_input';
/** The agent's spaces. Generated space names are valid names it does not hold (404/403), which stop a request before the rest is checked, so two of three generated requests name these instead. */
const SPACES = ['default', 'notes'] as const;

interface Answer {
  status: number;
  contentType: string;
  body: unknown;
}

/** A request the server handled other than the document promises, in one line: why, the answer, and the request's outline. */
type Mismatch = string;

/** A stable seed per test, so one test run alone writes the same requests as in the whole file. */
function seedOf(name: string): number {
  let h = 2166136261;
  for (const c of name) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
  return h >>> 0;
}

describe('OpenAPI request schemas are exactly as strict as the server', () => {
  let t: TestServer;
  let doc: OpenApiDocument;
  let faker: RequestFaker;
  let token: string;

  beforeAll(async () => {
    t = await startTestServer();
    doc = (await (await fetch(`${t.url}/openapi.json`)).json()) as OpenApiDocument;
    faker = new RequestFaker(doc);
    t.v.service.createSpace(t.v.owner, 'notes');
    // Limits high enough that no generated request meets the per-minute rate or the daily write quota.
    token = t.agent({ name: 'strictness', spaces: [...SPACES], grants: ['read', 'write', 'delete'], requestsPerMinute: 100_000, dailyWrites: 10_000_000 });
  });
  afterAll(() => t.close());

  async function send(method: string, path: string, body?: unknown): Promise<Answer> {
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${t.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, contentType: res.headers.get('content-type') ?? '', body: text ? (JSON.parse(text) as unknown) : null };
  }

  /** Why an answer to a request the document allows breaks the document's promise, or null. */
  function mismatchOf(op: Operation, request: unknown, answer: Answer): Mismatch | null {
    const problem = (answer.body ?? {}) as { type?: string; detail?: string };
    const found = (why: string): Mismatch => `${why}: ${answer.status} ${problem.type ?? answer.contentType} "${problem.detail ?? ''}" for ${JSON.stringify(shapeOf(request)).slice(0, 400)}`;
    if (answer.status === 400) return found('400 for a request the document allows');
    if (!(String(answer.status) in op.responses)) return found(`status ${answer.status} is not among the statuses the document declares (${Object.keys(op.responses).join(', ')})`);
    if (answer.status >= 500) return found('a server error for a request the document allows');
    if (answer.status >= 400 && !answer.contentType.startsWith(PROBLEM_JSON)) return found(`an error answered as ${answer.contentType}, not ${PROBLEM_JSON}`);
    return null;
  }

  /** Memories to address by id, stored through the API. */
  async function remember(count: number, label: string): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const a = await send('POST', '/v1/memories', { content: `${label} memory number ${i}`, force: true });
      expect(a.status).toBe(201);
      ids.push((a.body as { id: string }).id);
    }
    return ids;
  }

  /** Two of three requests name the agent's spaces in place of the generated (valid, foreign) names. */
  function ownSpaces(value: unknown, i: number): unknown {
    if (i % 3 === 0 || value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) return value.map((v, j) => ownSpaces(v, i + j));
    const o = { ...(value as Record<string, unknown>) };
    const pick = (j: number) => SPACES[j % SPACES.length]!;
    if (typeof o.space === 'string') o.space = pick(i);
    if (Array.isArray(o.space)) o.space = o.space.map((_s, j) => pick(i + j));
    if (Array.isArray(o.spaces)) o.spaces = o.spaces.map((_s, j) => pick(i + j));
    if (Array.isArray(o.memories)) o.memories = o.memories.map((m, j) => ownSpaces(m, i + j + 1));
    return o;
  }

  /** Generated bodies for an operation, each checked valid by the document before it is sent. */
  function generatedBodies(operationId: string): unknown[] {
    const { op } = operationById(doc, operationId);
    const schema = jsonBodySchema(op)!;
    const bodies = faker.generate(schema, PER_OPERATION, seedOf(operationId)).map(ownSpaces);
    for (const body of bodies) expect(schemaErrors(doc, schema, body), JSON.stringify(shapeOf(body))).toEqual([]);
    return bodies;
  }

  async function sendAll(operationId: string, requests: { path: string; body?: unknown; shown: unknown }[]): Promise<{ statuses: number[]; mismatches: Mismatch[] }> {
    const { method, op } = operationById(doc, operationId);
    const statuses: number[] = [];
    const mismatches: Mismatch[] = [];
    for (const r of requests) {
      const answer = await send(method, r.path, r.body);
      statuses.push(answer.status);
      const m = mismatchOf(op, r.shown, answer);
      if (m) mismatches.push(m);
    }
    return { statuses, mismatches };
  }

  it('covers every operation that takes a JSON body, query parameters or a path parameter', () => {
    const ops = operationsOf(doc);
    expect(ops.filter((o) => o.op.requestBody).map((o) => [o.op.operationId, Object.keys(o.op.requestBody!.content)])).toEqual([
      ['addMemory', ['application/json']],
      ['addMemories', ['application/json']],
      ['updateMemory', ['application/json']],
      ['searchMemories', ['application/json']],
    ]);
    expect(ops.filter((o) => o.op.parameters?.some((p) => p.in === 'query')).map((o) => o.op.operationId)).toEqual(['listMemories']);
    expect(ops.filter((o) => o.op.parameters?.some((p) => p.in === 'path')).map((o) => [o.op.operationId, o.op.parameters!.map((p) => `${p.in}:${p.name}`)])).toEqual([
      ['getMemory', ['path:id']],
      ['updateMemory', ['path:id']],
      ['deleteMemory', ['path:id']],
      ['memoryHistory', ['path:id']],
    ]);
    for (const { op } of ops) expect(Object.keys(op.responses), op.operationId).toEqual(expect.arrayContaining(['400', '404', '409']));
  });

  describe('requests generated from the document are never answered 400, and only with declared statuses', () => {
    /** Each operation with a JSON body: the memories it works on (stored first), and the success it must reach. */
    const BODY_ROUTES: { name: string; operationId: string; ok: number; stored: number; path: (ids: string[], i: number) => string }[] = [
      { name: 'addMemory (POST /v1/memories)', operationId: 'addMemory', ok: 201, stored: 0, path: () => '/v1/memories' },
      { name: 'addMemories (POST /v1/memories/batch)', operationId: 'addMemories', ok: 201, stored: 0, path: () => '/v1/memories/batch' },
      { name: 'updateMemory (PATCH /v1/memories/{id}) on memories that exist', operationId: 'updateMemory', ok: 200, stored: 5, path: (ids, i) => `/v1/memories/${ids[i % ids.length]}` },
      { name: 'searchMemories (POST /v1/search)', operationId: 'searchMemories', ok: 200, stored: 3, path: () => '/v1/search' },
    ];
    it.each(BODY_ROUTES)('$name', async ({ operationId, ok, stored, path }) => {
      const ids = await remember(stored, operationId);
      const bodies = generatedBodies(operationId);
      const { statuses, mismatches } = await sendAll(
        operationId,
        bodies.map((body, i) => ({ path: path(ids, i), body, shown: body })),
      );
      expect(mismatches).toEqual([]);
      expect(statuses).toContain(ok);
    });

    it('listMemories (GET /v1/memories) with generated query parameters', async () => {
      await remember(3, 'listed');
      const { op } = operationById(doc, 'listMemories');
      const params = op.parameters!.filter((p) => p.in === 'query');
      // The query as one object: each parameter a property, so json-schema-faker leaves out some of the optional ones.
      const schema: JsonSchema = {
        type: 'object',
        properties: Object.fromEntries(params.map((p) => [p.name, resolveSchema(doc, p.schema)])),
        required: params.filter((p) => p.required).map((p) => p.name),
        additionalProperties: false,
      };
      const queries = faker.generate(schema, PER_OPERATION, seedOf('listMemories')).map((q, i) => {
        const search = new URLSearchParams();
        for (const [name, value] of Object.entries(ownSpaces(q, i) as Record<string, unknown>)) for (const v of Array.isArray(value) ? value : [value]) search.append(name, String(v));
        expect(queryErrors(doc, op, search), search.toString()).toEqual([]);
        return search;
      });
      const { statuses, mismatches } = await sendAll(
        'listMemories',
        queries.map((q) => ({ path: `/v1/memories?${q}`, shown: Object.fromEntries([...new Set(q.keys())].map((k) => [k, q.getAll(k).map((v) => `string(${v.length})`)])) })),
      );
      expect(mismatches).toEqual([]);
      expect(statuses).toContain(200);
    });

    /** Generated ids name no memory (404, which the document must declare); ids of stored memories are found. */
    async function idRoute(operationId: string, suffix: string, found: number): Promise<void> {
      const { op } = operationById(doc, operationId);
      const idSchema = op.parameters!.find((p) => p.name === 'id')!.schema;
      const randomIds = faker.generate(idSchema, PER_OPERATION, seedOf(operationId)) as string[];
      for (const id of randomIds) expect(schemaErrors(doc, idSchema, id), id).toEqual([]);
      const realIds = await remember(5, operationId);
      const random = await sendAll(operationId, randomIds.map((id) => ({ path: `/v1/memories/${id}${suffix}`, shown: { id: shapeOf(id) } })));
      const real = await sendAll(operationId, realIds.map((id) => ({ path: `/v1/memories/${id}${suffix}`, shown: { id: 'a stored memory' } })));
      expect([...random.mismatches, ...real.mismatches]).toEqual([]);
      expect(new Set(random.statuses)).toEqual(new Set([404]));
      expect(real.statuses).toEqual(realIds.map(() => found));
    }

    it('getMemory (GET /v1/memories/{id})', () => idRoute('getMemory', '', 200));
    it('memoryHistory (GET /v1/memories/{id}/history)', () => idRoute('memoryHistory', '/history', 200));
    it('deleteMemory (DELETE /v1/memories/{id})', () => idRoute('deleteMemory', '', 204));
  });

  /**
   * Edge requests written by hand where json-schema-faker seldom goes: each limit, just inside
   * and just outside. For each the document's verdict is pinned, and the server must give the
   * same one (allowed: not 400; refused: 400 invalid_input).
   */
  const vectorOf = (n: number, x = 0.25) => Array.from({ length: n }, () => x);
  const flatMetadata = (keys: number, chars: number) => Object.fromEntries(Array.from({ length: keys }, (_v, i) => [`key${i}`, 'm'.repeat(chars)]));
  type Edge = { name: string; operationId: string; allowed: boolean; body?: unknown; query?: string; status?: number };
  const EDGES: Edge[] = [
    { name: 'addMemory with empty content', operationId: 'addMemory', allowed: false, body: { content: '' } },
    { name: 'addMemory with content of spaces only', operationId: 'addMemory', allowed: false, body: { content: ' \t\n ' } },
    { name: 'addMemory with 32,768 characters of content', operationId: 'addMemory', allowed: true, body: { content: 'a'.repeat(32_768) } },
    { name: 'addMemory with 32,769 characters of content', operationId: 'addMemory', allowed: false, body: { content: 'a'.repeat(32_769) } },
    { name: 'addMemory with 32,768 emoji of content (65,536 UTF-16 units)', operationId: 'addMemory', allowed: true, body: { content: '😀'.repeat(32_768) } },
    { name: 'addMemory with 16,385 characters of context', operationId: 'addMemory', allowed: false, body: { content: 'long context edge', context: 'c'.repeat(16_385) } },
    { name: 'addMemory with metadata a string', operationId: 'addMemory', allowed: false, body: { content: 'metadata string edge', metadata: 'a string' } },
    { name: 'addMemory with metadata an array', operationId: 'addMemory', allowed: false, body: { content: 'metadata array edge', metadata: [1, 2] } },
    { name: 'addMemory with metadata null', operationId: 'addMemory', allowed: false, body: { content: 'metadata null edge', metadata: null } },
    { name: 'addMemory with a metadata key "constructor"', operationId: 'addMemory', allowed: false, body: { content: 'metadata key edge', metadata: { constructor: 1 } } },
    { name: 'addMemory with 16 metadata keys of 256-character texts', operationId: 'addMemory', allowed: true, body: { content: 'metadata size edge', metadata: flatMetadata(16, 256) } },
    { name: 'addMemory with 17 metadata keys', operationId: 'addMemory', allowed: false, body: { content: 'metadata keys edge', metadata: flatMetadata(17, 1) } },
    { name: 'addMemory with a 257-character metadata text', operationId: 'addMemory', allowed: false, body: { content: 'metadata text edge', metadata: flatMetadata(1, 257) } },
    { name: 'addMemory with a metadata list of 8 values', operationId: 'addMemory', allowed: true, body: { content: 'metadata list edge', metadata: { seen: [1, 'two', true, null, ...vectorOf(4)] } } },
    { name: 'addMemory with a metadata list of 9 values', operationId: 'addMemory', allowed: false, body: { content: 'metadata list edge', metadata: { seen: vectorOf(9) } } },
    {
      // Every field at its largest, in characters JSON escapes to six bytes each: the body limit must hold it.
      name: 'addMemory at the largest size the document allows',
      operationId: 'addMemory',
      allowed: true,
      status: 201,
      body: {
        content: `x${'\u0001'.repeat(32_767)}`,
        context: '\u0001'.repeat(16_384),
        tags: Array.from({ length: 32 }, (_v, i) => `${i}`.padEnd(64, 't')),
        metadata: Object.fromEntries(Array.from({ length: 16 }, (_v, i) => [`${i}`.padEnd(64, '\u0001'), Array.from({ length: 8 }, () => '\u0001'.repeat(256))])),
        vector: vectorOf(512, -0.123456789012345),
        force: true,
      },
    },
    { name: 'addMemory with nested metadata', operationId: 'addMemory', allowed: false, body: { content: 'metadata depth edge', metadata: { a: { b: 1 } } } },
    { name: 'addMemory with a tag of 64 emoji (64 characters, 128 UTF-16 units)', operationId: 'addMemory', allowed: true, body: { content: 'emoji tag edge', tags: ['😀'.repeat(64)] } },
    { name: 'addMemory with a tag of 65 characters', operationId: 'addMemory', allowed: false, body: { content: 'long tag edge', tags: ['t'.repeat(65)] } },
    { name: 'addMemory with a 3-dimensional vector', operationId: 'addMemory', allowed: false, body: { content: 'short vector edge', vector: [0.1, 0.2, 0.3] } },
    { name: 'addMemory with a 4096-dimensional vector', operationId: 'addMemory', allowed: false, body: { content: 'long vector edge', vector: vectorOf(4096) } },
    { name: 'addMemory with an all-zero 512-dimensional vector', operationId: 'addMemory', allowed: false, body: { content: 'zero vector edge', vector: vectorOf(512, 0) } },
    { name: 'addMemory with a 512-dimensional vector of 1e39 (beyond float32, scaled to unit length)', operationId: 'addMemory', allowed: true, body: { content: 'huge vector edge', vector: vectorOf(512, 1e39) } },
    { name: 'addMemory with a 512-dimensional vector, one component non-zero', operationId: 'addMemory', allowed: true, body: { content: 'sparse vector edge', vector: [1e-300, ...vectorOf(511, 0)] } },
    { name: 'addMemories with an empty content', operationId: 'addMemories', allowed: false, body: { memories: [{ content: 'batch edge' }, { content: '' }] } },
    { name: 'addMemories with metadata a string', operationId: 'addMemories', allowed: false, body: { memories: [{ content: 'batch metadata edge', metadata: 'x' }] } },
    { name: 'addMemories with a 3-dimensional vector', operationId: 'addMemories', allowed: false, body: { memories: [{ content: 'batch vector edge', vector: [1, 2, 3] }] } },
    { name: 'updateMemory to empty content', operationId: 'updateMemory', allowed: false, body: { content: '' } },
    { name: 'updateMemory with metadata a string', operationId: 'updateMemory', allowed: false, body: { metadata: 'x' } },
    { name: 'updateMemory with 16,385 characters of context', operationId: 'updateMemory', allowed: false, body: { context: 'c'.repeat(16_385) } },
    { name: 'updateMemory with a 3-dimensional vector', operationId: 'updateMemory', allowed: false, body: { vector: [1, 2, 3] } },
    { name: 'updateMemory with the id in the body', operationId: 'updateMemory', allowed: false, body: { id: 'abcd', importance: 0.5 } },
    { name: 'searchMemories with an empty body', operationId: 'searchMemories', allowed: false, body: {} },
    { name: 'searchMemories with filters only', operationId: 'searchMemories', allowed: false, body: { kinds: ['note'], k: 5 } },
    { name: 'searchMemories in keyword mode with a vector and no text', operationId: 'searchMemories', allowed: false, body: { mode: 'keyword', vector: vectorOf(512) } },
    { name: 'searchMemories in vector mode with a vector and no text', operationId: 'searchMemories', allowed: true, body: { mode: 'vector', vector: vectorOf(512) } },
    { name: 'searchMemories with a text of 2000 emoji (2000 characters, 4000 UTF-16 units)', operationId: 'searchMemories', allowed: true, body: { text: '😀'.repeat(2000), mode: 'keyword' } },
    { name: 'searchMemories with a text of 2001 characters', operationId: 'searchMemories', allowed: false, body: { text: 'q'.repeat(2001), mode: 'keyword' } },
    { name: 'searchMemories with a 3-dimensional vector', operationId: 'searchMemories', allowed: false, body: { vector: [1, 2, 3] } },
    { name: 'searchMemories in keyword mode with text and a 3-dimensional vector', operationId: 'searchMemories', allowed: false, body: { text: 'hello', mode: 'keyword', vector: [1, 2, 3] } },
    { name: 'listMemories with kind=Not-A-Slug', operationId: 'listMemories', allowed: false, query: 'kind=Not-A-Slug' },
    { name: 'listMemories with state=bogus', operationId: 'listMemories', allowed: false, query: 'state=bogus' },
    { name: 'listMemories with tag=two%20words', operationId: 'listMemories', allowed: false, query: 'tag=two%20words' },
    { name: 'listMemories with tag=a,b (a list repeats the parameter)', operationId: 'listMemories', allowed: false, query: 'tag=a,b' },
    { name: 'listMemories with tag=a&tag=b', operationId: 'listMemories', allowed: true, query: 'tag=a&tag=b' },
    { name: 'listMemories with space=!bad', operationId: 'listMemories', allowed: false, query: 'space=%21bad' },
    { name: 'listMemories with 64 space values', operationId: 'listMemories', allowed: true, query: Array.from({ length: 64 }, () => 'space=default').join('&') },
    { name: 'listMemories with 65 space values', operationId: 'listMemories', allowed: false, query: Array.from({ length: 65 }, () => 'space=default').join('&') },
    { name: 'listMemories with cursor=abc', operationId: 'listMemories', allowed: false, query: 'cursor=abc' },
    { name: 'listMemories with a cursor of the issued shape', operationId: 'listMemories', allowed: true, query: 'cursor=1700000000000.some-id' },
    { name: 'listMemories with a cursor before 1970 (an imported memory)', operationId: 'listMemories', allowed: true, query: 'cursor=-315619200000.some-id' },
    { name: 'listMemories with limit=500', operationId: 'listMemories', allowed: true, query: 'limit=500' },
  ];

  describe('edge requests: the document and the server give the same verdict', () => {
    it.each(EDGES)('$name', async ({ operationId, allowed, body, query, status }) => {
      const { method, path, op } = operationById(doc, operationId);
      const errors = query !== undefined ? queryErrors(doc, op, new URLSearchParams(query)) : schemaErrors(doc, jsonBodySchema(op)!, body);
      expect(errors.length === 0, errors.join('; ')).toBe(allowed);
      const url = path.includes('{id}') ? path.replace('{id}', (await remember(1, `edge ${operationId}`))[0]!) : path;
      const answer = await send(method, query === undefined ? url : `${url}?${query}`, body);
      if (!allowed) expect({ status: answer.status, type: (answer.body as { type?: string }).type }).toEqual({ status: 400, type: INVALID_INPUT });
      else expect([mismatchOf(op, body ?? query, answer)].filter((m) => m !== null)).toEqual([]);
      if (status !== undefined) expect(answer.status).toBe(status);
    });
  });

  /** A body each operation accepts, to change one field of. */
  const VALID_BODIES: Record<string, { body: unknown; status: number }> = {
    addMemory: { body: { content: 'A valid memory the invalid ones are made from', force: true }, status: 201 },
    addMemories: { body: { memories: [{ content: 'A valid batch the invalid ones are made from', force: true }] }, status: 201 },
    updateMemory: { body: { importance: 0.75 }, status: 200 },
    searchMemories: { body: { text: 'valid memory', mode: 'keyword' }, status: 200 },
  };

  /** Something of another JSON type than the schema says. */
  function wrongTypeFor(schema: JsonSchema): unknown {
    switch (schema.type) {
      case 'string':
        return 42;
      case 'number':
      case 'integer':
        return 'not a number';
      case 'boolean':
        return 'yes';
      case 'array':
        return 'not an array';
      case 'object':
        return ['not an object'];
      default:
        throw new Error(`no wrong type for ${JSON.stringify(schema)}`);
    }
  }

  /** The required fields given a wrong type (every typed field when none is required), and an unknown property where the schema allows none. */
  function invalidVariants(schema: JsonSchema, valid: Record<string, unknown>): { field: string; body: Record<string, unknown> }[] {
    const s = resolveSchema(doc, schema);
    const properties = s.properties as Record<string, JsonSchema>;
    const required = (s.required ?? []) as string[];
    const fields = required.length > 0 ? required : Object.keys(properties).filter((k) => properties[k]!.type !== undefined);
    const variants = fields.map((field) => ({ field, body: { ...valid, [field]: wrongTypeFor(resolveSchema(doc, properties[field]!)) } }));
    if (s.additionalProperties === false) variants.push({ field: 'unexpectedProperty', body: { ...valid, unexpectedProperty: true } });
    return variants;
  }

  /** What matters of the answer to a request the document refuses: a 400 problem of type invalid_input whose detail names the field. */
  function refusalOf(request: string, field: string, answer: Answer) {
    const problem = (answer.body ?? {}) as { type?: string; status?: number; detail?: string };
    return { request, status: answer.status, contentType: answer.contentType.split(';')[0], type: problem.type, problemStatus: problem.status, namesField: problem.detail?.includes(field) ?? false };
  }
  const refused = (request: string) => ({ request, status: 400, contentType: PROBLEM_JSON, type: INVALID_INPUT, problemStatus: 400, namesField: true });

  describe('requests the document refuses are answered 400 with problem+json', () => {
    it.each(Object.keys(VALID_BODIES))('%s: a wrong type for a required field, and an unknown property', async (operationId) => {
      const { method, path, op } = operationById(doc, operationId);
      const schema = jsonBodySchema(op)!;
      const url = path.includes('{id}') ? path.replace('{id}', (await remember(1, `invalid ${operationId}`))[0]!) : path;
      const valid = VALID_BODIES[operationId]!;
      expect(schemaErrors(doc, schema, valid.body)).toEqual([]);
      expect((await send(method, url, valid.body)).status).toBe(valid.status);

      const variants = invalidVariants(schema, valid.body as Record<string, unknown>);
      // A batch's memories are checked one by one: a memory's required field too.
      if (operationId === 'addMemories') {
        const memories = (valid.body as { memories: Record<string, unknown>[] }).memories;
        const itemSchema = (resolveSchema(doc, schema).properties as Record<string, JsonSchema>).memories!.items as JsonSchema;
        for (const v of invalidVariants(itemSchema, memories[0]!)) variants.push({ field: `memories.0.${v.field}`, body: { memories: [v.body] } });
      }
      expect(variants.length).toBeGreaterThanOrEqual(2);
      for (const { field, body } of variants) expect(schemaErrors(doc, schema, body), field).not.toEqual([]);
      const answers = [];
      for (const { field, body } of variants) answers.push(refusalOf(field, field.split('.').pop()!, await send(method, url, body)));
      expect(answers).toEqual(variants.map(({ field }) => refused(field)));
    });

    it('listMemories: a limit that is not an integer, or out of its range', async () => {
      const { op } = operationById(doc, 'listMemories');
      // Also numbers that are no integer as written, which Number() reads as one (hexadecimal, an exponent, a leading space).
      const queries = ['limit=abc', 'limit=0', 'limit=501', 'limit=2.5', 'limit=0x10', 'limit=1e2', 'limit=%207'];
      for (const query of queries) expect(queryErrors(doc, op, new URLSearchParams(query)), query).not.toEqual([]);
      const answers = [];
      for (const query of queries) answers.push(refusalOf(query, 'limit', await send('GET', `/v1/memories?${query}`)));
      expect(answers).toEqual(queries.map(refused));
    });

    it('getMemory: an id the path parameter pattern or length refuses', async () => {
      const { op } = operationById(doc, 'getMemory');
      const idSchema = op.parameters!.find((p) => p.name === 'id')!.schema;
      const ids = ['x'.repeat(65), 'dot.ted', 'tilde~'];
      for (const id of ids) expect(schemaErrors(doc, idSchema, id), id).not.toEqual([]);
      const answers = [];
      for (const id of ids) answers.push(refusalOf(id, 'id', await send('GET', `/v1/memories/${id}`)));
      expect(answers).toEqual(ids.map(refused));
    });
  });
});
