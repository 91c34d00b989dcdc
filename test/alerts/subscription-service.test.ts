import assert from 'node:assert/strict';
import { SubscriptionService } from '../../src/alerts/subscription-service.js';
import { ConversationRegistry } from '../../src/alerts/conversation-registry.js';
import { parseAlertRoutes } from '../../src/config/index.js';
import { openSqliteStore, type Store } from '../../src/store/index.js';
import { silentLogger } from '../../src/logging/index.js';

const OPS = '19:ops@thread.tacv2';
const SHOP = '19:shopteam@thread.tacv2';

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
