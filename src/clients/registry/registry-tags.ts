/**
 * A repository's tags, for the hint under a missing tag ("nearest existing tags"): one bounded page of
 * `GET /v2/<repository>/tags/list?n=`, read with the credential and token flow of the manifest check (the rules of
 * registry-auth.ts apply), and the short-lived tokens that let the listing reuse the manifest check's sign-in.
 */
import { createHash } from 'node:crypto';
import { isRepositoryPath } from '../../diagnosis/image/reference-grammar.js';
import { basicAuthorization, fetchBearerToken, header } from './registry-auth.js';
import { TAG_PAGE_SIZE, type AadTokenProvider, type AuthUsed, type RegistryCredential, type TagListResult } from './registry-client.js';
import type { HttpsAnswer, RegistryEndpoint, RegistryHttp } from './registry-https.js';
import { parseWwwAuthenticate, preferredChallenge } from './www-authenticate.js';

/** A tag as the distribution spec allows it (`[A-Za-z0-9_][A-Za-z0-9._-]{0,127}`). */
const TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

/**
 * Authorization headers that worked for a repository with a credential, kept a minute (registry tokens live five
 * minutes or more) and at most `limit` of them, in this process's memory only. The key holds a hash of the
 * credential, never the credential: a changed password is a different key.
 */
export class RecentTokens {
  private readonly entries = new Map<string, { authorization: string; until: number }>();
  constructor(
    private readonly ttlMs = 60_000,
    private readonly limit = 100,
    private readonly now: () => number = Date.now,
  ) {}

  static key(registry: RegistryEndpoint, repository: string, credential: RegistryCredential): string {
    const who =
      credential.kind === 'basic'
        ? `basic\u0000${credential.source}\u0000${credential.username}\u0000${credential.password}`
        : credential.kind === 'azure-ad'
          ? `azure-ad\u0000${credential.source}`
          : 'anonymous';
    return `${registry.authority}\u0000${repository}\u0000${createHash('sha256').update(who).digest('hex')}`;
  }

  get(key: string): string | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.until > this.now()) return entry.authorization;
    this.entries.delete(key);
    return undefined;
  }

  set(key: string, authorization: string): void {
    this.entries.delete(key);
    this.entries.set(key, { authorization, until: this.now() + this.ttlMs });
    while (this.entries.size > this.limit) this.entries.delete(this.entries.keys().next().value!);
  }
}

export interface TagListing {
  http: RegistryHttp;
  registry: RegistryEndpoint;
  repository: string;
  credential: RegistryCredential;
  aadToken: AadTokenProvider | undefined;
  tokens: RecentTokens;
}

/**
 * One page of the repository's tags: with a token the manifest check got a moment ago, else as a runtime signs in
 * (anonymous first; on 401 the Bearer flow, or Basic for a Basic challenge with a basic credential). A refusal
 * anywhere is `refused` and nothing more: the listing is a hint, and the manifest check already explained access.
 */
export async function listTags(o: TagListing): Promise<TagListResult> {
  if (!isRepositoryPath(o.repository)) return { outcome: 'error', status: 0, message: 'not a valid repository name' };
  const url = new URL(`https://${o.registry.authority}/v2/${o.repository}/tags/list?n=${TAG_PAGE_SIZE}`);
  const get = (authorization?: string) =>
    o.http.send({ method: 'GET', url, headers: authorization === undefined ? {} : { Authorization: authorization } });
  const key = RecentTokens.key(o.registry, o.repository, o.credential);
  const recent = o.tokens.get(key);

  let auth: AuthUsed = recent === undefined ? 'none' : recent.startsWith('Basic ') ? 'basic' : 'bearer';
  let outcome = await get(recent);
  if (!outcome.ok) return { outcome: 'error', status: 0, message: 'the registry did not answer' };
  if (outcome.answer.status === 401) {
    // The recent token may not cover listing (a registry asking for another scope): sign in for the challenge.
    const challenge = preferredChallenge(parseWwwAuthenticate(outcome.answer.headers['www-authenticate']));
    let authorization: string;
    if (challenge?.scheme === 'Bearer') {
      const token = await fetchBearerToken(o.http, o.registry, challenge, o.repository, o.credential, o.aadToken);
      if (!token.ok) return { outcome: 'refused', status: token.result.outcome === 'unreachable' ? 0 : token.result.status };
      authorization = `Bearer ${token.token}`;
      auth = 'bearer';
    } else if (challenge?.scheme === 'Basic' && o.credential.kind === 'basic') {
      authorization = basicAuthorization(o.credential.username, o.credential.password);
      auth = 'basic';
    } else {
      return { outcome: 'refused', status: 401 };
    }
    outcome = await get(authorization);
    if (!outcome.ok) return { outcome: 'error', status: 0, message: 'the registry did not answer' };
    if (outcome.answer.status === 200) o.tokens.set(key, authorization);
  }
  const { answer } = outcome;
  if (answer.status === 200) return listed(answer, auth);
  if (answer.status === 404) return { outcome: 'not-found', status: 404 };
  if ([401, 403, 429].includes(answer.status)) return { outcome: 'refused', status: answer.status };
  return { outcome: 'error', status: answer.status, message: `the registry answered HTTP ${answer.status}` };
}

/**
 * `{"name": "...", "tags": [...]}`. An answer cut at the body limit (a registry that ignores `n`) still gives the
 * complete names before the cut; an answer that is no JSON at all is an error (never "no tags"); anything that is
 * not a valid tag is dropped; at most TAG_PAGE_SIZE are kept.
 */
function listed(answer: HttpsAnswer, auth: AuthUsed): TagListResult {
  let names: unknown[] = [];
  let more = /rel="?next"?/i.test(header(answer, 'link') ?? '') || answer.truncated;
  try {
    const parsed = JSON.parse(answer.body) as { tags?: unknown };
    if (Array.isArray(parsed?.tags)) names = parsed.tags;
  } catch {
    // Not JSON and not cut short: not a tag list at all (a proxy's login page).
    if (!answer.truncated)
      return { outcome: 'error', status: answer.status, message: 'the registry answered with something else than a tag list' };
    const start = answer.body.search(/"tags"\s*:\s*\[/);
    if (start >= 0) {
      const rest = answer.body.slice(start).replace(/^"tags"\s*:\s*\[/, '');
      // Complete strings only: the last one may have been cut, and what follows a `]` is not a tag.
      const closed = rest.split(']')[0]!;
      const complete = [...closed.matchAll(/"([^"\\]{1,128})"\s*(?=,|$)/g)].map((m) => m[1]);
      names = answer.truncated && !rest.includes(']') ? complete.slice(0, -1) : complete;
    }
  }
  const tags = [...new Set(names.filter((t): t is string => typeof t === 'string' && TAG.test(t)))];
  if (tags.length > TAG_PAGE_SIZE) more = true;
  return { outcome: 'listed', tags: tags.slice(0, TAG_PAGE_SIZE), more, auth };
}
