/**
 * Reads a docker config document the way the kubelet's Go types do (pkg/credentialprovider/config.go
 * `DockerConfigJSON`, `DockerConfig`, `DockerConfigEntry.UnmarshalJSON`; secrets/secrets.go), with
 * encoding/json's rules: names match case-insensitively and the last duplicate wins; `null` leaves a field
 * as it was (and resets a map); a value of the wrong type, or an `auth` that does not decode, makes the whole
 * secret unreadable, and then the kubelet fails every pull that uses it. Fields the kubelet does not read
 * (`identitytoken`, `registrytoken`, `credsStore`, ...) are noted for diagnosis only.
 *
 * Every message names keys and positions, never values.
 */
import { decodeGoBase64, describeJsonKind, goFieldNameMatches, type JsonMember, type JsonValue } from './go-decoding.js';

/** A registry entry of a pull secret: its key and the credentials the kubelet would use (values stay in memory). */
export interface DockerConfigEntry {
  /** The key as written in the secret (a host, URL or glob; this is not secret). */
  key: string;
  username?: string;
  password?: string;
  identityToken?: string;
}

/** One registry entry as the kubelet would see it, plus what it ignores. Internal: values stay in this module tree. */
export interface DecodedEntry {
  key: string;
  username?: string;
  password?: string;
  identityToken?: string;
  hasRegistryToken: boolean;
  hasEmail: boolean;
  /** The credentials came from a decoded `auth` field. */
  fromAuth: boolean;
}

export interface ConfigLayout {
  /** dockerconfigjson only: how `auths` appeared. */
  auths: 'object' | 'missing' | 'null' | 'not-applicable';
  topLevelKeys: string[];
  /** The `credsStore` name when it is a plain identifier (`desktop`, `osxkeychain`, ...), or true when present otherwise. */
  credsStore?: string | true;
  credHelperKeys: string[];
}

export type ConfigDecode =
  { ok: true; entries: DecodedEntry[]; layout: ConfigLayout } | { ok: false; problem: 'not-json' | 'auth-not-decodable'; detail: string };

type Failure = Extract<ConfigDecode, { ok: false }>;

const KUBELET_REJECTS_SECRET = 'The kubelet cannot decode this secret and fails every image pull that uses it.';

class DecodeFailure {
  constructor(readonly failure: Failure) {}
}

function typeFailure(dataKey: string, what: string, expected: string, value: JsonValue): never {
  throw new DecodeFailure({
    ok: false,
    problem: 'not-json',
    detail: `"${dataKey}" is JSON, but not a docker config: ${what} is ${describeJsonKind(value)} where ${expected} belongs. ${KUBELET_REJECTS_SECRET}`,
  });
}

const SAFE_STORE_NAME = /^[A-Za-z0-9._-]{1,40}$/;

export function decodeDockerConfig(root: JsonValue, format: 'dockerconfigjson' | 'dockercfg', dataKey: string): ConfigDecode {
  try {
    const layout: ConfigLayout = {
      auths: format === 'dockercfg' ? 'not-applicable' : 'missing',
      topLevelKeys: root.kind === 'object' ? root.members.map((m) => m.key) : [],
      credHelperKeys: [],
    };
    let entries: Map<string, DecodedEntry> | undefined;
    if (root.kind === 'null') return { ok: true, entries: [], layout };
    if (root.kind !== 'object') typeFailure(dataKey, 'the document', 'an object', root);

    if (format === 'dockercfg') {
      entries = decodeEntries(root.members, dataKey, new Map());
    } else {
      for (const member of root.members) {
        if (goFieldNameMatches(member.key, 'auths')) {
          if (member.value.kind === 'null') {
            entries = undefined;
            layout.auths = 'null';
          } else if (member.value.kind === 'object') {
            entries = decodeEntries(member.value.members, dataKey, entries ?? new Map());
            layout.auths = 'object';
          } else {
            typeFailure(dataKey, '"auths"', 'an object', member.value);
          }
        } else if (goFieldNameMatches(member.key, 'httpheaders')) {
          checkHttpHeaders(member.value, dataKey);
        }
      }
    }
    noteCredentialStores(root.members, layout);
    return { ok: true, entries: [...(entries?.values() ?? [])], layout };
  } catch (error) {
    if (error instanceof DecodeFailure) return error.failure;
    throw error;
  }
}

function decodeEntries(members: JsonMember[], dataKey: string, into: Map<string, DecodedEntry>): Map<string, DecodedEntry> {
  for (const member of members) into.set(member.key, decodeEntry(member.key, member.value, dataKey));
  return into;
}

