// `npm start`: the Teams bot (src/server/main.ts, or the sandbox's entry src/sandbox/main.ts) and, in local mode (no
// MicrosoftAppId), the Microsoft 365 Agents Playground pointed at it on http://localhost:56150 (PLAYGROUND_PORT), run
// with the committed .m365agentsplayground.yml and the loopback-only preload (no telemetry, nothing but 127.0.0.1). It
// opens a browser only when there is a display.
//
// With nothing configured (no MicrosoftAppId, no kubeconfig, no PULLDOCTOR_CONFIG) — or with `npm start -- --sandbox`
// — the bot runs on the bundled sandbox: a fake AKS cluster, ARM and registries inside the bot's process, served over
// HTTPS with a throwaway CA made here (data/sandbox-tls). Node trusts an extra CA only through NODE_EXTRA_CA_CERTS
// read at start-up, hence the bot runs in a child process started with it.
//
// What it prints is one screen (where to click, which mode, which cluster); the bot's JSON log lines and the
// Playground's output go to files in this run's own folder (os.tmpdir()/pull-doctor-XXXXXX) unless `--verbose` or
// LOG_TO_CONSOLE=true. A bot port that is taken ends it at once with one line, before anything starts; the bot says
// on its IPC channel that it listens (runBotProcess), so a health check can never reach another process.
//
// Ctrl-C stops both. An entry point: reads process.env.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, writeFileSync, type WriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { parseConfig, ConfigError, type Config, type Env } from '../src/config/index.js';
import { EnvReader } from '../src/config/env-reader.js';
import { DEFAULT_PLAYGROUND_USER, PLAYGROUND_CONFIG_FILE, startPlayground, type Playground } from '../src/sandbox/playground.js';
import { SANDBOX_SCENARIOS } from '../src/sandbox/sandbox-scenarios.js';
import { ensureSandboxCertificates } from './lib/dev-certificates.mjs';
import { BotStartupFacts, isListeningMessage, startScreen, type StartScreenInput } from './lib/start-screen.js';

/** The Playground's port unless PLAYGROUND_PORT says otherwise (another one when it is taken). */
export const DEFAULT_PLAYGROUND_PORT = 56150;
/** How long the bot may take to listen (the sandbox starts its fake servers first). */
const BOT_START_TIMEOUT_MS = 120_000;
const root = join(import.meta.dirname, '..');

/** How `npm start` runs the bot: on the bundled sandbox, or on what the environment configures. */
export type StartMode = { kind: 'sandbox'; reason: string } | { kind: 'configured'; reason: string };

/**
 * The sandbox is for someone who has nothing configured yet: no Bot Framework identity (MicrosoftAppId), no cluster
 * (KUBECONFIG, ~/.kube/config, a pod's service account) and no multi-cluster configuration (PULLDOCTOR_CONFIG).
 * Anything configured wins, unless the sandbox is asked for (`npm start -- --sandbox`).
 */
export function chooseStartMode(env: Env, options: { forceSandbox?: boolean; fileExists: (path: string) => boolean }): StartMode {
  if (options.forceSandbox) return { kind: 'sandbox', reason: '--sandbox was given' };
  const set = (key: string) => (env[key] ?? '').trim() !== '';
  if (set('MicrosoftAppId')) return { kind: 'configured', reason: 'MicrosoftAppId is set' };
  if (set('PULLDOCTOR_CONFIG')) return { kind: 'configured', reason: 'PULLDOCTOR_CONFIG is set' };
  if (set('KUBECONFIG')) return { kind: 'configured', reason: `KUBECONFIG is set (${env.KUBECONFIG})` };
  if (set('KUBERNETES_SERVICE_HOST')) return { kind: 'configured', reason: 'running in a Kubernetes pod' };
  const home = env.HOME;
  const kubeconfig = home ? join(home, '.kube', 'config') : undefined;
  if (kubeconfig && options.fileExists(kubeconfig)) return { kind: 'configured', reason: `${kubeconfig} exists` };
  return { kind: 'sandbox', reason: 'no MicrosoftAppId, no kubeconfig and no PULLDOCTOR_CONFIG' };
}

/** What `npm start` itself is asked to do (the bot's own settings are parseConfig's). */
export interface StartOptions {
  forceSandbox: boolean;
  /** `--verbose` or LOG_TO_CONSOLE=true: the logs on the terminal too (they always go to the run's files). */
  verbose: boolean;
  /** `--no-playground`: the bot only, for a Playground started some other way (the Agents Toolkit's). */
  playground: boolean;
  /** PLAYGROUND_PORT (0: any free port); `chosen` when it was set, so that a taken port is an error, not a detour. */
  playgroundPort: { port: number; chosen: boolean };
}

