import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';

/** An entry point (src/server/main.ts, src/sandbox/main.ts) run as a process, as `npm start` or the image runs it. */
export interface EntryProcess {
  child: ReturnType<typeof spawn>;
  stdout(): string;
  stderr(): string;
}

/** Starts `entry` with tsx, only PATH and `env` in its environment. */
export function startEntry(entry: string, env: Record<string, string>, args: string[] = []): EntryProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', entry, ...args], {
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  return { child, stdout: () => stdout, stderr: () => stderr };
}

/** The port of the entry's "listening" log record, once it listens. */
export async function listeningPort(main: EntryProcess): Promise<number> {
  for (let i = 0; i < 300; i++) {
    const listening = main
      .stdout()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((r) => r.msg === 'listening');
    if (listening) return listening.port as number;
    if (main.child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`no "listening" record in ${main.stdout()}${main.stderr()}`);
}

/** SIGTERM, and the exit code. */
export async function stopEntry(main: EntryProcess): Promise<number> {
  main.child.kill('SIGTERM');
  const [code] = await once(main.child, 'exit');
  return code as number;
}
