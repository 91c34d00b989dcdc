import type { AccessToken, TokenCredential } from '@azure/identity';

/** A TokenCredential that always returns the same token, and remembers the scopes it was asked for. */
export function staticTokenCredential(token = 'fake-arm-token'): TokenCredential & { scopes: string[][] } {
  const scopes: string[][] = [];
  return {
    scopes,
    async getToken(requested: string | string[]): Promise<AccessToken> {
      scopes.push(Array.isArray(requested) ? requested : [requested]);
      return { token, expiresOnTimestamp: Date.now() + 3_600_000, tokenType: 'Bearer' };
    },
  };
}
