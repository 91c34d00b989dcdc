import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/identity';
import { testEntraToken } from './registry/entra-token.js';

/** The fixed ids of the sandbox's tenant, subscription and identities (well-formed GUIDs, obviously not real). */
export const SANDBOX_IDS = {
  tenantId: '5a4d2c1b-0000-4000-8000-00000000a001',
  subscriptionId: '5a4d2c1b-0000-4000-8000-00000000b001',
  /** The platform team's hub subscription: a shared registry lives there, not in the cluster's subscription. */
  hubSubscriptionId: '5a4d2c1b-0000-4000-8000-00000000b002',
  /** Pull Doctor's own identity (the bot's managed identity). */
  pullDoctorObjectId: '5a4d2c1b-0000-4000-8000-00000000c001',
  /** The shop-aks cluster's kubelet identity. */
  kubeletObjectId: '5a4d2c1b-0000-4000-8000-00000000d001',
  kubeletClientId: '5a4d2c1b-0000-4000-8000-00000000d002',
} as const;

/**
 * A TokenCredential for the sandbox: JWT-shaped tokens for Pull Doctor's identity, with the audience of the scope
 * asked for. The fake ARM and fake ACR read the claims; nothing real ever sees these tokens.
 */
export function sandboxCredential(
  objectId: string = SANDBOX_IDS.pullDoctorObjectId,
  tenantId: string = SANDBOX_IDS.tenantId,
): TokenCredential {
  return {
    async getToken(scopes: string | string[], _options?: GetTokenOptions): Promise<AccessToken> {
      const scope = Array.isArray(scopes) ? (scopes[0] ?? '') : scopes;
      const aud = scope.replace(/\/\.default$/, '');
      return {
        token: testEntraToken({ oid: objectId, tid: tenantId, aud }),
        expiresOnTimestamp: Date.now() + 3_600_000,
        tokenType: 'Bearer',
      };
    },
  };
}
