import assert from 'node:assert/strict';
import { KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { createKubernetesReader } from '../../src/clients/kubernetes/kubernetes-reader.js';
import {
  failingPodOf,
  failingPodsReport,
  listFailingPods,
  resolvePodName,
  STARTING_GRACE_MS,
  workloadOf,
} from '../../src/diagnosis/failing-pods.js';
import { PullDoctorError } from '../../src/errors/index.js';
import { payloads, startFakeKubernetesApi, type FakeKubernetesApi } from '../../src/sandbox/kubernetes-api/index.js';
import { asV1Pod } from '../support/check-context.js';
import { testTls } from '../support/tls.js';

const NOW = new Date('2026-03-02T09:00:00.000Z');
const minutesAgo = (m: number) => new Date(NOW.getTime() - m * 60_000);
const image = 'shopacr.azurecr.io/shop/web:2.4.1';
const { pullErrors } = payloads;

const pullFailing = (name: string, deployment: string, more: Partial<Parameters<typeof payloads.imagePullBackOffPod>[0]> = {}) =>
  asV1Pod(payloads.imagePullBackOffPod({ namespace: 'shop', name, image, ownerDeployment: deployment, now: NOW, ...more }));
const running = (name: string, deployment: string, namespace = 'shop') =>
  asV1Pod(payloads.runningPod({ namespace, name, image, ownerDeployment: deployment, now: NOW }));
const crashing = (name: string, deployment: string) =>
  asV1Pod(payloads.crashLoopBackOffPod({ namespace: 'shop', name, image, ownerDeployment: deployment, now: NOW }));

const owned = (kind: string, name: string, labels: Record<string, string> = {}): V1Pod =>
  ({
    metadata: {
      name: `${name}-abcde`,
      namespace: 'shop',
      labels,
      ownerReferences: [{ apiVersion: 'apps/v1', kind, name, uid: 'u', controller: true }],
    },
  }) as V1Pod;

describe('workloadOf', () => {
  it('reads a Deployment from the ReplicaSet owner and the pod-template-hash label, without asking the API', () => {
    assert.deepEqual(workloadOf(pullFailing('web-7d4c9b6f5-x2k8p', 'web')), { kind: 'Deployment', name: 'web' });
  });

  it('keeps a ReplicaSet whose name does not end in the pod-template-hash (or without the label) as a ReplicaSet', () => {
    assert.deepEqual(workloadOf(owned('ReplicaSet', 'legacy-rs', { 'pod-template-hash': '7d4c9b8f6d' })), {
      kind: 'ReplicaSet',
      name: 'legacy-rs',
    });
    assert.deepEqual(workloadOf(owned('ReplicaSet', 'web-7d4c9b8f6d')), { kind: 'ReplicaSet', name: 'web-7d4c9b8f6d' });
  });

  it('names StatefulSets, DaemonSets and other controllers as they are', () => {
    assert.deepEqual(workloadOf(owned('StatefulSet', 'db')), { kind: 'StatefulSet', name: 'db' });
    assert.deepEqual(workloadOf(owned('DaemonSet', 'node-agent')), { kind: 'DaemonSet', name: 'node-agent' });
    assert.deepEqual(workloadOf(owned('Rollout', 'canary')), { kind: 'Rollout', name: 'canary' });
  });

  it('reads a CronJob from the name of its Job (minutes since the epoch), and keeps other Jobs as Jobs', () => {
    assert.deepEqual(workloadOf(owned('Job', 'nightly-report-29512440')), { kind: 'CronJob', name: 'nightly-report' });
    assert.deepEqual(workloadOf(owned('Job', 'migrate-v2')), { kind: 'Job', name: 'migrate-v2' });
  });

  it('takes a pod without owner as its own workload', () => {
    const pod = asV1Pod(payloads.imagePullBackOffPod({ namespace: 'shop', name: 'debug-shell', image: 'busybox:1.36' }));
    assert.deepEqual(workloadOf(pod), { kind: 'Pod', name: 'debug-shell' });
  });
});

describe('failingPodOf', () => {
  it('shows a pod in ImagePullBackOff as a pull failure of its image, when the kubelet says only "Back-off" (Diagnose reads why)', () => {
    const failing = failingPodOf(pullFailing('web-7d4c9b6f5-x2k8p', 'web'), NOW);
    assert.ok(failing);
    assert.equal(failing.state, 'ImagePullBackOff');
    assert.equal(failing.kind, 'image-pull');
    assert.equal(failing.pullFailure, true);
    assert.equal(failing.likelyCause, `Cannot pull ${image}`);
    assert.equal(failing.cause, undefined);
    assert.deepEqual(failing.workload, { kind: 'Deployment', name: 'web' });
    assert.equal(failing.image, image);
  });

  it("classifies the runtime's words when the status carries them (kubelet 1.32's back-off message, ErrImagePull)", () => {
    const missing = failingPodOf(pullFailing('web-1', 'web', { kubeletVersion: '1.32', pullError: pullErrors.notFound(image) }), NOW);
    assert.equal(missing?.cause, 'image-not-found');
    assert.equal(missing?.likelyCause, 'The image or tag does not exist in the registry');
    const denied = asV1Pod(
      payloads.errImagePullPod({
        namespace: 'shop',
        image,
        ownerDeployment: 'api',
        pullError: pullErrors.anonymousUnauthorized(image),
        now: NOW,
      }),
    );
    assert.equal(failingPodOf(denied, NOW)?.state, 'ErrImagePull');
    assert.equal(failingPodOf(denied, NOW)?.cause, 'unauthorized');
  });

  it('says a crash loop is not a pull problem, with the last exit', () => {
    const failing = failingPodOf(crashing('orders-6f7a8b9c0-o1p2q', 'orders'), NOW);
    assert.equal(failing?.state, 'CrashLoopBackOff');
    assert.equal(failing?.kind, 'oom-killed');
    assert.equal(failing?.pullFailure, false);
    assert.match(
      failing?.likelyCause ?? '',
      /^The container is killed for using more memory than its limit: last run OOMKilled, exit code 137/,
    );
    assert.equal(failing?.restarts, 6);
  });

  it("gives the scheduler's verdict for a pod no node can take", () => {
    const pod = asV1Pod(payloads.unschedulablePod({ namespace: 'shop', image, ownerDeployment: 'analytics', now: NOW }));
    const failing = failingPodOf(pod, NOW);
    assert.equal(failing?.state, 'Unschedulable');
    assert.match(failing?.likelyCause ?? '', /^No node can take the pod: 0\/3 nodes are available: 3 Insufficient cpu/);
  });

  it('leaves out healthy, finished and terminating pods', () => {
    assert.equal(failingPodOf(running('storefront-7b8c9d0e1-h2i3j', 'storefront'), NOW), undefined);
    const done = running('report-1', 'report');
    done.status!.phase = 'Succeeded';
    assert.equal(failingPodOf(done, NOW), undefined);
    const leaving = pullFailing('web-old', 'web');
    leaving.metadata!.deletionTimestamp = NOW;
    assert.equal(failingPodOf(leaving, NOW), undefined);
  });

  it('gives a pod time to start, and calls it failing once it has been pending or not ready for longer', () => {
    const starting = running('web-new', 'web');
    starting.status!.phase = 'Pending';
    starting.status!.containerStatuses = [
      { name: 'web', image, imageID: '', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } },
    ];
    starting.status!.conditions = [{ type: 'Ready', status: 'False', lastTransitionTime: minutesAgo(1) }];
    assert.equal(failingPodOf(starting, NOW), undefined);
    starting.status!.conditions = [
      { type: 'Ready', status: 'False', lastTransitionTime: new Date(NOW.getTime() - STARTING_GRACE_MS - 1000) },
    ];
    const stuck = failingPodOf(starting, NOW);
    assert.equal(stuck?.state, 'ContainerCreating');
    assert.equal(stuck?.kind, 'pending');

    const unready = running('api-1', 'api');
    unready.status!.containerStatuses![0]!.ready = false;
    unready.status!.conditions = [{ type: 'Ready', status: 'False', lastTransitionTime: minutesAgo(30) }];
    assert.deepEqual(
      [failingPodOf(unready, NOW)?.state, failingPodOf(unready, NOW)?.likelyCause, failingPodOf(unready, NOW)?.since],
      ['NotReady', '0 of 1 containers ready: a readiness probe may be failing', minutesAgo(30).toISOString()],
    );
  });

  it('redacts credentials and bounds what the status says', () => {
    const pod = asV1Pod(
      payloads.imagePullBackOffPod({
        namespace: 'shop',
        image,
        ownerDeployment: 'web',
        message: `failed to pull: Authorization: Bearer abcdefghijklmnop.qrstuvwxyz0123456789 ${'x'.repeat(5000)}`,
        now: NOW,
      }),
    );
    pod.status!.containerStatuses![0]!.state!.waiting!.reason = 'CreateContainerConfigError';
    const failing = failingPodOf(pod, NOW);
    assert.ok(failing);
    assert.doesNotMatch(failing.likelyCause, /abcdefghijklmnop/);
    assert.ok(failing.likelyCause.length <= 300);
  });
});

