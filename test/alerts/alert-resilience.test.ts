import assert from 'node:assert/strict';
import type { AlertView } from '../../src/alerts/alert-view.js';
import type { AlertService } from '../../src/alerts/alert-service.js';
import { ConversationRegistry } from '../../src/alerts/routing.js';
import { startAlertsWorld, runningPod, OPS, type AlertsWorld } from '../support/alerts-world.js';
import { waitFor } from '../support/wait-for.js';

const GRACE_MS = 120_000;

const cards = (world: AlertsWorld) => world.channel.messagesIn(OPS).map((m) => m.card as AlertView);
const cardOf = (world: AlertsWorld, workload: string) => cards(world).find((c) => c.workload.name === workload);

async function started(world: AlertsWorld, identity?: string): Promise<AlertService> {
  const service = await world.replica(identity ? { identity } : {});
  await service.start();
  await waitFor('the watch to be synced', () => service.engine?.watcher.isSynced('shop') === true);
  return service;
}

async function alertFor(world: AlertsWorld, service: AlertService, workload: string, index: number): Promise<void> {
  world.fail(workload, index);
  await waitFor(`${workload} noticed`, () => service.engine!.detector.pending > 0);
  await world.clock.advance(GRACE_MS);
  await waitFor(`the alert for ${workload}`, () => cardOf(world, workload)?.pods.newest === `${workload}-7d4c9b8f6d-p${index}`);
}

describe('proactive alerts: watch resilience, no missed and no duplicate alerts', function () {
  this.timeout(30_000);
  let world: AlertsWorld;
  beforeEach(async () => {
    world = await startAlertsWorld();
  });
  afterEach(async () => {
    await world.close();
  });

  it('re-watches after the API server drops the stream, and relists after 410 Gone', async () => {
    const service = await started(world);
    await alertFor(world, service, 'web', 1);

    world.fake.dropWatches();
    await waitFor(
      'a new watch',
      () => world.fake.openWatchCount === 1 && world.fake.requests.filter((r) => r.verb === 'watch').length >= 2,
    );
    await alertFor(world, service, 'api', 1);

    const lists = world.fake.requests.filter((r) => r.verb === 'list' && r.resource === 'pods').length;
    world.fake.expireWatches();
    await waitFor(
      'a relist and a new watch',
      () => world.fake.requests.filter((r) => r.verb === 'list' && r.resource === 'pods').length > lists && world.fake.openWatchCount === 1,
    );
    await alertFor(world, service, 'cart', 1);
    await waitFor('idle', () => service.engine!.busy === 0);
    assert.deepEqual(
      world.channel.posts.map((p) => (p.card as AlertView).workload.name),
      ['web', 'api', 'cart'],
      'one message each, none twice',
    );
  });

  it('backs off while the API server is down, then catches up on what changed: a new failure alerted, a recovery resolved', async () => {
    const service = await started(world);
    await alertFor(world, service, 'web', 1);

    await world.fake.setDown(true);
    await waitFor('the watch to fail', () => service.metrics.total('alert_watch_errors_total') >= 1);
    // While it is down: web recovers, api starts failing, and the API server forgets its history (a relist is needed).
    world.fake.upsertPod(runningPod('web', 1));
    world.fail('api', 1);
    world.fake.compactHistory();
    for (let i = 0; i < 4; i++) await world.clock.advance(10_000);
    await waitFor('restart attempts while down', () => service.metrics.total('alert_watch_restarts_total') >= 2);
    const attemptsWhileDown = service.metrics.total('alert_watch_restarts_total');
    assert.ok(attemptsWhileDown <= 12, `bounded reconnect attempts in 40 s (${attemptsWhileDown})`);

    await world.fake.setDown(false);
    await world.clock.runUntil(
      'the watch to be back',
      () => service.engine!.watcher.isSynced('shop') && world.fake.openWatchCount === 1,
      1000,
      { realMs: 20 },
    );
    await waitFor('web resolved', () => cardOf(world, 'web')?.status === 'resolved');
    await waitFor('api noticed', () => service.engine!.detector.pending === 1);
    await world.clock.advance(GRACE_MS);
    await waitFor('the api alert', () => cardOf(world, 'api') !== undefined);
    await waitFor('idle', () => service.engine!.busy === 0);
    assert.deepEqual(
      world.channel.posts.map((p) => (p.card as AlertView).workload.name),
      ['web', 'api'],
    );
  });

  it('does not post again after a restart (a new service over the same store), and resolves what recovered meanwhile', async () => {
    const first = await started(world, 'before-restart');
    await alertFor(world, first, 'web', 1);
    await alertFor(world, first, 'api', 1);
    await first.stop();

    world.fake.deletePod('shop', 'api-7d4c9b8f6d-p1');
    const second = await started(world, 'after-restart');
    await waitFor('api resolved after the restart', () => cardOf(world, 'api')?.status === 'resolved');
    await world.clock.advance(5 * GRACE_MS);
    await waitFor('idle', () => second.engine!.busy === 0);
    assert.equal(world.channel.posts.length, 2, 'web still fails: its card is neither posted again nor lost');
    assert.equal(cardOf(world, 'web')?.status, 'firing');
    assert.equal(second.metrics.total('alert_diagnoses_total'), 0, 'pods already counted are not diagnosed again');

    world.fail('web', 2);
    await waitFor('noticed', () => second.engine!.detector.pending === 1);
    await world.clock.advance(GRACE_MS);
    await waitFor('the web card updated in place by the new process', () => cardOf(world, 'web')?.pods.failing === 2);
    assert.equal(world.channel.posts.length, 2);
  });

  it('forgets a conversation the bot was removed from (403) and stops sending there', async () => {
    const service = await started(world);
    await alertFor(world, service, 'web', 1);
    world.channel.removeBot(OPS);
    world.fail('web', 2);
    await waitFor('noticed', () => service.engine!.detector.pending === 1);
    await world.clock.advance(GRACE_MS);
    await waitFor('forgotten', () => service.metrics.total('alert_conversations_forgotten_total') === 1);
    assert.equal(await new ConversationRegistry(world.store.documents).get(OPS), null, 'forgotten in the store');
    assert.equal(world.channel.refusals.filter((r) => r.status === 403).length, 1);
  });
});
