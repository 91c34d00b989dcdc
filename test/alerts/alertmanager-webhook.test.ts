import assert from 'node:assert/strict';
import { createAlertmanagerWebhook, type PodAlert } from '../../src/alerts/alertmanager-webhook.js';
import type { AlertView } from '../../src/alerts/alert-view.js';
import { SecretValue } from '../../src/config/index.js';
import { PodCheckQueue } from '../../src/alerts/pod-check-queue.js';
import { startAlertsWorld, OPS, type AlertsWorld } from '../support/alerts-world.js';
import { waitFor } from '../support/wait-for.js';
import { alertmanagerPayload } from '../support/alertmanager-payload.js';

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
    assert.equal((await handle({ headers: { authorization: `Basic ${Buffer.from(`a:${SECRET}`).toString('base64')}` }, body })).status, 401);
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
    const body = JSON.parse(payload([{ namespace: 'shop', pod: 'web-1' }, { namespace: 'shop', pod: 'web-1' }, { namespace: 'shop', pod: 'api-2', status: 'resolved' }]));
    body.alerts.push({ status: 'firing', labels: { alertname: 'NodeDown', instance: '10.224.0.4:9100' } });
    body.alerts.push({ status: 'firing', labels: { alertname: 'X', namespace: '../../etc', pod: 'p' } });
    const answer = await handle({ headers: headers(), body: JSON.stringify(body) });
    assert.deepEqual(answer, { status: 202, body: { accepted: 2, ignored: 2 } });
    assert.deepEqual(received.map((a) => [a.namespace, a.pod, a.status]), [['shop', 'web-1', 'firing'], ['shop', 'api-2', 'resolved']]);
  });

  it('is off (404) without a secret', async () => {
    const off = createAlertmanagerWebhook({ secret: undefined, onPodAlert: async () => undefined });
    assert.equal((await off({ headers: headers(), body: payload([]) })).status, 404);
  });

  describe('through the alert service', () => {
    let world: AlertsWorld;
    beforeEach(async () => {
      world = await startAlertsWorld();
    });
    afterEach(async () => {
      await world.close();
    });

    it('turns a firing alert about a pod that cannot pull into an alert card at once, without the grace period', async () => {
      const service = await world.replica({ env: { ALERTMANAGER_WEBHOOK_SECRET: SECRET, ALERT_NAMESPACES: 'payments' } });
      await service.start();
      world.fail('web', 1);
      const answer = await service.handleAlertmanager({ headers: headers(), body: payload([{ namespace: 'shop', pod: 'web-7d4c9b8f6d-p1', cluster: 'prod' }, { namespace: 'shop', pod: 'other', cluster: 'dev' }]) });
      assert.equal(answer.status, 202);
      await waitFor('the alert', () => world.channel.posts.length === 1);
      const card = world.channel.posts[0]!.card as AlertView;
      assert.equal(card.source, 'alertmanager');
      assert.equal(card.workload.name, 'web');
      assert.equal(world.channel.posts[0]!.conversationId, OPS);
    });

    it('reads a few pods at a time for all requests together, merges pods asked twice, and answers 503 past its backlog', async () => {
      let reading = 0;
      let mostAtOnce = 0;
      const read: string[] = [];
      let open = () => {};
      const gate = new Promise<void>((resolve) => (open = resolve));
      const podChecks = new PodCheckQueue({ concurrency: 2, backlog: 5 });
      const service = await world.replica({
        env: { ALERTMANAGER_WEBHOOK_SECRET: SECRET },
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
      const pods = (names: string[]) => payload(names.map((pod) => ({ namespace: 'shop', pod })));

      const first = await service.handleAlertmanager({ headers: headers(), body: pods(['web-7d4c9b8f6d-p1', 'api-1', 'api-2', 'api-3']) });
      const second = await service.handleAlertmanager({ headers: headers(), body: pods(['api-2', 'api-3', 'api-4', 'api-5', 'api-6']) });
      assert.deepEqual([first.status, second.status], [202, 202]);
      assert.equal(reading, 2, 'two reads at once');
      assert.equal(podChecks.size, 7, 'api-2 and api-3 were asked twice and are checked once');
      const third = await service.handleAlertmanager({ headers: headers(), body: pods(['api-7']) });
      assert.deepEqual(third, { status: 503, body: { error: 'Too many pod checks are waiting; Alertmanager will retry.' } });

      open();
      await podChecks.idle();
      assert.deepEqual(read.sort(), ['api-1', 'api-2', 'api-3', 'api-4', 'api-5', 'api-6', 'web-7d4c9b8f6d-p1']);
      assert.equal(mostAtOnce, 2);
      await waitFor('the alert of the failing pod that waited its turn', () => world.channel.posts.length === 1);
      assert.equal((await service.handleAlertmanager({ headers: headers(), body: pods(['api-7']) })).status, 202, 'room again once the backlog is read');
    });

    it('on a follower, leaves the report for the leader, which picks it up', async () => {
      const env = { ALERTMANAGER_WEBHOOK_SECRET: SECRET, LEADER_ELECTION_NAMESPACE: 'pull-doctor' };
      const election = { leaseDurationMs: 4000, renewDeadlineMs: 3000, retryPeriodMs: 500, random: () => 0.5 };
      const leader = await world.replica({ env, identity: 'leader', more: { leaderElection: election } });
      await leader.start();
      await world.clock.runUntil('a leader', () => leader.isLeader, 100, { realMs: 10 });
      const follower = await world.replica({ env, identity: 'follower', more: { leaderElection: election } });
      await follower.start();
      world.fail('web', 1);
      const answer = await follower.handleAlertmanager({ headers: headers(), body: payload([{ namespace: 'shop', pod: 'web-7d4c9b8f6d-p1' }]) });
      assert.equal(answer.status, 202);
      await world.clock.runUntil('the alert from the leader', () => world.channel.posts.length === 1, 1000, { realMs: 20 });
      assert.equal(follower.isLeader, false);
    });
  });
});
