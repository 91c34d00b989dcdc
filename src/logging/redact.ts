/**
 * Secrets never leave the process. These helpers scrub values that look like credentials from anything that
 * is about to be logged or shown: keys named like secrets, bearer tokens, JWTs, basic-auth headers, `auth`
 * blobs from docker config files, and URL passwords.
 */

const SECRET_KEY = /pass(word)?|secret|token|authorization|^auth$|credential|apikey|api_key|dockerconfigjson|dockercfg|private.?key|client.?secret|refresh_token|access_token/i;

const PATTERNS: Array<[RegExp, string]> = [
  // Authorization headers and bearer tokens
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g, '$1 [redacted]'],
  // JSON Web Tokens
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, '[redacted-jwt]'],
  // "auth":"base64" in docker config JSON, and password/token fields in JSON or query strings
  [/("(?:auth|password|identitytoken|registrytoken|refresh_token|access_token)"\s*:\s*")[^"]*(")/gi, '$1[redacted]$2'],
  [/\b((?:password|access_token|refresh_token|client_secret)=)[^&\s]+/gi, '$1[redacted]'],
  // user:password@ in URLs
  [/(\/\/[^/\s:@]+:)[^@/\s]+@/g, '$1[redacted]@'],
];

export function redactText(text: string): string {
  let out = text;
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/** Deep-copies a value, replacing secret-named fields and secret-looking strings. Cycles become "[cycle]". */
export function redactValue(value: unknown, seen: WeakSet<object> = new WeakSet()): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[cycle]';
  seen.add(value);
  if (value instanceof Error) {
    const out: Record<string, unknown> = { name: value.name, message: redactText(value.message) };
    const code = (value as { code?: unknown }).code;
    if (code !== undefined) out.code = code;
    return out;
  }
  if (Array.isArray(value)) return value.map((v) => redactValue(v, seen));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] = SECRET_KEY.test(key) && v !== null && v !== undefined && typeof v !== 'boolean' ? '[redacted]' : redactValue(v, seen);
  }
  return out;
}
