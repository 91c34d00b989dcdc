import type { CloudAdapter, Request as BotRequest, Response as BotResponse } from 'botbuilder';
import type { Logger } from '../logging/index.js';
import type { FollowUps } from './follow-ups.js';
import type { PullDoctorBot } from './pull-doctor-bot.js';

export type { BotRequest, BotResponse };

/** `POST /api/messages`: hands the request to the Bot Framework adapter and the bot. */
export interface BotEndpoint {
  handle(req: BotRequest, res: BotResponse): Promise<void>;
  /**
   * Resolves `true` once the work left after answers (diagnoses whose card replaces a "Diagnosing…" message) is
   * done, or `false` when `timeoutMs` passes first. For a graceful shutdown.
   */
  idle(timeoutMs: number): Promise<boolean>;
}

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

/**
 * In local mode nothing is authenticated, so the bot would post its replies to whatever `serviceUrl` a request
 * names: it then only accepts activities whose serviceUrl is on this machine (the Agents Playground), which keeps
 * an unauthenticated bot from being used to send requests elsewhere.
 *
 * A turn's follow-ups start only once the adapter has written the HTTP answer, so that a card returned to an
 * `adaptiveCard/action` invoke reaches Teams before the follow-up replaces it.
 */
export function createBotEndpoint(options: { adapter: CloudAdapter; bot: PullDoctorBot; followUps: FollowUps; localMode: boolean; log: Logger }): BotEndpoint {
  const { adapter, bot, followUps, localMode, log } = options;
  return {
    async handle(req, res) {
      if (localMode && !isLoopbackUrl((req.body as { serviceUrl?: unknown } | undefined)?.serviceUrl)) {
        log.warn('local mode: activity refused, its serviceUrl is not on this machine');
        res.status(403);
        res.send({ error: 'In local mode the bot only answers activities whose serviceUrl is a loopback address.' });
        res.end();
        return;
      }
      let startFollowUps = () => {};
      await adapter.process(req, res, async (context) => {
        startFollowUps = await followUps.collect(context, () => bot.run(context));
      });
      startFollowUps();
    },
    idle: (timeoutMs) => followUps.idle(timeoutMs),
  };
}
