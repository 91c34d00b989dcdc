/**
 * Image pull secrets as the kubelet reads them. Values (passwords, `auth` blobs, tokens) stay inside the returned
 * entries; every string meant for humans (problem details, issue texts, described keys) names keys and
 * positions only.
 */
import { decodeDockerConfig, displayKey, listKeys, type ConfigLayout, type DecodedEntry, type DockerConfigEntry } from './docker-config.js';
import { decodeGoBase64, parseJsonDocument } from './go-decoding.js';
import { keyringKeyFor } from './keyring.js';

export type PullSecretProblem =
  'wrong-type' | 'missing-key' | 'not-base64' | 'not-json' | 'no-entries' | 'entry-without-credentials' | 'auth-not-decodable';

export type PullSecretParse =
  | { ok: true; format: 'dockerconfigjson' | 'dockercfg'; entries: DockerConfigEntry[] }
  | { ok: false; problem: PullSecretProblem; detail: string }; // detail: human text, NEVER includes values

export type PullSecretIssueCode =
  | PullSecretProblem
  /** The kubelet passes only username and password from pull secrets; identity and registry tokens are dropped. */
  | 'token-ignored-by-kubelet'
  /** A username without a password, or a password without a username. */
  | 'incomplete-credentials'
  /** The kubelet cannot parse the key as a URL and ignores the entry. */
  | 'key-ignored-by-kubelet'
  /** The key parses, but can never match the images its author meant. */
  | 'key-never-matches';

export interface PullSecretIssue {
  code: PullSecretIssueCode;
  /** True when the kubelet gets no usable credentials from the secret at all. */
  fatal: boolean;
  /** The entry concerned, rendered safely (see describeEntries). */
  key?: string;
  detail: string;
}

export interface PullSecretInspection {
  parse: PullSecretParse;
  issues: PullSecretIssue[];
}

/** Hosts people write for Docker Hub that the kubelet never matches with `docker.io/...` images. */
const DOCKER_HUB_LOOKALIKES = new Set(['registry-1.docker.io', 'registry.hub.docker.com', 'hub.docker.com', '*.docker.io']);
const DOCKER_HUB_HINT =
  'name the entry "https://index.docker.io/v1/" (what "kubectl create secret docker-registry" writes by default) or "docker.io"';

/**
 * Everything worth telling an engineer about one pull secret, in value-free sentences: the fatal problem when the
 * kubelet cannot use the secret at all, otherwise the entries that will not work as their author meant.
 */
export function inspectPullSecret(secret: { type?: string; data?: Record<string, string> }): PullSecretInspection {
  const read = readPullSecret(secret);
  if (!read.ok) {
    return {
      parse: { ok: false, problem: read.problem, detail: read.detail },
      issues: [{ code: read.problem, fatal: true, detail: read.detail }],
    };
  }
  return {
    parse: { ok: true, format: read.format, entries: read.entries.map(toDockerConfigEntry) },
    issues: read.entries.flatMap(entryIssues),
  };
}

function entryIssues(entry: DecodedEntry): PullSecretIssue[] {
  const key = displayKey(entry.key);
  const named = listKeys([entry.key]);
  const issue = (code: PullSecretIssueCode, detail: string): PullSecretIssue => ({ code, fatal: false, key, detail });
  const issues: PullSecretIssue[] = [];

  const keyringKey = keyringKeyFor(entry.key);
  if (keyringKey === undefined) {
    issues.push(issue('key-ignored-by-kubelet', `The kubelet cannot parse the key ${named} as a URL and ignores this entry.`));
  } else if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(entry.key) && !/^https?:\/\//.test(entry.key)) {
    issues.push(
      issue(
        'key-never-matches',
        `The key ${named} starts with a scheme other than a lowercase "http://" or "https://", which is all the kubelet strips, so it never matches an image; write the host alone.`,
      ),
    );
  } else if (DOCKER_HUB_LOOKALIKES.has(keyringKey.split('/')[0] as string)) {
    issues.push(
      issue('key-never-matches', `The kubelet never uses the key ${named} for Docker Hub images (docker.io/...); ${DOCKER_HUB_HINT}.`),
    );
  }

  if (!hasCredentials(entry)) {
    issues.push(
      issue(
        'entry-without-credentials',
        `The entry ${named} has no "auth", "username"/"password" or token; pulls it matches go out anonymously.`,
      ),
    );
  } else if (entry.identityToken !== undefined || entry.hasRegistryToken) {
    const token = entry.identityToken !== undefined ? 'an identity token' : 'a registry token';
    const missing = entry.password
      ? ''
      : entry.username
        ? ', and this entry has no password'
        : ', and this entry has neither username nor password';
    issues.push(
      issue(
        'token-ignored-by-kubelet',
        `The entry ${named} carries ${token}, which the kubelet does not pass to the container runtime: it sends only username and password${missing}. Put a username and password in the secret instead (for ACR: a repository-scoped token or a service principal).`,
      ),
    );
  } else if (!entry.username !== !entry.password) {
    const has = entry.username ? 'a username but an empty password' : 'a password but an empty username';
    issues.push(issue('incomplete-credentials', `The entry ${named} has ${has}${entry.fromAuth ? ' in its "auth"' : ''}.`));
  }
  return issues;
}

