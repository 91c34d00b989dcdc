import { createLogger, memorySink, type LogRecord } from '../../src/logging/index.js';
import { parseConfig, type Env } from '../../src/config/index.js';
import { CHAT_COMMANDS, parseChatCommand } from '../../src/chat/index.js';
import { createTeamsBot, type TeamsBot, type TeamsBotOptions } from '../../src/teams/create-teams-bot.js';
import { MemoryCardActionStore } from '../../src/teams/memory-card-action-store.js';
import { createBotServer, type BotServer } from '../../src/server/bot-server.js';
import type { ReadinessProbe } from '../../src/server/readiness.js';

export interface BotUnderTest {
  url: string;
  server: BotServer;
  teams: TeamsBot;
  logs: LogRecord[];
  stop(): Promise<void>;
}

export type BotUnderTestOptions = Partial<Omit<TeamsBotOptions, 'auth' | 'log'>> & {
  env?: Env;
  readinessProbes?: ReadinessProbe[];
  readinessTimeoutMs?: number;
  readinessCacheMs?: number;
  /** The server's clock (the readiness cache). */
  now?: () => number;
};

/**
 * The real server (src/server) with the real Teams bot and the real chat grammar, on 127.0.0.1 and a free port,
 * configured from `env` like the entry point does (local mode by default), logging into memory. Card actions are
 * kept in memory unless `cardActions` says otherwise.
 */
export async function startBotUnderTest(options: BotUnderTestOptions = {}): Promise<BotUnderTest> {
  const { env = {}, readinessProbes, readinessTimeoutMs, readinessCacheMs, now, ...teamsOptions } = options;
  const config = parseConfig(env);
  const sink = memorySink();
  const log = createLogger({ level: 'debug', sink });
  const teams = createTeamsBot({
    parseCommand: parseChatCommand,
    commands: CHAT_COMMANDS,
    cardActions: new MemoryCardActionStore(),
    ...teamsOptions,
    auth: config.bot.auth,
    log,
  });
  const server = createBotServer({
    bot: config.bot,
    endpoint: teams.endpoint,
    log,
    ...(readinessProbes ? { readinessProbes } : {}),
    ...(readinessTimeoutMs ? { readinessTimeoutMs } : {}),
    ...(readinessCacheMs !== undefined ? { readinessCacheMs } : {}),
    ...(now ? { now } : {}),
  });
  const { url } = await server.listen(0, '127.0.0.1');
  let stopped = false;
  return {
    url,
    server,
    teams,
    logs: sink.records,
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.shutdown(2000);
    },
  };
}
