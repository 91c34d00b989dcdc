import assert from 'node:assert/strict';
import { AlertRouter, ConversationRegistry, SubscriptionService } from '../../src/alerts/routing.js';
import { parseAlertRoutes } from '../../src/config/index.js';
import { isPullDoctorError } from '../../src/errors/index.js';
import { silentLogger } from '../../src/logging/index.js';
import { openSqliteStore, type Store } from '../../src/store/index.js';
import { ManualClock } from '../support/manual-clock.js';

const OPS = '19:ops@thread.tacv2';
const SHOP = '19:shopteam@thread.tacv2';

/** A botbuilder ConversationReference as TurnContext.getConversationReference returns it for a channel message. */
const channelReference = (conversationId = '19:7e1c3f0a9b2d4e5f8a6b0c1d2e3f4a5b@thread.tacv2') => ({
  activityId: '1712345678901',
  user: { id: '29:1f2e3d4c5b6a', name: 'Ada Lovelace', aadObjectId: '00000000-0000-4000-8000-00000000a001' },
  bot: { id: '28:0b1f6471-1bf0-4dda-aec3-111122223333', name: 'Pull Doctor' },
  conversation: { isGroup: true, conversationType: 'channel', id: conversationId, tenantId: '00000000-0000-4000-8000-0000000000t1' },
  channelId: 'msteams',
  locale: 'en-US',
  serviceUrl: 'https://smba.trafficmanager.net/emea/',
});

describe('ConversationRegistry', () => {
  let store: Store;
  let registry: ConversationRegistry;
  beforeEach(async () => {
    store = await openSqliteStore({ path: ':memory:', log: silentLogger() });
    registry = new ConversationRegistry(store.documents);
  });
  afterEach(() => store.close());

  it('keeps the reference as opaque JSON with its ids, and replaces it when the same conversation comes again', async () => {
    const id = '19:7e1c3f0a9b2d4e5f8a6b0c1d2e3f4a5b@thread.tacv2';
    await registry.remember({
      conversationId: id,
      conversationType: 'channel',
      tenantId: 't1',
      teamId: '19:team@thread.tacv2',
      channelId: id,
      reference: channelReference(id),
    });
    const stored = await registry.get(id);
    assert.deepEqual(stored?.reference, channelReference(id));
    assert.equal(stored?.teamId, '19:team@thread.tacv2');
    await registry.remember({ conversationId: id, conversationType: 'channel', reference: { ...channelReference(id), locale: 'de-DE' } });
    assert.equal(((await registry.get(id))?.reference as { locale: string }).locale, 'de-DE');
    assert.equal((await registry.list()).length, 1);
  });

  it('survives a restart: a new registry over the same store knows the conversation', async () => {
    await registry.remember({ conversationId: 'a:1pXyZ', conversationType: 'personal', reference: { conversation: { id: 'a:1pXyZ' } } });
    assert.ok(await new ConversationRegistry(store.documents).get('a:1pXyZ'));
  });

  it('forgets a conversation together with its subscription', async () => {
    const subscriptions = new SubscriptionService({ store: store.documents, routes: [], alertsEnabled: true });
    await registry.remember({ conversationId: 'a:1pXyZ', conversationType: 'personal', reference: {} });
    await subscriptions.subscribe('a:1pXyZ', { namespace: 'shop' });
    assert.equal(await registry.forget('a:1pXyZ'), true);
    assert.equal(await registry.get('a:1pXyZ'), null);
    assert.equal((await subscriptions.status('a:1pXyZ')).subscribed, false);
    assert.equal(await registry.forget('a:1pXyZ'), false);
  });

  it('refuses malformed input with INVALID_INPUT', async () => {
    const bad = [
      { conversationId: '', conversationType: 'channel', reference: {} },
      { conversationId: 'x\u0000y', conversationType: 'channel', reference: {} },
      { conversationId: 'a:1', conversationType: 'meeting', reference: {} },
      { conversationId: 'a:1', conversationType: 'personal', reference: { big: 'x'.repeat(20_000) } },
      { conversationId: 'a:1', conversationType: 'personal', reference: undefined },
    ];
    for (const input of bad) {
      await assert.rejects(registry.remember(input as never), (e) => isPullDoctorError(e) && e.code === 'INVALID_INPUT');
    }
  });
});

