import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TokenCredential } from '@azure/identity';
import { compose, type App, type Tuning } from '../../src/app/compose.js';
import type { RegistryNetwork } from '../../src/clients/registry/registry-client.js';
import { parseConfig } from '../../src/config/index.js';
import { createLogger, memorySink, type LogRecord } from '../../src/logging/index.js';
import { sandboxProfile, type SandboxTuning } from '../../src/sandbox/profile.js';
import type { SandboxWorld } from '../../src/sandbox/sandbox-world.js';
import type { Diagnose } from '../../src/teams/diagnosis-cards.js';
import { testTls } from './tls.js';

export interface StartBotOptions {
  /** Configuration, as the entry reads it from the environment. HOME and STORE_SQLITE_PATH default to `dir`. */
  env?: Record<string, string>;
  /** Where the store and HOME are (shared by restarts and replicas); default: a temporary directory, removed at stop. */
  dir?: string;
  /** Run on the bundled sandbox, as `npm start` does (with its timing for tests). */
  sandbox?: boolean | SandboxTuning;
  azureCredential?: TokenCredential | null;
  registryNetwork?: RegistryNetwork;
  /** What the bot diagnoses with instead of the engine over the profile's clusters (stored diagnoses, held ones). */
  diagnose?: Diagnose;
  tuning?: Tuning;
  /** Added to every log record (`replica`), to tell replicas apart. */
  replica?: string;
}

export interface BotUnderTest {
  app: App;
  /** The bot's base URL, on 127.0.0.1 and a free port. */
  url: string;
  logs: LogRecord[];
  /** The sandbox's world, when the bot runs on it. */
  world: SandboxWorld | undefined;
  dir: string;
  /** Graceful stop (turns and follow-ups, up to `timeoutMs`); then the temporary directory goes. */
  stop(timeoutMs?: number): Promise<void>;
}

/**
 * The bot as the entries run it: configuration parsed from `env`, the composition root (src/app/compose.ts) over the
 * configured profile or the sandbox's, logging into memory, listening on 127.0.0.1. Alerts are not started: call
 * `app.alerts.start()` when a test wants the watchers.
 */
export async function startBot(options: StartBotOptions = {}): Promise<BotUnderTest> {
  const ownDir = options.dir === undefined;
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'pulldoctor-bot-'));
  const env = { HOME: dir, STORE_SQLITE_PATH: join(dir, 'state.sqlite'), ...options.env };
  const config = parseConfig(env);
  const sink = memorySink();
  const root = createLogger({ sink, level: 'debug' });
  const log = options.replica === undefined ? root : root.child({ replica: options.replica });
  const tls = testTls();
  const sandbox = options.sandbox === undefined || options.sandbox === false ? undefined : options.sandbox === true ? {} : options.sandbox;
  const profile = sandbox && (await sandboxProfile({ tls: { cert: tls.cert, key: tls.key, ca: tls.ca }, config, log, tuning: sandbox }));
  const app = await compose({
    config,
    env,
    log,
    profile,
    azureCredential: options.azureCredential,
    registryNetwork: options.registryNetwork,
    diagnose: options.diagnose,
    tuning: options.tuning,
  });
  const { url } = await app.server.listen(0, '127.0.0.1');
  let stopped = false;
  return {
    app,
    url,
    logs: sink.records,
    world: profile?.world,
    dir,
    async stop(timeoutMs = 5000) {
      if (stopped) return;
      stopped = true;
      await app.stop(timeoutMs);
      if (ownDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
