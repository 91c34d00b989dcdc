import assert from 'node:assert/strict';
import { ConversationRegistry, SubscriptionService } from '../../src/alerts/routing.js';
import { payloads } from '../../src/sandbox/kubernetes-api/index.js';
import { allExecuteActions, cardTexts, factValue } from '../support/card-text.js';
import { adaptiveCardProblems } from '../support/adaptive-card-validator.js';
import type { ConnectorCall } from '../support/connector-server.js';
import { alertmanagerPayload } from '../support/alertmanager-payload.js';
import {
  cardOf,
  GRACE_MS,
  isAlertCard,
  leadingAndSynced,
  settled,
  startAlertingBotWorld,
  WEBHOOK_SECRET,
  type AlertingBotWorld,
  type Replica,
} from '../support/alerting-bot.js';
import {
  cardActionInvoke,
  channelThread,
  installationUpdateActivity,
  messageActivity,
  personalChat,
  postActivity,
  type Conversation,
} from '../support/teams-activities.js';
import { waitFor } from '../support/wait-for.js';

const OPS = '19:7e1c3f0a9b2d4e5f8a6b0c1d2e3f4a5b@thread.tacv2';
const ops = channelThread(OPS);

describe('alerts in Teams: alerts on, off and status in chat', function () {
  this.timeout(30_000);
  let world: AlertingBotWorld;
  let replica: Replica;

  beforeEach(async () => {
    world = await startAlertingBotWorld();
    replica = await world.replica();
    await leadingAndSynced(world, replica);
  });
  afterEach(async () => {
    await world.close();
  });

  /** Says something to the bot and returns its answer, as the Bot Connector got it. */
  async function ask(conversation: Conversation, text: string): Promise<ConnectorCall> {
    const before = world.connector.calls.length;
    const answered = await postActivity(replica.url, messageActivity(world.connector.serviceUrl, conversation, text));
    assert.equal(answered.status, 200);
    return world.connector.waitFor(
      (c) => world.connector.calls.indexOf(c) >= before && c.conversationId === conversation.id && c.activity?.type === 'message',
    );
  }

  /** Says something to the bot and returns the texts of its answer. */
  async function say(conversation: Conversation, text: string): Promise<string[]> {
    return cardTexts(cardOf(await ask(conversation, text)));
  }

  async function failedAndSettled(deployment: string, index: number): Promise<void> {
    world.fail(deployment, index);
    await waitFor('the failure to be noticed', () => replica.service().engine!.detector.pending === 1);
    await world.clock.advance(GRACE_MS);
    await settled(replica);
  }

  it('turns alerts on for a namespace in a personal chat it was never installed in, and posts them there', async () => {
    const chat = personalChat();
    const on = await say(chat, 'alerts on for namespace shop');
    assert.deepEqual(on, [
      '🔔 Alerts',
      '🔔 Alerts are on here for namespace shop.',
      '✅ Nothing is failing now in namespace shop.',
      'I post a card here when a pod keeps failing to pull its image for 2 minutes: one card per workload, updated as more pods fail and when they recover.',
      'Subscribed here: namespace shop.',
    ]);
    const stored = await world.withStore((s) => new ConversationRegistry(s.documents).get(chat.id));
    assert.equal(stored?.conversationType, 'personal', 'the chat is remembered: being addressed is enough');

    await failedAndSettled('web', 1);
    const alerts = world.alertCalls(chat.id);
    assert.equal(alerts.length, 1);
    assert.match(String(cardOf(alerts[0]!).fallbackText), /^🔔 Deployment web \(shop on /);

    const status = await say(chat, 'alerts status');
    assert.deepEqual(status.slice(0, 2), ['🔔 Alerts are on here.', '🔴 1 failing pod in namespace shop']);
    assert.deepEqual(status.slice(-2), ['🔴 1 pod cannot pull its image now in namespace shop.', 'Subscribed here: namespace shop.']);
    assert.deepEqual((await say(chat, 'alerts on for namespace shop')).slice(0, 1), ['Alerts were already on here for namespace shop.']);
  });

  it('answers alerts on and alerts status with what is failing now, a Diagnose button per pod, rather than only "Alerts are on here"', async () => {
    world.fail('web', 1);
    world.fail('web', 2);
    world.fake.upsertPod(
      payloads.crashLoopBackOffPod({
        namespace: 'shop',
        name: 'cart-5f6d7c8b9a-k2m4n',
        ownerDeployment: 'cart',
        image: 'shopacr.azurecr.io/shop/cart:1.8.0',
      }),
    );
    world.fake.upsertPod(
      payloads.runningPod({
        namespace: 'shop',
        name: 'api-6c5b4a3f2e-q7r8s',
        ownerDeployment: 'api',
        image: 'shopacr.azurecr.io/shop/api:3.0.2',
      }),
    );
    const chat = personalChat();
    const on = await ask(chat, 'alerts on for namespace shop');
    const texts = cardTexts(cardOf(on));
    assert.deepEqual(
      texts.slice(0, 2),
      ['🔔 Alerts are on here for namespace shop.', '🔴 3 failing pods in namespace shop'],
      JSON.stringify(texts),
    );
    assert.ok(texts.includes('Deployment web · 2 failing'));
    assert.ok(texts.includes('**web-7d4c9b8f6d-p1** · ImagePullBackOff'), JSON.stringify(texts));
    assert.ok(texts.some((t) => t.startsWith('**cart-5f6d7c8b9a-k2m4n** · CrashLoopBackOff')));
    assert.ok(!texts.some((t) => t.includes('api-6c5b4a3f2e-q7r8s')), 'a running pod is not listed');
    assert.deepEqual(texts.slice(-3), [
      '🔴 3 pods are failing now in namespace shop; 2 of them cannot pull their image.',
      'I post a card here when a pod keeps failing to pull its image for 2 minutes: one card per workload, updated as more pods fail and when they recover.',
      'Subscribed here: namespace shop.',
    ]);
    assert.deepEqual(adaptiveCardProblems(cardOf(on)), []);
    const buttons = allExecuteActions(cardOf(on));
    assert.deepEqual(
      buttons.map((b) => [b.title, b.verb]),
      [
        ['Diagnose', 'diagnose'],
        ['Diagnose', 'diagnose'],
        ['Diagnose', 'diagnose'],
      ],
    );

    const pressed = await postActivity(
      replica.url,
      cardActionInvoke(world.connector.serviceUrl, chat, on.resultId!, { verb: buttons[0]!.verb, data: { id: buttons[0]!.id } }),
    );
    assert.equal(pressed.status, 200);
    const diagnosis = await world.connector.waitFor(
      (c) =>
        c.conversationId === chat.id &&
        c.activity?.type === 'message' &&
        c.activity.summary === "❌ shopacr.azurecr.io refused the node's credentials (401)" &&
        factValue(cardOf(c), 'Pod') === 'shop/web-7d4c9b8f6d-p1',
    );
    assert.notEqual(diagnosis.activityId, on.resultId, 'the diagnosis is a message of its own');
    assert.ok(!world.connector.calls.some((c) => c.operation === 'update' && c.activityId === on.resultId), 'the list stays');

    assert.deepEqual((await say(chat, 'alerts status')).slice(0, 2), ['🔔 Alerts are on here.', '🔴 3 failing pods in namespace shop']);

    world.fake.deletePod('shop', 'web-7d4c9b8f6d-p1');
    world.fake.deletePod('shop', 'web-7d4c9b8f6d-p2');
    const crashing = await say(chat, 'alerts status');
    assert.equal(crashing[1], '🔴 1 failing pod in namespace shop');
    assert.ok(
      crashing.includes(
        '🔴 1 pod is failing now in namespace shop, none because of its image: alert cards are only about images that cannot be pulled.',
      ),
    );
    world.fake.deletePod('shop', 'cart-5f6d7c8b9a-k2m4n');
    assert.deepEqual(await say(chat, 'alerts status'), [
      '🔔 Alerts',
      '🔔 Alerts are on here.',
      '✅ Nothing is failing now in namespace shop.',
      'Subscribed here: namespace shop.',
    ]);
  });

  it('says so when what is failing cannot be listed, and still turns alerts on', async () => {
    const chat = personalChat();
    const on = await say(chat, 'alerts on for namespace shpo');
    assert.equal(on[1], '🔔 Alerts are on here for namespace shpo.');
    assert.match(
      on[2]!,
      /^⚠️ I could not list what is failing now in namespace shpo: Namespace not found\. There is no namespace "shpo"\./,
    );
    assert.deepEqual(
      (await world.withStore((s) => new SubscriptionService({ store: s.documents, routes: [], alertsEnabled: true }).status(chat.id)))
        .scopes,
      [{ namespace: 'shpo' }],
    );
  });

  it('stops posting after alerts off, and says so', async () => {
    const chat = personalChat();
    await say(chat, 'alerts on');
    assert.deepEqual(await say(chat, 'alerts off'), ['🔔 Alerts', '🔕 Alerts are off here.']);
    assert.deepEqual(await say(chat, 'alerts status'), ['🔔 Alerts', 'Alerts are off here.', 'Say "alerts on" to get them here.']);
    await failedAndSettled('web', 1);
    assert.deepEqual(world.alertCalls(), []);
    assert.equal(replica.service().metrics.total('alert_undeliverable_total'), 1);
  });

  it('says once, as a warning, what to do when alerts reach no conversation, and logs later ones quietly', async () => {
    await failedAndSettled('web', 1);
    await failedAndSettled('api', 1);
    assert.equal(replica.service().metrics.total('alert_undeliverable_total'), 2);
    const undeliverable = replica.logs.filter((r) => r.msg.startsWith('no route or subscription covers this alert'));
    assert.deepEqual(
      undeliverable.map((r) => r.level),
      ['warn', 'info'],
    );
    assert.match(undeliverable[0]!.msg, /ALERT_ROUTES/);
  });

  it('knows the cluster by its name, and refuses one it does not watch', async () => {
    const chat = personalChat();
    assert.equal(
      (await say(chat, 'alerts on for namespace shop on cluster prod'))[1],
      '🔔 Alerts are on here for namespace shop on cluster prod.',
    );
    const refused = await say(chat, 'alerts on on cluster staging');
    assert.ok(refused.includes('Alerts do not watch a cluster named "staging".'), JSON.stringify(refused));
    assert.ok(refused.some((t) => t.includes('Alerts watch prod')));
  });

  it('subscribes the channel when asked in one of its threads, and posts alerts as new threads of the channel', async () => {
    const thread = channelThread(`${OPS};messageid=1795735129931`);
    assert.equal((await say(thread, '<at>Pull Doctor</at> alerts on'))[1], '🔔 Alerts are on here for every namespace.');
    await failedAndSettled('web', 1);
    const [alert, ...more] = world.alertCalls();
    assert.equal(more.length, 0);
    assert.equal(alert!.conversationId, OPS);
  });
});

describe('alerts in Teams: two replicas of the bot', function () {
  this.timeout(30_000);
  let world: AlertingBotWorld;
  const env = { ALERT_ROUTES: `prod/*=${OPS}`, LEADER_ELECTION_NAMESPACE: 'pull-doctor', ALERT_GRACE_PERIOD: '10s' };

  beforeEach(async () => {
    world = await startAlertingBotWorld();
  });
  afterEach(async () => {
    await world.close();
  });

  const posted = (replica: Replica) => replica.logs.filter((r) => r.msg === 'alert card posted').length;

  it('alerts from the leader only, serves chat and readiness on both, and hands over when the leader stops', async () => {
    const first = await world.replica({ env });
    await leadingAndSynced(world, first);
    const second = await world.replica({ env });
    await world.clock.runUntil(
      'the second replica to try for the lease',
      () => world.fake.requests.filter((r) => r.resource === 'leases' && r.verb === 'get').length >= 3,
      100,
      { realMs: 10 },
    );
    assert.equal(second.service().isLeader, false);
    await postActivity(second.url, installationUpdateActivity(world.connector.serviceUrl, ops, 'add'));
    for (const r of [first, second]) assert.equal((await fetch(`${r.url}/readyz`)).status, 200, 'ready, leader or not');

    world.fail('web', 1);
    await world.clock.runUntil('the alert', () => world.alertCalls(OPS).length === 1, 500, { realMs: 10 });
    for (let i = 0; i < 10; i++) await world.clock.advance(500);
    await settled(first);
    assert.equal(world.alertCalls(OPS).length, 1);
    assert.equal(posted(first), 1);
    assert.equal(posted(second), 0);
    assert.equal(second.service().engine, undefined, 'the follower does not watch');

    await first.stop();
    await world.clock.runUntil('the second replica to lead', () => second.service().isLeader, 500, { realMs: 10 });
    await waitFor('its watch to be synced', () => second.service().engine?.watcher.isSynced('shop') === true);
    world.fail('api', 1);
    await world.clock.runUntil('the second alert', () => world.alertCalls(OPS).length === 2, 500, { realMs: 10 });
    await settled(second);
    const texts = world.alertCalls(OPS).map((c) => String(cardOf(c).fallbackText).split(':')[0]);
    assert.deepEqual(
      texts,
      ['🔔 Deployment web (shop on prod)', '🔔 Deployment api (shop on prod)'],
      'web is not posted again after the hand-over',
    );
    assert.equal(posted(second), 1);
  });
});

describe('alerts in Teams: POST /api/alerts (Alertmanager)', function () {
  this.timeout(30_000);
  let world: AlertingBotWorld;
  let replica: Replica;
  const post = (body: string, headers: Record<string, string>) =>
    fetch(`${replica.url}/api/alerts`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const bearer = { authorization: `Bearer ${WEBHOOK_SECRET}` };

  beforeEach(async () => {
    world = await startAlertingBotWorld();
    replica = await world.replica({ env: { ALERT_ROUTES: `prod/*=${OPS}` } });
    await leadingAndSynced(world, replica);
    await postActivity(replica.url, installationUpdateActivity(world.connector.serviceUrl, ops, 'add'));
  });
  afterEach(async () => {
    await world.close();
  });

  it('refuses a request without the secret (401) and a body over 256 KiB (413)', async () => {
    const body = alertmanagerPayload([{ namespace: 'shop', pod: 'web-7d4c9b8f6d-p1' }]);
    assert.equal((await post(body, {})).status, 401);
    assert.equal((await post(body, { authorization: 'Bearer not-the-secret-at-all' })).status, 401);
    const huge = JSON.stringify({ alerts: [], padding: 'x'.repeat(300 * 1024) });
    assert.equal((await post(huge, bearer)).status, 413);
    assert.equal(world.connector.calls.filter(isAlertCard).length, 0);
  });

  it('answers a request without the secret before reading its body', async () => {
    // Unauthenticated clients must not make the server buffer (and drain) bodies: the 401 comes from the headers
    // alone, while the client is still holding back all but the first bytes of a 200 KiB body.
    const { request } = await import('node:http');
    const target = new URL('/api/alerts', replica.url);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        {
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: 'POST',
          headers: { 'content-type': 'application/json', 'content-length': String(200 * 1024), authorization: 'Bearer wrong' },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.write('{"alerts":[');
      const timer = setTimeout(() => {
        req.destroy();
        reject(new Error('no answer while the body was held back: the server waited for the body before checking the secret'));
      }, 3000);
      req.on('response', () => clearTimeout(timer));
    });
    assert.equal(status, 401);
  });

  it('turns a firing Alertmanager alert about a pod that cannot pull into an alert card, without the grace period', async () => {
    world.fail('web', 1);
    const answer = await post(alertmanagerPayload([{ namespace: 'shop', pod: 'web-7d4c9b8f6d-p1', cluster: 'prod' }]), bearer);
    assert.equal(answer.status, 202);
    assert.deepEqual(await answer.json(), { accepted: 1, ignored: 0 });
    await world.connector.waitFor((c) => isAlertCard(c) && c.conversationId === OPS);
    const texts = cardTexts(cardOf(world.alertCalls(OPS)[0]!));
    assert.ok(texts.includes('Deployment web in shop cannot pull its image'), JSON.stringify(texts));
    assert.ok(texts.some((t) => t.startsWith('Reported by Alertmanager')));
  });

  it('leaves alerts labelled with a cluster it does not watch alone', async () => {
    world.fail('web', 1);
    const answer = await post(alertmanagerPayload([{ namespace: 'shop', pod: 'web-7d4c9b8f6d-p1', cluster: 'staging' }]), bearer);
    assert.equal(answer.status, 202);
    await settled(replica);
    assert.equal(replica.service().metrics.total('alert_diagnoses_total'), 0);
    assert.deepEqual(world.alertCalls(), []);
  });
});
