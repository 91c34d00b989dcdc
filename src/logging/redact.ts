/**
 * Secrets never leave the process. These helpers scrub values that look like credentials from anything that
 * is about to be logged or shown: keys named like secrets, bearer tokens, JWTs, basic-auth headers (any case), `auth`
 * blobs from docker config files (also quoted inside JSON strings), secret-named JSON fields, SAS signatures and
 * connection-string keys, kubeconfig `token:`/`client-key-data:` lines, and URL passwords.
 */

const SECRET_KEY =
  /pass(word)?|secret|token|authorization|^auth$|credential|apikey|api_key|api-key|dockerconfigjson|dockercfg|private.?key|client.?secret|refresh_token|access_token|connection.?string|account.?key|shared.?access|subscription.?key|^sig$|cookie/i;

/** JSON fields whose value is a secret; the quotes may be escaped (a JSON document quoted inside another). */
const JSON_SECRET_FIELD =
  'auth|password|passwd|secret|token|identitytoken|registrytoken|(?:client|access|refresh|id)_?(?:secret|token)|api_?key|account_?key';

/** HTTP authentication schemes (IANA registry and common vendor ones): what follows them is a credential. */
const AUTH_SCHEMES =
  'basic|bearer|digest|negotiate|ntlm|token|hoba|mutual|vapid|dpop|pop|scram-sha-1|scram-sha-256|aws4-hmac-sha256|sharedkey|sharedkeylite';

const PATTERNS: Array<[RegExp, string | ((match: string, ...groups: string[]) => string)]> = [
  // Authorization headers, whatever their scheme and credential look like (auth schemes are case-insensitive). A
  // known scheme is followed by a credential whatever it looks like; after any other word, a lower-case word that
  // ends a clause (`message:`) or a short plain word is prose: "may require authorization: server message:
  // insufficient_scope" is a registry's sentence, not a header.
  [
    new RegExp(
      `\\b((?:proxy-)?authorization\\s*[:=]\\s*"?)(?:(${AUTH_SCHEMES})\\s+(?!\\[redacted)[^\\s"',;]+|(?!(?:${AUTH_SCHEMES})\\s)([A-Za-z][\\w-]*)\\s+(?!\\[redacted)(?![^\\s"',;]*:(?:\\s|$))(?![a-z]{1,15}(?![^\\s"',;]))[^\\s"',;]+)`,
      'gi',
    ),
    (_m: string, header: string, known: string | undefined, other: string | undefined) => `${header}${known ?? other} [redacted]`,
  ],
  // Bearer and Basic credentials elsewhere; a plain word of up to 15 letters after the scheme is prose ("a Basic
  // challenge", "Bearer authentication"), not a credential, which is longer or has digits, symbols or capitals inside
  // (case-sensitive on purpose: the scheme's case is spelled out, so that [a-z] in the look-aheads means lower case)
  [
    /\b([Bb][Ee][Aa][Rr][Ee][Rr]|[Bb][Aa][Ss][Ii][Cc])\s+(?![A-Z]?[a-z]{1,15}(?![A-Za-z0-9._~+/=-]))[A-Za-z0-9._~+/=-]{8,}/g,
    '$1 [redacted]',
  ],
  // JSON Web Tokens
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, '[redacted-jwt]'],
  // "auth":"base64" in docker config JSON, and password/token/secret fields in JSON, also inside a JSON string
  [new RegExp(`(\\\\?"(?:${JSON_SECRET_FIELD})\\\\?"\\s*:\\s*\\\\?")(?:[^"\\\\]|\\\\(?!"))*(\\\\?")`, 'gi'), '$1[redacted]$2'],
  // query strings and forms, SAS signatures, storage and Service Bus connection strings
  [
    /\b((?:password|passwd|access_token|refresh_token|id_token|client_secret|token|sig|AccountKey|SharedAccessKey)=)[^&;\s"']+/gi,
    '$1[redacted]',
  ],
  // kubeconfig / YAML `token: …`, `client-key-data: …`, at the start of a line (containerd's "failed to fetch
  // anonymous token: 401 Unauthorized" is prose)
  [
    /^(\s*(?:-\s+)?)((?:token|password|passwd|client-key-data|client-secret|id-token|refresh-token|access-token)\s*:\s+)(?!\[redacted)[^\s,}"']+/gim,
    '$1$2[redacted]',
  ],
  // user:password@ in URLs
  // (to the last @ before the path, as URL parsers split it: a password may hold an unescaped @)
  [/(\/\/[^/\s:@]+:)[^/\s]*@/g, '$1[redacted]@'],
];

export function redactText(text: string): string {
  let out = text;
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement as (match: string, ...groups: string[]) => string);
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