/** A safe, human description of a secret's entries: keys only, e.g. ["ghcr.io", "https://index.docker.io/v1/"]. */
export function describeEntries(entries: DockerConfigEntry[]): string[] {
  return entries.map((entry) => displayKey(entry.key));
}

function toDockerConfigEntry(decoded: DecodedEntry): DockerConfigEntry {
  const entry: DockerConfigEntry = { key: decoded.key };
  if (decoded.username !== undefined) entry.username = decoded.username;
  if (decoded.password !== undefined) entry.password = decoded.password;
  if (decoded.identityToken !== undefined) entry.identityToken = decoded.identityToken;
  return entry;
}

const DOCKER_CONFIG_JSON_TYPE = 'kubernetes.io/dockerconfigjson';
const DOCKERCFG_TYPE = 'kubernetes.io/dockercfg';
const FORMATS = {
  [DOCKER_CONFIG_JSON_TYPE]: { format: 'dockerconfigjson', dataKey: '.dockerconfigjson' },
  [DOCKERCFG_TYPE]: { format: 'dockercfg', dataKey: '.dockercfg' },
} as const;

type SecretRead =
  | { ok: true; format: 'dockerconfigjson' | 'dockercfg'; dataKey: string; entries: DecodedEntry[]; layout: ConfigLayout }
  | { ok: false; problem: PullSecretProblem; detail: string };

/**
 * From a Secret as the Kubernetes API returns it (`type`, `data` with base64 values) to the registry entries the
 * kubelet would read from it (pkg/credentialprovider/secrets/secrets.go): only type
 * `kubernetes.io/dockerconfigjson` with a non-empty `.dockerconfigjson`, or legacy `kubernetes.io/dockercfg`
 * with a non-empty `.dockercfg`, is read. Every failure is described by key and position, never by value.
 */
function readPullSecret(secret: unknown): SecretRead {
  const { type, data } = secretShape(secret);
  const known = type === DOCKER_CONFIG_JSON_TYPE || type === DOCKERCFG_TYPE ? FORMATS[type] : undefined;
  if (known === undefined) return wrongType(type, data);
  const { format, dataKey } = known;

  const encoded = ownString(data, dataKey);
  if (encoded === undefined || encoded === '') return missingKey(type as string, dataKey, data, encoded);

  const bytes = decodeGoBase64(encoded, true);
  if (!bytes.ok) {
    return {
      ok: false,
      problem: 'not-base64',
      detail: `"${dataKey}" is not valid base64 (invalid at position ${bytes.offset}); Secret data values must be base64-encoded once.`,
    };
  }
  const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes.bytes);
  const document = parseJsonDocument(text);
  if (!document.ok) {
    return {
      ok: false,
      problem: 'not-json',
      detail: `"${dataKey}" is not valid JSON at position ${document.position} (${document.problem}).${notJsonHint(text)}`,
    };
  }

  const decoded = decodeDockerConfig(document.value, format, dataKey);
  if (!decoded.ok) return decoded;
  const { entries, layout } = decoded;
  if (entries.length === 0) return { ok: false, problem: 'no-entries', detail: noEntriesDetail(dataKey, format, layout) };
  if (!entries.some(hasCredentials)) {
    return { ok: false, problem: 'entry-without-credentials', detail: noCredentialsDetail(entries, layout) };
  }
  return { ok: true, format, dataKey, entries, layout };
}

/** Username, password or a token: something a registry could accept (the kubelet itself only passes username/password). */
function hasCredentials(entry: DecodedEntry): boolean {
  return Boolean(entry.username || entry.password || entry.identityToken || entry.hasRegistryToken);
}

function secretShape(secret: unknown): { type: string | undefined; data: Record<string, unknown> | undefined } {
  if (typeof secret !== 'object' || secret === null) return { type: undefined, data: undefined };
  const type = Object.hasOwn(secret, 'type') ? (secret as { type?: unknown }).type : undefined;
  const data = Object.hasOwn(secret, 'data') ? (secret as { data?: unknown }).data : undefined;
  return {
    type: typeof type === 'string' && type !== '' ? type : undefined,
    data: typeof data === 'object' && data !== null && !Array.isArray(data) ? (data as Record<string, unknown>) : undefined,
  };
}

function ownString(data: Record<string, unknown> | undefined, key: string): string | undefined {
  if (data === undefined || !Object.hasOwn(data, key)) return undefined;
  const value = data[key];
  return typeof value === 'string' ? value : undefined;
}

function dataKeys(data: Record<string, unknown> | undefined): string[] {
  return data === undefined ? [] : Object.keys(data);
}

