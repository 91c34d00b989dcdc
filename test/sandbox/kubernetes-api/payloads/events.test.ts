import assert from 'node:assert/strict';
import { payloads } from '../../../../src/sandbox/kubernetes-api/index.js';
import { throughClientModels } from './round-trip.js';

const now = new Date('2026-11-26T10:00:00Z');
const image = 'shopacr.azurecr.io/web:1.4.2';

describe('event payloads', () => {
  const pod = payloads.imagePullBackOffPod({ namespace: 'shop', image, ownerDeployment: 'web', now });

  it('use only fields the Kubernetes API defines', () => {
    const events = [
      ...payloads.imagePullEvents(pod, { now }),
      ...payloads.crashLoopEvents(payloads.crashLoopBackOffPod({ namespace: 'shop', image, now }), { now }),
      payloads.failedSchedulingEvent(payloads.unschedulablePod({ namespace: 'shop', image, now }), { now }),
    ];
    for (const event of events) {
      const { original, roundTripped } = throughClientModels(event, 'CoreV1Event');
      assert.deepEqual(roundTripped, original, event.reason);
    }
  });

  it('record kubelet events with source, count, first and last timestamps and the reporting node', () => {
    const failed = payloads
      .imagePullEvents(pod, { now, attempts: 3, pullError: payloads.pullErrors.anonymousUnauthorized(image) })
      .find((e) => e.message?.startsWith('Failed to pull image'))!;
    assert.equal(failed.type, 'Warning');
    assert.equal(failed.reason, 'Failed');
    assert.equal(failed.count, 3);
    assert.deepEqual(failed.source, { component: 'kubelet', host: pod.spec!.nodeName });
    assert.equal(failed.reportingComponent, 'kubelet');
    assert.equal(failed.reportingInstance, pod.spec!.nodeName);
    assert.ok(failed.firstTimestamp! < failed.lastTimestamp!);
    assert.deepEqual(failed.involvedObject, {
      kind: 'Pod',
      namespace: 'shop',
      name: pod.metadata!.name,
      apiVersion: 'v1',
      uid: pod.metadata!.uid,
      fieldPath: 'spec.containers{web}',
    });
    assert.match(
      failed.message!,
      /failed to fetch anonymous token: unexpected status from GET request to https:\/\/shopacr\.azurecr\.io\/oauth2\/token\?scope=repository%3Aweb%3Apull&service=shopacr\.azurecr\.io: 401 Unauthorized$/,
    );
  });

  it("tell the whole story of a pull failure, in kubelet's words", () => {
    const events = payloads.imagePullEvents(pod, { now });
    assert.deepEqual(
      events.map((e) => [e.type, e.reason, e.message!.slice(0, 30)]),
      [
        ['Normal', 'Scheduled', `Successfully assigned shop/${pod.metadata!.name}`.slice(0, 30)],
        ['Normal', 'Pulling', `Pulling image "${image}"`.slice(0, 30)],
        ['Warning', 'Failed', `Failed to pull image "${image}"`.slice(0, 30)],
        ['Warning', 'Failed', 'Error: ErrImagePull'],
        ['Normal', 'BackOff', `Back-off pulling image "${image}"`.slice(0, 30)],
        ['Warning', 'Failed', 'Error: ImagePullBackOff'],
      ],
    );
  });

  it('record scheduler events the events.k8s.io way: eventTime, series, action, no legacy timestamps', () => {
    const pending = payloads.unschedulablePod({ namespace: 'shop', image, now });
    const event = payloads.failedSchedulingEvent(pending, { now, count: 4 }) as unknown as Record<string, unknown>;
    assert.equal(event.reportingComponent, 'default-scheduler');
    assert.equal(event.action, 'Scheduling');
    assert.equal(event.firstTimestamp, null);
    assert.equal(event.lastTimestamp, null);
    assert.match(event.eventTime as string, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    assert.equal((event.series as { count: number }).count, 4);
    assert.equal(event.message, payloads.DEFAULT_UNSCHEDULABLE_MESSAGE);
  });
});
