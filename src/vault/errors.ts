import type { ErrorBody, ErrorCode } from '../contract/errors.js';

/**
 * The only error type the core lets out. Messages are written for users and never carry
 * memory content, passwords, keys, SQL or file paths.
 */
export class VaultError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extra: { retryAfterSeconds?: number; details?: Record<string, string | number | boolean> } = {},
    cause?: unknown,
  ) {
    // `cause` is kept for debugging in-process; front doors never print it.
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'VaultError';
  }
}

export const invalid = (message: string): VaultError => new VaultError('invalid_input', message);
export const notFound = (what: string): VaultError => new VaultError('not_found', `${what} not found`);
/** Every rejected agent credential gets this one error, so a client cannot tell why from the answer. */
export const agentAuthFailed = (): VaultError => new VaultError('auth_failed', 'missing, invalid or expired agent token');
export const forbidden = (message = 'not allowed for this profile'): VaultError => new VaultError('forbidden', message);

/** What any front door may show of any thrown value: a VaultError as it is, anything else as `internal`. */
export function toErrorBody(err: unknown): ErrorBody {
  const error = err instanceof VaultError ? err : new VaultError('internal', 'internal error');
  return { code: error.code, message: error.message, ...error.extra };
}
