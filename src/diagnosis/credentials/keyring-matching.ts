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
import { goFilepathMatch } from './go-glob.js';
import { parseGoUrl, splitGoHostPort, type GoUrl } from './go-url.js';

export const DOCKER_HUB_KEYRING_KEY = 'index.docker.io';

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
export function compareGoStrings(a: string, b: string): number {
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
