import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { JSONSchemaFaker, type Schema } from 'json-schema-faker';
import { seededRandom } from './random.js';

/**
 * Requests made from the served OpenAPI document: requests json-schema-faker writes from its
 * schemas, and a validator (Ajv) that says whether a request is one the document allows.
 */

export type JsonSchema = { [keyword: string]: unknown };

export interface Parameter {
  name: string;
  in: 'query' | 'path' | 'header' | 'cookie';
  required?: boolean;
  schema: JsonSchema;
}

export interface Operation {
  operationId: string;
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content: Record<string, { schema: JsonSchema }> };
  responses: Record<string, unknown>;
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, JsonSchema> };
}

/** Every operation of the document with its method and path. */
export function operationsOf(doc: OpenApiDocument): { method: string; path: string; op: Operation }[] {
  return Object.entries(doc.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ method: method.toUpperCase(), path, op })));
}

export function operationById(doc: OpenApiDocument, operationId: string): { method: string; path: string; op: Operation } {
  const found = operationsOf(doc).find((o) => o.op.operationId === operationId);
  if (!found) throw new Error(`the document has no operation ${operationId}`);
  return found;
}

export function jsonBodySchema(op: Operation): JsonSchema | undefined {
  return op.requestBody?.content['application/json']?.schema;
}

const REF_PREFIX = '#/components/schemas/';

/** Follows a `$ref` to the named component schema, once per level. */
export function resolveSchema(doc: OpenApiDocument, schema: JsonSchema): JsonSchema {
  let s = schema;
  for (let hops = 0; typeof s.$ref === 'string'; hops++) {
    const ref = s.$ref;
    if (!ref.startsWith(REF_PREFIX) || hops > 8) throw new Error(`unsupported $ref ${ref}`);
    const target = doc.components.schemas[ref.slice(REF_PREFIX.length)];
    if (!target) throw new Error(`the document names ${ref} but does not define it`);
    s = target;
  }
  return s;
}

/**
 * Ajv, strict: a keyword it does not know throws instead of being ignored (`required` may name
 * properties declared beside it, as the search request's `anyOf` does). `format` is an
 * annotation in JSON Schema 2020-12 (the server checks the `pattern` next to each one).
 */
const ajv = new Ajv2020({ strict: true, strictRequired: false, allErrors: true, validateFormats: false, unicodeRegExp: true });
const DOC_ID = 'urn:memvault:openapi';
const compiled = new WeakMap<OpenApiDocument, Map<string, ValidateFunction>>();

/** The document's component references, pointed at the component schemas added to Ajv under DOC_ID. */
const linked = (schema: JsonSchema): JsonSchema =>
  JSON.parse(JSON.stringify(schema), (k, v: unknown) => (k === '$ref' && typeof v === 'string' && v.startsWith(REF_PREFIX) ? `${DOC_ID}#/$defs/${v.slice(REF_PREFIX.length)}` : v)) as JsonSchema;

/**
 * What in `value` the document's schema refuses, one line per problem (empty: valid): JSON
 * Schema 2020-12 as OpenAPI 3.1 reads it (lengths count code points, patterns are Unicode).
 */
export function schemaErrors(doc: OpenApiDocument, schema: JsonSchema, value: unknown, at = ''): string[] {
  let cache = compiled.get(doc);
  if (!cache) {
    cache = new Map();
    compiled.set(doc, cache);
    ajv.removeSchema(DOC_ID);
    ajv.addSchema(linked({ $id: DOC_ID, $defs: doc.components.schemas }));
  }
  const key = JSON.stringify(schema);
  let validate = cache.get(key);
  if (!validate) {
    validate = ajv.compile(linked(schema));
    cache.set(key, validate);
  }
  if (validate(value)) return [];
  return (validate.errors ?? []).map((e) => `${at}${e.instancePath || '(root)'}: ${e.message ?? e.keyword}`);
}

/**
 * A query string as the document reads it: `style: form, explode: true` (OpenAPI's default for
 * query parameters), so a repeated name is an array and a number is its decimal text.
 */
