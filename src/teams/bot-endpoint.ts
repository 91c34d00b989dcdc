import type { IncomingHttpHeaders } from 'node:http';
import type { Activity } from 'botbuilder';
import type { BotAuth } from '../config/bot.js';
import { ThrottledLog, type Logger } from '../logging/index.js';
import type { AuthenticatedRequest, BotAdapter } from './bot-adapter.js';
import type { FollowUps } from './follow-ups.js';
import { screenInboundToken } from './inbound-token.js';
import type { PullDoctorBot } from './pull-doctor-bot.js';

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

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** True for `http(s)://localhost|127.0.0.1|[::1][:port]/...`. */
export function isLoopbackUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && LOOPBACK_HOSTS.has(url.hostname);
  } catch {
    return false;
  }
}

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
export function createBotEndpoint(options: { adapter: BotAdapter; bot: PullDoctorBot; followUps: FollowUps; auth: BotAuth; log: Logger }): BotEndpoint {
  const { adapter, bot, followUps, auth, log } = options;
  const refusals = new ThrottledLog(log, { limit: REFUSAL_LOG_LIMIT, windowMs: 60_000, summary: 'more requests refused (not logged one by one)' });
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
