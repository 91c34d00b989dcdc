import assert from 'node:assert/strict';
import { ConversationRegistry } from '../../src/alerts/routing.js';
import { cardTexts, executeActions, factValue } from '../support/card-text.js';
import { adaptiveCardProblems } from '../support/adaptive-card-validator.js';
import { runningPod } from '../support/alerts-world.js';
import {
  cardOf,
  GRACE_MS,
  isAlertCard,
  operations,
  leadingAndSynced,
  settled,
  startAlertingBotWorld,
  type AlertingBotWorld,
  type Replica,
} from '../support/alerting-bot.js';
import {
  botRemovedActivity,
  cardActionInvoke,
  channelThread,
  installationUpdateActivity,
  postActivity,
  TENANT_ID,
} from '../support/teams-activities.js';
import { waitFor } from '../support/wait-for.js';
import { formatUtc } from '../../src/diagnosis/format-utc.js';
import { DEFAULT_HANDOVER_MS } from '../../src/alerts/pull-failure-detector.js';

const OPS = '19:7e1c3f0a9b2d4e5f8a6b0c1d2e3f4a5b@thread.tacv2';
const ops = channelThread(OPS);
const routedToOps = { ALERT_ROUTES: `prod/*=${OPS}` };

function invokeCard(body: unknown): Record<string, unknown> {
  return (body as { value: Record<string, unknown> }).value;
}

