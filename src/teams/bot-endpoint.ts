import type { IncomingHttpHeaders } from 'node:http';
import type { Activity, TurnContext } from 'botbuilder';
import { isLoopbackUrl } from '../clients/loopback.js';
import type { BotAuth } from '../config/bot.js';
import { ThrottledLog, type Logger } from '../logging/index.js';
import type { AuthenticatedRequest, BotAdapter, FollowUps } from './bot-framework.js';
import { isGuid } from '../clients/azure/resource-id.js';

// `POST /api/messages`: what is refused before the Bot Framework library sees a request (the token screen), the
// library's own validation, and the turn.

/** The HTTP answer to a request; `afterAnswer` runs once it is written (a turn's follow-ups). */
export interface EndpointAnswer {
  status: number;
  body?: unknown;
  afterAnswer?: () => void;
}

/** `POST /api/messages`: hands an activity, parsed by the server from a bounded JSON body, to the adapter and the bot. */
export interface BotEndpoint {
  /**
   * The answer from the headers alone, before any of the body is read: 401 for a token refused before the Bot
   * Framework library sees it (inbound-token.ts). Undefined when the body is worth reading.
   */
  refuseByHeaders(headers: IncomingHttpHeaders): EndpointAnswer | undefined;
  handle(request: { headers: IncomingHttpHeaders; activity: unknown }): Promise<EndpointAnswer>;
  /**
   * Resolves `true` once the work left after answers (diagnoses whose card replaces a "Diagnosing…" message) is
   * done, or `false` when `timeoutMs` passes first. For a graceful shutdown.
   */
  idle(timeoutMs: number): Promise<boolean>;
}

/** The one answer to every refused token: the reason goes to the log, never to the caller. */
export const UNAUTHORIZED: EndpointAnswer = { status: 401, body: { error: 'unauthorized' } };

/** Refusals logged per minute; past it they are counted (ThrottledLog). */
const REFUSAL_LOG_LIMIT = 20;

/** The first line of why the library refused a token, bounded, for the log (never for the caller). */
function libraryReason(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.split('\n', 1)[0]!.slice(0, 200);
}

/** An object with a string `type`, its timestamps as Dates (as CloudAdapter.process hands activities on). */
function asActivity(value: unknown): Activity | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const activity = value as Activity & Record<string, unknown>;
  if (typeof activity.type !== 'string') return undefined;
  for (const [field, raw] of [
    ['timestamp', 'rawTimestamp'],
    ['localTimestamp', 'rawLocalTimestamp'],
    ['expiration', 'rawExpiration'],
  ] as const) {
    const text = activity[field];
    if (typeof text === 'string') {
      activity[raw] = text;
      activity[field] = new Date(text);
    }
  }
  return activity;
}

/**
 * With an app id, a request's token is screened from its header first (inbound-token.ts), then validated by the Bot
 * Framework's authentication; every refusal answers 401 with the same body and is logged once, with its reason
 * (throttled: a flood of refusals costs a few lines a minute).
 *
 * In local mode nothing is authenticated, so the bot would post its replies to whatever `serviceUrl` a request
 * names: it then only accepts activities whose serviceUrl is on this machine (the Agents Playground), which keeps
 * an unauthenticated bot from being used to send requests elsewhere.
 *
 * A turn's follow-ups start only once the server has written the HTTP answer (`afterAnswer`), so that a card
 * returned to an `adaptiveCard/action` invoke reaches Teams before the follow-up replaces it.
 */
export function createBotEndpoint(options: {
  adapter: BotAdapter;
  bot: { run(context: TurnContext): Promise<void> };
  followUps: FollowUps;
  auth: BotAuth;
  log: Logger;
}): BotEndpoint {
  const { adapter, bot, followUps, auth, log } = options;
  const refusals = new ThrottledLog(log, {
    limit: REFUSAL_LOG_LIMIT,
    windowMs: 60_000,
    summary: 'more requests refused (not logged one by one)',
  });
  const refuseByHeaders = (headers: IncomingHttpHeaders): EndpointAnswer | undefined => {
    if (auth.mode === 'local') return undefined;
    const reason = screenInboundToken(headers.authorization, auth);
    if (reason === undefined) return undefined;
    refusals.write('request refused: not authenticated', { reason });
    return UNAUTHORIZED;
  };
  return {
    refuseByHeaders,

    async handle(request) {
      const activity = asActivity(request.activity);
      if (activity === undefined) return { status: 400, body: { error: 'The body is not a Bot Framework activity.' } };
      if (auth.mode === 'local' && !isLoopbackUrl(activity.serviceUrl)) {
        refusals.write('local mode: activity refused, its serviceUrl is not on this machine');
        return { status: 403, body: { error: 'In local mode the bot only answers activities whose serviceUrl is a loopback address.' } };
      }
      const refused = refuseByHeaders(request.headers);
      if (refused !== undefined) return refused;
      let authenticated: AuthenticatedRequest;
      try {
        authenticated = await adapter.authenticate(activity, request.headers.authorization ?? '');
      } catch (error) {
        refusals.write('request refused: not authenticated', { reason: 'refused by the Bot Framework', detail: libraryReason(error) });
        return UNAUTHORIZED;
      }
      let startFollowUps = () => {};
      const invoke = await adapter.runTurn(authenticated, activity, async (context) => {
        startFollowUps = await followUps.collect(context, () => bot.run(context));
      });
      return { status: invoke?.status ?? 200, ...(invoke?.body !== undefined ? { body: invoke.body } : {}), afterAnswer: startFollowUps };
    },

    idle: (timeoutMs) => followUps.idle(timeoutMs),
  };
}

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
  if (typeof tid !== 'string' || !isGuid(tid)) return 'tenant-not-a-guid';
  if (tid === auth.tenantId || tid === auth.tenantId.toLowerCase() || LIBRARY_TENANTS.has(tid)) return undefined;
  return 'foreign-tenant';
}
