import assert from 'node:assert/strict';
import { isAlertRecord, withPodFailing, withPodRecovered, type AlertRecord, type PodFailureReport } from '../../src/alerts/alert-record.js';

const HOUR = 3_600_000;
const QUIET = 4 * HOUR;
const t = (minutes: number) => new Date(Date.parse('2026-03-02T09:00:00.000Z') + minutes * 60_000).toISOString();

const report = (pod: string, more: Partial<PodFailureReport> = {}): PodFailureReport => ({
  cluster: 'prod',
  namespace: 'shop',
  workload: { kind: 'Deployment', name: 'web' },
  cause: 'unauthorized',
  pod,
  diagnosis: { pod, diagnosedAt: t(0), image: 'shopacr.azurecr.io/shop/web:2', registry: 'shopacr.azurecr.io', fix: null, events: [] },
  source: 'watcher',
  conversations: ['19:ops@thread.tacv2'],
  ...more,
});

function fail(current: AlertRecord | null, pod: string, minutes: number, more: Partial<PodFailureReport> = {}): AlertRecord | undefined {
  return withPodFailing(current, report(pod, more), 'k1', t(minutes), QUIET);
}

describe('alert record transitions', () => {
  it('opens a firing alert, generation 1, with the first pod', () => {
    const a = fail(null, 'web-1', 0)!;
    assert.equal(a.status, 'firing');
    assert.equal(a.generation, 1);
    assert.deepEqual(Object.keys(a.failingPods), ['web-1']);
    assert.equal(a.podsAffected, 1);
    assert.equal(a.newestPod, 'web-1');
    assert.deepEqual(a.routedTo, ['19:ops@thread.tacv2']);
  });

  it('counts a second pod of the workload in the same generation, and ignores a pod it already counts', () => {
    const a = fail(null, 'web-1', 0)!;
    const b = fail(a, 'web-2', 1)!;
    assert.equal(b.generation, 1);
    assert.equal(b.podsAffected, 2);
    assert.equal(b.newestPod, 'web-2');
    assert.equal(b.revision, a.revision + 1);
    assert.equal(fail(b, 'web-1', 2), undefined);
  });

  it('resolves when the last failing pod recovers, with the time', () => {
    const a = fail(fail(null, 'web-1', 0)!, 'web-2', 1)!;
    const b = withPodRecovered(a, 'web-1', t(5))!;
    assert.equal(b.status, 'firing');
    const c = withPodRecovered(b, 'web-2', t(6))!;
    assert.equal(c.status, 'resolved');
    assert.equal(c.resolvedAt, t(6));
    assert.equal(c.podsAffected, 2, 'the card still says how many pods were affected');
    assert.equal(withPodRecovered(c, 'web-2', t(7)), undefined);
  });

  it('starts a new generation (a new message) when a resolved workload fails again, however soon, firing since the new failure', () => {
    const resolved = withPodRecovered(fail(fail(null, 'web-1', 0)!, 'web-2', 2)!, 'web-1', t(10))!;
    const resolvedForGood = withPodRecovered(resolved, 'web-2', t(11))!;
    const again = fail(resolvedForGood, 'web-3', 12)!;
    assert.equal(again.status, 'firing');
    assert.equal(again.generation, 2, 'one minute after it resolved, well within the quiet window');
    assert.equal(again.firstSeen, t(12));
    assert.equal(again.generationStartedAt, t(12));
    assert.equal(again.resolvedAt, undefined);
    assert.deepEqual(Object.keys(again.failingPods), ['web-3']);
    assert.equal(again.podsAffected, 1, 'the new message counts the pods of the new outage only');
    assert.deepEqual(again.affectedPods, ['web-3']);
  });

  it('keeps the previous generation as it ended, so that its message can be left showing it resolved', () => {
    const resolved = withPodRecovered(fail(null, 'web-1', 0)!, 'web-1', t(10))!;
    const again = fail(resolved, 'web-3', 30)!;
    assert.equal(again.previous?.generation, 1);
    assert.equal(again.previous?.status, 'resolved');
    assert.equal(again.previous?.resolvedAt, t(10));
    assert.equal(again.previous?.firstSeen, t(0));
    assert.equal(again.previous?.newestPod, 'web-1');
    assert.equal((again.previous as AlertRecord).previous, undefined, 'only one generation back is kept');
    const third = fail(withPodRecovered(again, 'web-3', t(40))!, 'web-4', 50)!;
    assert.equal(third.generation, 3);
    assert.equal(third.previous?.generation, 2);
    assert.equal((third.previous as AlertRecord).previous, undefined);
    assert.ok(isAlertRecord(third));
  });

  it('holds back repeats only while the workload keeps failing: a new pod is re-announced once the quiet window has passed', () => {
    const a = fail(null, 'web-1', 0)!;
    const within = fail(a, 'web-2', 3 * 60)!;
    assert.equal(within.generation, 1, 'a new pod within the window updates the message');
    const after = fail(a, 'web-2', 4 * 60)!;
    assert.equal(after.generation, 2, 'a new pod after the window is a new message');
    assert.equal(after.firstSeen, t(0), 'still failing since the start of the outage');
    assert.equal(after.previous?.status, 'firing');
    assert.equal(fail(within, 'web-1', 5 * 60), undefined, 'a pod already counted is no repeat at all');
  });

  it('refuses a stored alert whose previous generation is malformed or belongs to another alert', () => {
    const again = fail(withPodRecovered(fail(null, 'web-1', 0)!, 'web-1', t(10))!, 'web-3', 30)!;
    assert.ok(isAlertRecord(again));
    assert.equal(isAlertRecord({ ...again, previous: { ...again.previous, key: 'other' } }), false);
    assert.equal(isAlertRecord({ ...again, previous: 'resolved' }), false);
    assert.equal(isAlertRecord({ ...again, previous: { ...again.previous, previous: again.previous } }), false);
    assert.equal(isAlertRecord({ ...again, previous: { ...again.previous, status: 'flapping' } }), false);
  });

  it('adds conversations that were not told yet without touching the pods', () => {
    const a = fail(null, 'web-1', 0)!;
    const b = fail(a, 'web-1', 1, { conversations: ['19:sre@thread.tacv2'] })!;
    assert.deepEqual(b.routedTo, ['19:ops@thread.tacv2', '19:sre@thread.tacv2']);
    assert.equal(b.podsAffected, 1);
  });
});
