import assert from 'node:assert/strict';
import { eventsCheck } from '../../../src/diagnosis/checks/events.js';
import type { PodEventSummary } from '../../../src/diagnosis/types.js';
import { payloads } from '../../../src/sandbox/kubernetes-api/index.js';
import { checkContext } from '../../support/check-context.js';

const now = new Date('2026-11-27T04:12:01Z');
const failing = () =>
  payloads.imagePullBackOffPod({
    namespace: 'shop',
    name: 'web-7d4c9b6f5-x2k8p',
    container: 'web',
    image: 'shopacr.azurecr.io/shop/web:2.4.1',
    now,
  });
const pullFailure =
  'Failed to pull image "shopacr.azurecr.io/shop/web:2.4.1": failed to pull and unpack image "shopacr.azurecr.io/shop/web:2.4.1": 401 Unauthorized';

/** As summarizeEvents gives them: newest first, repeats folded. */
const EVENTS: PodEventSummary[] = [
  {
    type: 'Normal',
    reason: 'BackOff',
    message: 'Back-off pulling image "shopacr.azurecr.io/shop/web:2.4.1"',
    count: 9,
    lastSeen: '2026-11-27T04:12:00.000Z',
  },
  { type: 'Warning', reason: 'Failed', message: 'Error: ImagePullBackOff', count: 9, lastSeen: '2026-11-27T04:12:00.000Z' },
  { type: 'Warning', reason: 'Failed', message: 'Error: ErrImagePull', count: 4, lastSeen: '2026-11-27T04:11:36.000Z' },
  { type: 'Warning', reason: 'Failed', message: pullFailure, count: 4, lastSeen: '2026-11-27T04:11:36.000Z' },
  {
    type: 'Normal',
    reason: 'Pulling',
    message: 'Pulling image "shopacr.azurecr.io/shop/web:2.4.1"',
    count: 4,
    lastSeen: '2026-11-27T04:11:35.000Z',
  },
  {
    type: 'Normal',
    reason: 'Scheduled',
    message: 'Successfully assigned shop/web-7d4c9b6f5-x2k8p to aks-nodepool1-12345678-vmss000000',
    count: 1,
    lastSeen: '2026-11-27T04:05:00.000Z',
  },
];

describe('the events check', () => {
  it('applies to a pod that is not healthy, and not to a healthy one', () => {
    assert.equal(eventsCheck.applies(checkContext(failing())), true);
    assert.equal(
      eventsCheck.applies(
        checkContext(payloads.runningPod({ namespace: 'shop', name: 'storefront-7b8c9d0e1-h2i3j', image: 'nginx:1.27', now })),
      ),
      false,
    );
  });

  it('warns with the number of warnings, names the newest, and lists the warnings it counts in UTC (not a Normal one first)', async () => {
    const [f] = await eventsCheck.run(checkContext(failing(), { events: EVENTS }));
    assert.equal(f?.status, 'warn');
    assert.equal(f?.summary, '17 warning events; newest: Failed.');
    assert.deepEqual(f?.detail?.split('\n'), [
      '2026-11-27 04:12:00 UTC  Warning Failed (x9): Error: ImagePullBackOff',
      '2026-11-27 04:11:36 UTC  Warning Failed (x4): Error: ErrImagePull',
      `2026-11-27 04:11:36 UTC  Warning Failed (x4): ${pullFailure}`,
    ]);
  });

  it('lists at most five events, and counts the rest in words that agree with the number', async () => {
    const many: PodEventSummary[] = Array.from({ length: 7 }, (_, i) => ({
      type: 'Warning',
      reason: 'Failed',
      message: `attempt ${i}`,
      count: 1,
      lastSeen: `2026-11-27T04:1${9 - i}:00.000Z`,
    }));
    const [f] = await eventsCheck.run(checkContext(failing(), { events: many }));
    const lines = f?.detail?.split('\n') ?? [];
    assert.equal(lines.length, 6);
    assert.equal(lines[5], '…and 2 more events');
    const [six] = await eventsCheck.run(checkContext(failing(), { events: many.slice(0, 6) }));
    assert.equal(six?.detail?.split('\n').at(-1), '…and 1 more event');
    assert.equal(six?.summary, '6 warning events; newest: Failed.');
    const [one] = await eventsCheck.run(checkContext(failing(), { events: many.slice(0, 1) }));
    assert.equal(one?.summary, '1 warning event; newest: Failed.');
  });

  it('passes when the events hold no warning, naming the newest telling one, and shows "?" for an event without a time', async () => {
    const [f] = await eventsCheck.run(
      checkContext(failing(), { events: [{ type: 'Normal', reason: 'Pulling', message: 'Pulling image "nginx:1.27"', count: 1 }] }),
    );
    assert.equal(f?.status, 'pass');
    assert.equal(f?.summary, 'Newest event: Pulling.');
    assert.equal(f?.detail, '?  Normal Pulling (x1): Pulling image "nginx:1.27"');
  });

  it('passes, saying why, when there are no events or none worth showing', async () => {
    assert.equal(
      (await eventsCheck.run(checkContext(failing(), { events: [] })))[0]?.summary,
      'No recent events for this pod (events expire after an hour).',
    );
    const onlyScheduled = EVENTS.slice(5);
    assert.equal(
      (await eventsCheck.run(checkContext(failing(), { events: onlyScheduled })))[0]?.summary,
      'No warning events for this pod.',
    );
  });

  it('fails as a whole when the events cannot be read, so the engine reports it as an error', async () => {
    await assert.rejects(eventsCheck.run(checkContext(failing(), { events: new Error('events is forbidden') })), /events is forbidden/);
  });
});