export class StartOptionsError extends Error {}

const START_KEYS = new Set(['PLAYGROUND_PORT', 'LOG_TO_CONSOLE']);

/** `npm start -- [--sandbox] [--verbose] [--no-playground]` and PLAYGROUND_PORT, LOG_TO_CONSOLE: every problem at once. */
export function parseStartOptions(args: readonly string[], env: Env): StartOptions {
  const problems: string[] = [];
  let values: { sandbox?: boolean; verbose?: boolean; 'no-playground'?: boolean } = {};
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: { sandbox: { type: 'boolean' }, verbose: { type: 'boolean' }, 'no-playground': { type: 'boolean' } },
    }));
  } catch (error) {
    problems.push(`${(error as Error).message} (npm start takes --sandbox, --verbose and --no-playground)`);
  }
  const r = new EnvReader(env, START_KEYS);
  const port = r.integer('PLAYGROUND_PORT', DEFAULT_PLAYGROUND_PORT, { min: 0, max: 65535 });
  const logToConsole = r.boolean('LOG_TO_CONSOLE', false);
  problems.push(...r.problems);
  if (problems.length > 0) throw new StartOptionsError(problems.join('; '));
  return {
    forceSandbox: values.sandbox ?? false,
    verbose: (values.verbose ?? false) || logToConsole,
    playground: !(values['no-playground'] ?? false),
    playgroundPort: { port, chosen: r.string('PLAYGROUND_PORT') !== undefined },
  };
}

/** Whether nothing listens on `port` at `host` now (binding it, then letting it go). */
export function portIsFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve(true)));
  });
}

/** One line about a taken port, and what to do. */
export function portTakenLine(what: 'bot' | 'Playground', port: number, host: string): string {
  return what === 'bot'
    ? `npm start: port ${port} on ${host} is already in use (another Pull Doctor, or another program), so the bot cannot listen there: stop that process or set PORT to a free port.`
    : `npm start: port ${port} on ${host} (PLAYGROUND_PORT) is already in use, so the Agents Playground cannot listen there: stop that process, set PLAYGROUND_PORT to a free port, or leave it unset.`;
}

// Started as `npm start` (not imported by a test).
if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) await start();

function fail(code: number, line: string): never {
  process.stderr.write(`${line}\n`);
  process.exit(code);
}

