import type { AadTokenProvider, AuthChallenge, ManifestResult, RegistryCredential } from './registry-client.js';
import type { RegistryHttp } from './registry-http.js';
import type { RegistryEndpoint } from './registry-endpoint.js';
import { realmMayReceiveBasic } from './credential-destinations.js';
import { ownError, refusal, tokenField } from './token-answer.js';
import { acrAccessToken } from './acr-token-exchange.js';
import { basicAuthorization } from './basic-authorization.js';

export type TokenOutcome = { ok: true; token: string } | { ok: false; result: ManifestResult };

/**
 * Gets a pull token for `repository` from the realm of a Bearer challenge, as the runtime would:
 * - anonymous: `GET realm?service=&scope=repository:<repo>:pull` without credentials;
 * - basic: the same GET with Basic credentials (only to a realm allowed by credential-destinations.ts);
 * - azure-ad: ACR's `/oauth2/exchange` then `/oauth2/token` (acr-token-exchange.ts).
 */
export async function fetchBearerToken(
  http: RegistryHttp,
  registry: RegistryEndpoint,
  challenge: AuthChallenge,
  repository: string,
  credential: RegistryCredential,
  aadToken: AadTokenProvider | undefined,
): Promise<TokenOutcome> {
  const sent = credential.kind === 'basic' ? 'basic' : credential.kind === 'azure-ad' ? 'bearer' : 'none';
  let realm: URL;
  try {
    realm = new URL(challenge.realm ?? '');
  } catch {
    return { ok: false, result: ownError('token', 'none', 'the registry sent a Bearer challenge without a valid realm URL', 401) };
  }
  if (realm.protocol !== 'https:') {
    return { ok: false, result: ownError('token', 'none', `the token realm ${realm.protocol}//${realm.host} is not https; not contacted`, 401) };
  }
  const scopes = [...new Set([`repository:${repository}:pull`, ...(challenge.scope ? [challenge.scope] : [])])];

  if (credential.kind === 'azure-ad') {
    return acrAccessToken(http, registry, realm, challenge.service ?? registry.host, scopes, aadToken);
  }

  const headers: Record<string, string> = {};
  if (credential.kind === 'basic') {
    if (!realmMayReceiveBasic(registry, realm)) {
      return {
        ok: false,
        result: ownError('token', 'none', `the token realm ${realm.host} is not on the registry's domain; the credentials from ${credential.source} were not sent there`, 401),
      };
    }
    headers.Authorization = basicAuthorization(credential.username, credential.password);
  }
  const url = new URL(realm);
  if (challenge.service !== undefined) url.searchParams.append('service', challenge.service);
  for (const scope of scopes) url.searchParams.append('scope', scope);
  const outcome = await http.send({ method: 'GET', url, headers });
  if (!outcome.ok) return { ok: false, result: { outcome: 'unreachable', step: 'token', ...outcome.failure } };
  if (outcome.answer.status !== 200) return { ok: false, result: refusal(outcome.answer, 'token', sent) };
  const token = tokenField(outcome.answer.body, 'token');
  if (token === undefined) return { ok: false, result: ownError('token', sent, 'the token endpoint answered 200 without a token', 200) };
  return { ok: true, token };
}
