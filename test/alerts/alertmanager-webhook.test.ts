import assert from 'node:assert/strict';
import { createAlertmanagerWebhook, PodCheckQueue, type PodAlert } from '../../src/alerts/alertmanager-webhook.js';
import type { AlertView } from '../../src/alerts/alert-view.js';
import { SecretValue } from '../../src/config/index.js';
import { isPullDoctorError, PullDoctorError } from '../../src/errors/index.js';
import { alertmanagerPayload } from '../support/alertmanager-payload.js';
import { cardOf, leadingAndSynced, startAlertingBotWorld, WEBHOOK_SECRET, type AlertingBotWorld } from '../support/alerting-bot.js';
import { startAlertsWorld, OPS, type AlertsWorld } from '../support/alerts-world.js';
import { cardTexts } from '../support/card-text.js';
import { channelThread, installationUpdateActivity, postActivity } from '../support/teams-activities.js';
import { waitFor } from '../support/wait-for.js';

const SECRET = 'f3a9c1e7b2d84a6f9e0c5b7d1a3f8e2c';

const payload = alertmanagerPayload;

describe('the Alertmanager webhook', () => {
  const received: PodAlert[] = [];
  const handle = createAlertmanagerWebhook({ secret: new SecretValue(SECRET), onPodAlert: async (a) => void received.push(a) });
  const headers = (token = SECRET) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' });
  beforeEach(() => {
    received.length = 0;
  });

  it('answers 401 without the bearer secret, or with a wrong one', async () => {
    const body = payload([{ namespace: 'shop', pod: 'web-1' }]);
    assert.equal((await handle({ headers: {}, body })).status, 401);
    assert.equal((await handle({ headers: headers('f3a9c1e7b2d84a6f9e0c5b7d1a3f8e2d'), body })).status, 401);
    assert.equal((await handle({ headers: headers(`${SECRET}x`), body })).status, 401);
    assert.equal(
      (await handle({ headers: { authorization: `Basic ${Buffer.from(`a:${SECRET}`).toString('base64')}` }, body })).status,
      401,
    );
    assert.deepEqual(received, []);
  });

  it('answers 413 for a body over 256 KiB', async () => {
    const body = Buffer.alloc(256 * 1024 + 1, 0x20);
    const answer = await handle({ headers: headers(), body });
    assert.equal(answer.status, 413);
  });

  it('answers 400 for malformed JSON or a payload without alerts, 415 for another media type', async () => {
    assert.equal((await handle({ headers: headers(), body: '{"alerts": [' })).status, 400);
    assert.equal((await handle({ headers: headers(), body: '{"receiver":"x"}' })).status, 400);
    assert.equal((await handle({ headers: headers(), body: 'null' })).status, 400);
    assert.equal((await handle({ headers: { ...headers(), 'content-type': 'text/plain' }, body: payload([]) })).status, 415);
  });

  it('takes alerts about pods, once per pod, and counts the others as ignored', async () => {
    const body = JSON.parse(
      payload([
        { namespace: 'shop', pod: 'web-1' },
        { namespace: 'shop', pod: 'web-1' },
        { namespace: 'shop', pod: 'api-2', status: 'resolved' },
      ]),
    );
    body.alerts.push({ status: 'firing', labels: { alertname: 'NodeDown', instance: '10.224.0.4:9100' } });
    body.alerts.push({ status: 'firing', labels: { alertname: 'X', namespace: '../../etc', pod: 'p' } });
    const answer = await handle({ headers: headers(), body: JSON.stringify(body) });
    assert.deepEqual(answer, { status: 202, body: { accepted: 2, ignored: 2 } });
    assert.deepEqual(
      received.map((a) => [a.namespace, a.pod, a.status]),
      [
        ['shop', 'web-1', 'firing'],
        ['shop', 'api-2', 'resolved'],
      ],
    );
  });

  it('is off (404) without a secret', async () => {
    const off = createAlertmanagerWebhook({ secret: undefined, onPodAlert: async () => undefined });
    assert.equal((await off({ headers: headers(), body: payload([]) })).status, 404);
  });

  it('answers 503 when the pod checks waiting are too many, so that Alertmanager retries', async () => {
    const busy = createAlertmanagerWebhook({
      secret: new SecretValue(SECRET),
      onPodAlert: async () => {
        throw new PullDoctorError('BUSY', 'Too many pod checks are waiting already.');
      },
    });
    const answer = await busy({ headers: headers(), body: payload([{ namespace: 'shop', pod: 'web-1' }]) });
    assert.deepEqual(answer, { status: 503, body: { error: 'Too many pod checks are waiting; Alertmanager will retry.' } });
  });
});

