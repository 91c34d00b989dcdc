/**
 * Entry point of the Teams bot server (`node dist/server/main.js`; `npm start` runs it with the Agents Playground).
 * The only place of the server that reads process.env and process.argv.
 *
 *   --sandbox-tls-dir DIR   run on the bundled sandbox (fake cluster, ARM and registries in this process), serving
 *                           DIR/server.pem and DIR/server-key.pem; DIR/ca.pem must be trusted (NODE_EXTRA_CA_CERTS).
 *                           `npm start` sets both when nothing else is configured.
 *
 * Exit codes: 2 for a configuration that must not start, 1 when the bot cannot start or turns were cut off by the
 * shutdown timeout, 0 otherwise.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseConfig, ConfigError, type Config } from '../config/index.js';
import { describeError } from '../errors/index.js';
import { createLogger, routeConsole, streamSink } from '../logging/index.js';
import { startBotApplication, type BotApplication } from '../app/bot-application.js';

/** Kubernetes' default grace period is 30 s: finish turns within 20 s, then close. */
const SHUTDOWN_TIMEOUT_MS = 20_000;

function refuse(message: string): never {
  process.stderr.write(`pull-doctor: ${message}\n`);
  process.exit(2);
}

function sandboxTls(dir: string): { cert: string; key: string; ca: string } {
  try {
    const read = (name: string) => readFileSync(join(dir, name), 'utf8');
    return { cert: read('server.pem'), key: read('server-key.pem'), ca: read('ca.pem') };
  } catch (error) {
    refuse(`--sandbox-tls-dir ${dir}: cannot read the sandbox certificates (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

async function main(): Promise<void> {
  let args: { 'sandbox-tls-dir'?: string };
  try {
    args = parseArgs({ args: process.argv.slice(2), options: { 'sandbox-tls-dir': { type: 'string' } } }).values;
  } catch (error) {
    refuse((error as Error).message);
  }
  let config: Config;
  try {
    config = parseConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) refuse(error.message);
    throw error;
  }
  const sandboxDir = args['sandbox-tls-dir'];
  if (sandboxDir !== undefined && config.bot.environment === 'production') {
    refuse('--sandbox-tls-dir with NODE_ENV=production: the bundled sandbox is for trying Pull Doctor out, not for production');
  }
  const log = createLogger({ level: config.logging.level, sink: streamSink(process.stdout) }).child({ service: 'pull-doctor' });
  // Libraries' console output (botbuilder prints a stack for every token it refuses) goes through the logger, bounded.
  routeConsole(log);
  let app: BotApplication;
  try {
    app = await startBotApplication({ config, env: process.env, log, ...(sandboxDir !== undefined ? { sandboxTls: sandboxTls(sandboxDir) } : {}) });
  } catch (error) {
    if (error instanceof ConfigError) refuse(error.message);
    const advice = describeError(error);
    log.error('cannot start', { error });
    process.stderr.write(`pull-doctor: cannot start: ${advice.title}: ${advice.message}\n  ${advice.advice}\n`);
    process.exit(1);
  }
  await app.server.listen();
  await app.alerts?.start();

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info('received signal', { signal });
    app.stop(SHUTDOWN_TIMEOUT_MS).then(
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
