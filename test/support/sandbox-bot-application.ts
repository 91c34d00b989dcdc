import { join } from 'node:path';
import { startBotApplication, type BotApplication, type BotApplicationOptions } from '../../src/app/bot-application.js';
import { parseConfig } from '../../src/config/index.js';
import { createLogger, memorySink, type LogRecord } from '../../src/logging/index.js';
import type { FixRequest, FixRequestHandler } from '../../src/teams/fix-request-handler.js';
import { testTls } from './tls.js';

export interface SandboxBotApplication {
  app: BotApplication;
  /** The bot's endpoint base, on 127.0.0.1 and a free port. */
  url: string;
  logs: LogRecord[];
}

/**
 * The bot application as `npm start` runs it on the sandbox — its state in a SQLite file in `workDir`, HOME there
 * too, logging into memory — listening on 127.0.0.1. `env` adds settings; the other options are passed on.
 */
export async function startSandboxBotApplication(
  workDir: string,
  options: Partial<Omit<BotApplicationOptions, 'config' | 'env' | 'log' | 'sandboxTls'>> & { env?: Record<string, string> } = {},
): Promise<SandboxBotApplication> {
  const { env = {}, ...rest } = options;
  const tls = testTls();
  const sink = memorySink();
  const app = await startBotApplication({
    config: parseConfig({ STORE_SQLITE_PATH: join(workDir, 'state.sqlite'), ...env }),
    env: { HOME: workDir },
    log: createLogger({ sink, level: 'debug' }),
    sandboxTls: { cert: tls.cert, key: tls.key, ca: tls.ca },
    ...rest,
  });
  const { url } = await app.server.listen(0, '127.0.0.1');
  return { app, url, logs: sink.records };
}

/** Stands in for the approval flow: records the requests it would send for approval, and answers with `reference`. */
export class RecordingFixRequests implements FixRequestHandler {
  readonly requests: FixRequest[] = [];
  constructor(private readonly reference: string) {}
  async requestFix(request: FixRequest) {
    this.requests.push(request);
    return { reference: this.reference, nextStep: 'An approver has been asked.' };
  }
}