describe('Alertmanager reports taken by the alert service', () => {
  let world: AlertsWorld;
  beforeEach(async () => {
    world = await startAlertsWorld();
  });
  afterEach(async () => {
    await world.close();
  });

  const report = (pod: string, cluster?: string): PodAlert => ({
    namespace: 'shop',
    pod,
    status: 'firing',
    ...(cluster ? { cluster } : {}),
  });

  it('turns a firing alert about a pod that cannot pull into an alert card at once, without the grace period, and leaves other clusters alone', async () => {
    const service = await world.replica({ env: { ALERT_NAMESPACES: 'payments' } });
    await service.start();
    world.fail('web', 1);
    await service.takeAlertmanagerAlert(report('web-7d4c9b8f6d-p1', 'prod'));
    await service.takeAlertmanagerAlert(report('other', 'dev'));
    await waitFor('the alert', () => world.channel.posts.length === 1);
    const card = world.channel.posts[0]!.card as AlertView;
    assert.equal(card.source, 'alertmanager');
    assert.equal(card.workload.name, 'web');
    assert.equal(world.channel.posts[0]!.conversationId, OPS);
    assert.ok(world.logs.some((r) => r.msg === 'ignoring an Alertmanager alert about another cluster' && r.cluster === 'dev'));
  });

  it('reads a few pods at a time for all reports together, merges pods reported twice, and is BUSY past its backlog', async () => {
    let reading = 0;
    let mostAtOnce = 0;
    const read: string[] = [];
    let open = () => {};
    const gate = new Promise<void>((resolve) => (open = resolve));
    const podChecks = new PodCheckQueue({ concurrency: 2, backlog: 5 });
    const service = await world.replica({
      more: { podChecks },
      engineReader: (reader) => ({
        ...reader,
        async readPod(namespace: string, name: string) {
          reading++;
          mostAtOnce = Math.max(mostAtOnce, reading);
          try {
            await gate;
            read.push(name);
            return await reader.readPod(namespace, name);
          } finally {
            reading--;
          }
        },
      }),
    });
    await service.start();
    world.fail('web', 1);
    const take = async (pods: string[]) => {
      for (const pod of pods) await service.takeAlertmanagerAlert(report(pod));
    };

    await take(['web-7d4c9b8f6d-p1', 'api-1', 'api-2', 'api-3']);
    await take(['api-2', 'api-3', 'api-4', 'api-5', 'api-6']);
    assert.equal(reading, 2, 'two reads at once');
    assert.equal(podChecks.size, 7, 'api-2 and api-3 were reported twice and are checked once');
    await assert.rejects(
      service.takeAlertmanagerAlert(report('api-7')),
      (error: unknown) => isPullDoctorError(error) && error.code === 'BUSY',
    );

    open();
    await podChecks.idle();
    assert.deepEqual(read.sort(), ['api-1', 'api-2', 'api-3', 'api-4', 'api-5', 'api-6', 'web-7d4c9b8f6d-p1']);
    assert.equal(mostAtOnce, 2);
    await waitFor('the alert of the failing pod that waited its turn', () => world.channel.posts.length === 1);
    await assert.doesNotReject(service.takeAlertmanagerAlert(report('api-7')), 'room again once the backlog is read');
    await podChecks.idle();
  });
});

describe('Alertmanager reports on two replicas of the bot', function () {
  this.timeout(30_000);
  let world: AlertingBotWorld;
  beforeEach(async () => {
    world = await startAlertingBotWorld();
  });
  afterEach(async () => {
    await world.close();
  });

  it('on a follower, leaves the report for the leader, which picks it up', async () => {
    const env = { ALERT_ROUTES: `prod/*=${OPS}`, LEADER_ELECTION_NAMESPACE: 'pull-doctor' };
    const leader = await world.replica({ env });
    await leadingAndSynced(world, leader);
    const follower = await world.replica({ env });
    const leaseReads = () => world.fake.requests.filter((r) => r.resource === 'leases' && r.verb === 'get').length;
    await world.clock.runUntil('the follower to try for the lease', () => leaseReads() >= 3, 100, { realMs: 10 });
    await postActivity(leader.url, installationUpdateActivity(world.connector.serviceUrl, channelThread(OPS), 'add'));
    world.fail('web', 1);

    const answer = await fetch(`${follower.url}/api/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${WEBHOOK_SECRET}` },
      body: alertmanagerPayload([{ namespace: 'shop', pod: 'web-7d4c9b8f6d-p1' }]),
    });
    assert.equal(answer.status, 202);
    await world.clock.runUntil('the alert from the leader', () => world.alertCalls(OPS).length === 1, 1000, { realMs: 20 });
    assert.ok(cardTexts(cardOf(world.alertCalls(OPS)[0]!)).some((t) => t.startsWith('Reported by Alertmanager')));
    assert.equal(follower.service().isLeader, false);
    assert.equal(follower.logs.filter((r) => r.msg === 'alert card posted').length, 0, 'posted by the leader');
  });
});
