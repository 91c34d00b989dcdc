import assert from 'node:assert/strict';
import type { AlertRecord } from '../../src/alerts/alert-record.js';
import type { AlertSummaryView, AlertView } from '../../src/alerts/alert-view.js';
import type { AlertService } from '../../src/alerts/alert-service.js';
import { startAlertsWorld, failingPod, runningPod, OPS, type AlertsWorld } from '../support/alerts-world.js';
import { waitFor } from '../support/wait-for.js';
import { DEFAULT_HANDOVER_MS } from '../../src/alerts/pull-failure-detector.js';

const GRACE_MS = 120_000;

async function started(world: AlertsWorld, env: Record<string, string> = {}): Promise<AlertService> {
  const service = await world.replica({ env });
  await service.start();
  await waitFor('the watch to be synced', () => service.engine?.watcher.isSynced('shop') === true);
  return service;
}

/** The stored alert of a workload of namespace shop. */
async function alertOf(world: AlertsWorld, workload: string): Promise<AlertRecord | undefined> {
  const docs = await world.store.documents.list<AlertRecord>('alerts');
  return docs.map((d) => d.value).find((r) => r.workload.name === workload);
}

/** Whether a firing alert counts the pod as failing. */
function counted(service: AlertService, pod: string): boolean {
  return service.engine!.book.isTracked({ cluster: 'prod', namespace: 'shop', pod });
}

/** Lets every piece of work that is due finish (reads, diagnoses, store writes, sends). */
async function settled(service: AlertService): Promise<void> {
  await waitFor('the alert machinery to be idle', () => (service.engine?.busy ?? 0) === 0);
}