describe('SubscriptionService', () => {
  let store: Store;
  let subscriptions: SubscriptionService;
  const routes = parseAlertRoutes(`prod/*=${OPS}`).routes;
  beforeEach(async () => {
    store = await openSqliteStore({ path: ':memory:', log: silentLogger() });
    subscriptions = new SubscriptionService({ store: store.documents, routes, alertsEnabled: true });
  });
  afterEach(() => store.close());

  it('turns alerts on for a namespace, reports it, and says when nothing changed', async () => {
    const first = await subscriptions.subscribe(SHOP, { namespace: 'shop' }, { id: '29:ada', name: 'Ada' });
    assert.equal(first.changed, true);
    assert.deepEqual(first.status.scopes, [{ namespace: 'shop' }]);
    assert.equal(first.status.subscribed, true);
    assert.equal(first.status.conversationKnown, false);
    assert.equal((await subscriptions.subscribe(SHOP, { namespace: 'shop' })).changed, false);
    const both = await subscriptions.subscribe(SHOP, { namespace: 'payments', cluster: 'prod' });
    assert.deepEqual(both.status.scopes, [{ namespace: 'shop' }, { namespace: 'payments', cluster: 'prod' }]);
  });

  it('lets "alerts on" without a scope replace narrower ones, and "alerts off" remove one or all', async () => {
    await subscriptions.subscribe(SHOP, { namespace: 'shop' });
    assert.deepEqual((await subscriptions.subscribe(SHOP)).status.scopes, [{}]);
    assert.equal((await subscriptions.subscribe(SHOP, { namespace: 'payments' })).changed, false, 'everything already covers it');
    await subscriptions.unsubscribe(SHOP);
    await subscriptions.subscribe(SHOP, { namespace: 'shop' });
    await subscriptions.subscribe(SHOP, { namespace: 'payments' });
    const off = await subscriptions.unsubscribe(SHOP, { namespace: 'shop' });
    assert.equal(off.changed, true);
    assert.deepEqual(off.status.scopes, [{ namespace: 'payments' }]);
    assert.equal((await subscriptions.unsubscribe(SHOP, { namespace: 'nope' })).changed, false);
    const all = await subscriptions.unsubscribe(SHOP);
    assert.equal(all.changed, true);
    assert.equal(all.status.subscribed, false);
  });

  it('reports the static routes that lead to a conversation and whether the bot can post there', async () => {
    await new ConversationRegistry(store.documents).remember({ conversationId: OPS, conversationType: 'channel', reference: {} });
    const status = await subscriptions.status(OPS);
    assert.deepEqual(status.staticRoutes, [{ cluster: 'prod', namespace: '*' }]);
    assert.equal(status.conversationKnown, true);
    assert.equal(status.subscribed, false);
    assert.equal(status.alertsEnabled, true);
  });
});

describe('AlertRouter', () => {
  it('sends an alert to the most specific static route and to every subscription that covers it, once each', async () => {
    const store = await openSqliteStore({ path: ':memory:', log: silentLogger() });
    try {
      const routes = parseAlertRoutes(`prod/*=${OPS};*/*=19:all@thread.tacv2`).routes;
      const clock = new ManualClock();
      const router = new AlertRouter({
        routes,
        subscriptions: new SubscriptionService({ store: store.documents, routes, alertsEnabled: true }),
        clock,
      });
      const subscriptions = new SubscriptionService({
        store: store.documents,
        routes,
        alertsEnabled: true,
        onChange: () => router.invalidate(),
      });
      await subscriptions.subscribe(SHOP, { namespace: 'shop' });
      await subscriptions.subscribe(OPS, { cluster: 'prod' });
      assert.deepEqual(await router.conversationsFor('prod', 'shop'), [OPS, SHOP]);
      assert.deepEqual(await router.conversationsFor('dev', 'shop'), ['19:all@thread.tacv2', SHOP]);
      assert.deepEqual(await router.conversationsFor('dev', 'payments'), ['19:all@thread.tacv2']);
      await subscriptions.unsubscribe(SHOP);
      assert.deepEqual(await router.conversationsFor('dev', 'shop'), ['19:all@thread.tacv2']);
    } finally {
      await store.close();
    }
  });
});
