import assert from 'node:assert/strict';
import { AlertBook } from '../../src/alerts/alert-book.js';
import type { PodFailureReport } from '../../src/alerts/alert-record.js';
import { openSqliteStore, type Store } from '../../src/store/index.js';
import { silentLogger } from '../../src/logging/index.js';
import { ManualClock } from '../support/manual-clock.js';

const report = (pod: string, more: Partial<PodFailureReport> = {}): PodFailureReport => ({
  cluster: 'prod',
  namespace: 'shop',
  workload: { kind: 'Deployment', name: 'web' },
  cause: 'unauthorized',
  pod,
  diagnosis: { pod, diagnosedAt: '2026-03-02T09:00:00.000Z', fix: null, events: [] },
  source: 'watcher',
  conversations: ['19:ops@thread.tacv2'],
  ...more,
});

describe('AlertBook', () => {
  let store: Store;
  let clock: ManualClock;
  let book: AlertBook;
  beforeEach(async () => {
    store = await openSqliteStore({ path: ':memory:', log: silentLogger() });
    clock = new ManualClock();
    book = new AlertBook({ store: store.documents, clock, quietWindowMs: 4 * 3_600_000 });
  });
  afterEach(() => store.close());

  it('groups pods of one workload and cause into one alert, and tracks which pods it counts', async () => {
    const [a] = await book.podFailing(report('web-1'));
    const [b] = await book.podFailing(report('web-2'));
    assert.equal(a!.key, b!.key);
    assert.equal(b!.podsAffected, 2);
    assert.ok(book.isTracked({ cluster: 'prod', namespace: 'shop', pod: 'web-1' }));
    assert.deepEqual(await book.podFailing(report('web-2')), [], 'a pod already counted changes nothing');
  });

  it('keeps different causes and workloads apart', async () => {
    const [a] = await book.podFailing(report('web-1'));
    const [b] = await book.podFailing(report('api-1', { workload: { kind: 'Deployment', name: 'api' } }));
    const [c] = await book.podFailing(report('web-9', { cause: 'image-not-found' }));
    assert.equal(new Set([a!.key, b!.key, c!.key]).size, 3);
  });

  it('moves a pod whose cause changed to the other alert, resolving the first when it empties', async () => {
    await book.podFailing(report('web-1'));
    const changed = await book.podFailing(report('web-1', { cause: 'image-not-found' }));
    assert.deepEqual(
      changed.map((r) => [r.cause, r.status]),
      [
        ['unauthorized', 'resolved'],
        ['image-not-found', 'firing'],
      ],
    );
  });

  it('resolves when every pod recovered, and a new book over the same store knows what is tracked', async () => {
    await book.podFailing(report('web-1'));
    await book.podFailing(report('web-2'));
    const again = new AlertBook({ store: store.documents, clock, quietWindowMs: 4 * 3_600_000 });
    await again.load();
    assert.deepEqual(
      again
        .trackedPods()
        .map((p) => p.pod)
        .sort(),
      ['web-1', 'web-2'],
    );
    await again.podRecovered({ cluster: 'prod', namespace: 'shop', pod: 'web-1' });
    const [resolved] = await again.podRecovered({ cluster: 'prod', namespace: 'shop', pod: 'web-2' });
    assert.equal(resolved!.status, 'resolved');
    assert.equal(resolved!.resolvedAt, new Date(clock.now()).toISOString());
    assert.deepEqual(again.trackedPods(), []);
    assert.equal((await again.listActive(60_000)).length, 1);
    await clock.advance(2 * 60_000);
    assert.equal((await again.listActive(60_000)).length, 0);
  });

  it('applies a transition exactly once when two books (two replicas) race on the same alert', async () => {
    const other = new AlertBook({ store: store.documents, clock, quietWindowMs: 4 * 3_600_000 });
    await Promise.all([
      book.podFailing(report('web-1')),
      other.podFailing(report('web-2')),
      book.podFailing(report('web-3')),
      other.podFailing(report('web-1')),
    ]);
    const [record] = await book.load();
    assert.deepEqual(Object.keys(record!.failingPods).sort(), ['web-1', 'web-2', 'web-3']);
    assert.equal(record!.podsAffected, 3);
  });
});
