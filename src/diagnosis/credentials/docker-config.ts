/**
 * Image pull secrets as the kubelet reads them. Values (passwords, `auth` blobs, tokens) stay inside the returned
 * entries; every string meant for humans (problem details, issue texts, described keys) names keys and
 * positions only.
 */
import type { DecodedEntry } from './docker-config-decode.js';
import { readPullSecret } from './read-pull-secret.js';

export interface DockerConfigEntry {
  /** The key as written in the secret (a host, URL or glob; this is not secret). */
  key: string;
  username?: string;
  password?: string;
  identityToken?: string;
}

export type PullSecretProblem =
  | 'wrong-type'
  | 'missing-key'
  | 'not-base64'
  | 'not-json'
  | 'no-entries'
  | 'entry-without-credentials'
  | 'auth-not-decodable';

export type PullSecretParse =
  | { ok: true; format: 'dockerconfigjson' | 'dockercfg'; entries: DockerConfigEntry[] }
  | { ok: false; problem: PullSecretProblem; detail: string }; // detail: human text, NEVER includes values

export function parsePullSecret(secret: { type?: string; data?: Record<string, string> }): PullSecretParse {
  const read = readPullSecret(secret);
  if (!read.ok) return { ok: false, problem: read.problem, detail: read.detail };
  return { ok: true, format: read.format, entries: read.entries.map(toDockerConfigEntry) };
}

export function toDockerConfigEntry(decoded: DecodedEntry): DockerConfigEntry {
  const entry: DockerConfigEntry = { key: decoded.key };
  if (decoded.username !== undefined) entry.username = decoded.username;
  if (decoded.password !== undefined) entry.password = decoded.password;
  if (decoded.identityToken !== undefined) entry.identityToken = decoded.identityToken;
  return entry;
}

export { findCredentialFor } from './find-credential.js';
export { describeEntries } from './describe-entries.js';
