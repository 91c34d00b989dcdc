import assert from 'node:assert/strict';
import { KubeConfig } from '@kubernetes/client-node';
import { createKubernetesReader } from '../../../src/clients/kubernetes/kubernetes-reader.js';
import { describeError, PullDoctorError } from '../../../src/errors/index.js';
import { createLogger, memorySink } from '../../../src/logging/index.js';
import {
  startFakeKubernetesApi,
  payloads,
  type FakeKubernetesApi,
  type KubeconfigOptions,
} from '../../../src/sandbox/kubernetes-api/index.js';
import { testTls } from '../../support/tls.js';

const TOKEN = 'reader-test-token-5e4d3c2b1a';
const image = 'shopacr.azurecr.io/web:1.4.2';

function rejectsWith(code: string, check?: (e: PullDoctorError) => void) {
  return (error: unknown) => {
    assert.ok(error instanceof PullDoctorError, `expected a PullDoctorError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    check?.(error);
    return true;
  };
}

describe('createKubernetesReader', () => {
  let fake: FakeKubernetesApi;
  const kubeConfig = (options: KubeconfigOptions = { token: TOKEN }) => {
    const kc = new KubeConfig();
    kc.loadFromString(fake.kubeconfig(options));
    return kc;
  };
  const reader = (options: Parameters<typeof createKubernetesReader>[1] = {}, kc = kubeConfig()) => createKubernetesReader(kc, options);

  beforeEach(async () => {
    const tls = testTls();
    fake = await startFakeKubernetesApi({
      tls: { cert: tls.cert, key: tls.key, ca: tls.ca },
      auth: { bearerTokens: [{ token: TOKEN, user: 'system:serviceaccount:pulldoctor:pulldoctor' }], clientCa: tls.ca },
    });
  });
  afterEach(async () => {
    await fake.close();
  });

  describe('reading', () => {
    it('reads a pod over HTTPS into the client models, with its waiting reason and message', async () => {
      const stored = fake.upsertPod(
        payloads.imagePullBackOffPod({
          namespace: 'shop',
          image,
          ownerDeployment: 'web',
          kubeletVersion: '1.32',
          pullError: payloads.pullErrors.anonymousUnauthorized(image),
        }),
      );
      const pod = await reader().readPod('shop', stored.metadata!.name!);
      assert.ok(pod);
      assert.equal(pod.metadata?.uid, stored.metadata!.uid);
      assert.ok(pod.metadata?.creationTimestamp instanceof Date);
      assert.equal(pod.metadata?.ownerReferences?.[0]?.kind, 'ReplicaSet');
      const waiting = pod.status?.containerStatuses?.[0]?.state?.waiting;
      assert.equal(waiting?.reason, 'ImagePullBackOff');
      assert.match(waiting?.message ?? '', /401 Unauthorized$/);
    });

    it('names the server and the cluster it reads from', () => {
      const r = reader({}, kubeConfig({ token: TOKEN, clusterName: 'shop-aks' }));
      assert.equal(r.server, fake.url);
      assert.equal(r.clusterName, 'shop-aks');
    });

    it('answers null for a pod, service account or secret that does not exist', async () => {
      const r = reader();
      assert.equal(await r.readPod('shop', 'web-1'), null);
      assert.equal(await r.readServiceAccount('shop', 'builder'), null);
      assert.equal(await r.readSecret('shop', 'acr-pull'), null);
    });

    it('finds the namespaces that hold a pod of a name in one call the API server filters, bounded', async () => {
      const image = 'shopacr.azurecr.io/shop/web:2.4.1';
      for (const namespace of ['shop', 'shop-staging', 'shop-dev']) {
        fake.addNamespace(namespace);
        fake.upsertPod(payloads.runningPod({ namespace, name: 'web-7d4c9b6f5-x2k8p', image }));
      }
      fake.upsertPod(payloads.runningPod({ namespace: 'shop', name: 'web-7d4c9b6f5-other', image }));
      const r = reader();
      fake.clearRequests();
      assert.deepEqual((await r.namespacesWithPod('web-7d4c9b6f5-x2k8p', 10)).sort(), ['shop', 'shop-dev', 'shop-staging']);
      assert.deepEqual(
        fake.requests.map((q) => [q.path, q.query.fieldSelector, q.query.limit]),
        [['/api/v1/pods', 'metadata.name=web-7d4c9b6f5-x2k8p', '10']],
      );
      assert.equal((await r.namespacesWithPod('web-7d4c9b6f5-x2k8p', 2)).length, 2);
      assert.deepEqual(await r.namespacesWithPod('nothing-here', 10), []);
      assert.deepEqual(await r.namespacesWithPod('Not,A=Name', 10), [], 'a name no pod can have is not asked about');
    });

    it('tells whether a namespace exists', async () => {
      fake.addNamespace('shop');
      const r = reader();
      assert.equal(await r.namespaceExists('shop'), true);
      assert.equal(await r.namespaceExists('shpo'), false);
    });

    it('reads a service account with its image pull secrets, and the secret with its data', async () => {
      fake.upsertServiceAccount(payloads.serviceAccount({ namespace: 'shop', name: 'web', imagePullSecrets: ['acr-pull'] }));
      const stored = fake.upsertSecret(
        payloads.dockerConfigJsonSecret({
          namespace: 'shop',
          name: 'acr-pull',
          auths: { 'shopacr.azurecr.io': { username: 'shopacr', password: 'p4ssw0rd-not-real' } },
        }),
      );
      const r = reader();
      const sa = await r.readServiceAccount('shop', 'web');
      assert.deepEqual(
        sa?.imagePullSecrets?.map((s) => s.name),
        ['acr-pull'],
      );
      const secret = await r.readSecret('shop', 'acr-pull');
      assert.equal(secret?.type, 'kubernetes.io/dockerconfigjson');
      assert.equal(secret?.data?.['.dockerconfigjson'], stored.data!['.dockerconfigjson']);
    });

    it('lists every pod of a namespace, page by page', async () => {
      for (let i = 1; i <= 5; i++) fake.upsertPod(payloads.runningPod({ namespace: 'shop', name: `web-${i}`, image }));
      fake.upsertPod(payloads.runningPod({ namespace: 'other', name: 'api-1', image }));
      const pods = await reader({ pageSize: 2 }).listPods('shop');
      assert.deepEqual(
        pods.map((p) => p.metadata?.name),
        ['web-1', 'web-2', 'web-3', 'web-4', 'web-5'],
      );
      const lists = fake.requests.filter((r) => r.verb === 'list' && r.resource === 'pods');
      assert.equal(lists.length, 3);
      assert.equal(lists[0]!.query.limit, '2');
      assert.ok(lists[1]!.query.continue);
    });

    it('lists the pods of every namespace, page by page', async () => {
      for (let i = 1; i <= 3; i++) fake.upsertPod(payloads.runningPod({ namespace: 'shop', name: `web-${i}`, image }));
      fake.upsertPod(payloads.runningPod({ namespace: 'other', name: 'api-1', image }));
      const pods = await reader({ pageSize: 3 }).listPodsInAllNamespaces();
      assert.deepEqual(pods.map((p) => `${p.metadata?.namespace}/${p.metadata?.name}`).sort(), [
        'other/api-1',
        'shop/web-1',
        'shop/web-2',
        'shop/web-3',
      ]);
      const lists = fake.requests.filter((r) => r.verb === 'list' && r.resource === 'pods');
      assert.deepEqual(
        lists.map((r) => r.namespace),
        [undefined, undefined],
      );
    });

    it('lists the events of a pod by name, and only that incarnation of it when the uid is given', async () => {
      const old = fake.upsertPod(
        payloads.imagePullBackOffPod({ namespace: 'shop', name: 'db-0', image, uid: '11111111-1111-4111-8111-111111111111' }),
      );
      for (const e of payloads.imagePullEvents(old, { attempts: 2 }))
        fake.addEvent({ ...e, metadata: { ...e.metadata, name: `${e.metadata!.name}-old` } });
      const current = fake.upsertPod(
        payloads.imagePullBackOffPod({ namespace: 'shop', name: 'db-0', image, uid: '22222222-2222-4222-8222-222222222222' }),
      );
      const currentEvents = payloads.imagePullEvents(current, { attempts: 3 });
      for (const e of currentEvents) fake.addEvent(e);
      const other = fake.upsertPod(payloads.runningPod({ namespace: 'shop', name: 'db-1', image }));
      fake.addEvent(payloads.kubeletEvent({ pod: other, reason: 'Started', message: 'Started container db-1' }));

      const r = reader();
      const byName = await r.listPodEvents('shop', { name: 'db-0' });
      assert.equal(byName.length, currentEvents.length * 2);
      assert.ok(byName.every((e) => e.involvedObject.name === 'db-0'));
      const byUid = await r.listPodEvents('shop', { name: 'db-0', uid: current.metadata!.uid! });
      assert.deepEqual(byUid.map((e) => e.metadata.name).sort(), currentEvents.map((e) => e.metadata!.name!).sort());
      assert.equal(
        fake.requests.at(-1)!.query.fieldSelector,
        `involvedObject.kind=Pod,involvedObject.name=db-0,involvedObject.uid=${current.metadata!.uid}`,
      );
    });

    it('authenticates with a client certificate', async () => {
      const tls = testTls();
      fake.upsertPod(payloads.runningPod({ namespace: 'shop', name: 'web-1', image }));
      const pod = await reader({}, kubeConfig({ clientCert: tls.clientCert, clientKey: tls.clientKey })).readPod('shop', 'web-1');
      assert.equal(pod?.metadata?.name, 'web-1');
      assert.equal(fake.requests.at(-1)!.user, 'client');
    });

    it('does not ask the server about names Kubernetes cannot have', async () => {
      const r = reader();
      assert.equal(await r.readPod('shop', '../../../api/v1/secrets'), null);
      assert.equal(await r.readSecret('Shop', 'x'), null);
      assert.deepEqual(await r.listPodEvents('shop', { name: 'a,b=c' }), []);
      assert.equal(await r.namespaceExists(''), false);
      assert.deepEqual(fake.requests, []);
    });

    it('makes only calls that a read-only role for pods, events, service accounts, secrets and namespaces allows', async () => {
      fake.setAuthorizationRules([
        { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] },
        { apiGroups: [''], resources: ['events'], verbs: ['list'] },
        { apiGroups: [''], resources: ['serviceaccounts', 'secrets', 'namespaces'], verbs: ['get'] },
      ]);
      const r = reader();
      await r.readPod('shop', 'web-1');
      await r.listPods('shop');
      await r.namespaceExists('shop');
      await r.listPodEvents('shop', { name: 'web-1', uid: 'u' });
      await r.readServiceAccount('shop', 'default');
      await r.readSecret('shop', 'acr-pull');
      assert.deepEqual(
        fake.requests.map((q) => `${q.verb} ${q.resource} ${q.status}`),
        ['get pods 404', 'list pods 200', 'get namespaces 404', 'list events 200', 'get serviceaccounts 404', 'get secrets 404'],
      );
    });
  });

  describe('failures', () => {
    it('reports rejected credentials as KUBE_UNAUTHORIZED without repeating the token', async () => {
      await assert.rejects(
        reader({}, kubeConfig({ token: 'expired-token-0123456789' })).readPod('shop', 'web-1'),
        rejectsWith('KUBE_UNAUTHORIZED', (e) => {
          assert.match(e.message, /rejected Pull Doctor's credentials \(401\) when trying to get pods "web-1" in namespace "shop"/);
          assert.ok(!JSON.stringify(describeError(e)).includes('expired-token-0123456789'));
          assert.equal(e.facts.status, 401);
        }),
      );
    });

    it('reports a missing permission as KUBE_FORBIDDEN naming the verb, the resource and the rule to add', async () => {
      fake.setAuthorizationRules([{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }]);
      await assert.rejects(
        reader().readSecret('shop', 'acr-pull'),
        rejectsWith('KUBE_FORBIDDEN', (e) => {
          assert.equal(
            e.message,
            'Pull Doctor is not allowed to get secrets "acr-pull" in namespace "shop": secrets "acr-pull" is forbidden: User "system:serviceaccount:pulldoctor:pulldoctor" cannot get resource "secrets" in API group "" in the namespace "shop"',
          );
          assert.match(e.advice!, /apiGroups: \[""\], resources: \["secrets"\], verbs: \["get"\]/);
          assert.match(e.advice!, /Role in namespace "shop"/);
        }),
      );
      await assert.rejects(
        reader().listPodEvents('shop', { name: 'web-1' }),
        rejectsWith('KUBE_FORBIDDEN', (e) => assert.match(e.advice!, /resources: \["events"\], verbs: \["list"\]/)),
      );
    });

    it('reports a server error as KUBE_API_ERROR with its status and reason', async () => {
      fake.failNext(1, 500);
      await assert.rejects(
        reader().listPods('shop'),
        rejectsWith('KUBE_API_ERROR', (e) => {
          assert.match(e.message, /answered 500 InternalError when trying to list pods in namespace "shop": Internal error occurred/);
          assert.equal(e.facts.reason, 'InternalError');
        }),
      );
      fake.failNext(1, 429);
      await assert.rejects(
        reader().readPod('shop', 'web-1'),
        rejectsWith('KUBE_API_ERROR', (e) => assert.equal(e.facts.status, 429)),
      );
    });

    it("reports a proxy's HTML error page and a truncated body as KUBE_API_ERROR", async () => {
      fake.answerNext(1, {
        status: 502,
        body: '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>',
        headers: { 'Content-Type': 'text/html' },
      });
      await assert.rejects(
        reader().readPod('shop', 'web-1'),
        rejectsWith('KUBE_API_ERROR', (e) => {
          assert.equal(e.facts.status, 502);
          assert.ok(!e.message.includes('<html>'));
        }),
      );
      fake.answerNext(1, {
        status: 200,
        body: '{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"1"},"items":[{"metadata":{"na',
        headers: { 'Content-Type': 'application/json' },
      });
      await assert.rejects(
        reader().listPods('shop'),
        rejectsWith('KUBE_API_ERROR', (e) => assert.match(e.message, /failed unexpectedly when trying to list pods in namespace "shop"/)),
      );
    });

    it('reports an API server that refuses connections as KUBE_UNREACHABLE', async () => {
      await fake.setDown(true);
      await assert.rejects(
        reader().readPod('shop', 'web-1'),
        rejectsWith('KUBE_UNREACHABLE', (e) => {
          assert.equal(e.facts.code, 'ECONNREFUSED');
          assert.ok(e.message.includes(fake.url));
        }),
      );
    });

    it('gives up on a slow API server after timeoutMs and reports it as KUBE_UNREACHABLE', async () => {
      fake.latencyMs = 5_000;
      await assert.rejects(
        reader({ timeoutMs: 100 }).readPod('shop', 'web-1'),
        rejectsWith('KUBE_UNREACHABLE', (e) =>
          assert.match(e.message, /did not answer within 100 ms \(trying to get pods "web-1" in namespace "shop"\)/),
        ),
      );
    });

    it('reports an API server whose certificate is not trusted as KUBE_UNREACHABLE with TLS advice', async () => {
      const tls = testTls();
      const impostor = await startFakeKubernetesApi({
        tls: { cert: tls.untrustedCert, key: tls.untrustedKey, ca: tls.ca },
        auth: { bearerTokens: [TOKEN] },
      });
      try {
        const kc = new KubeConfig();
        kc.loadFromString(impostor.kubeconfig({ token: TOKEN }));
        await assert.rejects(
          createKubernetesReader(kc).readPod('shop', 'web-1'),
          rejectsWith('KUBE_UNREACHABLE', (e) => {
            assert.match(e.message, /certificate .* is not trusted/);
            assert.match(e.advice!, /certificate-authority-data/);
          }),
        );
        assert.deepEqual(impostor.requests, []);
      } finally {
        await impostor.close();
      }
    });

    it('logs failures with their code and status, and never a secret value', async () => {
      const sink = memorySink();
      const log = createLogger({ sink, level: 'debug' });
      fake.upsertSecret(
        payloads.dockerConfigJsonSecret({
          namespace: 'shop',
          name: 'acr-pull',
          auths: { 'shopacr.azurecr.io': { username: 'shopacr', password: 'p4ssw0rd-not-real' } },
        }),
      );
      const r = reader({ log });
      await r.readSecret('shop', 'acr-pull');
      fake.failNext(1, 503);
      await assert.rejects(r.readSecret('shop', 'acr-pull'));
      const failed = sink.records.find((record) => record.msg === 'kubernetes call failed');
      assert.equal(failed?.code, 'KUBE_API_ERROR');
      assert.equal(failed?.status, 503);
      assert.equal(failed?.resource, 'secrets');
      const text = JSON.stringify(sink.records);
      for (const secret of ['p4ssw0rd-not-real', Buffer.from('shopacr:p4ssw0rd-not-real').toString('base64'), TOKEN])
        assert.ok(!text.includes(secret), `${secret} leaked`);
    });
  });
});