describe('alerts in Teams: the bot application, its endpoint and the Bot Connector', function () {
  this.timeout(30_000);
  let world: AlertingBotWorld;

  beforeEach(async () => {
    world = await startAlertingBotWorld();
  });
  afterEach(async () => {
    await world.close();
  });

  /** A replica leading and watching, with the ops channel installed and routed to. */
  async function installedReplica(env: Record<string, string> = routedToOps): Promise<Replica> {
    const replica = await world.replica({ env });
    await leadingAndSynced(world, replica);
    await postActivity(replica.url, installationUpdateActivity(world.connector.serviceUrl, ops, 'add'));
    return replica;
  }

  async function failedAndAlerted(replica: Replica, deployment: string, index: number): Promise<void> {
    world.fail(deployment, index);
    await waitFor('the failure to be noticed', () => replica.service().engine!.detector.pending === 1);
    await world.clock.advance(GRACE_MS);
    await settled(replica);
  }

  it('remembers the channel the bot is installed in, in the store, and still alerts there after a restart', async () => {
    const first = await installedReplica();
    const stored = await world.withStore((s) => new ConversationRegistry(s.documents).get(OPS));
    assert.equal(stored?.conversationType, 'channel');
    assert.equal(stored?.tenantId, TENANT_ID);
    assert.deepEqual((stored?.reference as { serviceUrl: string }).serviceUrl, world.connector.serviceUrl);
    await first.stop();

    const restarted = await world.replica({ env: routedToOps });
    await leadingAndSynced(world, restarted);
    await failedAndAlerted(restarted, 'web', 1);
    const [post, ...more] = world.alertCalls(OPS);
    assert.equal(more.length, 0);
    assert.equal(post!.conversationId, OPS, 'posted to the channel (a thread of its own), not into a thread');
    assert.match(String(post!.activity!.summary), /^🔔 Deployment web \(shop on prod\): /, 'the feed says what broke');
    // Teams also gets it as the message's text (its toast); a local bot (this one, the Playground's) sends no text: the
    // Playground would split text and card into two messages and answer with no id to update.
    assert.equal(post!.activity!.text, undefined, 'no text in local mode');
    assert.equal(
      cardTexts(cardOf(post!)).find((t) => t === 'Deployment web in shop cannot pull its image'),
      'Deployment web in shop cannot pull its image',
    );
    assert.deepEqual(adaptiveCardProblems(cardOf(post!)), []);
  });

  it('posts exactly one alert card once the grace period has passed, and none for a pod that recovers within it', async () => {
    const replica = await installedReplica();
    world.fail('web', 1);
    await waitFor('the failure to be noticed', () => replica.service().engine!.detector.pending === 1);
    await world.clock.advance(GRACE_MS - 1000);
    await settled(replica);
    assert.deepEqual(world.alertCalls(), [], 'nothing before the grace period ends');
    await world.clock.advance(1000);
    await settled(replica);
    await world.clock.advance(60_000);
    await settled(replica);
    assert.equal(world.alertCalls(OPS).length, 1);
    const texts = cardTexts(cardOf(world.alertCalls(OPS)[0]!));
    assert.ok(texts.includes('1 pod affected, 1 failing now · newest web-7d4c9b8f6d-p1'), JSON.stringify(texts));
    // This world has no Azure to look at: the root cause is what the kubelet said, in this pod's terms.
    assert.equal(texts[1], "shopacr.azurecr.io refused the node's credentials (401)", 'the root cause first');
    assert.ok(texts.includes('shopacr.azurecr.io/shop/web:2.4.1'));

    world.fail('api', 1);
    await waitFor('the failure to be noticed', () => replica.service().engine!.detector.pending === 1);
    await world.clock.advance(30_000);
    world.fake.upsertPod(runningPod('api', 1));
    await waitFor('the recovery to be noticed', () => replica.service().engine!.detector.pending === 0);
    await world.clock.advance(5 * GRACE_MS);
    await settled(replica);
    assert.equal(world.alertCalls().length, 1, 'no card for the pod that recovered in time');
  });

  it('updates the same message when a second pod of the Deployment fails, and marks it resolved when both recover', async () => {
    const replica = await installedReplica();
    await failedAndAlerted(replica, 'web', 1);
    const post = world.alertCalls(OPS)[0]!;

    await failedAndAlerted(replica, 'web', 2);
    const second = world.alertCalls(OPS).at(-1)!;
    assert.equal(second.operation, 'update', 'a PUT of the message, not a new one');
    assert.equal(second.activityId, post.resultId);
    assert.ok(cardTexts(cardOf(second)).includes('2 pods affected, 2 failing now · newest web-7d4c9b8f6d-p2'));

    world.fake.upsertPod(runningPod('web', 1));
    world.fake.deletePod('shop', 'web-7d4c9b8f6d-p2');
    await settled(replica);
    await world.clock.advance(DEFAULT_HANDOVER_MS);
    await world.connector.waitFor(
      (c) => c.operation === 'update' && c.activityId === post.resultId && String(cardOf(c).fallbackText).startsWith('✅ Resolved after '),
    );
    await settled(replica);
    const calls = world.alertCalls(OPS);
    const [first, ...rest] = operations(calls);
    assert.equal(first, 'post');
    assert.ok(rest.length >= 2 && rest.every((op) => op === 'update'), 'every change after the first card is an update of it');
    assert.ok(calls.slice(1).every((c) => c.activityId === post.resultId));
    const resolved = cardTexts(cardOf(calls.at(-1)!));
    assert.ok(
      resolved.some((t) => /^Deployment web recovered after /.test(t)),
      'it says how long it failed',
    );
    assert.ok(resolved.includes('2 pods affected, none failing now · newest web-7d4c9b8f6d-p2'));
  });

  it('posts a new message, firing since the new failure, when a workload fails again after it resolved; the old card stays resolved', async () => {
    const replica = await installedReplica();
    await failedAndAlerted(replica, 'web', 1);
    const first = world.alertCalls(OPS)[0]!;
    const firstSince = formatUtc(new Date(world.clock.now()));
    assert.ok(factValue(cardOf(first), 'Failing since')?.startsWith(firstSince), JSON.stringify(cardTexts(cardOf(first))));

    await world.clock.advance(10 * 60_000);
    world.fake.upsertPod(runningPod('web', 1));
    const resolved = await world.connector.waitFor(
      (c) => c.operation === 'update' && c.activityId === first.resultId && String(cardOf(c).fallbackText).startsWith('✅ Resolved after '),
    );
    await settled(replica);

    await world.clock.advance(20 * 60_000);
    const before = world.alertCalls(OPS).length;
    await failedAndAlerted(replica, 'web', 2);
    const after = world.alertCalls(OPS).slice(before);
    assert.deepEqual(operations(after), ['post'], 'one new message, and no edit of the old card');
    const again = after[0]!;
    assert.notEqual(again.resultId, first.resultId);
    assert.equal(again.conversationId, OPS, 'a thread of its own in the channel, so Teams notifies');
    const texts = cardTexts(cardOf(again));
    assert.match(String(again.activity!.summary), /^🔔 Deployment web \(shop on prod\): /, 'firing again, in the feed');
    assert.ok(texts.includes('Deployment web in shop cannot pull its image'), JSON.stringify(texts));
    const newSince = formatUtc(new Date(world.clock.now()));
    assert.notEqual(newSince, firstSince);
    assert.ok(factValue(cardOf(again), 'Failing since')?.startsWith(newSince), `the new outage's own "since": ${JSON.stringify(texts)}`);
    assert.equal(factValue(cardOf(again), 'Pods'), '1 pod affected, 1 failing now · newest web-7d4c9b8f6d-p2');
    assert.deepEqual(adaptiveCardProblems(cardOf(again)), []);

    const oldCard = world.connector.calls.filter((c) => c.activityId === first.resultId && c.operation === 'update').at(-1)!;
    assert.equal(oldCard, resolved, 'the last word on the old card is still "resolved"');
    assert.ok(factValue(cardOf(oldCard), 'Failed')?.startsWith(`${firstSince} to `), JSON.stringify(cardTexts(cardOf(oldCard))));
  });

  it("answers the alert card's buttons from the thread the card started: Show events and Re-run checks", async () => {
    const replica = await installedReplica();
    await failedAndAlerted(replica, 'web', 1);
    const post = world.alertCalls(OPS)[0]!;
    const buttons = executeActions(cardOf(post));
    assert.deepEqual(
      buttons.map((b) => b.title),
      ['Re-run checks', 'Show events'],
      'no Request fix without a fix (and no fix request handler)',
    );
    const thread = channelThread(`${OPS};messageid=${post.resultId}`);

    // Show events answers in the thread: the events as a new message there; the alert stays as it was.
    const events = await postActivity(
      replica.url,
      cardActionInvoke(
        world.connector.serviceUrl,
        thread,
        post.resultId!,
        buttons.find((b) => b.verb === 'events')!,
      ),
    );
    assert.equal(events.status, 200);
    assert.deepEqual(events.body, {
      statusCode: 200,
      type: 'application/vnd.microsoft.activity.message',
      value: 'The events are in a new message below.',
    });
    const eventsPost = await world.connector.waitFor(
      (c) =>
        c.operation !== 'update' &&
        c.conversationId === thread.id &&
        cardTexts(cardOf(c))[0] === 'Events for shop/web-7d4c9b8f6d-p1 on cluster prod',
    );
    assert.ok(
      cardTexts(cardOf(eventsPost)).some((t) => t.startsWith('⚠️ Failed')),
      JSON.stringify(cardTexts(cardOf(eventsPost))),
    );
    assert.equal(
      world.connector.calls.filter((c) => c.operation === 'update' && c.activityId === post.resultId).length,
      0,
      'the alert was not replaced',
    );

    // Re-run checks keeps it an alert: the same message, the alert's own title, what the checks found under it.
    const rerun = await postActivity(
      replica.url,
      cardActionInvoke(
        world.connector.serviceUrl,
        thread,
        post.resultId!,
        buttons.find((b) => b.verb === 'rerun')!,
      ),
    );
    assert.match(String((rerun.body as { value: unknown }).value), /^Re-running the checks of web-7d4c9b8f6d-p1: this alert shows/);
    const rediagnosed = await world.connector.waitFor(
      (c) => c.operation === 'update' && c.activityId === post.resultId && c.activity?.type === 'message',
    );
    assert.ok(isAlertCard(rediagnosed), 'still an alert card');
    const texts = cardTexts(cardOf(rediagnosed));
    assert.equal(texts[0], post.activity && cardTexts(cardOf(post))[0], "the alert's own title");
    assert.ok(
      texts.some((t) => /^Re-checked at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC: /.test(t)),
      JSON.stringify(texts),
    );
    assert.ok(!texts.some((t) => t.includes('looks healthy')), 'never a diagnosis card saying "looks healthy"');
    assert.deepEqual(
      executeActions(cardOf(rediagnosed)).map((b) => b.title),
      ['Re-run checks', 'Show events'],
    );

    const elsewhere = await postActivity(
      replica.url,
      cardActionInvoke(
        world.connector.serviceUrl,
        channelThread(),
        post.resultId!,
        buttons.find((b) => b.verb === 'events')!,
      ),
    );
    assert.ok(
      cardTexts(invokeCard(elsewhere.body)).includes('This card has expired or does not belong to this conversation.'),
      'not from another channel',
    );
  });

  it('forgets the channel when the bot is removed, and when Teams answers 403 to an alert', async () => {
    const replica = await installedReplica();
    await postActivity(replica.url, botRemovedActivity(world.connector.serviceUrl, ops));
    assert.equal(await world.withStore((s) => new ConversationRegistry(s.documents).get(OPS)), null);

    await postActivity(replica.url, installationUpdateActivity(world.connector.serviceUrl, ops, 'add'));
    world.connector.failSendsWith = 403;
    await failedAndAlerted(replica, 'web', 1);
    await waitFor('the 403 to be met', () => world.connector.refused.length > 0);
    await settled(replica);
    assert.equal(await world.withStore((s) => new ConversationRegistry(s.documents).get(OPS)), null);
    assert.equal(replica.service().metrics.total('alert_conversations_forgotten_total'), 1);
  });
});
