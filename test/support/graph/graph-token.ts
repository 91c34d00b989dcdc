import type { AccessToken, TokenCredential } from '@azure/identity';
import { testEntraToken } from '../../../src/sandbox/registry/entra-token.js';

/** Application permissions (the `roles` claim) that let an app-only token check another user's group memberships. */
export const GRAPH_MEMBERSHIP_ROLES = ['GroupMember.Read.All', 'User.ReadBasic.All'] as const;

export const GRAPH_AUDIENCE = 'https://graph.microsoft.com';

export interface SandboxGraphCredentialOptions {
  tenantId: string;
  /** Object id of the calling identity (the bot's managed identity). */
  objectId?: string;
  /** Application permissions granted to it; GRAPH_MEMBERSHIP_ROLES by default. */
  roles?: readonly string[];
  audience?: string;
}

/**
 * A TokenCredential for the fake Graph, as production injects its managed identity credential: app-only
 * JWT-shaped tokens (`oid`, `tid`, `roles`, `aud`) signed with the sandbox key. Remembers the scopes asked for.
 */
export function sandboxGraphCredential(options: SandboxGraphCredentialOptions): TokenCredential & { scopes: string[][]; issued: string[] } {
  const scopes: string[][] = [];
  const issued: string[] = [];
  return {
    scopes,
    issued,
    async getToken(requested: string | string[]): Promise<AccessToken> {
      scopes.push(Array.isArray(requested) ? requested : [requested]);
      const token = testEntraToken({
        oid: options.objectId ?? 'd3b07384-d9a0-4c9b-8f6e-1a2b3c4d5e6f',
        tid: options.tenantId,
        aud: options.audience ?? GRAPH_AUDIENCE,
        roles: [...(options.roles ?? GRAPH_MEMBERSHIP_ROLES)],
        idtyp: 'app',
      });
      issued.push(token);
      return { token, expiresOnTimestamp: Date.now() + 3_600_000, tokenType: 'Bearer' };
    },
  };
}
