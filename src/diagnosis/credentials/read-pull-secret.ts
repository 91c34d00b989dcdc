/**
 * From a Secret as the Kubernetes API returns it (`type`, `data` with base64 values) to the registry entries the
 * kubelet would read from it (pkg/credentialprovider/secrets/secrets.go): only type
 * `kubernetes.io/dockerconfigjson` with a non-empty `.dockerconfigjson`, or legacy `kubernetes.io/dockercfg`
 * with a non-empty `.dockercfg`, is read. Every failure is described by key and position, never by value.
 */
import type { PullSecretProblem } from './docker-config.js';
import { decodeDockerConfig, type ConfigLayout, type DecodedEntry } from './docker-config-decode.js';
import { displayKey, listKeys } from './display-key.js';
import { decodeGoBase64 } from './go-base64.js';
import { parseJsonDocument } from './json-document.js';

export const DOCKER_CONFIG_JSON_TYPE = 'kubernetes.io/dockerconfigjson';
export const DOCKERCFG_TYPE = 'kubernetes.io/dockercfg';
const FORMATS = {
  [DOCKER_CONFIG_JSON_TYPE]: { format: 'dockerconfigjson', dataKey: '.dockerconfigjson' },
  [DOCKERCFG_TYPE]: { format: 'dockercfg', dataKey: '.dockercfg' },
} as const;

export type SecretRead =
  | { ok: true; format: 'dockerconfigjson' | 'dockercfg'; dataKey: string; entries: DecodedEntry[]; layout: ConfigLayout }
  | { ok: false; problem: PullSecretProblem; detail: string };

export function readPullSecret(secret: unknown): SecretRead {
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
      detail: `\`${dataKey}\` is not valid base64 (invalid at position ${bytes.offset}); Secret data values must be base64-encoded once.`,
    };
  }
  const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes.bytes);
  const document = parseJsonDocument(text);
  if (!document.ok) {
    return {
      ok: false,
      problem: 'not-json',
      detail: `\`${dataKey}\` is not valid JSON at position ${document.position} (${document.problem}).${notJsonHint(text)}`,
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
export function hasCredentials(entry: DecodedEntry): boolean {
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
  const shown = type === undefined ? 'The secret has no type (Kubernetes treats it as `Opaque`)' : `The secret is of type \`${displayKey(type)}\``;
  const holds = ['.dockerconfigjson', '.dockercfg'].filter((k) => ownString(data, k) !== undefined);
  const hint =
    holds.length > 0
      ? ` It does hold ${listKeys(holds)}, but a secret's type cannot be changed: recreate it with \`kubectl create secret docker-registry NAME --from-file=.dockerconfigjson=PATH\` (type ${DOCKER_CONFIG_JSON_TYPE}).`
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
    ? `has no \`${dataKey}\` key`
    : value === undefined
      ? `has a \`${dataKey}\` that is not a string`
      : `has an empty \`${dataKey}\``;
  const others = dataKeys(data).filter((k) => k !== dataKey);
  const otherFormat = dataKey === '.dockerconfigjson' ? '.dockercfg' : '.dockerconfigjson';
  let hint = '';
  if (others.includes(otherFormat)) {
    hint = ` It holds \`${otherFormat}\`, which belongs to type ${otherFormat === '.dockercfg' ? DOCKERCFG_TYPE : DOCKER_CONFIG_JSON_TYPE}.`;
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
      return ' Its content is itself base64 of JSON: the value was base64-encoded twice (Secret `data` is encoded once; `stringData` takes plain text).';
    }
  }
  return '';
}

const LOOKS_LIKE_REGISTRY = /^(?:https?:\/\/|localhost(?:[:/]|$))|[.:]/i;

function noEntriesDetail(dataKey: string, format: 'dockerconfigjson' | 'dockercfg', layout: ConfigLayout): string {
  const noCredentials = 'so the kubelet finds no credentials in it';
  if (format === 'dockercfg') return `\`${dataKey}\` holds no registry entries, ${noCredentials}.`;
  if (layout.auths === 'object') return `\`${dataKey}\` has an empty \`auths\` object, ${noCredentials}.${storeHint(layout)}`;
  if (layout.auths === 'null') return `\`${dataKey}\` has \`auths\` set to null, ${noCredentials}.`;
  const registryLike = layout.topLevelKeys.filter((k) => LOOKS_LIKE_REGISTRY.test(k));
  if (registryLike.length > 0) {
    return `\`${dataKey}\` has no \`auths\` object, ${noCredentials}. Its top-level keys ${listKeys(registryLike)} look like registries: that is the legacy .dockercfg layout; nest them under "auths", or use a ${DOCKERCFG_TYPE} secret with key .dockercfg.`;
  }
  const keys = layout.topLevelKeys.length > 0 ? ` Its top-level keys are ${listKeys(layout.topLevelKeys)}.` : '';
  return `\`${dataKey}\` has no \`auths\` object, ${noCredentials}.${keys}${storeHint(layout)}`;
}

function noCredentialsDetail(entries: DecodedEntry[], layout: ConfigLayout): string {
  const keys = entries.map((e) => e.key);
  const verb = keys.length === 1 ? 'has' : 'have';
  let detail = `No entry carries credentials: ${listKeys(keys)} ${verb} no \`auth\`, \`username\`/\`password\` or token, so the kubelet pulls anonymously.`;
  if (layout.auths === 'not-applicable' && keys.some((k) => k.toLowerCase() === 'auths')) {
    detail += ` The key \`auths\` is the .dockerconfigjson layout, but this is a ${DOCKERCFG_TYPE} secret.`;
  }
  return detail + storeHint(layout);
}

function storeHint(layout: ConfigLayout): string {
  if (layout.credsStore === undefined && layout.credHelperKeys.length === 0) return '';
  const store =
    layout.credsStore === undefined
      ? `credential helpers (\`credHelpers\` for ${listKeys(layout.credHelperKeys)})`
      : typeof layout.credsStore === 'string'
        ? `a credential store (\`credsStore: ${layout.credsStore}\`)`
        : 'a credential store (`credsStore`)';
  return ` The config names ${store}: \`docker login\` kept the passwords there, on the machine where it ran, and they never reached this secret. Create the secret with \`kubectl create secret docker-registry\` instead.`;
}
