import assert from 'node:assert/strict';
import type { CoreV1Event } from '@kubernetes/client-node';
import { newestPullFailure, summarizeEvents } from '../../src/diagnosis/events.js';

function kubeletEvent(reason: string, message: string, last: string, count = 1, type = 'Warning'): CoreV1Event {
  return {
    metadata: { name: `web-7d4c9.${reason}`, namespace: 'shop' },
    involvedObject: { kind: 'Pod', name: 'web-7d4c9', namespace: 'shop' },
    reason,
    message,
    type,
    count,
    firstTimestamp: new Date('2026-11-26T09:00:00Z'),
    lastTimestamp: new Date(last),
    source: { component: 'kubelet', host: 'aks-nodepool1-12345678-vmss000000' },
  };
}

describe('summarizeEvents', () => {
  const pullFailed = 'Failed to pull image "shopacr.azurecr.io/web:1.2": rpc error: code = Unknown desc = failed to pull and unpack image';

  it('orders events newest first', () => {
    const out = summarizeEvents([
      kubeletEvent('Pulling', 'Pulling image "shopacr.azurecr.io/web:1.2"', '2026-11-26T10:00:00Z', 1, 'Normal'),
      kubeletEvent('BackOff', 'Back-off pulling image "shopacr.azurecr.io/web:1.2"', '2026-11-26T10:05:00Z'),
    ]);
    assert.deepEqual(
      out.map((e) => e.reason),
      ['BackOff', 'Pulling'],
    );
  });

  it('folds repeats of the same event into one entry with the summed count and the newest time', () => {
    const out = summarizeEvents([
      kubeletEvent('Failed', pullFailed, '2026-11-26T10:00:00Z', 3),
      kubeletEvent('Failed', pullFailed, '2026-11-26T10:04:00Z', 2),
    ]);
    assert.equal(out.length, 1);
    assert.equal(out[0]!.count, 5);
    assert.equal(out[0]!.lastSeen, '2026-11-26T10:04:00.000Z');
  });

  it('uses the event series time for events.k8s.io-style events without lastTimestamp', () => {
    const e: CoreV1Event = {
      metadata: {},
      involvedObject: {},
      reason: 'BackOff',
      message: 'Back-off',
      type: 'Warning',
      series: { count: 7, lastObservedTime: new Date('2026-11-26T11:00:00Z') },
    };
    const [out] = summarizeEvents([e]);
    assert.equal(out!.count, 7);
    assert.equal(out!.lastSeen, '2026-11-26T11:00:00.000Z');
  });

  it('finds the newest "Failed to pull image" event for the failing image', () => {
    const other = 'Failed to pull image "docker.io/library/redis:7": rpc error: code = NotFound';
    const events = summarizeEvents([
      kubeletEvent('Failed', other, '2026-11-26T10:09:00Z'),
      kubeletEvent('Failed', pullFailed, '2026-11-26T10:01:00Z'),
    ]);
    assert.equal(newestPullFailure(events, 'shopacr.azurecr.io/web:1.2')?.message, pullFailed);
    assert.equal(newestPullFailure(events)?.message, other);
  });
});
