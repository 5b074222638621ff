/**
 * Details go into the audit log in the clear, so anything that could be a secret or a
 * personal identifier is masked here even though callers are expected to pass only ids,
 * names and counts.
 */
const EMAIL = /([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})/g;
const LONG_SECRETISH = /\b[A-Za-z0-9+/_=-]{32,}\b/g;
const MAX_VALUE_CHARS = 200;

export type AuditDetails = Record<string, string | number | boolean | null>;

export function maskValue(value: string): string {
  const masked = value.replace(EMAIL, '$1***@$2').replace(LONG_SECRETISH, (m) => `${m.slice(0, 4)}…[masked]`);
  return masked.length > MAX_VALUE_CHARS ? `${masked.slice(0, MAX_VALUE_CHARS)}…` : masked;
}

export function maskDetails(details: AuditDetails): AuditDetails {
  const out: AuditDetails = {};
  for (const [key, value] of Object.entries(details)) {
    out[maskValue(key)] = typeof value === 'string' ? maskValue(value) : value;
  }
  return out;
}
