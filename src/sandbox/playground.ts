// The Microsoft 365 Agents Playground that `npm start` runs next to the bot (and the end-to-end tests drive), and
// the people it plays: the current user who types and the sandbox's approvers.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { SANDBOX_IDS } from './sandbox-identity.js';

/**
 * The people of the Microsoft 365 Agents Playground that `npm start` runs next to the sandbox (its config file is
 * written from these, startPlayground below): the current user who types, and the five other users its
 * config schema requires. In sandbox mode the other users are the fix approvers, so that a fix requested in the
 * Playground can be approved by "someone else" (their approval is sent as the invoke Teams would send).
 */
export interface PlaygroundUser {
  id: string;
  name: string;
  /** Spelled as the Playground's config schema spells it. */
  userPrincipleName: string;
  aadObjectId: string;
  givenName: string;
  surname: string;
  email: string;
}

/** The Playground's tenant: the sandbox's Entra tenant (a fix request must come from a tenant with a GUID id). */
export const PLAYGROUND_TENANT_ID = SANDBOX_IDS.tenantId;

/** Who types in the Playground: a Pull Doctor on-call engineer. */
export const PLAYGROUND_CURRENT_USER: PlaygroundUser = {
  id: 'user-id-0',
  name: 'Dana Oncall',
  userPrincipleName: 'dana@contoso.example',
  aadObjectId: '00000000-0000-0000-0000-0000000000a0',
  givenName: 'Dana',
  surname: 'Oncall',
  email: 'dana@contoso.example',
};

const colleague = (n: number, givenName: string, surname: string): PlaygroundUser => ({
  id: `user-id-${n}`,
  name: `${givenName} ${surname}`,
  userPrincipleName: `${givenName.toLowerCase()}@contoso.example`,
  aadObjectId: `00000000-0000-0000-0000-00000000002${n}`,
  givenName,
  surname,
  email: `${givenName.toLowerCase()}@contoso.example`,
});

/** The Playground's other users (its schema wants exactly five: they make up the group chat and the team). */
export const PLAYGROUND_OTHER_USERS: readonly PlaygroundUser[] = [
  colleague(1, 'Megan', 'Bowen'),
  colleague(2, 'Adele', 'Vance'),
  colleague(3, 'Isaiah', 'Langer'),
  colleague(4, 'Patti', 'Fernandez'),
  colleague(5, 'Lynne', 'Robbins'),
];

/** An approver named for people (sandbox mode shows who they are). */
export interface NamedApprover {
  objectId: string;
  name: string;
}

/**
 * The fix approvers of sandbox mode: the Playground's configured users other than the current one. Never used
 * outside sandbox mode.
 */
export function sandboxApprovers(currentUser: PlaygroundUser = PLAYGROUND_CURRENT_USER): NamedApprover[] {
  return PLAYGROUND_OTHER_USERS.filter((u) => u.aadObjectId.toLowerCase() !== currentUser.aadObjectId.toLowerCase()).map((u) => ({
    objectId: u.aadObjectId.toLowerCase(),
    name: u.name,
  }));
}

/**
 * Starts the Microsoft 365 Agents Playground (@microsoft/m365agentsplayground 0.2.28, bin `agentsplayground`) as a
 * child process pointed at a bot, and stops it.
 *
 * How it works (learned from the package source, dist/index.js):
 *  - `-p PORT` picks its port; with `-p 0` (or a busy port) it takes a free one, and with stdout not a TTY it prints
 *    `Listening on PORT` first: that line is how we learn the port.
 *  - `-e URL` is the bot's messaging endpoint; `-c msteams` makes it behave like Teams (conversationType, tenant).
 *  - The bot's replies go to its mocked Bot Connector at `http://localhost:PORT/_connector` (the `serviceUrl` of
 *    every activity it sends): POST/PUT `/_connector/v3/conversations/{id}/activities[/{activityId}]`.
 *  - Its config file (`.m365agentsplayground.yml` in the working directory, or the path in
 *    M365_AGENTS_PLAYGROUND_CONFIG_PATH) sets the tenant, the bot, the current user, other users, the personal
 *    chat, a group chat and a team with channels. Format: the `defaultConfigFileContent` in dist/index.js.
 *  - It logs to ./devTools/m365agentsplayground.log unless M365_AGENTS_PLAYGROUND_LOGFILE says where.
 *  - It opens a browser unless TEAMSAPPTESTER_BROWSER=none.
 *  - It listens on all interfaces and sends Application Insights telemetry even with --disable-telemetry, so it is
 *    run with src/sandbox/loopback-only.cjs preloaded: servers bind 127.0.0.1, outbound non-loopback connections and
 *    DNS look-ups fail (refusals are printed on its stderr as `[loopback-only] refused ...`).
 *  - The web UI selects the personal chat first; keep end-to-end tests there (channel threads render typing badly).
 */

