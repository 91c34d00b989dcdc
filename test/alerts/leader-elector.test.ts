import assert from 'node:assert/strict';
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AlertView } from '../../src/alerts/alert-view.js';
import type { AlertService } from '../../src/alerts/alert-service.js';
import { startAlertsWorld, type AlertsWorld } from '../support/alerts-world.js';
import { waitFor } from '../support/wait-for.js';

const GRACE_MS = 120_000;
const LEASE_MS = 4_000;
const ELECTION = { leaseDurationMs: LEASE_MS, renewDeadlineMs: 3_000, retryPeriodMs: 500, random: () => 0.5 };

/** A TCP relay to the API server on 127.0.0.1 that can be cut, as when a node dies or loses the network. */
async function relay(port: number): Promise<{ url: string; cut: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(port, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return {
    url: `https://127.0.0.1:${address.port}`,
    cut: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
}

describe('proactive alerts with two replicas: leader election on a Lease', function () {
  this.timeout(30_000);
  let world: AlertsWorld;
  const env = { LEADER_ELECTION_NAMESPACE: 'pull-doctor' };
  beforeEach(async () => {
    world = await startAlertsWorld();
  });
  afterEach(async () => {
    await world.close();
  });

  async function twoReplicas(firstServer?: string): Promise<[AlertService, AlertService]> {
    const a = await world.replica({
      env,
      identity: 'pull-doctor-5f7d9-a1b2',
      ...(firstServer ? { server: firstServer } : {}),
      more: { leaderElection: ELECTION },
    });
    await a.start();
    await world.clock.runUntil('a to lead', () => a.isLeader, 100, { realMs: 10 });
    const b = await world.replica({ env, identity: 'pull-doctor-5f7d9-c3d4', more: { leaderElection: ELECTION } });
    await b.start();
    await world.clock.runUntil('b to try', () => world.fake.requests.some((r) => r.resource === 'leases' && r.verb === 'get'), 100, {
      realMs: 10,
    });
    await waitFor('a to watch', () => a.engine?.watcher.isSynced('shop') === true);
    return [a, b];
  }

  it('lets one replica alone watch and alert', async () => {
    const [a, b] = await twoReplicas();
    for (let i = 0; i < 10; i++) await world.clock.advance(500);
    assert.equal(a.isLeader, true);
    assert.equal(b.isLeader, false);
    assert.equal(world.fake.getLease('pull-doctor', 'pull-doctor-alerts')?.spec?.holderIdentity, 'pull-doctor-5f7d9-a1b2');
    assert.equal(world.fake.openWatchCount, 1, 'one pod watch in the cluster');

    world.fail('web', 1);
    await waitFor('noticed', () => a.engine!.detector.pending === 1);
    await world.clock.advance(GRACE_MS);
    await waitFor('the alert', () => world.channel.posts.length === 1);
    for (let i = 0; i < 10; i++) await world.clock.advance(500);
    await waitFor('idle', () => a.engine!.busy === 0);
    assert.equal(world.channel.posts.length, 1);
    assert.equal(b.engine, undefined, 'the follower neither watches nor sends');
  });

  it('moves leadership within the lease duration when the leader dies, and the new leader neither misses nor repeats alerts', async () => {
    const link = await relay(world.fake.port);
    const [a, b] = await twoReplicas(link.url);
    world.fail('web', 1);
    await waitFor('noticed', () => a.engine!.detector.pending === 1);
    await world.clock.advance(GRACE_MS);
    await waitFor('the alert from a', () => world.channel.posts.length === 1);
    await waitFor('a idle', () => a.engine!.busy === 0);

    await link.cut();
    const diedAt = world.clock.now();
    world.fail('api', 1);
    await world.clock.runUntil('b to lead', () => b.isLeader, 250, { realMs: 15 });
    const tookOverAfter = world.clock.now() - diedAt;
    // The lease runs out LEASE_MS after b last saw it renewed (at most one of b's retry periods before a died); b notices at its next try.
    assert.ok(tookOverAfter <= LEASE_MS + 2 * ELECTION.retryPeriodMs * 1.2 + 250, `b led ${tookOverAfter} ms after a died`);
    assert.ok(tookOverAfter >= LEASE_MS - ELECTION.retryPeriodMs * 1.2, 'not before the lease could have run out');
    await world.clock.runUntil('a to step down', () => !a.isLeader, 250, { realMs: 15 });
    assert.equal(world.fake.getLease('pull-doctor', 'pull-doctor-alerts')?.spec?.holderIdentity, 'pull-doctor-5f7d9-c3d4');

    await waitFor('b to watch', () => b.engine?.watcher.isSynced('shop') === true);
    await waitFor('api noticed by b', () => b.engine!.detector.pending === 1);
    await world.clock.advance(GRACE_MS);
    await waitFor('the api alert from b', () => world.channel.posts.length === 2);
    await waitFor('b idle', () => b.engine!.busy === 0);
    assert.deepEqual(
      world.channel.posts.map((p) => (p.card as AlertView).workload.name),
      ['web', 'api'],
    );
  });

  it('hands over at once when the leader is stopped (SIGTERM releases the lease)', async () => {
    const [a, b] = await twoReplicas();
    await a.stop();
    assert.equal(world.fake.getLease('pull-doctor', 'pull-doctor-alerts')?.spec?.holderIdentity, '');
    const stoppedAt = world.clock.now();
    await world.clock.runUntil('b to lead', () => b.isLeader, 100, { realMs: 10 });
    assert.ok(world.clock.now() - stoppedAt <= ELECTION.retryPeriodMs * 1.2 + 100, 'no need to wait for the lease to expire');
  });
});
