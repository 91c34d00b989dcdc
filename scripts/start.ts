// `npm start`: the Teams bot (src/server/main.ts, or the sandbox's entry src/sandbox/main.ts) and, in local mode (no MicrosoftAppId), the Microsoft 365 Agents
// Playground pointed at it on http://localhost:56150 (another port if that one is busy). The Playground runs with the
// loopback-only preload (no telemetry, nothing but 127.0.0.1) and opens a browser only when there is a display.
//
// With nothing configured (no MicrosoftAppId, no kubeconfig, no PULLDOCTOR_CONFIG) — or with `npm start -- --sandbox`
// — the bot runs on the bundled sandbox: a fake AKS cluster, ARM and registries inside the bot's process, served over
// HTTPS with a throwaway CA made here (data/sandbox-tls). Node trusts an extra CA only through NODE_EXTRA_CA_CERTS
// read at start-up, hence the bot runs in a child process started with it.
//
// Ctrl-C stops both. An entry point: reads process.env.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { parseConfig, ConfigError, type Env } from '../src/config/index.js';
import { startPlayground, type Playground } from '../src/sandbox/playground.js';
import { SANDBOX_SCENARIOS } from '../src/sandbox/sandbox-scenarios.js';
import { ensureSandboxCertificates } from './lib/dev-certificates.mjs';

const PLAYGROUND_PORT = 56150;
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

// Started as `npm start` (not imported by a test of chooseStartMode).
if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) await start();

async function start(): Promise<void> {
  let config;
  let forceSandbox = false;
  try {
    forceSandbox = parseArgs({ args: process.argv.slice(2), options: { sandbox: { type: 'boolean' } } }).values.sandbox ?? false;
    config = parseConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError || (error as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      process.stderr.write(`npm start: ${(error as Error).message}\n`);
      process.exit(2);
    }
    throw error;
  }

  const mode = chooseStartMode(process.env, { forceSandbox, fileExists: existsSync });
  // restify 11 loads spdy → http-deceiver, which reads process.binding('http_parser') at import (DEP0111): a warning
  // about a dependency's internals that says nothing to someone trying the bot, so it is not shown.
  const entry = mode.kind === 'sandbox' ? join(root, 'src', 'sandbox', 'main.ts') : join(root, 'src', 'server', 'main.ts');
  const botArgs = ['--disable-warning=DEP0111', '--import', 'tsx', entry];
  const botEnv: NodeJS.ProcessEnv = { ...process.env };
  if (mode.kind === 'sandbox') {
    const { dir, caFile } = ensureSandboxCertificates(join(root, 'data', 'sandbox-tls'));
    botArgs.push('--sandbox-tls-dir', dir);
    // Keep a CA bundle the user already relies on (a corporate proxy's) next to the sandbox's.
    const extra = process.env.NODE_EXTRA_CA_CERTS;
    if (extra && existsSync(extra)) {
      const bundle = join(dir, 'ca-bundle.pem');
      writeFileSync(bundle, `${readFileSync(extra, 'utf8').trimEnd()}\n${readFileSync(caFile, 'utf8')}`);
      botEnv.NODE_EXTRA_CA_CERTS = bundle;
    } else {
      botEnv.NODE_EXTRA_CA_CERTS = caFile;
    }
  }

  const bot = spawn(process.execPath, botArgs, { cwd: root, env: botEnv, stdio: 'inherit' });
  let playground: Playground | undefined;
  let stopping = false;

  async function stop(code: number): Promise<void> {
    if (stopping) return;
    stopping = true;
    await playground?.stop();
    if (bot.exitCode === null) {
      bot.kill('SIGTERM');
      await new Promise((resolve) => bot.once('exit', resolve));
    }
    process.exit(code);
  }
  process.once('SIGINT', () => void stop(0));
  process.once('SIGTERM', () => void stop(0));
  bot.once('exit', (code) => void stop(code ?? 1));

  const botUrl = `http://127.0.0.1:${config.bot.port}`;
  async function botIsUp(): Promise<boolean> {
    for (let i = 0; i < 600; i++) {
      if (bot.exitCode !== null) return false;
      if (
        await fetch(`${botUrl}/healthz`).then(
          (r) => r.ok,
          () => false,
        )
      )
        return true;
      await new Promise((r) => setTimeout(r, 100));
    }
    return false;
  }

  const what =
    mode.kind === 'sandbox'
      ? `on the bundled sandbox (${mode.reason}): every card says "Sandbox"`
      : `on the configured cluster (${mode.reason}); \`npm start -- --sandbox\` runs the bundled sandbox instead`;

  if (!(await botIsUp())) {
    process.stderr.write(`npm start: the bot did not come up on ${botUrl}\n`);
    await stop(1);
  } else if (config.bot.auth.mode !== 'local') {
    process.stdout.write(
      `npm start: MicrosoftAppId is set, so the bot expects Bot Framework tokens; the Agents Playground is not started.\n`,
    );
  } else {
    const hasDisplay =
      process.platform === 'darwin' || process.platform === 'win32' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
    const workDir = join(tmpdir(), 'pull-doctor-playground');
    playground = await startPlayground({
      botUrl,
      port: PLAYGROUND_PORT,
      workDir,
      openBrowser: hasDisplay,
      onOutput: (line) => process.stdout.write(`[playground] ${line}\n`),
    });
    const example = SANDBOX_SCENARIOS[0]!;
    process.stdout.write(
      `\nPull Doctor is running in local mode ${what}.\n` +
        `  Agents Playground: http://localhost:${playground.port}  (log: ${playground.logFile})\n` +
        `  Bot endpoint:      ${botUrl}/api/messages   (readiness: ${botUrl}/readyz)\n` +
        (mode.kind === 'sandbox'
          ? `Try: why is pod ${example.pod} failing in ${example.namespace}   (the welcome card lists every sandbox pod; Ctrl-C to stop)\n\n`
          : `Try: why is pod NAME failing in NAMESPACE   (Ctrl-C to stop)\n\n`),
    );
  }
}