describe('failingPodsReport', () => {
  const pods = [
    pullFailing('web-7d4c9b6f5-aaaaa', 'web'),
    pullFailing('web-7d4c9b6f5-bbbbb', 'web'),
    running('web-7d4c9b6f5-ccccc', 'web'),
    crashing('orders-6f7a8b9c0-o1p2q', 'orders'),
    pullFailing('api-6c8f7d9b4-q7r2s', 'api'),
    running('storefront-7b8c9d0e1-h2i3j', 'storefront'),
  ];

  it('groups the failing pods by workload, the workload with most failing pods first, and leaves the healthy ones out', () => {
    const report = failingPodsReport(pods, { namespace: 'shop', cluster: 'shop-aks' }, { now: NOW });
    assert.equal(report.namespace, 'shop');
    assert.equal(report.cluster, 'shop-aks');
    assert.equal(report.podCount, 6);
    assert.equal(report.failingCount, 4);
    assert.equal(report.omitted, 0);
    assert.deepEqual(
      report.groups.map((g) => [`${g.workload.kind} ${g.workload.name}`, g.failing, g.pods.map((p) => p.pod)]),
      [
        ['Deployment web', 2, ['web-7d4c9b6f5-aaaaa', 'web-7d4c9b6f5-bbbbb']],
        ['Deployment api', 1, ['api-6c8f7d9b4-q7r2s']],
        ['Deployment orders', 1, ['orders-6f7a8b9c0-o1p2q']],
      ],
    );
  });

  it('keeps at most `limit` pods and counts the rest', () => {
    const report = failingPodsReport(pods, {}, { now: NOW, limit: 3 });
    assert.equal(report.namespace, undefined);
    assert.deepEqual(
      report.groups.map((g) => [g.workload.name, g.pods.length, g.failing]),
      [
        ['web', 2, 2],
        ['api', 1, 1],
      ],
    );
    assert.equal(report.omitted, 1);
  });

  it('says nothing is failing in an empty or healthy namespace', () => {
    const report = failingPodsReport([running('storefront-7b8c9d0e1-h2i3j', 'storefront')], { namespace: 'shop' }, { now: NOW });
    assert.deepEqual([report.failingCount, report.groups, report.omitted], [0, [], 0]);
  });

  it('reads thousands of pods in one pass', () => {
    const many = Array.from({ length: 5000 }, (_, i) => pullFailing(`web-7d4c9b6f5-${i}`, `web-${i % 50}`));
    const report = failingPodsReport(many, {}, { now: NOW });
    assert.equal(report.failingCount, 5000);
    assert.equal(
      report.groups.reduce((n, g) => n + g.pods.length, 0),
      20,
    );
    assert.equal(report.omitted, 4980);
  });
});

