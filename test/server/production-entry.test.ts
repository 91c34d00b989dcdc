import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cardTexts } from '../support/card-text.js';
import { ConnectorServer } from '../support/connector-server.js';
import { messageActivity, personalChat, postActivity } from '../support/teams-activities.js';

const ROOT = process.cwd();
const MAIN = join(ROOT, 'src', 'server', 'main.ts');
const RECORDER = join(ROOT, 'test', 'support', 'record-loaded-modules.mjs');

describe('the production entry (src/server/main.ts)', function () {
  this.timeout(30_000);
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pulldoctor-production-entry-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('loads no module of the sandbox (fake servers) nor of the tests, while it serves a turn', async () => {
    const loaded = join(dir, 'loaded-modules.txt');
    const env = { PATH: process.env.PATH, HOME: dir, PORT: '0', STORE_SQLITE_PATH: join(dir, 'state.sqlite'), LOADED_MODULES_FILE: loaded };
    const child = spawn(process.execPath, ['--import', 'tsx', '--import', pathToFileURL(RECORDER).href, MAIN], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    const connector = await ConnectorServer.start();
    try {
      let port: number | undefined;
      for (let i = 0; i < 400 && port === undefined && child.exitCode === null; i++) {
        const listening = stdout.split('\n').find((l) => l.includes('"msg":"listening"'));
        if (listening) port = (JSON.parse(listening) as { port: number }).port;
        else await new Promise((r) => setTimeout(r, 50));
      }
      assert.ok(port, `the entry did not listen: ${stdout}`);
      // A turn (help, and a diagnosis that says no cluster is configured) loads whatever a turn needs.
      const chat = personalChat();
      await postActivity(`http://127.0.0.1:${port}`, messageActivity(connector.serviceUrl, chat, 'help'));
      await postActivity(`http://127.0.0.1:${port}`, messageActivity(connector.serviceUrl, chat, 'why is pod web-1 failing in shop'));
      const update = await connector.waitFor((c) => c.operation === 'update', 20_000);
      assert.ok(
        cardTexts((update.activity!.attachments as Array<{ content: unknown }>)[0]!.content).includes(
          'No cluster is configured for this bot, so there is nothing to diagnose yet.',
        ),
      );
    } finally {
      await connector.stop();
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
    const urls = readFileSync(loaded, 'utf8')
      .split('\n')
      .filter((u) => u.startsWith(pathToFileURL(ROOT).href) && !u.includes('/node_modules/'));
    const ours = urls.map((u) => u.slice(pathToFileURL(ROOT).href.length + 1));
    // The recorder sees what it should: the entry, the composition root, the Teams bot.
    for (const file of ['src/server/main.ts', 'src/app/compose.ts', 'src/teams/bot.ts'])
      assert.ok(ours.includes(file), `${file} in ${ours.join(', ')}`);
    const forbidden = [
      ...new Set(
        ours.filter((f) => f.startsWith('src/sandbox/') || (f.startsWith('test/') && f !== 'test/support/record-loaded-modules.mjs')),
      ),
    ];
    assert.deepEqual(forbidden, []);
  });
});
