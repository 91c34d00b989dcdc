import assert from 'node:assert/strict';
import type { AlertSummaryView, AlertView } from '../../src/alerts/alert-view.js';
import { startAlertsWorld, OPS, type AlertsWorld } from '../support/alerts-world.js';
import { waitFor } from '../support/wait-for.js';

const GRACE_MS = 120_000;
const THRESHOLD = 5;
const WORKLOADS = 50;
const PODS_PER_WORKLOAD = 10;

describe('proactive alerts: a flood (500 pods of 50 workloads failing at once against one registry)', function () {
  this.timeout(60_000);
  let world: AlertsWorld;
  before(async () => {
    world = await startAlertsWorld();
  });
  after(async () => {
    await world.close();
  });

  it(`sends at most ${THRESHOLD} alert messages and one summary listing every workload, riding out injected 429s`, async () => {
    const service = await world.replica();
    await service.start();
    await waitFor('the watch', () => service.engine?.watcher.isSynced('shop') === true);
    const start = world.clock.now();
    for (let w = 0; w < WORKLOADS; w++) {
      for (let p = 0; p < PODS_PER_WORKLOAD; p++) world.fail(`svc${String(w).padStart(2, '0')}`, p);
      if (w % 10 === 9) await world.clock.advance(150);
    }
    await waitFor('every failure to be noticed', () => service.engine!.detector.pending === WORKLOADS * PODS_PER_WORKLOAD, 20_000);
    // Teams throttles: the next 4 calls answer 429 with Retry-After 2 s, the 3 after them with an HTTP date.
    world.channel.throttleNext(4, 2);
    world.channel.throttleNext(3, new Date(world.clock.now() + GRACE_MS + 10_000).toUTCString());
    await world.clock.advance(GRACE_MS);

    const summaryListsAll = () => {
      const summary = world.channel
        .messagesIn(OPS)
        .map((m) => m.card)
        .find((c): c is AlertSummaryView => c.kind === 'summary');
      return (
        summary !== undefined &&
        summary.totals.workloads === WORKLOADS &&
        summary.groups.flatMap((g) => g.workloads).every((w) => w.podsFailing === PODS_PER_WORKLOAD)
      );
    };
    await world.clock.runUntil(
      'the summary to list every workload with all its pods',
      () => summaryListsAll() && service.engine!.busy === 0,
      500,
      { realMs: 20, maxSteps: 4000 },
    );
    await world.clock.advance(120_000);
    await waitFor('idle', () => service.engine!.busy === 0);

    const posts = world.channel.posts;
    assert.equal(posts.filter((p) => p.card.kind === 'alert').length, THRESHOLD, `the first ${THRESHOLD} workloads get a message each`);
    assert.equal(posts.filter((p) => p.card.kind === 'summary').length, 1, 'then one summary');
    assert.equal(posts.length, THRESHOLD + 1);

    const summary = world.channel
      .messagesIn(OPS)
      .map((m) => m.card)
      .find((c): c is AlertSummaryView => c.kind === 'summary')!;
    assert.equal(summary.groups.length, 1, 'one registry, one cause');
    assert.equal(summary.groups[0]!.registry, 'shopacr.azurecr.io');
    assert.equal(summary.groups[0]!.cause, 'unauthorized');
    assert.deepEqual(
      summary.groups[0]!.workloads.map((w) => w.name).sort(),
      Array.from({ length: WORKLOADS }, (_, w) => `svc${String(w).padStart(2, '0')}`),
    );
    assert.equal(summary.totals.podsAffected, WORKLOADS * PODS_PER_WORKLOAD);
    for (const m of world.channel.messagesIn(OPS).filter((m) => m.card.kind === 'alert'))
      assert.equal((m.card as AlertView).pods.failing, PODS_PER_WORKLOAD);

    const injected = world.channel.refusals.filter((r) => r.injected && r.status === 429).length;
    assert.equal(injected, 7, 'every injected 429 was met');
    assert.equal(world.channel.limitViolations, 0, "the sender kept within Teams' per-thread limits");
    assert.equal(service.metrics.total('alert_send_throttled_total'), 7);
    assert.equal(service.metrics.total('alert_send_failures_total'), 0, 'nothing given up');
    assert.deepEqual(
      world.logs.filter((r) => r.level === 'error').map((r) => r.msg),
      [],
    );
    const operations = world.channel.sends.length;
    assert.ok(operations <= 60, `${operations} posts and updates in all`);
    assert.ok(service.metrics.total('alert_diagnoses_total') <= WORKLOADS, 'pods of a workload share its diagnosis');
    assert.ok(world.clock.now() - start < 10 * 60_000);
  });
});