describe('resolvePodName', () => {
  const pods = [
    pullFailing('web-7d4c9b6f5-x2k8p', 'web'),
    running('api-6c8f7d9b4-aaaaa', 'api'),
    pullFailing('api-6c8f7d9b4-q7r2s', 'api'),
    running('cart-5b7c8d9f6-aaaaa', 'cart'),
    crashing('cart-5b7c8d9f6-bbbbb', 'cart'),
    pullFailing('cart-5b7c8d9f6-ccccc', 'cart'),
    running('storefront-7b8c9d0e1-h2i3j', 'storefront'),
  ];
  const named = (name: string) => {
    const match = resolvePodName(name, pods, NOW);
    return match.kind === 'pod'
      ? [match.kind, match.how, match.pod.metadata?.name]
      : match.kind === 'several'
        ? [match.kind, match.how, match.candidates, match.count]
        : [match.kind];
  };

  it("reads a Deployment's name as its one failing pod, or its one pod", () => {
    assert.deepEqual(named('web'), ['pod', 'workload', 'web-7d4c9b6f5-x2k8p']);
    assert.deepEqual(named('api'), ['pod', 'workload', 'api-6c8f7d9b4-q7r2s']);
    assert.deepEqual(named('storefront'), ['pod', 'workload', 'storefront-7b8c9d0e1-h2i3j']);
    const replicaSet = pods[1]!.metadata!.ownerReferences![0]!.name;
    assert.deepEqual(named(replicaSet), ['pod', 'workload', 'api-6c8f7d9b4-q7r2s'], 'the ReplicaSet by its own name');
  });

  it('offers a choice, failing pods first, when a workload has several failing pods', () => {
    assert.deepEqual(named('cart'), ['several', 'workload', ['cart-5b7c8d9f6-bbbbb', 'cart-5b7c8d9f6-ccccc', 'cart-5b7c8d9f6-aaaaa'], 3]);
  });

  it('reads the start of a pod name as that pod when only one starts so', () => {
    assert.deepEqual(named('web-7d4c9'), ['pod', 'prefix', 'web-7d4c9b6f5-x2k8p']);
    assert.deepEqual(named('storefront-7b8'), ['pod', 'prefix', 'storefront-7b8c9d0e1-h2i3j']);
    assert.deepEqual(named('cart-5b7c8d9f6-b'), ['pod', 'prefix', 'cart-5b7c8d9f6-bbbbb']);
  });

  it('offers a choice when several pods start so, and nothing when none does', () => {
    assert.deepEqual(named('cart-5b'), ['several', 'prefix', ['cart-5b7c8d9f6-bbbbb', 'cart-5b7c8d9f6-ccccc', 'cart-5b7c8d9f6-aaaaa'], 3]);
    assert.deepEqual(named('checkout'), ['none']);
    assert.deepEqual(named(''), ['none']);
  });

  it('offers at most five pods of a large workload', () => {
    const big = Array.from({ length: 40 }, (_, i) => pullFailing(`batch-5b7c8d9f6-${String(i).padStart(5, '0')}`, 'batch'));
    const match = resolvePodName('batch', big, NOW);
    assert.equal(match.kind, 'several');
    assert.equal(match.kind === 'several' && match.candidates.length, 5);
    assert.equal(match.kind === 'several' && match.count, 40);
  });
});