export function queryErrors(doc: OpenApiDocument, op: Operation, query: URLSearchParams): string[] {
  const params = (op.parameters ?? []).filter((p) => p.in === 'query');
  const errors: string[] = [];
  for (const name of new Set(query.keys())) if (!params.some((p) => p.name === name)) errors.push(`query: the document declares no parameter ${name}`);
  for (const p of params) {
    const values = query.getAll(p.name);
    if (values.length === 0) {
      if (p.required) errors.push(`query: lacks the required parameter ${p.name}`);
      continue;
    }
    const schema = resolveSchema(doc, p.schema);
    const typed = (v: string): unknown => (schema.type === 'integer' || schema.type === 'number') && /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v;
    const value = values.length === 1 ? typed(values[0]!) : values.map(typed);
    errors.push(...schemaErrors(doc, schema, value, `query.${p.name}`));
  }
  return errors;
}

/** A seeded json-schema-faker: the same seed writes the same requests, whichever tests run. */
export class RequestFaker {
  private readonly refs: Record<string, Schema>;

  constructor(doc: OpenApiDocument) {
    this.refs = Object.fromEntries(Object.entries(doc.components.schemas).map(([name, schema]) => [`${REF_PREFIX}${name}`, shortArrays(schema) as Schema]));
  }

  /** `count` values for `schema`, its `$ref`s resolved to the document's component schemas. */
  generate(schema: JsonSchema, count: number, seed: number): unknown[] {
    const centred = seededRandom(seed);
    const random = () => centred() + 0.5;
    JSONSchemaFaker.option({
      random,
      // Strings of up to 60 characters when the schema sets no shorter limit; arrays are kept short by shortArrays.
      // No optionalsProbability: in 0.5.9 it makes arrays longer than their maxItems (50 tags where 32 is the limit).
      maxLength: 60,
      failOnInvalidTypes: true,
      failOnInvalidFormat: true,
      ignoreMissingRefs: false,
      renderTitle: false,
      renderDescription: false,
      useDefaultValue: false,
      useExamplesValue: false,
    });
    return Array.from({ length: count }, () => JSONSchemaFaker.generate(oneRefinement(shortArrays(this.resolved(schema)), random) as Schema, this.refs));
  }

  private resolved(schema: JsonSchema): JsonSchema {
    const ref = schema.$ref;
    return typeof ref === 'string' ? ((this.refs[ref] as JsonSchema | undefined) ?? schema) : schema;
  }
}

/**
 * An object schema whose `allOf: [{ anyOf }]` only adds rules to its own properties (the search
 * request: text, or a vector outside keyword mode), with one of those branches merged in: 0.5.9
 * ignores such a rule and writes requests that break it.
 */
function oneRefinement(schema: JsonSchema, random: () => number): JsonSchema {
  const all = schema.allOf as JsonSchema[] | undefined;
  const branches = all?.length === 1 ? (all[0]!.anyOf as JsonSchema[] | undefined) : undefined;
  if (schema.type !== 'object' || !branches || branches.some((b) => b.type !== undefined)) return schema;
  const rest = { ...schema };
  delete rest.allOf;
  const branch = branches[Math.floor(random() * branches.length)]!;
  return {
    ...rest,
    required: [...((rest.required as string[] | undefined) ?? []), ...((branch.required as string[] | undefined) ?? [])],
    properties: { ...(rest.properties as object), ...(branch.properties as object) },
  };
}

/**
 * Arrays of up to 8 items (a batch, its tags), unless the schema needs more (a vector of the
 * model's 512): json-schema-faker's own maxItems option would cut those below their minItems.
 */
function shortArrays(schema: JsonSchema): JsonSchema {
  return JSON.parse(JSON.stringify(schema), (_k, v: unknown) => {
    if (v === null || typeof v !== 'object' || (v as JsonSchema).type !== 'array') return v;
    // Without `contains` (a vector's "not all zero"), which 0.5.9 answers with an item of another type; random numbers are not all zero.
    const a = { ...(v as JsonSchema & { minItems?: number; maxItems?: number }) };
    delete a.contains;
    return { ...a, maxItems: Math.max(a.minItems ?? 0, Math.min(a.maxItems ?? 8, 8)) };
  }) as JsonSchema;
}

/** A value's outline for a report: keys, types and sizes, not the content. */
export function shapeOf(value: unknown): unknown {
  if (typeof value === 'string') return `string(${value.length})`;
  if (Array.isArray(value)) return value.length > 3 ? [`array(${value.length})`, shapeOf(value[0])] : value.map(shapeOf);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shapeOf(v)]));
  return value;
}