function wrongType(type: string | undefined, data: Record<string, unknown> | undefined): SecretRead {
  const shown =
    type === undefined ? 'The secret has no type (Kubernetes treats it as "Opaque")' : `The secret is of type "${displayKey(type)}"`;
  const holds = ['.dockerconfigjson', '.dockercfg'].filter((k) => ownString(data, k) !== undefined);
  const hint =
    holds.length > 0
      ? ` It does hold ${listKeys(holds)}, but a secret's type cannot be changed: recreate it with "kubectl create secret docker-registry NAME --from-file=.dockerconfigjson=PATH" (type ${DOCKER_CONFIG_JSON_TYPE}).`
      : '';
  return {
    ok: false,
    problem: 'wrong-type',
    detail: `${shown}; the kubelet reads pull credentials only from secrets of type ${DOCKER_CONFIG_JSON_TYPE} (key .dockerconfigjson) or ${DOCKERCFG_TYPE} (key .dockercfg), and skips this one.${hint}`,
  };
}

function missingKey(type: string, dataKey: string, data: Record<string, unknown> | undefined, value: string | undefined): SecretRead {
  const present = data !== undefined && Object.hasOwn(data, dataKey);
  const what = !present
    ? `has no "${dataKey}" key`
    : value === undefined
      ? `has a "${dataKey}" that is not a string`
      : `has an empty "${dataKey}"`;
  const others = dataKeys(data).filter((k) => k !== dataKey);
  const otherFormat = dataKey === '.dockerconfigjson' ? '.dockercfg' : '.dockerconfigjson';
  let hint = '';
  if (others.includes(otherFormat)) {
    hint = ` It holds "${otherFormat}", which belongs to type ${otherFormat === '.dockercfg' ? DOCKERCFG_TYPE : DOCKER_CONFIG_JSON_TYPE}.`;
  } else if (!present && others.length > 0) {
    hint = ` Its data keys are ${listKeys(others)}.`;
  } else if (!present) {
    hint = ' It has no data at all.';
  }
  return { ok: false, problem: 'missing-key', detail: `The ${type} secret ${what}, so the kubelet skips it.${hint}` };
}

function notJsonHint(text: string): string {
  if (text.startsWith('\ufeff')) return ' It starts with a byte order mark, which JSON decoders reject.';
  const inner = decodeGoBase64(text.trim(), true);
  if (inner.ok && inner.bytes.length > 0) {
    const innerText = new TextDecoder('utf-8', { ignoreBOM: true }).decode(inner.bytes);
    if (parseJsonDocument(innerText).ok) {
      return ' Its content is itself base64 of JSON: the value was base64-encoded twice (Secret "data" is encoded once; "stringData" takes plain text).';
    }
  }
  return '';
}

const LOOKS_LIKE_REGISTRY = /^(?:https?:\/\/|localhost(?:[:/]|$))|[.:]/i;

function noEntriesDetail(dataKey: string, format: 'dockerconfigjson' | 'dockercfg', layout: ConfigLayout): string {
  const noCredentials = 'so the kubelet finds no credentials in it';
  if (format === 'dockercfg') return `"${dataKey}" holds no registry entries, ${noCredentials}.`;
  if (layout.auths === 'object') return `"${dataKey}" has an empty "auths" object, ${noCredentials}.${storeHint(layout)}`;
  if (layout.auths === 'null') return `"${dataKey}" has "auths" set to null, ${noCredentials}.`;
  const registryLike = layout.topLevelKeys.filter((k) => LOOKS_LIKE_REGISTRY.test(k));
  if (registryLike.length > 0) {
    return `"${dataKey}" has no "auths" object, ${noCredentials}. Its top-level keys ${listKeys(registryLike)} look like registries: that is the legacy .dockercfg layout; nest them under "auths", or use a ${DOCKERCFG_TYPE} secret with key .dockercfg.`;
  }
  const keys = layout.topLevelKeys.length > 0 ? ` Its top-level keys are ${listKeys(layout.topLevelKeys)}.` : '';
  return `"${dataKey}" has no "auths" object, ${noCredentials}.${keys}${storeHint(layout)}`;
}

function noCredentialsDetail(entries: DecodedEntry[], layout: ConfigLayout): string {
  const keys = entries.map((e) => e.key);
  const verb = keys.length === 1 ? 'has' : 'have';
  let detail = `No entry carries credentials: ${listKeys(keys)} ${verb} no "auth", "username"/"password" or token, so the kubelet pulls anonymously.`;
  if (layout.auths === 'not-applicable' && keys.some((k) => k.toLowerCase() === 'auths')) {
    detail += ` The key "auths" is the .dockerconfigjson layout, but this is a ${DOCKERCFG_TYPE} secret.`;
  }
  return detail + storeHint(layout);
}

function storeHint(layout: ConfigLayout): string {
  if (layout.credsStore === undefined && layout.credHelperKeys.length === 0) return '';
  const store =
    layout.credsStore === undefined
      ? `credential helpers ("credHelpers" for ${listKeys(layout.credHelperKeys)})`
      : typeof layout.credsStore === 'string'
        ? `a credential store ("credsStore: ${layout.credsStore}")`
        : 'a credential store ("credsStore")';
  return ` The config names ${store}: "docker login" kept the passwords there, on the machine where it ran, and they never reached this secret. Create the secret with "kubectl create secret docker-registry" instead.`;
}
