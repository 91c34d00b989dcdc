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

const HOST_SAFE_PUNCTUATION = new Set("-_.~!$&'()*+,;=:[]<>\"");
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
  for (let i = 0; i < raw.length; ) {
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
