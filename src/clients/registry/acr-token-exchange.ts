import type { AadTokenProvider, ManifestResult } from './registry-client.js';
import type { RegistryHttp } from './registry-http.js';
import type { RegistryEndpoint } from './registry-endpoint.js';
import { realmMayReceiveEntraToken } from './credential-destinations.js';
import { ownError, refusal, tokenField } from './token-answer.js';
import { redactText } from '../../logging/redact.js';
import { isPullDoctorError } from '../../errors/index.js';

const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' };

/**
 * Azure Container Registry's documented AAD flow (Azure/acr docs/AAD-OAuth.md; what `az acr login` does):
 *   1. POST https://<registry>/oauth2/exchange
 *        grant_type=access_token&service=<service>&tenant=<tenant>&access_token=<Entra token>  → {"refresh_token"}
 *   2. POST <realm, i.e. https://<registry>/oauth2/token>
 *        grant_type=refresh_token&service=<service>&scope=<scope>&refresh_token=<ACR refresh token> → {"access_token"}
 * A 401 at step 2 after a successful step 1 is how ACR says "signed in, but no pull permission".
 */
export async function acrAccessToken(
  http: RegistryHttp,
  registry: RegistryEndpoint,
  realm: URL,
  service: string,
  scopes: string[],
  aadToken: AadTokenProvider | undefined,
): Promise<{ ok: true; token: string } | { ok: false; result: ManifestResult }> {
  if (aadToken === undefined) {
    return { ok: false, result: ownError('exchange', 'none', 'no Entra token provider is configured, so the azure-ad credential cannot be checked') };
  }
  if (!realmMayReceiveEntraToken(registry, realm)) {
    return { ok: false, result: ownError('exchange', 'none', `the token realm ${realm.host} is not the registry host ${registry.host}; the Entra token was not sent`, 401) };
  }
  let aad: { token: string; tenantId?: string };
  try {
    aad = await aadToken();
  } catch (error) {
    const why = isPullDoctorError(error) ? `: ${redactText(error.message).slice(0, 300)}` : '';
    return { ok: false, result: ownError('exchange', 'none', `could not get an Entra token for Pull Doctor's identity${why}`) };
  }
  const tenant = aad.tenantId ?? tenantClaim(aad.token);
  const exchangeForm = new URLSearchParams({ grant_type: 'access_token', service });
  if (tenant !== undefined) exchangeForm.set('tenant', tenant);
  exchangeForm.set('access_token', aad.token);
  const exchanged = await http.send({ method: 'POST', url: new URL('/oauth2/exchange', realm.origin), headers: FORM, body: exchangeForm.toString() });
  if (!exchanged.ok) return { ok: false, result: { outcome: 'unreachable', step: 'exchange', ...exchanged.failure } };
  if (exchanged.answer.status !== 200) return { ok: false, result: refusal(exchanged.answer, 'exchange', 'bearer') };
  const refreshToken = tokenField(exchanged.answer.body, 'refresh_token');
  if (refreshToken === undefined) return { ok: false, result: ownError('exchange', 'bearer', '/oauth2/exchange answered 200 without a refresh_token', 200) };

  const tokenForm = new URLSearchParams({ grant_type: 'refresh_token', service });
  for (const scope of scopes) tokenForm.append('scope', scope);
  tokenForm.set('refresh_token', refreshToken);
  const issued = await http.send({ method: 'POST', url: realm, headers: FORM, body: tokenForm.toString() });
  if (!issued.ok) return { ok: false, result: { outcome: 'unreachable', step: 'token', ...issued.failure } };
  if (issued.answer.status !== 200) return { ok: false, result: refusal(issued.answer, 'token', 'bearer') };
  const accessToken = tokenField(issued.answer.body, 'token');
  if (accessToken === undefined) return { ok: false, result: ownError('token', 'bearer', '/oauth2/token answered 200 without an access_token', 200) };
  return { ok: true, token: accessToken };
}

/** The `tid` claim of a JWT-shaped Entra token, read without verification (only to name the tenant to ACR). */
function tenantClaim(token: string): string | undefined {
  const payload = token.split('.')[1];
  if (payload === undefined) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { tid?: unknown };
    return typeof claims.tid === 'string' && /^[0-9a-fA-F-]{36}$/.test(claims.tid) ? claims.tid : undefined;
  } catch {
    return undefined;
  }
}
