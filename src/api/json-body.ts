import { createHash } from 'node:crypto';
import secureJsonParse from 'secure-json-parse';
import { VaultError } from '../vault/index.js';

export const MAX_JSON_DEPTH = 32;

/**
 * Finds nesting deeper than `max` by scanning the text, before JSON.parse recurses into it.
 * Brackets inside strings do not count.
 */
export function jsonDepthExceeds(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++;
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      if (++depth > max) return true;
    } else if (c === 125 || c === 93) depth--;
  }
  return false;
}

export interface ParsedBody {
  value: unknown;
  /** Hex SHA-256 of the bytes as received, for request signatures. */
  sha256: string;
}

/**
 * Parses a JSON request body: an empty body is allowed (DELETE), prototype keys are refused
 * rather than stripped, and nesting is capped.
 */
export function parseJsonBody(text: string): ParsedBody {
  const sha256 = sha256Hex(text);
  if (text.length === 0) return { value: undefined, sha256 };
  if (jsonDepthExceeds(text, MAX_JSON_DEPTH)) throw new VaultError('invalid_input', `the request body nests deeper than ${MAX_JSON_DEPTH} levels`);
  try {
    return { value: secureJsonParse.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' }) as unknown, sha256 };
  } catch (err) {
    if (err instanceof SyntaxError && err.message.startsWith('Object contains forbidden prototype property')) throw new VaultError('invalid_input', 'the request body uses a forbidden key (__proto__ or constructor.prototype)');
    throw new VaultError('invalid_input', 'the request body is not valid JSON');
  }
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
