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
import { decodeAuthField } from './auth-field.js';
import { listKeys } from './display-key.js';
import { goFieldNameMatches } from './go-json-names.js';
import { describeJsonKind, type JsonMember, type JsonValue } from './json-document.js';

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
  | { ok: true; entries: DecodedEntry[]; layout: ConfigLayout }
  | { ok: false; problem: 'not-json' | 'auth-not-decodable'; detail: string };

type Failure = Extract<ConfigDecode, { ok: false }>;

export const KUBELET_REJECTS_SECRET = 'The kubelet cannot decode this secret and fails every image pull that uses it.';

class DecodeFailure {
  constructor(readonly failure: Failure) {}
}

function typeFailure(dataKey: string, what: string, expected: string, value: JsonValue): never {
  throw new DecodeFailure({
    ok: false,
    problem: 'not-json',
    detail: `\`${dataKey}\` is JSON, but not a docker config: ${what} is ${describeJsonKind(value)} where ${expected} belongs. ${KUBELET_REJECTS_SECRET}`,
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
            typeFailure(dataKey, '`auths`', 'an object', member.value);
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
      if (v.kind !== 'string') typeFailure(dataKey, `\`${name}\` of ${where}`, 'a string', v);
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
          : 'it decodes to text without the `:` between user and password';
      throw new DecodeFailure({
        ok: false,
        problem: 'auth-not-decodable',
        detail: `${capitalize(where)} has an \`auth\` that is not base64 of user:password: ${why}. ${KUBELET_REJECTS_SECRET} (It reports "${decoded.kubeletError}".)`,
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
  if (value.kind !== 'object') typeFailure(dataKey, '`HttpHeaders`', 'an object of strings', value);
  for (const header of value.members) {
    if (header.value.kind !== 'string' && header.value.kind !== 'null') {
      typeFailure(dataKey, `the header ${listKeys([header.key])} in \`HttpHeaders\``, 'a string', header.value);
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
