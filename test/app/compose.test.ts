import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LogRecord } from '../../src/logging/index.js';
import type { App } from '../../src/app/compose.js';
import type { SandboxWorld } from '../../src/sandbox/sandbox-world.js';
import { ConnectorServer, type ConnectorCall } from '../support/connector-server.js';
import { cardActionInvoke, messageActivity, personalChat, postActivity } from '../support/teams-activities.js';
import { adaptiveCardProblems } from '../support/adaptive-card-validator.js';
import { cardTexts, executeActions } from '../support/card-text.js';
import { startBot } from '../support/bot.js';

function cardOf(call: ConnectorCall): Record<string, unknown> {
  return (call.activity!.attachments as Array<{ content: Record<string, unknown> }>)[0]!.content;
}

describe('the bot application on the sandbox (store, real engine, Teams bot, server)', function () {
  this.timeout(30_000);
  let dir: string;
  let app: App;
  let url: string;
  let connector: ConnectorServer;
  let logs: LogRecord[];
  let world: SandboxWorld | undefined;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pulldoctor-app-'));
    // Every /readyz checks again (the cache of readiness reports is tested in test/server/bot-server.test.ts).
    ({ app, url, logs, world } = await startBot({ dir, sandbox: true, tuning: { readinessCacheMs: 0 } }));
    connector = await ConnectorServer.start();
  });

  after(async () => {
    await app?.stop(2000);
    await connector?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function ask(text: string): Promise<{ chat: ReturnType<typeof personalChat>; update: ConnectorCall }> {
    const chat = personalChat();
    await postActivity(url, messageActivity(connector.serviceUrl, chat, text));
    const update = await connector.waitFor((c) => c.operation === 'update' && c.conversationId === chat.id, 15_000);
    return { chat, update };
  }

  it('answers a question about a sandbox pod with its diagnosis, labelled Sandbox', async () => {
    const { update } = await ask('why is pod web-7d4c9b6f5-x2k8p failing in shop');
    const card = cardOf(update);
    const texts = cardTexts(card);
    assert.equal(texts[0], '🧪 **Sandbox** — bundled demo cluster, not a real one');
    assert.equal(card.fallbackText, '❌ Kubelet identity of shop-aks has no AcrPull on shopacr', 'the root cause is the title line');
    assert.ok(texts.includes('Unauthorized (401)'), JSON.stringify(texts));
    assert.ok(texts.includes('shopacr.azurecr.io/shop/web:2.4.1'), JSON.stringify(texts));
    assert.deepEqual(
      executeActions(card).map((a) => a.title),
      ['Request fix', 'Re-run checks', 'Show events'],
      'the fix approval flow is wired on the sandbox',
    );
    assert.deepEqual(adaptiveCardProblems(card), []);
  });

  it('names similar pods when the pod does not exist, and diagnoses one from its button', async () => {
    const { chat, update } = await ask('why is pod web-7d4c9b6f5-x2k8q failing in shop');
    const texts = cardTexts(cardOf(update));
    assert.equal(texts[1], 'Pod not found');
    assert.ok(
      texts.some((t) => t.startsWith('No pod "web-7d4c9b6f5-x2k8q" in namespace "shop".')),
      JSON.stringify(texts),
    );
    const suggestion = executeActions(cardOf(update)).find((a) => a.title === 'Diagnose web-7d4c9b6f5-x2k8p');
    assert.ok(suggestion);
    await postActivity(url, cardActionInvoke(connector.serviceUrl, chat, update.activityId!, suggestion));
    await connector.waitFor(
      (c) =>
        c.operation === 'update' &&
        c.activityId === update.activityId &&
        cardOf(c).fallbackText === '❌ Kubelet identity of shop-aks has no AcrPull on shopacr',
      15_000,
    );
  });

  it('shows a cluster failure as the error card describeError gives, never a stack trace', async () => {
    world!.kube.failNext(1, 403, { verb: 'get', resource: 'pods' });
    const { update } = await ask('diagnose cache-3f2e1d0c9-c7d8e -n shop');
    const texts = cardTexts(cardOf(update));
    assert.equal(texts[1], 'Not allowed to read this from Kubernetes');
    assert.ok(
      texts.some((t) => t.startsWith('Grant Pull Doctor\'s identity "get" on "pods"')),
      JSON.stringify(texts),
    );
    assert.ok(texts.includes('Error code KUBE_FORBIDDEN'));
    assert.ok(!JSON.stringify(texts).includes('    at '), 'no stack trace');
  });

  it('welcomes a newcomer with the sandbox pods to try and what each one shows', async () => {
    const chat = personalChat();
    await postActivity(url, messageActivity(connector.serviceUrl, chat, 'help'));
    const texts = cardTexts(cardOf(await connector.waitFor((c) => c.conversationId === chat.id)));
    assert.ok(texts.includes('Pods to try'));
    assert.ok(texts.includes('Ask for example: why is pod web-7d4c9b6f5-x2k8p failing in shop'));
    for (const scenario of world!.scenarios)
      assert.ok(
        texts.some((t) => t.startsWith(`• **${scenario.pod}** — `)),
        `${scenario.pod} in ${JSON.stringify(texts)}`,
      );
  });

  it('is ready when the store and the Kubernetes API answer, and says which one does not', async () => {
    const ready = await fetch(`${url}/readyz`);
    assert.equal(ready.status, 200);
    await world!.kube.setDown(true);
    try {
      const down = await fetch(`${url}/readyz`);
      assert.equal(down.status, 503);
      const body = (await down.json()) as { checks: Array<{ name: string; ok: boolean; reason?: string }> };
      assert.deepEqual(
        body.checks.find((c) => c.name === 'kubernetes'),
        { name: 'kubernetes', ok: false, reason: 'The Kubernetes API server cannot be reached' },
      );
      assert.ok(body.checks.find((c) => c.name === 'state-store')!.ok);
    } finally {
      await world!.kube.setDown(false);
    }
    assert.ok(logs.some((r) => r.msg === 'not ready'));
  });
});