describe('listFailingPods', () => {
  const TOKEN = 'failing-pods-test-token-1a2b3c';
  let fake: FakeKubernetesApi;
  const reader = () => {
    const kc = new KubeConfig();
    kc.loadFromString(fake.kubeconfig({ token: TOKEN }));
    return createKubernetesReader(kc);
  };

  beforeEach(async () => {
    const tls = testTls();
    fake = await startFakeKubernetesApi({
      tls: { cert: tls.cert, key: tls.key, ca: tls.ca },
      auth: { bearerTokens: [{ token: TOKEN, user: 'pulldoctor' }], clientCa: tls.ca },
    });
    fake.upsertPod(payloads.imagePullBackOffPod({ namespace: 'shop', name: 'web-7d4c9b6f5-x2k8p', image, ownerDeployment: 'web' }));
    fake.upsertPod(payloads.runningPod({ namespace: 'shop', name: 'storefront-7b8c9d0e1-h2i3j', image, ownerDeployment: 'storefront' }));
    fake.upsertPod(
      payloads.crashLoopBackOffPod({ namespace: 'payments', name: 'ledger-4e3d2c1b0-l9m8n', image, ownerDeployment: 'ledger' }),
    );
    fake.clearRequests();
  });
  afterEach(async () => {
    await fake.close();
  });

  it("reads a namespace's failing pods with one list call", async () => {
    const report = await listFailingPods(reader(), { namespace: 'shop', cluster: 'shop-aks' });
    assert.deepEqual(
      report.groups.flatMap((g) => g.pods.map((p) => `${p.namespace}/${p.pod} ${p.state}`)),
      ['shop/web-7d4c9b6f5-x2k8p ImagePullBackOff'],
    );
    assert.deepEqual(
      fake.requests.map((r) => `${r.verb} ${r.resource} ${r.namespace ?? '*'}`),
      ['list pods shop'],
    );
  });

  it("reads every namespace's failing pods when no namespace is named", async () => {
    const report = await listFailingPods(reader(), {});
    assert.deepEqual(report.groups.map((g) => `${g.namespace}/${g.workload.name}`).sort(), ['payments/ledger', 'shop/web']);
    assert.deepEqual(
      fake.requests.map((r) => `${r.verb} ${r.resource} ${r.namespace ?? '*'}`),
      ['list pods *'],
    );
  });

  it('says a namespace that does not exist does not exist, rather than "nothing is failing"', async () => {
    await assert.rejects(listFailingPods(reader(), { namespace: 'shopp' }), (e: unknown) => {
      assert.ok(e instanceof PullDoctorError);
      assert.equal(e.code, 'NAMESPACE_NOT_FOUND');
      return true;
    });
  });
});
