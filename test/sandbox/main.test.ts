import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConnectorServer } from '../support/connector-server.js';
import { listeningPort, startEntry, stopEntry } from '../support/entry-process.js';
import { messageActivity, personalChat, postActivity } from '../support/teams-activities.js';
import { cardTexts } from '../support/card-text.js';

const MAIN = join(process.cwd(), 'src', 'sandbox', 'main.ts');

const startMain = (env: Record<string, string>, args: string[] = []) => startEntry(MAIN, env, args);

describe('the sandbox entry point (src/sandbox/main.ts, what npm start runs with nothing configured)', function () {
  this.timeout(30_000);
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pulldoctor-sandbox-main-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses the sandbox in production', async () => {
    const main = startMain(
      {
        NODE_ENV: 'production',
        MicrosoftAppId: '3f8a2c1e-5b7d-4e9f-a1c3-0d2e4f6a8b9c',
        MicrosoftAppType: 'UserAssignedMsi',
        MicrosoftAppTenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
      },
      ['--sandbox-tls-dir', process.env.PULLDOCTOR_TEST_TLS_DIR!],
    );
    const [code] = await once(main.child, 'exit');
    assert.equal(code, 2);
    assert.match(main.stderr(), /the bundled sandbox is for trying Pull Doctor out, not for production/);
  });

  it('with --sandbox-tls-dir, diagnoses the sandbox pods through the real engine and is ready', async () => {
    const tlsDir = process.env.PULLDOCTOR_TEST_TLS_DIR!;
    const main = startMain(
      { PORT: '0', HOME: dir, STORE_SQLITE_PATH: join(dir, 'state.sqlite'), NODE_EXTRA_CA_CERTS: join(tlsDir, 'ca.pem') },
      ['--sandbox-tls-dir', tlsDir],
    );
    const connector = await ConnectorServer.start();
    try {
      const port = await listeningPort(main);
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
      assert.equal(ready.status, 200, JSON.stringify(await ready.clone().json()));
      const chat = personalChat();
      await postActivity(`http://127.0.0.1:${port}`, messageActivity(connector.serviceUrl, chat, 'why is pod web-7d4c9b6f5-x2k8p failing'));
      const update = await connector.waitFor((c) => c.operation === 'update', 20_000);
      const texts = cardTexts((update.activity!.attachments as Array<{ content: unknown }>)[0]!.content);
      assert.ok(texts.some((t) => t.includes('**Sandbox**')));
      const card = (update.activity!.attachments as Array<{ content: { fallbackText?: string } }>)[0]!.content;
      assert.equal(
        card.fallbackText,
        '❌ Kubelet identity of shop-aks has no AcrPull on shopacr',
        'the default namespace is the sandbox namespace',
      );
      assert.ok(texts.includes('shop/web-7d4c9b6f5-x2k8p'), JSON.stringify(texts));
    } finally {
      await connector.stop();
      assert.equal(await stopEntry(main), 0);
    }
  });
});
