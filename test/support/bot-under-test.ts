import { createLogger, memorySink, type LogRecord } from '../../src/logging/index.js';
import { parseConfig, type Env } from '../../src/config/index.js';
import { createTeamsBot, type TeamsBotOptions } from '../../src/teams/create-teams-bot.js';
import { PROVISIONAL_CHAT_COMMANDS, parseProvisionalCommand } from '../../src/teams/provisional-chat.js';
import { createBotServer, type BotServer } from '../../src/server/bot-server.js';
import type { ReadinessProbe } from '../../src/server/readiness.js';

export interface BotUnderTest {
  url: string;
  server: BotServer;
  logs: LogRecord[];
  stop(): Promise<void>;
}

export type BotUnderTestOptions = Partial<Omit<TeamsBotOptions, 'auth' | 'log'>> & {
  env?: Env;
  readinessProbes?: ReadinessProbe[];
  readinessTimeoutMs?: number;
};

/**
 * The real server (src/server) with the real Teams bot, on 127.0.0.1 and a free port, configured from `env` like
 * the entry point does (local mode by default), logging into memory.
 */
export async function startBotUnderTest(options: BotUnderTestOptions = {}): Promise<BotUnderTest> {
  const { env = {}, readinessProbes, readinessTimeoutMs, ...teams } = options;
  const config = parseConfig(env);
  const sink = memorySink();
  const log = createLogger({ level: 'debug', sink });
  const endpoint = createTeamsBot({
    parseCommand: parseProvisionalCommand,
    commands: PROVISIONAL_CHAT_COMMANDS,
    ...teams,
    auth: config.bot.auth,
    log,
  });
  const server = createBotServer({
    bot: config.bot,
    endpoint,
    log,
    ...(readinessProbes ? { readinessProbes } : {}),
    ...(readinessTimeoutMs ? { readinessTimeoutMs } : {}),
  });
  const { url } = await server.listen(0, '127.0.0.1');
  let stopped = false;
  return {
    url,
    server,
    logs: sink.records,
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.shutdown(2000);
    },
  };
}
