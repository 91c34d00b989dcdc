import type { TokenCredential } from '@azure/identity';
import { PullDoctorError } from '../errors/index.js';

/** The Entra audience Azure Container Registry accepts for `/oauth2/exchange` whatever its ARM-audience policy. */
export const ACR_TOKEN_SCOPE = 'https://containerregistry.azure.net/.default';

function tenantOf(token: string): string | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { tid?: unknown };
    return typeof claims.tid === 'string' ? claims.tid : undefined;
  } catch {
    return undefined;
  }
}

/** Gets our own Entra token for ACR (to check that tags exist with Pull Doctor's identity). */
export function registryTokenProvider(credential: TokenCredential): () => Promise<{ token: string; tenantId?: string }> {
  return async () => {
    const token = await credential.getToken(ACR_TOKEN_SCOPE);
    if (!token) throw new PullDoctorError('AZURE_CREDENTIAL_UNAVAILABLE', 'The Azure credential returned no token for Azure Container Registry.');
    const tenantId = tenantOf(token.token);
    return tenantId ? { token: token.token, tenantId } : { token: token.token };
  };
}
