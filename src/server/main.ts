/**
 * Entry point of the Teams bot server (`node dist/server/main.js`; `npm start` runs it with the Agents Playground).
 * The only place of the server that reads process.env. Exit codes: 2 for a configuration that must not start,
 * 1 when turns were cut off by the shutdown timeout, 0 otherwise.
 */
import { parseConfig, ConfigError, type Config } from '../config/index.js';
import { createLogger, streamSink } from '../logging/index.js';
import { createTeamsBot } from '../teams/create-teams-bot.js';
import { CHAT_COMMANDS, parseChatCommand } from '../chat/index.js';
import { MemoryCardActionStore } from '../teams/memory-card-action-store.js';
import { createBotServer, type BotServer } from './bot-server.js';

/** Kubernetes' default grace period is 30 s: finish turns within 20 s, then close. */
const SHUTDOWN_TIMEOUT_MS = 20_000;

function refuse(error: unknown): never {
  if (error instanceof ConfigError) {
    process.stderr.write(`pull-doctor: ${error.message}\n`);
    process.exit(2);
  }
  throw error;
}

async function main(): Promise<void> {
  let config: Config;
  let server: BotServer;
  try {
    config = parseConfig(process.env);
  } catch (error) {
    refuse(error);
  }
  const log = createLogger({ level: config.logging.level, sink: streamSink(process.stdout) }).child({ service: 'pull-doctor' });
  // No diagnoser yet: until the engine (or the sandbox) is wired here, diagnoses answer "no cluster configured".
  const { endpoint } = createTeamsBot({ auth: config.bot.auth, parseCommand: parseChatCommand, commands: CHAT_COMMANDS, cardActions: new MemoryCardActionStore(), log });
  try {
    server = createBotServer({ bot: config.bot, endpoint, log });
  } catch (error) {
    refuse(error);
  }
  await server.listen();

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info('received signal', { signal });
    server.shutdown(SHUTDOWN_TIMEOUT_MS).then(
      ({ drained }) => process.exit(drained ? 0 : 1),
      (error: unknown) => {
        log.error('shutdown failed', { error });
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

await main();
