import assert from 'node:assert/strict';
import type { CoreV1Event } from '@kubernetes/client-node';
// The SDK's own wire-to-model conversion, the one its API clients (and so KubernetesReader) run on every answer.
import { ObjectSerializer } from '@kubernetes/client-node/dist/gen/models/ObjectSerializer.js';
import {
  goneStoryOf,
  gonePodStory,
  GONE_POD_LIMITS,
  newestPullFailure,
  PodGoneError,
  summarizeEvents,
} from '../../src/diagnosis/events.js';
import { PullDoctorError } from '../../src/errors/index.js';

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

describe('gonePodStory: a pod that no longer exists, told by the events that outlive it', () => {
  const target = { pod: 'web-5c8d7b9f4-q4w5e', namespace: 'shop' };
  const image = 'shopacr.azurecr.io/shop/web:2.4.0';
  const notFound = `Failed to pull image "${image}": rpc error: code = NotFound desc = failed to pull and unpack image "${image}": failed to resolve reference "${image}": ${image}: not found`;

  it('has no story when no event remains (events expire after about an hour)', () => {
    assert.equal(gonePodStory(target, []), undefined);
  });

  it('says it could not pull its image, which image, why (classified), and when it was last seen', () => {
    const story = gonePodStory(target, [
      kubeletEvent('Pulling', `Pulling image "${image}"`, '2026-11-26T10:00:00Z', 4, 'Normal'),
      kubeletEvent('Failed', notFound, '2026-11-26T10:00:01Z', 4),
      kubeletEvent('BackOff', `Back-off pulling image "${image}"`, '2026-11-26T10:03:00Z', 9, 'Normal'),
    ])!;
    assert.equal(story.cause, 'image-not-found');
    assert.equal(story.image, image);
    assert.equal(story.said, `it could not pull its image ${image}: the image or tag does not exist in the registry (image-not-found)`);
    assert.equal(story.lastSeen, '2026-11-26T10:03:00.000Z');
    assert.equal(story.stoppedAt, undefined);
    assert.deepEqual(
      story.events.map((e) => e.reason),
      ['BackOff', 'Failed', 'Pulling'],
    );
  });

  it('says when its containers were stopped (the Killing event of its deletion)', () => {
    const story = gonePodStory(target, [
      kubeletEvent('Started', 'Started container web', '2026-11-26T09:00:00Z', 1, 'Normal'),
      kubeletEvent('Killing', 'Stopping container web', '2026-11-26T10:10:00Z', 1, 'Normal'),
    ])!;
    assert.equal(story.stoppedAt, '2026-11-26T10:10:00.000Z');
    assert.equal(story.cause, null);
    assert.equal(story.said, 'its last event was Killing: Stopping container web');
  });

  it('tells the newest warning when no pull failed (a crash loop, an OOM kill)', () => {
    const story = gonePodStory(target, [
      kubeletEvent('BackOff', 'Back-off restarting failed container web in pod web-5c8d7b9f4-q4w5e_shop(1b2c)', '2026-11-26T10:05:00Z', 12),
      kubeletEvent('Killing', 'Stopping container web', '2026-11-26T10:06:00Z', 1, 'Normal'),
    ])!;
    assert.equal(story.cause, null);
    assert.match(story.said, /^its last warning was BackOff: Back-off restarting failed container web/);
  });

  it('never dates an event 1970 from a time field the API server left null', () => {
    const scheduled = {
      ...kubeletEvent(
        'Scheduled',
        'Successfully assigned shop/web-5c8d7b9f4-q4w5e to aks-nodepool1-12345678-vmss000000',
        '2026-11-26T09:00:00Z',
        1,
        'Normal',
      ),
      firstTimestamp: null,
      lastTimestamp: null,
      eventTime: new Date('2026-11-26T08:59:58.123Z'),
    } as unknown as CoreV1Event;
    const story = gonePodStory(target, [scheduled])!;
    assert.equal(story.events[0]!.lastSeen, '2026-11-26T08:59:58.123Z');
    assert.equal(story.lastSeen, '2026-11-26T08:59:58.123Z');
  });

  it('is bounded: at most GONE_POD_LIMITS.events events, each message clipped, however many and long the events are', () => {
    const many = Array.from({ length: 500 }, (_, i) =>
      kubeletEvent(
        'Failed',
        `Failed to pull image "x/y:${i}": ${'A'.repeat(100_000)}`,
        `2026-11-26T10:${String(i % 60).padStart(2, '0')}:00Z`,
      ),
    );
    const story = gonePodStory(target, many)!;
    assert.equal(story.events.length, GONE_POD_LIMITS.events);
    assert.ok(story.events.every((e) => e.message.length <= GONE_POD_LIMITS.message));
    assert.ok(story.said.length < 600);
  });

  it('is carried by the POD_NOT_FOUND error and read back by its shape, not by other errors', () => {
    const story = gonePodStory(target, [kubeletEvent('Failed', notFound, '2026-11-26T10:00:01Z', 4)])!;
    const error = new PodGoneError('Pod "web-5c8d7b9f4-q4w5e" no longer exists in namespace "shop".', story);
    assert.equal(error.code, 'POD_NOT_FOUND');
    assert.equal(goneStoryOf(error), story);
    assert.equal(goneStoryOf(new PullDoctorError('POD_NOT_FOUND', 'No pod "x".')), undefined);
    assert.equal(goneStoryOf(Object.assign(new PullDoctorError('KUBE_FORBIDDEN', 'no'), { gone: story })), undefined);
    assert.equal(goneStoryOf(Object.assign(new PullDoctorError('POD_NOT_FOUND', 'x'), { gone: 'not a story' })), undefined);
    assert.equal(goneStoryOf({ code: 'POD_NOT_FOUND', gone: story }), undefined);
  });
});

