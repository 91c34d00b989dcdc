import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listeningPort, startEntry, stopEntry } from '../support/entry-process.js';

const MAIN = join(process.cwd(), 'src', 'server', 'main.ts');

const startMain = (env: Record<string, string>, args: string[] = []) => startEntry(MAIN, env, args);

describe('the server entry point', function () {
  this.timeout(30_000);
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pulldoctor-main-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses to start in production without an app id, with a clear message and exit code 2', async () => {
    const main = startMain({ NODE_ENV: 'production', STORE_SQLITE_PATH: join(dir, 'state.sqlite') });
    const [code] = await once(main.child, 'exit');
    assert.equal(code, 2);
    assert.match(main.stderr(), /MicrosoftAppId is not set but NODE_ENV=production: the bot would accept unauthenticated requests/);
  });

  it('refuses unauthenticated local mode with a kubeconfig, an Azure identity and approvers (any NODE_ENV but production), exit code 2', async () => {
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(
      kubeconfig,
      'apiVersion: v1\nkind: Config\nclusters:\n- name: shop-aks\n  cluster: {server: "https://127.0.0.1:9"}\nusers:\n- name: u\n  user: {token: t}\ncontexts:\n- name: shop-aks\n  context: {cluster: shop-aks, user: u}\ncurrent-context: shop-aks\n',
    );
    const main = startMain({
      NODE_ENV: 'prod',
      HOME: dir,
      KUBECONFIG: kubeconfig,
      AZURE_CREDENTIAL: 'cli',
      APPROVERS: '4e1d7c2a-9b3f-4a8e-8c6d-5f0a1b2c3d4e',
      STORE_SQLITE_PATH: join(dir, 'state.sqlite'),
    });
    const [code] = await once(main.child, 'exit');
    assert.equal(code, 2, main.stderr());
    assert.match(
      main.stderr(),
      /MicrosoftAppId is not set, so requests are not authenticated \(local mode\), but real credentials \(the cluster shop-aks, an Azure identity \(AZURE_CREDENTIAL=cli\)\) and approvers \(APPROVERS\) are configured/,
    );
    assert.match(main.stderr(), /or set LOCAL_MODE=true/);
  });

  it('lists every configuration problem and exits 2', async () => {
    const main = startMain({ MicrosoftAppId: 'nope', PORT: 'eighty' });
    const [code] = await once(main.child, 'exit');
    assert.equal(code, 2);
    assert.match(main.stderr(), /MicrosoftAppId must be a GUID/);
    assert.match(main.stderr(), /PORT must be a whole number/);
  });

  it('takes no arguments: the sandbox has its own entry (src/sandbox/main.ts)', async () => {
    const main = startMain({ STORE_SQLITE_PATH: join(dir, 'state.sqlite') }, ['--sandbox-tls-dir', dir]);
    const [code] = await once(main.child, 'exit');
    assert.equal(code, 2);
    assert.match(main.stderr(), /Unknown option '--sandbox-tls-dir'/);
  });

  it('without a cluster, serves in local mode on 127.0.0.1, is not ready (saying why), and stops cleanly on SIGTERM', async () => {
    const main = startMain({ PORT: '0', HOME: dir, STORE_SQLITE_PATH: join(dir, 'state.sqlite') });
    const port = await listeningPort(main);
    assert.equal((await fetch(`http://127.0.0.1:${port}/healthz`)).status, 200);
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    assert.equal(ready.status, 503);
    assert.deepEqual(await ready.json(), {
      status: 'not-ready',
      checks: [
        { name: 'config', ok: true },
        { name: 'state-store', ok: true },
        { name: 'kubernetes', ok: false, reason: 'The kubeconfig cannot be used' },
      ],
    });
    assert.equal(await stopEntry(main), 0);
    assert.ok(main.stdout().includes('"msg":"stopped"'));
  });

  it('says in one line that its port is taken, without a stack trace, and exits 1', async () => {
    // Another bot on the port: it even answers /healthz.
    const other = createServer((_req, res) => res.end('{"status":"alive"}'));
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const port = (other.address() as { port: number }).port;
    try {
      const main = startMain({ PORT: String(port), HOME: dir, STORE_SQLITE_PATH: join(dir, 'state.sqlite') });
      const [code] = await once(main.child, 'exit');
      assert.equal(code, 1);
      assert.equal(
        main.stderr(),
        `pull-doctor: cannot listen on 127.0.0.1:${port}: the port is already in use (another Pull Doctor, or another program): stop it or set PORT\n`,
      );
      assert.ok(main.stdout().includes('"msg":"cannot listen"'), 'and logs it');
    } finally {
      other.close();
    }
  });

  it('started with an IPC channel (npm start), says there that it listens and where, and stops when that channel closes', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
      env: { PATH: process.env.PATH, PORT: '0', HOME: dir, STORE_SQLITE_PATH: join(dir, 'state.sqlite') },
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
    });
    const [message] = (await once(child, 'message')) as [{ kind: string; url: string }];
    assert.equal(message.kind, 'pull-doctor:listening');
    assert.match(message.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal((await fetch(`${message.url}/healthz`)).status, 200, 'the URL is its own');
    const exited = once(child, 'exit');
    child.disconnect();
    const [code] = await exited;
    assert.equal(code, 0, 'a parent that went away leaves no bot behind');
  });
});