const require = createRequire(import.meta.url);
const PLAYGROUND_CLI = join(dirname(require.resolve('@microsoft/m365agentsplayground/package.json')), 'cli.js');
export const LOOPBACK_PRELOAD = join(dirname(fileURLToPath(import.meta.url)), 'loopback-only.cjs');

/**
 * The committed Playground config (`.m365agentsplayground.yml` at the project's root): what `npm start` runs the
 * Playground with, and what any Playground started in the project folder reads — the Agents Toolkit's "Debug in
 * Agents Playground" included. It is `playgroundConfigYaml()` for the default user (test/sandbox/playground.test.ts).
 */
export const PLAYGROUND_CONFIG_FILE = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '.m365agentsplayground.yml');

/** The Playground's built-in tenant id (its `defaultConfigFileContent`): 13 digits in the last group, so not a GUID. */
export const PLAYGROUND_DEFAULT_TENANT_ID = '00000000-0000-0000-0000-0000000000001';

/** How much of what the Playground prints is kept for `output()` (the newest part; its log file has the rest). */
const OUTPUT_KEPT_CHARS = 64 * 1024;

/** The signed-in user of the Playground (also the user `npm start` runs it with). */
export const DEFAULT_PLAYGROUND_USER: PlaygroundUser = PLAYGROUND_CURRENT_USER;

export interface PlaygroundOptions {
  /** The bot's base URL, e.g. http://127.0.0.1:3978 (`/api/messages` is added). */
  botUrl: string;
  /** 0 (default) lets it pick a free port. */
  port?: number;
  /** Where its config file and log go. */
  workDir: string;
  /** The signed-in user the Playground plays. Default: a Pull Doctor on-call engineer. */
  currentUser?: PlaygroundUser;
  /**
   * Its config: by default a file written into `workDir` from `currentUser` and `personalChatId`; `{ file }` uses that
   * file as it is (`npm start`: PLAYGROUND_CONFIG_FILE); `'built-in'` gives it none, so that its built-in defaults
   * apply (tenant PLAYGROUND_DEFAULT_TENANT_ID, users Alex Wilber, Megan Bowen…): what a Playground started in a
   * folder without `.m365agentsplayground.yml` plays.
   */
  config?: { file: string } | 'built-in';
  /** Let it open the system browser (npm start with a display). Default false. */
  openBrowser?: boolean;
  /** The conversation id of the personal chat (to recognise it in bot logs). */
  personalChatId?: string;
  /** Each line it prints (stdout and stderr), e.g. to forward to a terminal. */
  onOutput?: (line: string) => void;
  startTimeoutMs?: number;
}

export interface Playground {
  url: string;
  port: number;
  /** The serviceUrl it puts in activities (its mocked Bot Connector). */
  serviceUrl: string;
  logFile: string;
  /** The config it read; undefined when it runs on its built-in defaults. */
  configFile: string | undefined;
  /** What it printed (the newest 64 KB). */
  output(): string;
  stop(): Promise<void>;
}

/**
 * The Playground's config file (schema version 0.1.1). Its schema wants exactly five other `users` (they make up the
 * group chat and the team); a config it rejects makes it exit right after printing `Listening on`.
 */
export function playgroundConfigYaml(options: { currentUser: PlaygroundUser; personalChatId?: string | undefined }): string {
  return stringify({
    version: '0.1.1',
    // A GUID: Pull Doctor records fix requests with the Entra tenant they come from.
    tenantId: PLAYGROUND_TENANT_ID,
    bot: { id: '00000000-0000-0000-0000-00000000000011', name: 'Pull Doctor' },
    currentUser: options.currentUser,
    users: PLAYGROUND_OTHER_USERS,
    personalChat: { id: options.personalChatId ?? 'personal-chat-pull-doctor' },
    groupChat: { id: 'group-chat-pull-doctor', name: 'On-call' },
    team: {
      id: 'team-platform',
      name: 'Platform',
      aadGroupId: '00000000-0000-0000-0000-000000000031',
      channels: [{ id: 'channel-incidents', name: 'Incidents' }],
    },
  });
}

