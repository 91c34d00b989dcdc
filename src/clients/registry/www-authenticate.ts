import type { AuthChallenge } from './registry-client.js';

/**
 * Parses `WWW-Authenticate` header values into challenges (RFC 7235 §4.1):
 *   challenge   = auth-scheme [ 1*SP ( token68 / #auth-param ) ]
 *   auth-param  = token BWS "=" BWS ( token / quoted-string )
 * Several challenges may share one header value, separated by commas, and several header lines may be sent.
 * Quoted strings may contain commas and backslash-escaped characters. Malformed input never throws: the parser
 * keeps what it understood up to the first thing it did not.
 */
export function parseWwwAuthenticate(values: string | string[] | undefined): AuthChallenge[] {
  if (values === undefined) return [];
  const list = Array.isArray(values) ? values : [values];
  const out: AuthChallenge[] = [];
  for (const value of list) out.push(...parseOne(value.slice(0, 8192)));
  return out;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+/;

function parseOne(input: string): AuthChallenge[] {
  const challenges: AuthChallenge[] = [];
  let rest = input;
  let current: AuthChallenge | undefined;
  while (true) {
    rest = rest.replace(/^[\s,]+/, '');
    if (rest === '') break;
    const name = TOKEN.exec(rest)?.[0];
    if (!name) break;
    const afterName = rest.slice(name.length);
    const eq = /^\s*=\s*/.exec(afterName);
    // `name=` starts an auth-param of the current challenge; otherwise `name` is a new scheme.
    if (eq && current) {
      rest = afterName.slice(eq[0].length);
      let value: string;
      if (rest.startsWith('"')) {
        const quoted = readQuoted(rest);
        if (!quoted) break;
        value = quoted.value;
        rest = quoted.rest;
      } else {
        const token = TOKEN.exec(rest)?.[0];
        if (token === undefined) break;
        value = token;
        rest = rest.slice(token.length);
      }
      const key = name.toLowerCase();
      if (key !== '__proto__' && !Object.hasOwn(current.params, key)) current.params[key] = value;
      continue;
    }
    current = { scheme: normaliseScheme(name), params: {} };
    challenges.push(current);
    rest = afterName;
    // token68 form (e.g. `Negotiate abc==`): consume it, it carries no params we use
    const t68 = /^ +([A-Za-z0-9._~+/-]+=*)\s*(?=,|$)/.exec(rest);
    if (t68) rest = rest.slice(t68[0].length);
  }
  for (const c of challenges) {
    for (const key of ['realm', 'service', 'scope', 'error'] as const) {
      const v = c.params[key];
      if (v !== undefined) c[key] = v;
    }
  }
  return challenges;
}

function readQuoted(text: string): { value: string; rest: string } | undefined {
  let value = '';
  for (let i = 1; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\\') {
      if (i + 1 >= text.length) return undefined;
      value += text[++i];
    } else if (ch === '"') {
      return { value, rest: text.slice(i + 1) };
    } else {
      value += ch;
    }
  }
  return undefined;
}

function normaliseScheme(name: string): string {
  const lower = name.toLowerCase();
  if (lower === 'bearer') return 'Bearer';
  if (lower === 'basic') return 'Basic';
  return name;
}

/** The challenge a client acts on: Bearer first (it is what registries mean), else Basic. */
export function preferredChallenge(challenges: AuthChallenge[]): AuthChallenge | undefined {
  return challenges.find((c) => c.scheme === 'Bearer') ?? challenges.find((c) => c.scheme === 'Basic');
}
