// `npm start`: the Teams bot (src/server/main.ts) and, in local mode (no MicrosoftAppId), the Microsoft 365 Agents
// Playground pointed at it on http://localhost:56150 (another port if that one is busy). The Playground runs with the
// loopback-only preload (no telemetry, nothing but 127.0.0.1) and opens a browser only when there is a display.
// Ctrl-C stops both. An entry point: reads process.env.
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig, ConfigError } from '../src/config/index.js';
import { startPlayground, type Playground } from '../test/support/playground.js';

const PLAYGROUND_PORT = 56150;
const root = join(import.meta.dirname, '..');

let config;
try {
  config = parseConfig(process.env);
} catch (error) {
  if (error instanceof ConfigError) {
    process.stderr.write(`npm start: ${error.message}\n`);
    process.exit(2);
  }
  throw error;
}

const bot = spawn(process.execPath, ['--import', 'tsx', join(root, 'src', 'server', 'main.ts')], { cwd: root, env: process.env, stdio: 'inherit' });
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
  for (let i = 0; i < 300; i++) {
    if (bot.exitCode !== null) return false;
    if (await fetch(`${botUrl}/healthz`).then((r) => r.ok, () => false)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

if (!(await botIsUp())) {
  process.stderr.write(`npm start: the bot did not come up on ${botUrl}\n`);
  await stop(1);
} else if (config.bot.auth.mode !== 'local') {
  process.stdout.write(`npm start: MicrosoftAppId is set, so the bot expects Bot Framework tokens; the Agents Playground is not started.\n`);
} else {
  const hasDisplay = process.platform === 'darwin' || process.platform === 'win32' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
  const workDir = join(tmpdir(), 'pull-doctor-playground');
  playground = await startPlayground({
    botUrl,
    port: PLAYGROUND_PORT,
    workDir,
    openBrowser: hasDisplay,
    onOutput: (line) => process.stdout.write(`[playground] ${line}\n`),
  });
  process.stdout.write(
    `\nPull Doctor is running in local mode.\n` +
      `  Agents Playground: http://localhost:${playground.port}  (log: ${playground.logFile})\n` +
      `  Bot endpoint:      ${botUrl}/api/messages\n` +
      `Try: why is pod web-7d4c9 failing in shop   (Ctrl-C to stop)\n\n`,
  );
}
