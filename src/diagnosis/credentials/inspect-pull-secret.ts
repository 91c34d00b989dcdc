/**
 * Everything worth telling an engineer about one pull secret, in value-free sentences: the fatal problem when the
 * kubelet cannot use the secret at all, otherwise the entries that will not work as their author meant.
 */
import { toDockerConfigEntry, type PullSecretParse, type PullSecretProblem } from './docker-config.js';
import type { DecodedEntry } from './docker-config-decode.js';
import { displayKey, listKeys } from './display-key.js';
import { keyringKeyFor } from './keyring-matching.js';
import { hasCredentials, readPullSecret } from './read-pull-secret.js';

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
const DOCKER_HUB_HINT = 'name the entry `https://index.docker.io/v1/` (what `kubectl create secret docker-registry` writes by default) or `docker.io`';

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
        `The key ${named} starts with a scheme other than a lowercase \`http://\` or \`https://\`, which is all the kubelet strips, so it never matches an image; write the host alone.`,
      ),
    );
  } else if (DOCKER_HUB_LOOKALIKES.has(keyringKey.split('/')[0] as string)) {
    issues.push(issue('key-never-matches', `The kubelet never uses the key ${named} for Docker Hub images (docker.io/...); ${DOCKER_HUB_HINT}.`));
  }

  if (!hasCredentials(entry)) {
    issues.push(issue('entry-without-credentials', `The entry ${named} has no \`auth\`, \`username\`/\`password\` or token; pulls it matches go out anonymously.`));
  } else if (entry.identityToken !== undefined || entry.hasRegistryToken) {
    const token = entry.identityToken !== undefined ? 'an identity token' : 'a registry token';
    const missing = entry.password ? '' : entry.username ? ', and this entry has no password' : ', and this entry has neither username nor password';
    issues.push(
      issue(
        'token-ignored-by-kubelet',
        `The entry ${named} carries ${token}, which the kubelet does not pass to the container runtime: it sends only username and password${missing}. Put a username and password in the secret instead (for ACR: a repository-scoped token or a service principal).`,
      ),
    );
  } else if (!entry.username !== !entry.password) {
    const has = entry.username ? 'a username but an empty password' : 'a password but an empty username';
    issues.push(issue('incomplete-credentials', `The entry ${named} has ${has}${entry.fromAuth ? ' in its `auth`' : ''}.`));
  }
  return issues;
}
