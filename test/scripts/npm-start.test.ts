import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureSandboxCertificates } from '../../scripts/lib/dev-certificates.mjs';
import { PLAYGROUND_CURRENT_USER } from '../../src/sandbox/playground.js';
import { SANDBOX_IDS } from '../../src/sandbox/sandbox-identity.js';
import { waitFor } from '../support/wait-for.js';

const ROOT = process.cwd();
/** Exactly what `npm start` runs (package.json), with this Node. */
const START_ARGS = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start
  .split(' ')
  .slice(1);

interface NpmStart {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
}

/** `npm start` as a process, in a home without a kubeconfig (so: the sandbox), its temporary folder `dir`. */
function npmStart(dir: string, env: Record<string, string>, args: string[] = []): NpmStart {
  const child = spawn(process.execPath, [...START_ARGS, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: dir, TMPDIR: dir, STORE_SQLITE_PATH: join(dir, 'state.sqlite'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  return { child, stdout: () => stdout, stderr: () => stderr };
}

/** Another bot on a port: it answers /healthz as ours would, and counts what reaches it. */
async function anotherBot(): Promise<{ server: Server; port: number; requests: string[] }> {
  const requests: string[] = [];
  const server = createHttpServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    res.setHeader('content-type', 'application/json');
    res.end('{"status":"alive"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, requests };
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

const runFolders = (dir: string) => readdirSync(dir).filter((name) => name.startsWith('pull-doctor-'));

/** The value of a row of the start screen ("  Open      http://…"). */
function row(screen: string, label: string): string {
  const line = screen.split('\n').find((l) => l.startsWith(`  ${label.padEnd(9)} `));
  assert.ok(line, `no ${label} row in:\n${screen}`);
  return line.slice(12);
}

const answers = (url: string) =>
  fetch(url).then(
    (r) => r.ok,
    () => false,
  );

describe('npm start, as a process', function () {
  this.timeout(120_000);
  let dir: string;
  before(() => {
    // What npm start makes on first use, made once here so that two runs at once do not both make it.
    ensureSandboxCertificates(join(ROOT, 'data', 'sandbox-tls'));
  });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pulldoctor-npm-start-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('with the bot port taken by another process, exits 1 at once with one clear line, without touching that process or starting anything', async () => {
    const other = await anotherBot();
    try {
      const started = Date.now();
      const run = npmStart(dir, { PORT: String(other.port) });
      const [code] = await once(run.child, 'exit');
      assert.equal(code, 1);
      assert.equal(
        run.stderr(),
        `npm start: port ${other.port} on 127.0.0.1 is already in use (another Pull Doctor, or another program), so the bot cannot listen there: stop that process or set PORT to a free port.\n`,
      );
      assert.equal(run.stdout(), '', 'nothing says it runs');
      assert.deepEqual(other.requests, [], 'no health check reached the other process');
      assert.deepEqual(runFolders(dir), [], 'no bot, no Playground, no run folder');
      assert.ok(Date.now() - started < 30_000, 'within seconds (it used to wait for a health check, then a stack trace)');
    } finally {
      other.server.close();
    }
  });

  it('with PLAYGROUND_PORT taken, exits 1 with one clear line before starting the bot', async () => {
    const other = await anotherBot();
    try {
      const run = npmStart(dir, { PORT: '0', PLAYGROUND_PORT: String(other.port) });
      const [code] = await once(run.child, 'exit');
      assert.equal(code, 1);
      assert.match(
        run.stderr(),
        new RegExp(`^npm start: port ${other.port} on 127\\.0\\.0\\.1 \\(PLAYGROUND_PORT\\) is already in use[^\\n]*\\n$`),
      );
      assert.equal(run.stdout(), '');
      assert.deepEqual(runFolders(dir), []);
    } finally {
      other.server.close();
    }
  });

  it("shows the bot's own one-line refusal, alone, and exits with its code", async () => {
    const run = npmStart(dir, { NODE_ENV: 'production', PORT: '0' });
    const [code] = await once(run.child, 'exit');
    assert.equal(code, 2);
    assert.equal(
      run.stderr(),
      'pull-doctor: the sandbox with NODE_ENV=production: the bundled sandbox is for trying Pull Doctor out, not for production\n',
    );
    assert.equal(run.stdout(), '');
  });

  describe('on the sandbox, twice at once', () => {
    let first: NpmStart;
    let second: NpmStart;
    let playgroundPort: number;
    let screens: [string, string];
    let runs: string;

    before(async () => {
      runs = mkdtempSync(join(tmpdir(), 'pulldoctor-npm-start-'));
      const dir = runs;
      playgroundPort = await freePort();
      first = npmStart(dir, { PORT: '0', PLAYGROUND_PORT: String(playgroundPort) });
      second = npmStart(dir, { PORT: '0', PLAYGROUND_PORT: '0', STORE_SQLITE_PATH: join(dir, 'second.sqlite') });
      for (const run of [first, second])
        await waitFor(
          `the start screen\n${run.stdout()}${run.stderr()}`,
          () => run.stdout().includes('Ctrl-C stops') || run.child.exitCode !== null,
          100_000,
        );
      screens = [first.stdout(), second.stdout()];
    });

    after(async () => {
      for (const run of [first, second]) if (run?.child.exitCode === null) run.child.kill('SIGKILL');
      rmSync(runs, { recursive: true, force: true });
    });

    it('prints one calm screen: where to click, which mode, which cluster, what to try, where the logs are', () => {
      const [screen] = screens;
      assert.equal(first.stderr(), '', 'nothing on stderr');
      assert.equal(row(screen, 'Open'), `http://localhost:${playgroundPort} — the Agents Playground; you are Dana Oncall`);
      assert.equal(row(screen, 'Mode'), 'sandbox, because no MicrosoftAppId, no kubeconfig and no PULLDOCTOR_CONFIG');
      assert.match(
        row(screen, 'Cluster'),
        /^shop-aks \(fake, in the bot's process, with its Azure and registries\): 15 pods in namespace shop$/,
      );
      assert.equal(row(screen, 'Try'), 'why is pod web-7d4c9b6f5-x2k8p failing in shop');
      assert.match(row(screen, 'Bot'), /^http:\/\/127\.0\.0\.1:\d+\/api\/messages — local mode: only this machine can reach it$/);
      assert.match(row(screen, 'Logs'), new RegExp(`^${runs}/pull-doctor-\\w+ \\(npm start -- --verbose shows them here\\)$`));
    });

    it('shows no log record, loopback refusal or leader-election warning: they are in the run folder', () => {
      for (const output of [...screens, first.stderr(), second.stderr()]) {
        assert.doesNotMatch(output, /^\{/m, 'no JSON log line');
        assert.doesNotMatch(output, /loopback-only|refused/);
        assert.doesNotMatch(output, /LEADER_ELECTION/);
      }
      const logs = row(screens[0], 'Logs').split(' ')[0]!;
      const records = readFileSync(join(logs, 'bot.log'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { msg: string });
      assert.ok(records.some((r) => r.msg === 'listening'));
      assert.ok(records.some((r) => r.msg.startsWith('no LEADER_ELECTION_NAMESPACE')));
      assert.match(readFileSync(join(logs, 'playground-output.log'), 'utf8'), /\[loopback-only\] refused/);
    });

    it('runs the bot it says, and the Playground on PLAYGROUND_PORT with the committed config (the sandbox tenant, Dana Oncall)', async () => {
      const bot = row(screens[0], 'Bot').split(' ')[0]!.replace('/api/messages', '');
      assert.ok(await answers(`${bot}/healthz`));
      assert.ok(await answers(`http://127.0.0.1:${playgroundPort}/_debug/ping`));
      const template = await fetch(
        `http://127.0.0.1:${playgroundPort}/_internal/v1/customActivities/template?conversationId=personal-chat-pull-doctor`,
      );
      const activity = (await template.json()) as { conversation: { tenantId: string }; from: { aadObjectId: string } };
      assert.equal(activity.conversation.tenantId, SANDBOX_IDS.tenantId);
      assert.equal(activity.from.aadObjectId, PLAYGROUND_CURRENT_USER.aadObjectId);
    });

    it('gives each npm start its own folder, its own Playground and its own bot', async () => {
      const [a, b] = screens.map((s) => row(s, 'Logs').split(' ')[0]!);
      assert.notEqual(a, b);
      for (const folder of [a!, b!]) assert.ok(existsSync(join(folder, 'playground', 'm365agentsplayground.log')), folder);
      const [openA, openB] = screens.map((s) => row(s, 'Open').split(' ')[0]!);
      const [botA, botB] = screens.map((s) => row(s, 'Bot').split(' ')[0]!);
      assert.notEqual(openA, openB);
      assert.notEqual(botA, botB);
      assert.ok(await answers(`${openB!.replace('localhost', '127.0.0.1')}/_debug/ping`));
    });

    it('stops both on Ctrl-C, and says where the logs stay', async () => {
      const bot = row(screens[0], 'Bot').split(' ')[0]!.replace('/api/messages', '');
      for (const run of [first, second]) {
        const exited = once(run.child, 'exit');
        run.child.kill('SIGINT');
        assert.deepEqual(await exited, [0, null]);
      }
      assert.match(first.stdout(), /Pull Doctor stopped\. Its logs are in .*pull-doctor-\w+\n$/);
      assert.equal(await answers(`${bot}/healthz`), false);
      assert.equal(await answers(`http://127.0.0.1:${playgroundPort}/_debug/ping`), false);
    });
  });
});
