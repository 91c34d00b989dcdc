import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/identity';

/**
 * A TokenCredential for Azurite's `--oauth basic` mode, injected as production injects its managed identity
 * credential. It mints an unsigned JWT shaped like an Entra ID access token for Azure Storage (Azurite checks
 * issuer, audience and lifetime, not the signature) and records the scopes it was asked for.
 */
export class StorageTokenCredential implements TokenCredential {
  readonly requestedScopes: string[][] = [];

  constructor(private readonly claims: { audience?: string; expiresInSeconds?: number } = {}) {}

  async getToken(scopes: string | string[], _options?: GetTokenOptions): Promise<AccessToken> {
    this.requestedScopes.push(Array.isArray(scopes) ? scopes : [scopes]);
    const now = Math.floor(Date.now() / 1000);
    const expiresIn = this.claims.expiresInSeconds ?? 3600;
    const tenant = '72f988bf-86f1-41af-91ab-2d7cd011db47';
    const payload = {
      aud: this.claims.audience ?? 'https://storage.azure.com',
      iss: `https://sts.windows.net/${tenant}/`,
      iat: now - 60,
      nbf: now - 60,
      exp: now + expiresIn,
      oid: '3f2504e0-4f89-11d3-9a0c-0305e82c3301',
      tid: tenant,
      xms_mirid:
        '/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/rg-pulldoctor/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-pulldoctor',
      ver: '1.0',
    };
    const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const token = `${encode({ typ: 'JWT', alg: 'RS256', kid: 'test' })}.${encode(payload)}.${Buffer.from('not-a-real-signature').toString('base64url')}`;
    return { token, expiresOnTimestamp: (now + expiresIn) * 1000 };
  }
}
