import type { BotAuth } from '../config/bot.js';

/** Longer Authorization headers are refused unread: the Bot Connector's tokens are 1–2 KB, Entra app tokens a little more. */
export const MAX_AUTHORIZATION_CHARS = 8 * 1024;

/** The signing algorithms botframework-connector accepts (AuthenticationConstants.AllowedSigningAlgorithms). */
const SIGNING_ALGORITHMS = new Set(['RS256', 'RS384', 'RS512']);

/**
 * Tenants whose token issuers botframework-connector lists from the start
 * (ToBotFromBotOrEmulatorTokenValidationParameters in its lib/auth/tokenValidationParameters.js): botframework.com,
 * its US Government twin, Microsoft, and the US Government bot tenant. A token naming one of them adds nothing.
 */
const LIBRARY_TENANTS = new Set([
  'd6d49420-f39b-4df7-a1dc-d59a935871db',
  'f8cdef31-a31e-4b4a-93e4-5f571e91255a',
  '72f988bf-86f1-41af-91ab-2d7cd011db47',
  'cab8a31a-1906-4287-a0d8-4eef66b95f6e',
]);

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const BEARER_JWS = /^Bearer ([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]*)$/;

/** Why a request's token was refused before the Bot Framework library saw it. */
export type TokenRefusal = 'missing' | 'oversized' | 'malformed' | 'unsigned' | 'tenant-not-a-guid' | 'foreign-tenant';

function jsonSegment(segment: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Screens an inbound request's Authorization header before botframework-connector sees it (authenticated modes
 * only), from the header alone and without trusting it: the library validates what passes.
 *
 * Why the tenant: before it checks any signature, the library's `EmulatorValidation.isTokenFromEmulator` reads the
 * unverified token's `tid` and, when no issuer of its process-wide list contains it, appends four issuer URLs for that
 * tenant to the list — which is never pruned (botframework-connector 4.23, lib/auth/emulatorValidation.js; added so
 * that the Emulator can talk to single-tenant bots). Every distinct `tid` costs memory for the life of the process.
 *
 * What legitimate traffic carries: Teams' messages come through the Bot Connector service with a token issued by
 * `https://api.botframework.com`, whose claims are `serviceurl`, `nbf`, `exp`, `iss` and `aud` (the bot's app id) —
 * no `tid` at all (botbuilder's maintainers, microsoft/botframework-sdk#6644: "The token from Azure Bot Service does
 * not contain either of these claims [tid, tenantId]. It never has."). Entra tokens (the Emulator path, which
 * single-tenant bots accept; also what a single-tenant bot would get should the service ever sign with Entra, issuer
 * `https://sts.windows.net/{tenant}/`) carry the `tid` of the tenant that issued them, and for this bot's app id only
 * its own tenant issues any: a single-tenant app registration and a user-assigned managed identity exist in one tenant. So a token whose `tid` is present must name the configured tenant
 * (exactly as configured, or in lower case as Entra writes it) or a tenant the library lists from the start; any
 * other is refused here, and the list grows by four entries at most, once.
 */
export function screenInboundToken(authorization: string | undefined, auth: Exclude<BotAuth, { mode: 'local' }>): TokenRefusal | undefined {
  if (authorization === undefined || authorization.trim() === '') return 'missing';
  if (authorization.length > MAX_AUTHORIZATION_CHARS) return 'oversized';
  const parts = BEARER_JWS.exec(authorization.trim());
  if (!parts) return 'malformed';
  const header = jsonSegment(parts[1]!);
  const claims = jsonSegment(parts[2]!);
  if (header === undefined || claims === undefined) return 'malformed';
  if (typeof header.alg !== 'string' || !SIGNING_ALGORITHMS.has(header.alg) || parts[3] === '') return 'unsigned';
  const tid = claims.tid;
  if (tid === undefined) return undefined;
  if (typeof tid !== 'string' || !GUID.test(tid)) return 'tenant-not-a-guid';
  if (tid === auth.tenantId || tid === auth.tenantId.toLowerCase() || LIBRARY_TENANTS.has(tid)) return undefined;
  return 'foreign-tenant';
}
