import type { z } from 'zod';
import { VaultError } from './errors.js';

/**
 * Validates input at the core boundary (front doors validate too). The message names the
 * field and the rule, never the value, so rejected content does not end up in logs.
 */
export function parse<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const where = issue.path.length ? `${issue.path.join('.')}: ` : '';
  throw new VaultError('invalid_input', `${where}${issue.message}`);
}