describe('proactive alerts: one pod, one workload', () => {
  let world: AlertsWorld;
  beforeEach(async () => {
    world = await startAlertsWorld();
  });
  afterEach(async () => {
    await world.close();
  });

  it('posts exactly one alert for a failing pod once the grace period has passed, with the diagnosis in plain words', async () => {
    const service = await started(world);
    world.fail('web', 1);
    await waitFor('the failure to be noticed', () => service.engine!.detector.pending === 1);
    await world.clock.advance(GRACE_MS - 1000);
    await settled(service);
    assert.equal(world.channel.posts.length, 0, 'nothing before the grace period ends');

    await world.clock.advance(1000);
    await waitFor('the alert', () => world.channel.posts.length === 1);
    await settled(service);
    await world.clock.advance(60_000);
    await settled(service);
    assert.equal(world.channel.posts.length, 1);
    const card = world.channel.posts[0]!.card as AlertView;
    assert.equal(world.channel.posts[0]!.conversationId, OPS);
    assert.equal(card.kind, 'alert');
    assert.equal(card.status, 'firing');
    assert.deepEqual([card.cluster, card.namespace, card.workload.kind, card.workload.name], ['prod', 'shop', 'Deployment', 'web']);
    assert.deepEqual(card.pods, { failing: 1, affected: 1, newest: 'web-7d4c9b8f6d-p1' });
    assert.equal(card.cause, 'unauthorized');
    assert.match(card.causeTitle, /refused/);
    assert.equal(card.evidence.image, 'shopacr.azurecr.io/shop/web:2.4.1');
    assert.equal(card.evidence.registry, 'shopacr.azurecr.io');
    assert.equal(card.fixProposed, false);
    assert.equal(card.diagnosis.pod, 'web-7d4c9b8f6d-p1');
  });

  it('posts nothing for a pod that recovers within the grace period', async () => {
    const service = await started(world);
    world.fail('web', 1);
    await waitFor('the failure to be noticed', () => service.engine!.detector.pending === 1);
    await world.clock.advance(30_000);
    world.fake.upsertPod(runningPod('web', 1));
    await waitFor('the recovery to be noticed', () => service.engine!.detector.pending === 0);
    await world.clock.advance(5 * GRACE_MS);
    await settled(service);
    assert.equal(world.channel.sends.length, 0);
    assert.equal(service.metrics.total('alert_diagnoses_total'), 0);
  });

  it('updates the same card when a second pod of the Deployment fails, and marks it resolved when one recovers and the other is deleted', async () => {
    const service = await started(world);
    world.fail('web', 1);
    await waitFor('noticed', () => service.engine!.detector.pending === 1);
    await world.clock.advance(GRACE_MS);
    await waitFor('the alert', () => world.channel.posts.length === 1);
    const messageId = world.channel.posts[0]!.messageId;

    world.fail('web', 2);
    await waitFor('noticed', () => service.engine!.detector.pending === 1);
    await world.clock.advance(GRACE_MS);
    await waitFor('the update', () => world.channel.updates.length === 1);
    const updated = world.channel.updates[0]!;
    assert.equal(updated.messageId, messageId);
    assert.deepEqual((updated.card as AlertView).pods, { failing: 2, affected: 2, newest: 'web-7d4c9b8f6d-p2' });

    world.fake.upsertPod(runningPod('web', 1));
    world.fake.deletePod('shop', 'web-7d4c9b8f6d-p2');
    await settled(service);
    await world.clock.advance(DEFAULT_HANDOVER_MS - 1000);
    await settled(service);
    assert.ok(
      world.channel.messagesIn(OPS).every((m) => (m.card as AlertView).status === 'firing'),
      'a deleted pod may yet be replaced by one that fails the same way',
    );
    await world.clock.advance(1000);
    await waitFor('resolved', () => world.channel.messagesIn(OPS).some((m) => (m.card as AlertView).status === 'resolved'));
    await settled(service);
    assert.equal(world.channel.posts.length, 1, 'still one message');
    const [final] = world.channel.messagesIn(OPS);
    const card = final!.card as AlertView;
    assert.equal(card.status, 'resolved');
    assert.equal(card.resolvedAt, new Date(world.clock.now()).toISOString());
    assert.equal(card.pods.failing, 0);
    assert.equal(card.pods.affected, 2);
  });

  it('keeps firing in the same message when an alerted pod is deleted and its replacement fails the same way (kubectl delete pod)', async () => {
    const service = await started(world);
    world.fail('web', 1);
    await waitFor('noticed', () => service.engine!.detector.pending === 1);
    await world.clock.advance(GRACE_MS);
    await waitFor('the alert', () => world.channel.posts.length === 1);
    await settled(service);
    const since = (world.channel.posts[0]!.card as AlertView).firstSeen;

    await world.clock.advance(5 * 60_000);
    // As the API server shows a deletion: the pod terminating (deletionTimestamp set), then gone.
    const terminating = failingPod('web', 1);
    terminating.metadata!.deletionTimestamp = new Date(world.clock.now()).toISOString();
    world.fake.upsertPod(terminating);
    await settled(service);
    await world.clock.advance(1000);
    world.fake.deletePod('shop', 'web-7d4c9b8f6d-p1');
    await settled(service);
    await world.clock.advance(2000);
    world.fail('web', 2);
    await waitFor('the replacement counted without a grace period of its own', () => counted(service, 'web-7d4c9b8f6d-p2'));
    await waitFor('the deleted pod let go', () => !counted(service, 'web-7d4c9b8f6d-p1'));
    await settled(service);
    await world.clock.advance(DEFAULT_HANDOVER_MS);
    await settled(service);

    assert.equal(world.channel.posts.length, 1, 'no second message: the workload never stopped failing');
    const cards = world.channel.sends.map((x) => x.card as AlertView);
    assert.ok(
      cards.every((c) => c.status === 'firing'),
      'never shown resolved in between',
    );
    const now = cards.at(-1)!;
    assert.equal(now.firstSeen, since, 'firing since the start of the outage');
    assert.deepEqual(now.pods, { failing: 1, affected: 2, newest: 'web-7d4c9b8f6d-p2' });
  });

  it('takes over at once with a replacement already in its grace period when the alerted pod is deleted', async () => {
    const service = await started(world);
    world.fail('web', 1);
    await waitFor('noticed', () => service.engine!.detector.pending === 1);
    await world.clock.advance(GRACE_MS);
    await waitFor('the alert', () => world.channel.posts.length === 1);
    world.fail('web', 2);
    await waitFor('noticed', () => service.engine!.detector.pending === 1);
    await world.clock.advance(10_000);

    world.fake.deletePod('shop', 'web-7d4c9b8f6d-p1');
    await waitFor('the replacement counted', () => counted(service, 'web-7d4c9b8f6d-p2'));
    await waitFor('the deleted pod let go', () => !counted(service, 'web-7d4c9b8f6d-p1'));
    await settled(service);
    assert.equal(service.engine!.detector.pending, 0, 'its grace period was cut short');
    assert.equal(world.channel.posts.length, 1);
    assert.deepEqual((world.channel.messagesIn(OPS)[0]!.card as AlertView).pods, { failing: 1, affected: 2, newest: 'web-7d4c9b8f6d-p2' });
  });

  it('keeps counting a StatefulSet pod deleted and recreated under the same name when it fails again', async () => {
    const service = await started(world);
    const statefulPod = () => {
      const pod = failingPod('db', 0);
      pod.metadata!.name = 'db-0';
      pod.metadata!.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db', uid: 'u-db', controller: true }];
      delete pod.metadata!.labels?.['pod-template-hash'];
      return pod;
    };
    world.fake.upsertPod(statefulPod());
    await waitFor('noticed', () => service.engine!.detector.pending === 1);
    await world.clock.advance(GRACE_MS);
    await waitFor('the alert', () => world.channel.posts.length === 1);
    assert.equal((world.channel.posts[0]!.card as AlertView).workload.kind, 'StatefulSet');

    world.fake.deletePod('shop', 'db-0');
    await settled(service);
    world.fake.upsertPod(statefulPod());
    await settled(service);
    await world.clock.advance(DEFAULT_HANDOVER_MS + GRACE_MS);
    await settled(service);
    assert.ok(counted(service, 'db-0'), 'still counted: db-0 is failing again');
    assert.equal(world.channel.posts.length, 1);
    assert.ok(world.channel.sends.every((x) => (x.card as AlertView).status === 'firing'));
  });

  it('finds init containers that cannot pull; a workload failing again after it resolved gets a new message, the old one stays resolved', async () => {
    const service = await started(world, { ALERT_QUIET_WINDOW: '1h' });
    const init = (index: number) => {
      const pod = failingPod('web', index);
      const main = pod.spec!.containers![0]!;
      pod.spec!.initContainers = [{ ...main, name: 'migrate' }];
      pod.status!.initContainerStatuses = pod.status!.containerStatuses!;
      pod.status!.initContainerStatuses![0]!.name = 'migrate';
      pod.status!.containerStatuses = [
        { ...pod.status!.containerStatuses![0]!, name: main.name, state: { waiting: { reason: 'PodInitializing' } } },
      ];
      return pod;
    };
    world.fake.upsertPod(init(1));
    await waitFor('noticed', () => service.engine!.detector.pending === 1);
    await world.clock.advance(GRACE_MS);
    await waitFor('the alert', () => world.channel.posts.length === 1);
    const firstSince = (world.channel.posts[0]!.card as AlertView).firstSeen;
    world.fake.upsertPod(runningPod('web', 1));
    await waitFor('resolved', () => world.channel.updates.length === 1);

    world.fake.upsertPod(init(2));
    await waitFor('noticed', () => service.engine!.detector.pending === 1);
    await world.clock.advance(GRACE_MS);
    await waitFor('a new message, well within the quiet window', () => world.channel.posts.length === 2);
    await settled(service);
    const [old, fresh] = world.channel.messagesIn(OPS).map((m) => m.card as AlertView);
    assert.equal(old!.status, 'resolved', 'the first message still says the first outage ended');
    assert.equal(old!.firstSeen, firstSince);
    assert.equal(fresh!.status, 'firing');
    assert.equal(fresh!.firstSeen, new Date(world.clock.now()).toISOString(), 'firing since the new failure');
    assert.deepEqual(fresh!.pods, { failing: 1, affected: 1, newest: 'web-7d4c9b8f6d-p2' });
    assert.equal(world.channel.updates.length, 1, 'the old message was not touched again');

    world.fake.upsertPod(init(3));
    await waitFor('noticed', () => service.engine!.detector.pending === 1);
    await world.clock.advance(GRACE_MS);
    await waitFor('the new message updated', () => world.channel.updates.length === 2);
    assert.equal(
      world.channel.updates[1]!.messageId,
      world.channel.posts[1]!.messageId,
      'still failing: no repeat within the quiet window',
    );

    await world.clock.advance(3_600_000);
    world.fake.upsertPod(init(4));
    await waitFor('noticed', () => service.engine!.detector.pending === 1);
    await world.clock.advance(GRACE_MS);
    await waitFor('re-announced once the quiet window has passed', () => world.channel.posts.length === 3);
    assert.equal((world.channel.posts[2]!.card as AlertView).firstSeen, fresh!.firstSeen, 'the same outage, still failing since then');
  });

  it('keeps a summary showing how a workload it listed ended, when that workload fails again later as a message of its own', async () => {
    const service = await started(world, { ALERT_FLOOD_THRESHOLD: '1' });
    for (const workload of ['api', 'web']) world.fail(workload, 1);
    await waitFor('noticed', () => service.engine!.detector.pending === 2);
    await world.clock.advance(GRACE_MS);
    await settled(service);
    const summaryOf = () => world.channel.messagesIn(OPS).find((m) => m.card.kind === 'summary')!.card as AlertSummaryView;
    assert.deepEqual(
      summaryOf()
        .groups.flatMap((g) => g.workloads)
        .map((w) => [w.name, w.status])
        .sort(),
      [
        ['api', 'firing'],
        ['web', 'firing'],
      ],
      'one card on its own, then a summary listing both',
    );
    const ownCard = world.channel.messagesIn(OPS).find((m) => m.card.kind === 'alert')!.card as AlertView;

    const other = ownCard.workload.name === 'api' ? 'web' : 'api';
    world.fake.upsertPod(runningPod(other, 1));
    await waitFor('resolved in the summary', () =>
      summaryOf()
        .groups.flatMap((g) => g.workloads)
        .some((w) => w.status === 'resolved'),
    );
    await world.clock.advance(5 * 60_000);
    world.fail(other, 2);
    await waitFor('noticed', () => service.engine!.detector.pending === 1);
    await world.clock.advance(GRACE_MS);
    await waitFor('a message of its own', () => world.channel.posts.filter((p) => p.card.kind === 'alert').length === 2);
    await settled(service);
    const listed = summaryOf()
      .groups.flatMap((g) => g.workloads)
      .find((w) => w.name === other)!;
    assert.equal(listed.status, 'resolved', 'the summary still says the outage it listed ended');
    const fresh = world.channel.posts.filter((p) => p.card.kind === 'alert').at(-1)!.card as AlertView;
    assert.equal(fresh.workload.name, other);
    assert.equal(fresh.status, 'firing');
  });

  it('leaves the old message resolved even when its resolved update was still waiting as the workload failed again', async () => {
    const service = await started(world);
    for (const workload of ['api', 'web']) {
      world.fail(workload, 1);
      await waitFor('noticed', () => service.engine!.detector.pending === 1);
      await world.clock.advance(GRACE_MS);
      await settled(service);
    }
    assert.equal(world.channel.posts.length, 2);

    // Teams asks to wait ten minutes while the api card is updated: the conversation's queue waits behind it.
    world.channel.throttleNext(1, 600);
    world.fail('api', 2);
    await waitFor('noticed', () => service.engine!.detector.pending === 1);
    await world.clock.advance(GRACE_MS);
    await waitFor('the api update refused with Retry-After', () => world.channel.refusals.length === 1);
    world.fake.upsertPod(runningPod('web', 1));
    await waitFor('the web alert resolved', () => !counted(service, 'web-7d4c9b8f6d-p1'));
    world.fail('web', 2);
    await waitFor('noticed', () => service.engine!.detector.pending === 1);
    await world.clock.advance(GRACE_MS);
    await waitFor('the web alert firing again', () => counted(service, 'web-7d4c9b8f6d-p2'));
    assert.equal((await alertOf(world, 'web'))?.generation, 2);
    assert.equal(world.channel.sends.length, 2, 'nothing went out while Teams asked to wait');

    await world.clock.advance(600_000);
    await waitFor('the new web message', () => world.channel.posts.length === 3);
    await settled(service);
    const web = world.channel.messagesIn(OPS).filter((m) => (m.card as AlertView).workload.name === 'web');
    const [old, fresh] = web.map((m) => m.card as AlertView);
    assert.equal(old!.status, 'resolved', 'the first message was finished as resolved, not left firing');
    assert.equal(old!.pods.newest, 'web-7d4c9b8f6d-p1');
    assert.equal(fresh!.status, 'firing');
    assert.equal(fresh!.pods.newest, 'web-7d4c9b8f6d-p2');
    assert.equal(world.channel.limitViolations, 0);
  });
});
