/**
 * Entry point of the Teams bot server (`node dist/server/main.js`; `npm start` runs it with the Agents Playground
 * when a cluster is configured). The only place of the server that reads process.env and process.argv; it takes no
 * arguments. The bundled sandbox has its own entry (src/sandbox/main.ts), which runs the same `runBotProcess` with
 * the sandbox's profile: nothing here loads src/sandbox/.
 *
 * Exit codes: 2 for a configuration that must not start, 1 when the bot cannot start or turns were cut off by the
 * shutdown timeout, 0 otherwise.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { compose, type App, type Profile } from '../app/compose.js';
import { parseConfig, ConfigError, type Config } from '../config/index.js';
import { describeError } from '../errors/index.js';
import { createLogger, routeConsole, streamSink, type Logger } from '../logging/index.js';

/** Kubernetes' default grace period is 30 s: finish turns within 20 s, then close. */
const SHUTDOWN_TIMEOUT_MS = 20_000;

/** Says why the process does not start, and exits 2. */
export function refuse(message: string): never {
  process.stderr.write(`pull-doctor: ${message}\n`);
  process.exit(2);
}

/**
 * Runs the bot in this process until SIGTERM or SIGINT: configuration from process.env, JSON logs on stdout, the
 * composition root over `profile` (by default, what the configuration describes), listening, alerts started.
 */
export async function runBotProcess(profile?: (config: Config, log: Logger) => Promise<Profile>): Promise<void> {
  let config: Config;
  try {
    config = parseConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) refuse(error.message);
    throw error;
  }
  const log = createLogger({ level: config.logging.level, sink: streamSink(process.stdout) }).child({ service: 'pull-doctor' });
  // Libraries' console output (botbuilder prints a stack for every token it refuses) goes through the logger, bounded.
  routeConsole(log);
  let app: App;
  try {
    app = await compose({ config, env: process.env, log, profile: profile && (await profile(config, log)) });
  } catch (error) {
    if (error instanceof ConfigError) refuse(error.message);
    const advice = describeError(error);
    log.error('cannot start', { error });
    process.stderr.write(`pull-doctor: cannot start: ${advice.title}: ${advice.message}\n  ${advice.advice}\n`);
    process.exit(1);
  }
  let listening: { host: string; port: number; url: string };
  try {
    listening = await app.server.listen();
  } catch (error) {
    // A port another process holds is the usual cause: one line saying so, not a stack trace.
    const { code } = error as NodeJS.ErrnoException;
    const host = config.bot.auth.mode === 'local' ? '127.0.0.1' : '0.0.0.0';
    const why =
      code === 'EADDRINUSE'
        ? 'the port is already in use (another Pull Doctor, or another program): stop it or set PORT'
        : `${code ?? (error as Error).message}`;
    log.error('cannot listen', { error, port: config.bot.port });
    process.stderr.write(`pull-doctor: cannot listen on ${host}:${config.bot.port}: ${why}\n`);
    process.exit(1);
  }
  // Started by `npm start` (scripts/start.ts) with an IPC channel: it learns from this process, not from whatever
  // answers on the port, that the bot listens, and where. Without the parent, there is nobody to serve.
  process.send?.({ kind: 'pull-doctor:listening', url: listening.url });
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
  if (process.send) process.once('disconnect', () => stop('SIGTERM'));
}

// Run when started as the entry (not when the sandbox's entry imports runBotProcess).
if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === realpathSync(process.argv[1])) {
  try {
    parseArgs({ args: process.argv.slice(2), options: {} });
  } catch (error) {
    refuse((error as Error).message);
  }
  await runBotProcess();
}
