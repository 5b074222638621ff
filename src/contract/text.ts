import { z } from 'zod';

/** Characters as JSON Schema's minLength and maxLength count them (code points), not UTF-16 units as String.length does. */
export function codePoints(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

interface TextRule {
  /** What the field is called in messages. */
  name: string;
  min?: number;
  max: number;
  /** At least one character that is not white space. */
  nonBlank?: boolean;
}

/**
 * A string limited in characters the way the OpenAPI document states it, so a client that
 * checks a request against the document and the server agree on every length: emoji count once.
 */
export function textSchema({ name, min = 0, max, nonBlank = false }: TextRule) {
  let s = z.string().refine((v) => codePoints(v) <= max, `${name} is longer than ${max} characters`);
  if (min > 0) s = s.refine((v) => codePoints(v) >= min, `${name} must have at least ${min} character${min === 1 ? '' : 's'}`);
  // JavaScript's \S is what String.prototype.trim keeps, and JSON Schema patterns are ECMA-262 regular expressions.
  if (nonBlank) s = s.refine((v) => /\S/.test(v), `${name} must not be empty`);
  return s.meta({ ...(min > 0 ? { minLength: min } : {}), maxLength: max, ...(nonBlank ? { pattern: '\\S' } : {}) });
}
