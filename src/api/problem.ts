import { z } from 'zod';
import { ERROR_CODES, type ErrorBody, type ErrorCode } from '../contract/errors.js';
import { VaultError, toErrorBody } from '../vault/index.js';

/** RFC 9457 problem details; `type` is stable per error code, so clients can branch on it. */
export const problemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  code: z.enum(Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]]),
  retryAfterSeconds: z.number().int().optional(),
  details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
});
export type Problem = z.infer<typeof problemSchema>;

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export const problemType = (code: ErrorCode): string => `urn:memvault:problem:${code}`;

/** Framework errors that carry a meaning of their own; everything else unknown is `internal`. */
const FRAMEWORK_CODES: Readonly<Record<string, ErrorBody>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'payload_too_large', message: 'the request body is larger than this API accepts' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: 'unsupported_media_type', message: 'send request bodies as application/json' },
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'invalid_input', message: 'the request body is not valid JSON' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: 'invalid_input', message: 'the Content-Length header does not match the body' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'invalid_input', message: 'the request body is empty' },
};

/**
 * The one place that turns anything thrown while serving a request into what the client sees:
 * the error table's status and title, a message written for users, never a stack, path or SQL.
 */
export function toProblem(err: unknown): Problem {
  return problemFromBody(errorBodyOf(err));
}

export function problemFromBody(body: ErrorBody): Problem {
  const spec = ERROR_CODES[body.code];
  return {
    type: problemType(body.code),
    title: spec.title,
    status: spec.http,
    detail: body.message,
    code: body.code,
    ...(body.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: body.retryAfterSeconds }),
    ...(body.details === undefined ? {} : { details: body.details }),
  };
}

function errorBodyOf(err: unknown): ErrorBody {
  if (err instanceof VaultError) return toErrorBody(err);
  const e = err as { code?: unknown; validation?: unknown; statusCode?: unknown; validationContext?: unknown } | null;
  if (e && typeof e.code === 'string' && FRAMEWORK_CODES[e.code]) return FRAMEWORK_CODES[e.code]!;
  if (e && Array.isArray(e.validation)) return { code: 'invalid_input', message: validationMessage(e.validation, e.validationContext) };
  if (e && e.statusCode === 404) return { code: 'not_found', message: 'no such route' };
  return toErrorBody(err);
}

/** Names the field and the rule, never the value that was sent. */
function validationMessage(issues: unknown[], context: unknown): string {
  const first = issues[0] as { instancePath?: string; message?: string } | undefined;
  const path = (first?.instancePath ?? '').replace(/^\//, '').replaceAll('/', '.');
  const where = [typeof context === 'string' ? context : 'input', path].filter(Boolean).join('.');
  return `${where}: ${first?.message ?? 'is not valid'}`;
}