async function start(): Promise<void> {
  let options: StartOptions;
  let config: Config;
  try {
    options = parseStartOptions(process.argv.slice(2), process.env);
    config = parseConfig(process.env);
  } catch (error) {
    if (error instanceof StartOptionsError || error instanceof ConfigError) fail(2, `npm start: ${error.message}`);
    throw error;
  }
  const mode = chooseStartMode(process.env, { forceSandbox: options.forceSandbox, fileExists: existsSync });
  const local = config.bot.auth.mode === 'local';
  const botHost = local ? '127.0.0.1' : '0.0.0.0';
  if (config.bot.port !== 0 && !(await portIsFree(config.bot.port, botHost))) fail(1, portTakenLine('bot', config.bot.port, botHost));
  const withPlayground = local && options.playground;
  const { port: playgroundPort, chosen } = options.playgroundPort;
  if (withPlayground && chosen && playgroundPort !== 0 && !(await portIsFree(playgroundPort, '127.0.0.1')))
    fail(1, portTakenLine('Playground', playgroundPort, '127.0.0.1'));

  const runDir = mkdtempSync(join(tmpdir(), 'pull-doctor-'));
  const botLog = createWriteStream(join(runDir, 'bot.log'), { flags: 'a' });
  const facts = new BotStartupFacts();
  const bot = startBot(mode, { verbose: options.verbose, runDir, botLog, facts });
  let playground: Playground | undefined;
  let stopping = false;

  /** Stops both; then says `line` (on stderr), nothing (`null`: the bot said why), or where the logs stay. */
  async function stop(code: number, line?: string | null): Promise<void> {
    if (stopping) return;
    stopping = true;
    await playground?.stop();
    if (bot.exitCode === null && bot.signalCode === null) {
      bot.kill('SIGTERM');
      await new Promise((resolve) => bot.once('exit', resolve));
    }
    await new Promise((resolve) => botLog.end(resolve));
    if (typeof line === 'string') process.stderr.write(`${line}\n`);
    else if (line === undefined) process.stdout.write(`Pull Doctor stopped. Its logs are in ${runDir}\n`);
    process.exit(code);
  }
  process.once('SIGINT', () => void stop(0));
  process.once('SIGTERM', () => void stop(0));
  // 'close' comes after the bot's last output was read: its refusal, if it printed one, is known then.
  bot.once('close', (code, signal) => {
    if (stopping) return;
    // The bot's own one-line refusal ("pull-doctor: …") is already on the screen; otherwise say where to look.
    const said = facts.refusal !== undefined;
    void stop(
      code || 1,
      said ? null : `npm start: the bot stopped (${signal ?? `exit code ${code}`}); its log: ${join(runDir, 'bot.log')}`,
    );
  });

  const listening = await new Promise<{ url: string } | undefined>((resolve) => {
    const timer = setTimeout(() => resolve(undefined), BOT_START_TIMEOUT_MS);
    bot.on('message', (message) => {
      if (isListeningMessage(message)) {
        clearTimeout(timer);
        resolve(message);
      }
    });
    bot.once('exit', () => resolve(undefined));
  });
  if (listening === undefined) {
    if (bot.exitCode === null)
      await stop(
        1,
        `npm start: the bot did not start listening within ${BOT_START_TIMEOUT_MS / 1000} s; its log: ${join(runDir, 'bot.log')}`,
      );
    return;
  }

  const screen: StartScreenInput = {
    mode,
    botUrl: listening.url,
    facts,
    runDir,
    auth: config.bot.auth.mode,
    localModeAcknowledged: config.bot.localModeAcknowledged,
  };
  if (withPlayground) {
    const hasDisplay =
      process.platform === 'darwin' || process.platform === 'win32' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
    const output = createWriteStream(join(runDir, 'playground-output.log'), { flags: 'a' });
    try {
      playground = await startPlayground({
        botUrl: listening.url,
        port: playgroundPort,
        workDir: join(runDir, 'playground'),
        config: { file: PLAYGROUND_CONFIG_FILE },
        openBrowser: hasDisplay,
        onOutput: (line) => {
          output.write(`${line}\n`);
          if (options.verbose) process.stdout.write(`[playground] ${line}\n`);
        },
      });
    } catch (error) {
      await stop(
        1,
        `npm start: the Agents Playground did not start (${(error as Error).message.split('\n')[0]}); its log: ${join(runDir, 'playground', 'm365agentsplayground.log')}`,
      );
      return;
    }
    screen.playground = {
      url: `http://localhost:${playground.port}`,
      user: DEFAULT_PLAYGROUND_USER.name,
      wanted: playgroundPort,
    };
  }
  screen.example = mode.kind === 'sandbox' ? SANDBOX_SCENARIOS[0]! : undefined;
  process.stdout.write(startScreen(screen));
}

/**
 * The bot's process: the entry of the mode, with the sandbox's CA trusted in sandbox mode, and an IPC channel on which
 * it says that it listens. What it prints goes to `botLog` (and the terminal with `verbose`); its one-line refusals
 * (`pull-doctor: …` on stderr) are shown in any case.
 */
function startBot(
  mode: StartMode,
  { verbose, runDir, botLog, facts }: { verbose: boolean; runDir: string; botLog: WriteStream; facts: BotStartupFacts },
): ChildProcess {
  // restify 11 loads spdy → http-deceiver, which reads process.binding('http_parser') at import (DEP0111): a warning
  // about a dependency's internals that says nothing to someone trying the bot, so it is not shown.
  const entry = mode.kind === 'sandbox' ? join(root, 'src', 'sandbox', 'main.ts') : join(root, 'src', 'server', 'main.ts');
  const args = ['--disable-warning=DEP0111', '--import', 'tsx', entry];
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (mode.kind === 'sandbox') {
    const { dir, caFile } = ensureSandboxCertificates(join(root, 'data', 'sandbox-tls'));
    args.push('--sandbox-tls-dir', dir);
    // Keep a CA bundle the user already relies on (a corporate proxy's) next to the sandbox's.
    const extra = process.env.NODE_EXTRA_CA_CERTS;
    if (extra && existsSync(extra)) {
      const bundle = join(runDir, 'ca-bundle.pem');
      writeFileSync(bundle, `${readFileSync(extra, 'utf8').trimEnd()}\n${readFileSync(caFile, 'utf8')}`);
      env.NODE_EXTRA_CA_CERTS = bundle;
    } else {
      env.NODE_EXTRA_CA_CERTS = caFile;
    }
  }
  const bot = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  createInterface({ input: bot.stdout! }).on('line', (line) => {
    botLog.write(`${line}\n`);
    facts.observe(line);
    if (verbose) process.stdout.write(`${line}\n`);
  });
  createInterface({ input: bot.stderr! }).on('line', (line) => {
    botLog.write(`${line}\n`);
    const refusal = facts.observeStderr(line);
    if (verbose || refusal) process.stderr.write(`${line}\n`);
  });
  return bot;
}
