import assert from 'node:assert/strict';
import { SubscriptionService } from '../../src/alerts/subscription-service.js';
import { AlertRouter } from '../../src/alerts/alert-router.js';
import { parseAlertRoutes } from '../../src/config/index.js';
import { openSqliteStore } from '../../src/store/index.js';
import { silentLogger } from '../../src/logging/index.js';
import { ManualClock } from '../support/manual-clock.js';

const OPS = '19:ops@thread.tacv2';
const SHOP = '19:shopteam@thread.tacv2';

describe('AlertRouter', () => {
  it('sends an alert to the most specific static route and to every subscription that covers it, once each', async () => {
    const store = await openSqliteStore({ path: ':memory:', log: silentLogger() });
    try {
      const routes = parseAlertRoutes(`prod/*=${OPS};*/*=19:all@thread.tacv2`).routes;
      const clock = new ManualClock();
      const router = new AlertRouter({ routes, subscriptions: new SubscriptionService({ store: store.documents, routes, alertsEnabled: true }), clock });
      const subscriptions = new SubscriptionService({ store: store.documents, routes, alertsEnabled: true, onChange: () => router.invalidate() });
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