/** Environment for the child: nothing from ours but PATH, so no proxy, token or display leaks in. */
function childEnv(options: PlaygroundOptions, logFile: string, configFile: string | undefined): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: options.workDir,
    M365_AGENTS_PLAYGROUND_LOGFILE: logFile,
    NODE_OPTIONS: '',
  };
  if (configFile !== undefined) env.M365_AGENTS_PLAYGROUND_CONFIG_PATH = configFile;
  if (options.openBrowser) {
    for (const key of ['DISPLAY', 'WAYLAND_DISPLAY', 'XDG_RUNTIME_DIR']) if (process.env[key]) env[key] = process.env[key];
  } else {
    env.TEAMSAPPTESTER_BROWSER = 'none';
  }
  return env;
}

/** The config file the Playground is to read (written into `workDir` unless given), or undefined for its built-in one. */
function configFileFor(options: PlaygroundOptions): string | undefined {
  const { config, workDir } = options;
  if (config === 'built-in') {
    // It would read `.m365agentsplayground.yml` (or the legacy `.teamsapptester.yml`) in its working directory.
    for (const name of ['.m365agentsplayground.yml', '.teamsapptester.yml'])
      if (existsSync(join(workDir, name))) throw new Error(`${join(workDir, name)} exists: the Playground would read it`);
    return undefined;
  }
  if (config !== undefined) return config.file;
  const file = join(workDir, '.m365agentsplayground.yml');
  writeFileSync(
    file,
    playgroundConfigYaml({ currentUser: options.currentUser ?? DEFAULT_PLAYGROUND_USER, personalChatId: options.personalChatId }),
  );
  return file;
}

export async function startPlayground(options: PlaygroundOptions): Promise<Playground> {
  mkdirSync(options.workDir, { recursive: true });
  const logFile = join(options.workDir, 'm365agentsplayground.log');
  const configFile = configFileFor(options);

  const args = [
    '--require',
    LOOPBACK_PRELOAD,
    PLAYGROUND_CLI,
    '-p',
    String(options.port ?? 0),
    '-e',
    `${options.botUrl.replace(/\/+$/, '')}/api/messages`,
    '-c',
    'msteams',
    '--dt',
  ];
  const child = spawn(process.execPath, args, {
    cwd: options.workDir,
    env: childEnv(options, logFile, configFile),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const onChunk = (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    output = (output + text).slice(-OUTPUT_KEPT_CHARS);
    for (const line of text.split('\n')) if (line.trim() !== '') options.onOutput?.(line);
  };
  child.stdout!.on('data', onChunk);
  child.stderr!.on('data', onChunk);

  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => fail(new Error(`the Agents Playground did not start within ${options.startTimeoutMs ?? 20_000} ms:\n${output}`)),
      options.startTimeoutMs ?? 20_000,
    );
    const onData = () => {
      const match = output.match(/Listening on (\d+)/);
      if (match) {
        cleanup();
        resolve(Number(match[1]));
      }
    };
    const onExit = (code: number | null) => fail(new Error(`the Agents Playground exited (code ${code}) before listening:\n${output}`));
    const fail = (error: Error) => {
      cleanup();
      child.kill('SIGKILL');
      reject(error);
    };
    const cleanup = () => {
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      child.off('exit', onExit);
    };
    child.stdout!.on('data', onData);
    child.once('exit', onExit);
  });

  await waitUntilServing(port, child, () => `${output}${readLog(logFile)}`, options.startTimeoutMs ?? 20_000);

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    serviceUrl: `http://localhost:${port}/_connector`,
    logFile,
    configFile,
    output: () => output,
    stop: () => stopChild(child),
  };
}

function readLog(file: string): string {
  try {
    return `\n--- ${file} ---\n${readFileSync(file, 'utf8')}`;
  } catch {
    return '';
  }
}

/**
 * `Listening on` comes before the Playground reads its config and mounts its API; it logs start-up failures to its
 * log file only and stops serving. Ready means `GET /_debug/ping` answers.
 */
async function waitUntilServing(port: number, child: ChildProcess, diagnostics: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    const ok = await fetch(`http://127.0.0.1:${port}/_debug/ping`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`the Agents Playground did not start serving on port ${port}:\n${diagnostics()}`);
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
