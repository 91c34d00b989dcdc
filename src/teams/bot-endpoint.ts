import type { CloudAdapter, Request as BotRequest, Response as BotResponse } from 'botbuilder';
import type { Logger } from '../logging/index.js';
import type { PullDoctorBot } from './pull-doctor-bot.js';

export type { BotRequest, BotResponse };

/** `POST /api/messages`: hands the request to the Bot Framework adapter and the bot. */
export interface BotEndpoint {
  handle(req: BotRequest, res: BotResponse): Promise<void>;
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
 */
export function createBotEndpoint(options: { adapter: CloudAdapter; bot: PullDoctorBot; localMode: boolean; log: Logger }): BotEndpoint {
  const { adapter, bot, localMode, log } = options;
  return {
    async handle(req, res) {
      if (localMode && !isLoopbackUrl((req.body as { serviceUrl?: unknown } | undefined)?.serviceUrl)) {
        log.warn('local mode: activity refused, its serviceUrl is not on this machine');
        res.status(403);
        res.send({ error: 'In local mode the bot only answers activities whose serviceUrl is a loopback address.' });
        res.end();
        return;
      }
      await adapter.process(req, res, (context) => bot.run(context));
    },
  };
}
