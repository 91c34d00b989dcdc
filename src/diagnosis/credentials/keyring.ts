/**
 * How the kubelet picks pull credentials for an image, ported from kubernetes/kubernetes
 * pkg/credentialprovider/keyring.go (`BasicDockerKeyring.Add`, `Lookup`, `URLsMatch`, `ParseSchemelessURL`,
 * `SplitURL`, `isDefaultRegistryMatch`):
 *
 * 1. Every docker config key becomes a keyring key: `https://` is prepended unless the key starts with `http://`
 *    or `https://`, the result is parsed as a URL (unparseable keys are dropped), a leading `/v1/` or `/v2/` of
 *    the path is cut to `/`, and the key is `host` (path empty or `/`) or `host` + path.
 * 2. The keyring keys are de-duplicated and sorted in reverse byte order, so more specific keys come first.
 * 3. For the image name (`registry/repository`, what `parsers.ParseImageName` returns), a key matches when the
 *    ports are equal, the hosts have as many dot-separated parts, each part matches as a `filepath.Match` glob, and
 *    the key's path is a string prefix of the image's path.
 * 4. Only when nothing matches: a Docker Hub image (first element `docker.io`, `index.docker.io`, or without `.`
 *    or `:`) gets the credentials filed under exactly `index.docker.io`.
 *
 * So for `docker.io/...` images the keys `https://index.docker.io/v1/`, `index.docker.io`, `docker.io` and
 * `https://docker.io` work, while `registry-1.docker.io`, `registry.hub.docker.com` and `*.docker.io` never do.
 * The kubelet tries every matching credential in this order until a pull succeeds.
 */
import type { DockerConfigEntry } from './docker-config.js';

const DOCKER_HUB_KEYRING_KEY = 'index.docker.io';

/** `BasicDockerKeyring.Add`: the keyring key of a docker config key, or undefined when the kubelet drops it. */
export function keyringKeyFor(configKey: string): string | undefined {
  const value = configKey.startsWith('https://') || configKey.startsWith('http://') ? configKey : `https://${configKey}`;
  const parsed = parseGoUrl(value);
  if (parsed === undefined) return undefined;
  let effectivePath = parsed.path;
  if (effectivePath.startsWith('/v2/') || effectivePath.startsWith('/v1/')) effectivePath = effectivePath.slice(3);
  return effectivePath.length > 0 && effectivePath !== '/' ? parsed.host + effectivePath : parsed.host;
}

/** `ParseSchemelessURL`. */
function parseSchemelessUrl(schemeless: string): GoUrl | undefined {
  return parseGoUrl(`https://${schemeless}`);
}

/** `SplitURL`: host parts split on `.`, and the port (empty when SplitHostPort fails). */
function splitUrl(url: GoUrl): { parts: string[]; port: string } {
  const split = splitGoHostPort(url.host);
  const host = split?.host ?? url.host;
  return { parts: host.split('.'), port: split?.port ?? '' };
}

/** `URLsMatchStr(glob, target)`. */
export function keyringKeyMatches(glob: string, target: string): boolean {
  const globUrl = parseSchemelessUrl(glob);
  const targetUrl = parseSchemelessUrl(target);
  if (globUrl === undefined || targetUrl === undefined) return false;
  const g = splitUrl(globUrl);
  const t = splitUrl(targetUrl);
  if (g.port !== t.port || g.parts.length !== t.parts.length) return false;
  if (!targetUrl.path.startsWith(globUrl.path)) return false;
  return g.parts.every((part, k) => goFilepathMatch(part, t.parts[k] as string));
}

/** `isDefaultRegistryMatch`. */
export function isDefaultRegistryMatch(image: string): boolean {
  const slash = image.indexOf('/');
  const first = slash === -1 ? image : image.slice(0, slash);
  if (first.length === 0) return false;
  if (slash === -1) return true;
  if (first === 'docker.io' || first === 'index.docker.io') return true;
  return !first.includes('.') && !first.includes(':');
}

