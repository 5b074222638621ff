/**
 * Error codes that cross a boundary. The core throws `VaultError` with one of these codes;
 * every front door turns the code into its own shape through this single table.
 */
export const ERROR_CODES = {
  invalid_input: { http: 400, exit: 2, title: 'Invalid input' },
  auth_failed: { http: 401, exit: 3, title: 'Authentication failed' },
  locked: { http: 401, exit: 3, title: 'Vault is locked' },
  throttled: { http: 429, exit: 3, title: 'Too many attempts' },
  forbidden: { http: 403, exit: 4, title: 'Forbidden' },
  not_found: { http: 404, exit: 5, title: 'Not found' },
  conflict: { http: 409, exit: 1, title: 'Conflict' },
  // Its own exit code: a script can tell "already stored" from a failure without parsing text.
  duplicate: { http: 409, exit: 6, title: 'Duplicate memory' },
  method_not_allowed: { http: 405, exit: 2, title: 'Method not allowed' },
  payload_too_large: { http: 413, exit: 2, title: 'Request body too large' },
  headers_too_large: { http: 431, exit: 2, title: 'Request headers too large' },
  request_timeout: { http: 408, exit: 1, title: 'Request timeout' },
  unsupported_media_type: { http: 415, exit: 2, title: 'Unsupported media type' },
  integrity: { http: 500, exit: 1, title: 'Integrity check failed' },
  unavailable: { http: 503, exit: 1, title: 'A service Memvault depends on is unavailable' },
  internal: { http: 500, exit: 1, title: 'Internal error' },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** What a front door may show of an error: never a stack, path, SQL or secret. */
export interface ErrorBody {
  code: ErrorCode;
  message: string;
  retryAfterSeconds?: number;
  details?: Record<string, string | number | boolean>;
}
