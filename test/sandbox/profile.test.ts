import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AlertService } from '../../src/alerts/alert-service.js';
import type { FixRequest as StoredFixRequest } from '../../src/fixes/index.js';
import type { App } from '../../src/app/compose.js';
import { OUTAGE_POD } from '../../src/sandbox/profile.js';
import { adaptiveCardProblems } from '../support/adaptive-card-validator.js';
import { cardOf, isAlertCard } from '../support/alerting-bot.js';
import { cardTexts, executeActions } from '../support/card-text.js';
import { ConnectorServer, type ConnectorCall } from '../support/connector-server.js';
import { ManualClock } from '../support/manual-clock.js';
import { cardActionInvoke, messageActivity, personalChat, postActivity, USER, type Conversation } from '../support/teams-activities.js';
import { startBot, type BotUnderTest } from '../support/bot.js';
import { waitFor } from '../support/wait-for.js';

const SANDBOX_GRACE_MS = 10_000;

describe('alerts on the sandbox (npm start)', function () {
  this.timeout(30_000);
  let dir: string;
  let bot: BotUnderTest | undefined;
  let app: App;
  let url: string;
  let connector: ConnectorServer;
  let clock: ManualClock;

  async function start(env: Record<string, string> = {}): Promise<void> {
    bot = await startBot({ dir, env, sandbox: { clock }, tuning: { alerts: { clock } } });
    ({ app, url } = bot);
  }

  const service = (): AlertService => app.alerts!.services.get('shop-aks')!;
  const idle = () => waitFor('the alert machinery to be idle', () => (service().engine?.busy ?? 0) === 0, 10_000);

  async function startAlerts(): Promise<void> {
    await app.alerts!.start();
    await waitFor('the watch to be synced', () => service().engine?.watcher.isSynced('shop') === true);
  }

  async function say(chat: Conversation, text: string): Promise<string[]> {
    const before = connector.calls.length;
    await postActivity(url, messageActivity(connector.serviceUrl, chat, text));
    const reply = await connector.waitFor(
      (c) => connector.calls.indexOf(c) >= before && c.conversationId === chat.id && c.activity?.type === 'message',
    );
    return cardTexts(cardOf(reply));
  }

  const alertsIn = (chat: Conversation): ConnectorCall[] => connector.calls.filter((c) => c.conversationId === chat.id && isAlertCard(c));

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pulldoctor-sandbox-alerts-'));
    connector = await ConnectorServer.start();
    clock = new ManualClock(Date.now());
  });
  afterEach(async () => {
    await bot?.stop(2000);
    bot = undefined;
    await connector.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('after "alerts on", breaks the healthy storefront pod and posts its alert card once the short grace period has passed', async () => {
    await start();
    await startAlerts();
    // The sandbox's failing pods are alerted first, to nobody: no conversation has said "alerts on" yet.
    await clock.advance(SANDBOX_GRACE_MS);
    await waitFor('the sandbox pods to be alerted', () => service().metrics.total('alerts_raised_total') >= 10, 10_000);
    await idle();

    const chat = personalChat();
    const on = await say(chat, 'alerts on');
    assert.equal(on[1], '🔔 Alerts are on here for every namespace.');
    // Not "all clear": the sandbox's broken pods are listed, grouped by workload, with a Diagnose button each.
    assert.match(on[2]!, /^🔴 1\d failing pods in any namespace$/);
    assert.ok(
      on.some((t) => t.startsWith('**shop/web-7d4c9b6f5-x2k8p** · ImagePullBackOff')),
      JSON.stringify(on),
    );
    assert.ok(
      on.some((t) => t.startsWith(`🧪 Sandbox: in 3 seconds the healthy pod ${OUTAGE_POD} gets a bad rollout`)),
      JSON.stringify(on),
    );

    await clock.advance(3_000);
    await waitFor('the bad rollout to be noticed', () => service().engine!.detector.pending === 1);
    await clock.advance(SANDBOX_GRACE_MS);
    await idle();
    const [alert, ...more] = alertsIn(chat);
    assert.equal(more.length, 0, 'exactly one card: the storefront');
    const texts = cardTexts(cardOf(alert!));
    assert.equal(texts[0], '🧪 **Sandbox** — bundled demo cluster, not a real one');
    assert.equal(
      cardOf(alert!).fallbackText,
      '🔔 Deployment storefront (shop on shop-aks): Tag 3.1 does not exist in shopacr.azurecr.io/shop/storefront',
    );
    assert.ok(texts.includes('shopacr.azurecr.io/shop/storefront:3.1'), JSON.stringify(texts));
    assert.deepEqual(adaptiveCardProblems(cardOf(alert!)), []);

    await clock.advance(90_000);
    await connector.waitFor(
      (c) =>
        c.operation === 'update' && c.activityId === alert!.resultId && String(cardOf(c).fallbackText).startsWith('✅ Resolved after '),
    );
  });

  it('offers Request fix on an alert whose diagnosis proposes one, and hands the stored fix to the approval flow', async () => {
    await start({ ALERT_FLOOD_THRESHOLD: '20' });
    const chat = personalChat();
    await say(chat, 'alerts on');
    await startAlerts();
    const web = () => alertsIn(chat).find((c) => String(cardOf(c).fallbackText).startsWith('🔔 Deployment web (shop on shop-aks): '));
    await clock.runUntil("web's alert", () => web() !== undefined, 1_000, { realMs: 20, maxSteps: 200 });
    const card = cardOf(web()!);
    const buttons = executeActions(card);
    assert.deepEqual(
      buttons.map((b) => b.title),
      ['Request fix', 'Re-run checks', 'Show events'],
    );

    const answer = await postActivity(url, cardActionInvoke(connector.serviceUrl, chat, web()!.resultId!, buttons[0]!));
    assert.equal(answer.status, 200);
    const requests = await app.store.documents.list<StoredFixRequest>('fix-requests');
    assert.equal(requests.length, 1);
    const request = requests[0]!.value;
    assert.equal(request.fix.kind, 'assign-acr-pull');
    assert.deepEqual(request.pod, { name: 'web-7d4c9b6f5-x2k8p', namespace: 'shop' });
    assert.equal(request.cluster.name, 'shop-aks');
    assert.equal(request.conversationId, chat.id);
    assert.equal(request.requester.objectId, USER.aadObjectId);
    // The alert stays an alert, marked in place for the person who pressed (and then for everyone)…
    const marked = (answer.body as { value: Record<string, unknown> }).value;
    const markedTexts = cardTexts(marked);
    assert.equal(marked.fallbackText, card.fallbackText, 'the same alert');
    assert.deepEqual(markedTexts.slice(1, 4), [
      '🔔 Unauthorized (401)',
      'Kubelet identity of shop-aks has no AcrPull on shopacr',
      'Deployment web in shop cannot pull its image',
    ]);
    assert.ok(markedTexts.includes(`Fix requested by ${USER.name} — waiting for approval`), JSON.stringify(markedTexts));
    assert.deepEqual(
      executeActions(marked).map((b) => b.title),
      ['Re-run checks', 'Show events'],
    );
    // …and the approval card is the one new message, the one the request remembers.
    const approval = await connector.waitFor(
      (c) => c.operation !== 'update' && c.conversationId === chat.id && cardTexts(cardOf(c)).includes('Fix approval'),
    );
    let remembered: string | undefined;
    for (let i = 0; i < 100 && remembered !== approval.resultId; i += 1) {
      remembered = (await app.fixes!.approvals.get(request.id))?.approvalCardMessageId;
      if (remembered !== approval.resultId) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.equal(remembered, approval.resultId);
  });
});