/** Go compares strings byte by byte (UTF-8); JavaScript's `<` compares UTF-16 code units. */
function compareGoStrings(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/**
 * `Lookup`: the items the kubelet would try for `image`, best first. `keyOf` gives each item's docker config key;
 * items whose key the kubelet drops are never returned. Items sharing a keyring key keep their given order
 * (within one secret the kubelet's order is Go map order, i.e. unspecified).
 */
export function lookupInKeyring<T>(items: readonly T[], keyOf: (item: T) => string, image: string): T[] {
  const byKey = new Map<string, T[]>();
  for (const item of items) {
    const key = keyringKeyFor(keyOf(item));
    if (key === undefined) continue;
    const list = byKey.get(key);
    if (list === undefined) byKey.set(key, [item]);
    else list.push(item);
  }
  const index = [...byKey.keys()].sort(compareGoStrings).reverse();
  const matched = index.filter((key) => keyringKeyMatches(key, image)).flatMap((key) => byKey.get(key) ?? []);
  if (matched.length > 0) return matched;
  return isDefaultRegistryMatch(image) ? (byKey.get(DOCKER_HUB_KEYRING_KEY) ?? []) : [];
}

/**
 * The parts of Go's net/url `Parse` and net `SplitHostPort` that the kubelet's keyring relies on
 * (pkg/credentialprovider/keyring.go: `Add` parses every docker config key as a URL, `ParseSchemelessURL`
 * and `SplitURL` parse keys and image names). Only what decides the host, the path and "is this a parse error"
 * is mirrored: a key Go cannot parse is dropped by the kubelet (`Entry %q in dockercfg invalid (%v), ignoring`).
 */

export interface GoUrl {
  /** The host as Go's `URL.Host` holds it (percent-decoded, port kept, brackets kept). */
  host: string;
  /** The percent-decoded path, `URL.Path`. */
  path: string;
}

const HOST_SAFE_PUNCTUATION = new Set('-_.~!$&\'()*+,;=:[]<>"');
const USERINFO_SAFE = new Set("-._:~!$&'()*+,;=%@");
const isAlnum = (c: string): boolean => /^[A-Za-z0-9]$/.test(c);
const isHexDigit = (c: string | undefined): boolean => c !== undefined && /^[0-9A-Fa-f]$/.test(c);

/** Go `url.Parse(raw)` for an absolute URL with an authority (`scheme://...`); undefined where Go returns an error. */
export function parseGoUrl(raw: string): GoUrl | undefined {
  // stringContainsCTLByte: ASCII control characters and DEL are refused anywhere.
  if (/[\u0000-\u001f\u007f]/.test(raw)) return undefined;
  const hash = raw.indexOf('#');
  const withoutFragment = hash === -1 ? raw : raw.slice(0, hash);
  if (hash !== -1 && percentDecode(raw.slice(hash + 1), 'other') === undefined) return undefined;

  const schemeMatch = /^[A-Za-z][A-Za-z0-9+.-]*:/.exec(withoutFragment);
  if (schemeMatch === null) return undefined;
  let rest = withoutFragment.slice(schemeMatch[0].length);
  const question = rest.indexOf('?');
  if (question !== -1) rest = rest.slice(0, question);
  if (!rest.startsWith('//')) return undefined;

  let authority = rest.slice(2);
  let path = '';
  const slash = authority.indexOf('/');
  if (slash !== -1) [authority, path] = [authority.slice(0, slash), authority.slice(slash)];

  const at = authority.lastIndexOf('@');
  if (at !== -1) {
    const userinfo = authority.slice(0, at);
    if (![...userinfo].every((c) => isAlnum(c) || USERINFO_SAFE.has(c))) return undefined;
    if (percentDecode(userinfo, 'other') === undefined) return undefined;
  }
  const host = parseHost(authority.slice(at + 1));
  const decodedPath = percentDecode(path, 'other');
  if (host === undefined || decodedPath === undefined) return undefined;
  return { host, path: decodedPath };
}

/** url.go `parseHost`. */
function parseHost(host: string): string | undefined {
  if (host.startsWith('[')) {
    const close = host.lastIndexOf(']');
    if (close < 0 || !validOptionalPort(host.slice(close + 1))) return undefined;
  } else {
    const colon = host.lastIndexOf(':');
    if (colon !== -1 && !validOptionalPort(host.slice(colon))) return undefined;
  }
  return percentDecode(host, 'host');
}

function validOptionalPort(port: string): boolean {
  if (port === '') return true;
  return /^:[0-9]*$/.test(port);
}

/** url.go `unescape`: a `%` must start two hex digits; in a host only non-ASCII bytes and `%25` may be escaped. */
function percentDecode(text: string, mode: 'host' | 'other'): string | undefined {
  const bytes: number[] = [];
  const raw = Buffer.from(text, 'utf8');
  for (let i = 0; i < raw.length;) {
    const b = raw[i] as number;
    if (b === 0x25) {
      const h1 = String.fromCharCode(raw[i + 1] ?? 0);
      const h2 = String.fromCharCode(raw[i + 2] ?? 0);
      if (i + 2 >= raw.length || !isHexDigit(h1) || !isHexDigit(h2)) return undefined;
      if (mode === 'host' && parseInt(h1, 16) < 8 && `${h1}${h2}` !== '25') return undefined;
      bytes.push(parseInt(h1 + h2, 16));
      i += 3;
      continue;
    }
    if (mode === 'host' && b < 0x80) {
      const c = String.fromCharCode(b);
      if (!isAlnum(c) && !HOST_SAFE_PUNCTUATION.has(c)) return undefined;
    }
    bytes.push(b);
    i++;
  }
  return Buffer.from(bytes).toString('utf8');
}

/** net `SplitHostPort`; undefined where Go returns an error (no port, too many colons, stray brackets). */
export function splitGoHostPort(hostport: string): { host: string; port: string } | undefined {
  const colon = hostport.lastIndexOf(':');
  if (colon < 0) return undefined;
  let host: string;
  let afterOpen = 0;
  let afterClose = 0;
  if (hostport.startsWith('[')) {
    const end = hostport.indexOf(']');
    if (end < 0 || end + 1 !== colon) return undefined;
    host = hostport.slice(1, end);
    [afterOpen, afterClose] = [1, end + 1];
  } else {
    host = hostport.slice(0, colon);
    if (host.includes(':')) return undefined;
  }
  if (hostport.slice(afterOpen).includes('[') || hostport.slice(afterClose).includes(']')) return undefined;
  return { host, port: hostport.slice(colon + 1) };
}

/**
 * Go's path/filepath `Match` on Linux, which the kubelet uses to compare each dot-separated part of a docker
 * config key with the image's host (`URLsMatch`): `*` is any run of non-`/` characters, `?` one non-`/`
 * character, `[...]` a character class (`^` negates, `a-z` ranges, `\` escapes), `\x` a literal `x`.
 * A malformed pattern matches nothing, as `URLsMatch` treats Go's ErrBadPattern as "no match".
 */

type Token =
  | { kind: 'star' }
  | { kind: 'any' }
  | { kind: 'literal'; char: string }
  | { kind: 'class'; negated: boolean; ranges: Array<[number, number]> };

function tokenize(pattern: string): Token[] | undefined {
  const chars = Array.from(pattern);
  const tokens: Token[] = [];
  let i = 0;
  const escaped = (): string | undefined => {
    // getEsc: a class element may not be empty, '-' or ']'; '\' escapes; something must follow it.
    let c = chars[i];
    if (c === undefined || c === '-' || c === ']') return undefined;
    if (c === '\\') {
      i++;
      c = chars[i];
      if (c === undefined) return undefined;
    }
    i++;
    return i < chars.length ? c : undefined;
  };
  while (i < chars.length) {
    const c = chars[i] as string;
    if (c === '*') {
      tokens.push({ kind: 'star' });
      i++;
    } else if (c === '?') {
      tokens.push({ kind: 'any' });
      i++;
    } else if (c === '\\') {
      const next = chars[i + 1];
      if (next === undefined) return undefined;
      tokens.push({ kind: 'literal', char: next });
      i += 2;
    } else if (c === '[') {
      i++;
      const negated = chars[i] === '^';
      if (negated) i++;
      const ranges: Array<[number, number]> = [];
      for (;;) {
        if (chars[i] === ']' && ranges.length > 0) {
          i++;
          break;
        }
        const lo = escaped();
        if (lo === undefined) return undefined;
        let hi = lo;
        if (chars[i] === '-') {
          i++;
          const h = escaped();
          if (h === undefined) return undefined;
          hi = h;
        }
        ranges.push([lo.codePointAt(0) as number, hi.codePointAt(0) as number]);
      }
      tokens.push({ kind: 'class', negated, ranges });
    } else {
      tokens.push({ kind: 'literal', char: c });
      i++;
    }
  }
  return tokens;
}

const codePointClass = (cp: number): string => `\\u{${cp.toString(16)}}`;

function toRegExp(tokens: Token[]): RegExp {
  const source = tokens
    .map((t) => {
      switch (t.kind) {
        case 'star':
          return '[^/]*';
        case 'any':
          return '[^/]';
        case 'literal':
          return codePointClass(t.char.codePointAt(0) as number);
        case 'class': {
          // A range with lo > hi matches nothing in Go; JavaScript would refuse it, so it is left out.
          const body = t.ranges
            .filter(([lo, hi]) => lo <= hi)
            .map(([lo, hi]) => (lo === hi ? codePointClass(lo) : `${codePointClass(lo)}-${codePointClass(hi)}`))
            .join('');
          return t.negated ? `[^${body}]` : `[${body}]`;
        }
      }
    })
    .join('');
  return new RegExp(`^${source}$`, 'su');
}

export function goFilepathMatch(pattern: string, name: string): boolean {
  const tokens = tokenize(pattern);
  return tokens !== undefined && toRegExp(tokens).test(name);
}

/**
 * The entry the kubelet would use for an image in `registry` (normalized, as in ImageReference.registry) and
 * `repository`: the first credential its keyring lookup returns for `registry/repository` (lookupInKeyring above).
 * The kubelet goes on to the next matching entry when a pull with this one fails.
 * Note that `registry` is lowercase, while the kubelet compares the host as the pod spec writes it.
 */
export function findCredentialFor(entries: DockerConfigEntry[], registry: string, repository: string): DockerConfigEntry | undefined {
  return lookupInKeyring(entries, (entry) => entry.key, `${registry}/${repository}`)[0];
}