function decodeEntry(key: string, value: JsonValue, dataKey: string): DecodedEntry {
  const entry: DecodedEntry = { key, hasRegistryToken: false, hasEmail: false, fromAuth: false };
  if (value.kind === 'null') return entry;
  const where = `the entry ${listKeys([key])}`;
  if (value.kind !== 'object') typeFailure(dataKey, where, 'an object', value);

  let auth: string | undefined;
  for (const field of value.members) {
    const v = field.value;
    const name = (['username', 'password', 'email', 'auth'] as const).find((f) => goFieldNameMatches(field.key, f));
    if (name !== undefined) {
      if (v.kind === 'null') continue;
      if (v.kind !== 'string') typeFailure(dataKey, `"${name}" of ${where}`, 'a string', v);
      if (name === 'username') entry.username = v.value;
      else if (name === 'password') entry.password = v.value;
      else if (name === 'email') entry.hasEmail = v.value !== '';
      else auth = v.value;
    } else if (goFieldNameMatches(field.key, 'identitytoken')) {
      if (v.kind === 'string') {
        if (v.value === '') delete entry.identityToken;
        else entry.identityToken = v.value;
      }
    } else if (goFieldNameMatches(field.key, 'registrytoken')) {
      if (v.kind === 'string') entry.hasRegistryToken = v.value !== '';
    }
  }

  if (auth !== undefined && auth !== '') {
    const decoded = decodeAuthField(auth);
    if (!decoded.ok) {
      const why =
        decoded.reason === 'not-base64'
          ? `it is not base64 (invalid at byte ${decoded.offset})`
          : 'it decodes to text without the ":" between user and password';
      throw new DecodeFailure({
        ok: false,
        problem: 'auth-not-decodable',
        detail: `${capitalize(where)} has an "auth" that is not base64 of user:password: ${why}. ${KUBELET_REJECTS_SECRET} (It reports "${decoded.kubeletError}".)`,
      });
    }
    entry.username = decoded.username;
    entry.password = decoded.password;
    entry.fromAuth = true;
  }
  return entry;
}

function checkHttpHeaders(value: JsonValue, dataKey: string): void {
  if (value.kind === 'null') return;
  if (value.kind !== 'object') typeFailure(dataKey, '"HttpHeaders"', 'an object of strings', value);
  for (const header of value.members) {
    if (header.value.kind !== 'string' && header.value.kind !== 'null') {
      typeFailure(dataKey, `the header ${listKeys([header.key])} in "HttpHeaders"`, 'a string', header.value);
    }
  }
}

/** Docker's own config file fields that explain empty entries: `credsStore` and `credHelpers`. */
function noteCredentialStores(members: JsonMember[], layout: ConfigLayout): void {
  for (const member of members) {
    if (goFieldNameMatches(member.key, 'credsstore') && member.value.kind === 'string' && member.value.value !== '') {
      layout.credsStore = SAFE_STORE_NAME.test(member.value.value) ? member.value.value : true;
    } else if (goFieldNameMatches(member.key, 'credhelpers') && member.value.kind === 'object') {
      layout.credHelperKeys = member.value.members.map((m) => m.key);
    }
  }
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * The `auth` field of a docker config entry, decoded as the kubelet decodes it
 * (pkg/credentialprovider/config.go `decodeDockerConfigFieldAuth`): standard base64 when the trimmed value ends
 * with `=`, unpadded base64 otherwise, then split at the first `:` into username and password.
 */

export type AuthFieldDecode =
  | { ok: true; username: string; password: string }
  | { ok: false; reason: 'not-base64'; offset: number; kubeletError: string }
  | { ok: false; reason: 'no-colon'; kubeletError: string };

/** Go's `strings.TrimSpace` at the end of a string: Unicode White_Space, which is not quite JavaScript's set. */
const GO_TRAILING_SPACE = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/u;

export function decodeAuthField(field: string): AuthFieldDecode {
  const padded = field.replace(GO_TRAILING_SPACE, '').endsWith('=');
  const decoded = decodeGoBase64(field, padded);
  if (!decoded.ok) {
    return { ok: false, reason: 'not-base64', offset: decoded.offset, kubeletError: `illegal base64 data at input byte ${decoded.offset}` };
  }
  const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(decoded.bytes);
  const colon = text.indexOf(':');
  if (colon === -1) {
    return { ok: false, reason: 'no-colon', kubeletError: 'unable to parse auth field, must be formatted as base64(username:password)' };
  }
  return { ok: true, username: text.slice(0, colon), password: text.slice(colon + 1) };
}

/**
 * Docker config keys and secret data keys are not secret, but they are untrusted text that ends up in chat cards
 * and logs. This renders one safely: a `user:password@` part is hidden (a URL key may carry one; up to the last `@`
 * before the path, as Go's url.Parse splits it, so a password may hold `@`), invisible and
 * control characters and lone surrogates are shown as `\u{...}`, backticks cannot close the code span they are
 * shown in, and very long keys are shortened.
 */
const MAX_SHOWN = 120;
const KEEP_WHEN_SHORTENED = 100;
const INVISIBLE =
  /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ud800-\udfff\ufeff\ufff9-\ufffb`]/gu;

export function displayKey(key: string): string {
  const withoutUserinfo = key.replace(
    /^([A-Za-z][A-Za-z0-9+.-]*:\/\/)?[^/]*@/u,
    (_match, scheme: string | undefined) => `${scheme ?? ''}[redacted]@`,
  );
  const visible = withoutUserinfo.replace(INVISIBLE, (c) => `\\u{${(c.codePointAt(0) as number).toString(16)}}`);
  const chars = Array.from(visible);
  return chars.length <= MAX_SHOWN ? visible : `${chars.slice(0, KEEP_WHEN_SHORTENED).join('')}…(${chars.length} characters)`;
}

/** `a`, `a` and `b`, `a`, `b` and 2 more: keys for a sentence. */
export function listKeys(keys: readonly string[], limit = 3): string {
  const shown = keys.slice(0, limit).map((k) => `"${displayKey(k)}"`);
  const more = keys.length - shown.length;
  if (more > 0) return `${shown.join(', ')} and ${more} more`;
  if (shown.length <= 1) return shown.join('');
  return `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}`;
}
