import assert from 'node:assert/strict';
import { withPodFailing, withPodRecovered, type AlertRecord, type PodFailureReport } from '../../src/alerts/alert-record.js';

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

  it('reopens the same generation when the workload fails again within the quiet window', () => {
    const resolved = withPodRecovered(fail(null, 'web-1', 0)!, 'web-1', t(10))!;
    const again = fail(resolved, 'web-3', 60)!;
    assert.equal(again.status, 'firing');
    assert.equal(again.generation, 1);
    assert.equal(again.firstSeen, t(0));
    assert.equal(again.resolvedAt, undefined);
  });

  it('starts a new generation (a new message) when it fails again after the quiet window', () => {
    const resolved = withPodRecovered(fail(null, 'web-1', 0)!, 'web-1', t(10))!;
    const again = fail(resolved, 'web-3', 10 + 4 * 60)!;
    assert.equal(again.generation, 2);
    assert.equal(again.firstSeen, t(10 + 4 * 60));
    assert.equal(again.podsAffected, 1);
  });

  it('re-announces a still-firing workload only when a new pod fails after the quiet window', () => {
    const a = fail(null, 'web-1', 0)!;
    assert.equal(fail(a, 'web-2', 3 * 60)!.generation, 1);
    assert.equal(fail(a, 'web-2', 4 * 60)!.generation, 2);
  });

  it('adds conversations that were not told yet without touching the pods', () => {
    const a = fail(null, 'web-1', 0)!;
    const b = fail(a, 'web-1', 1, { conversations: ['19:sre@thread.tacv2'] })!;
    assert.deepEqual(b.routedTo, ['19:ops@thread.tacv2', '19:sre@thread.tacv2']);
    assert.equal(b.podsAffected, 1);
  });
});