/** An event as the API server sends it (core/v1 JSON), read through the SDK as KubernetesReader reads it. */
function fromWire(json: Record<string, unknown>): CoreV1Event {
  return ObjectSerializer.deserialize(json, 'CoreV1Event', '') as CoreV1Event;
}

const involvedObject = { kind: 'Pod', namespace: 'shop', name: 'web-7d4c9b6f5-x2k8p', uid: 'c7a6b5d4-0000-4000-8000-000000000001' };

describe('event times, on real event shapes', () => {
  it('dates a scheduler event by its eventTime: its lastTimestamp and firstTimestamp are null, not 1970', () => {
    // The scheduler writes events.k8s.io/v1 events; read through core/v1 they look like this (kubectl get ev -o json).
    const scheduled = fromWire({
      metadata: { name: 'web-7d4c9b6f5-x2k8p.1879a', namespace: 'shop', creationTimestamp: '2026-11-26T09:00:01Z' },
      involvedObject,
      reason: 'Scheduled',
      message: 'Successfully assigned shop/web-7d4c9b6f5-x2k8p to aks-nodepool1-29508656-vmss000000',
      source: {},
      firstTimestamp: null,
      lastTimestamp: null,
      type: 'Normal',
      eventTime: '2026-11-26T09:00:00.812345Z',
      action: 'Binding',
      reportingComponent: 'default-scheduler',
      reportingInstance: 'default-scheduler-aks-nodepool1-29508656-vmss000000',
    });
    const [out] = summarizeEvents([scheduled]);
    assert.equal(out!.lastSeen, '2026-11-26T09:00:00.812Z');
  });

  it('dates a repeating events.k8s.io event by its series, not by its first eventTime', () => {
    const backOff = fromWire({
      metadata: { name: 'web-7d4c9b6f5-x2k8p.1879b', namespace: 'shop', creationTimestamp: '2026-11-26T09:01:00Z' },
      involvedObject,
      reason: 'BackOff',
      message: 'Back-off pulling image "shopacr.azurecr.io/shop/web:2.4.1"',
      source: {},
      firstTimestamp: null,
      lastTimestamp: null,
      count: null,
      type: 'Normal',
      eventTime: '2026-11-26T09:01:00.000000Z',
      series: { count: 9, lastObservedTime: '2026-11-26T09:09:30.000000Z' },
      reportingComponent: 'kubelet',
      reportingInstance: 'aks-nodepool1-29508656-vmss000000',
    });
    const [out] = summarizeEvents([backOff]);
    assert.equal(out!.lastSeen, '2026-11-26T09:09:30.000Z');
    assert.equal(out!.count, 9);
  });

  it('dates a kubelet core/v1 event by its lastTimestamp, whose eventTime is null', () => {
    const failed = fromWire({
      metadata: { name: 'web-7d4c9b6f5-x2k8p.1879c', namespace: 'shop', creationTimestamp: '2026-11-26T09:01:00Z' },
      involvedObject,
      reason: 'Failed',
      message: 'Error: ErrImagePull',
      source: { component: 'kubelet', host: 'aks-nodepool1-29508656-vmss000000' },
      firstTimestamp: '2026-11-26T09:01:00Z',
      lastTimestamp: '2026-11-26T09:05:00Z',
      count: 4,
      type: 'Warning',
      eventTime: null,
      reportingComponent: 'kubelet',
      reportingInstance: 'aks-nodepool1-29508656-vmss000000',
    });
    const [out] = summarizeEvents([failed]);
    assert.equal(out!.lastSeen, '2026-11-26T09:05:00.000Z');
  });

  it("falls back to firstTimestamp, then to the creation time, and never shows Go's zero time or the epoch", () => {
    const onlyFirst = fromWire({
      metadata: { name: 'a', namespace: 'shop', creationTimestamp: '2026-11-26T09:02:00Z' },
      involvedObject,
      reason: 'Pulling',
      message: 'Pulling image',
      firstTimestamp: '2026-11-26T09:01:30Z',
      lastTimestamp: '0001-01-01T00:00:00Z',
      eventTime: null,
      type: 'Normal',
    });
    const onlyCreated = fromWire({
      metadata: { name: 'b', namespace: 'shop', creationTimestamp: '2026-11-26T09:03:00Z' },
      involvedObject,
      reason: 'Killing',
      message: 'Stopping container web',
      firstTimestamp: null,
      lastTimestamp: '1970-01-01T00:00:00Z',
      eventTime: null,
      type: 'Normal',
    });
    const nothing = fromWire({
      metadata: { name: 'c', namespace: 'shop' },
      involvedObject,
      reason: 'Started',
      message: 'x',
      type: 'Normal',
    });
    const out = summarizeEvents([onlyFirst, onlyCreated, nothing]);
    assert.deepEqual(
      out.map((e) => [e.reason, e.lastSeen]),
      [
        ['Killing', '2026-11-26T09:03:00.000Z'],
        ['Pulling', '2026-11-26T09:01:30.000Z'],
        ['Started', undefined],
      ],
    );
  });
});
