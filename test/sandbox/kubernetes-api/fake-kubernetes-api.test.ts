import assert from 'node:assert/strict';
import { startFakeKubernetesApi, payloads, type FakeKubernetesApi } from '../../../src/sandbox/kubernetes-api/index.js';
import { testTls } from '../../support/tls.js';
import { httpsRequest, type HttpsRequestOptions } from '../../support/https-request.js';

const TOKEN = 'pulldoctor-test-token-0a1b2c3d';

describe('fake Kubernetes API', () => {
  let fake: FakeKubernetesApi;
  const call = async (path: string, options: HttpsRequestOptions = {}) => {
    const answer = await httpsRequest(`${fake.url}${path}`, {
      ...options,
      headers: { Authorization: `Bearer ${TOKEN}`, ...options.headers },
    });
    return { ...answer, json: answer.body.startsWith('{') ? (JSON.parse(answer.body) as Record<string, any>) : undefined };
  };

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

  describe('objects and lists', () => {
    it('returns a pod with its apiVersion, kind, uid and resourceVersion', async () => {
      fake.upsertPod(payloads.imagePullBackOffPod({ namespace: 'shop', name: 'web-1', image: 'shopacr.azurecr.io/web:1.4.2' }));
      const answer = await call('/api/v1/namespaces/shop/pods/web-1');
      assert.equal(answer.status, 200);
      assert.equal(answer.headers['content-type'], 'application/json');
      assert.equal(answer.json!.kind, 'Pod');
      assert.equal(answer.json!.apiVersion, 'v1');
      assert.equal(answer.json!.metadata.resourceVersion, fake.getPod('shop', 'web-1')!.metadata!.resourceVersion);
      assert.match(answer.json!.metadata.uid, /^[0-9a-f-]{36}$/);
      assert.equal(answer.json!.status.containerStatuses[0].state.waiting.reason, 'ImagePullBackOff');
    });

    it('lists pods as a PodList whose items carry no apiVersion or kind, like the real server', async () => {
      fake.upsertPod(payloads.runningPod({ namespace: 'shop', name: 'web-1', image: 'nginx:1.27' }));
      fake.upsertPod(payloads.runningPod({ namespace: 'shop', name: 'web-2', image: 'nginx:1.27' }));
      fake.upsertPod(payloads.runningPod({ namespace: 'other', name: 'web-3', image: 'nginx:1.27' }));
      const answer = await call('/api/v1/namespaces/shop/pods');
      assert.equal(answer.json!.kind, 'PodList');
      assert.equal(answer.json!.apiVersion, 'v1');
      assert.equal(answer.json!.metadata.resourceVersion, String(fake.resourceVersion));
      assert.deepEqual(
        answer.json!.items.map((p: any) => p.metadata.name),
        ['web-1', 'web-2'],
      );
      assert.equal(answer.json!.items[0].kind, undefined);
      const all = await call('/api/v1/pods');
      assert.deepEqual(all.json!.items.map((p: any) => p.metadata.name).sort(), ['web-1', 'web-2', 'web-3']);
    });

    it('answers a missing pod with a NotFound Status object', async () => {
      const answer = await call('/api/v1/namespaces/shop/pods/x');
      assert.equal(answer.status, 404);
      assert.deepEqual(answer.json, {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'pods "x" not found',
        reason: 'NotFound',
        details: { name: 'x', kind: 'pods' },
        code: 404,
      });
    });

    it('names the group of a missing lease in its NotFound Status', async () => {
      const answer = await call('/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/pull-doctor');
      assert.equal(answer.json!.message, 'leases.coordination.k8s.io "pull-doctor" not found');
      assert.deepEqual(answer.json!.details, { name: 'pull-doctor', group: 'coordination.k8s.io', kind: 'leases' });
    });

    it('filters pods by label selector and by the field selectors the API server supports', async () => {
      fake.upsertPod(payloads.imagePullBackOffPod({ namespace: 'shop', name: 'web-1', image: 'a/b:1', labels: { tier: 'front' } }));
      fake.upsertPod(
        payloads.runningPod({
          namespace: 'shop',
          name: 'api-1',
          image: 'a/c:1',
          labels: { tier: 'back' },
          nodeName: 'aks-nodepool1-1-vmss000001',
        }),
      );
      fake.upsertPod(payloads.unschedulablePod({ namespace: 'shop', name: 'batch-1', image: 'a/d:1' }));
      const names = async (query: string) =>
        (await call(`/api/v1/namespaces/shop/pods?${query}`)).json!.items.map((p: any) => p.metadata.name);
      assert.deepEqual(await names('labelSelector=tier%3Dfront'), ['web-1']);
      assert.deepEqual(await names('labelSelector=tier%20in%20(front,back)'), ['api-1', 'web-1']);
      assert.deepEqual(await names('labelSelector=!tier'), ['batch-1']);
      assert.deepEqual(await names('fieldSelector=status.phase%3DRunning'), ['api-1']);
      assert.deepEqual(await names('fieldSelector=status.phase!%3DRunning'), ['batch-1', 'web-1']);
      assert.deepEqual(await names('fieldSelector=spec.nodeName%3Daks-nodepool1-1-vmss000001'), ['api-1']);
      assert.deepEqual(await names('fieldSelector=spec.nodeName%3D'), ['batch-1']);
      assert.deepEqual(await names('fieldSelector=metadata.name%3Dweb-1,metadata.namespace%3Dshop'), ['web-1']);
    });

    it('rejects a field selector the resource does not support with a 400, as the API server does', async () => {
      const answer = await call('/api/v1/namespaces/shop/pods?fieldSelector=spec.containers%3Dx');
      assert.equal(answer.status, 400);
      assert.equal(answer.json!.reason, 'BadRequest');
      assert.equal(answer.json!.message, 'field label not supported: spec.containers');
    });

    it('filters events by the involved object', async () => {
      const web = fake.upsertPod(payloads.imagePullBackOffPod({ namespace: 'shop', name: 'web-1', image: 'shopacr.azurecr.io/web:1' }));
      const api = fake.upsertPod(payloads.runningPod({ namespace: 'shop', name: 'api-1', image: 'a/c:1' }));
      for (const e of payloads.imagePullEvents(web)) fake.addEvent(e);
      fake.addEvent(payloads.kubeletEvent({ pod: api, reason: 'Started', message: 'Started container api-1', container: 'api-1' }));
      const byName = await call('/api/v1/namespaces/shop/events?fieldSelector=involvedObject.name%3Dweb-1');
      assert.equal(byName.json!.kind, 'EventList');
      assert.ok(byName.json!.items.length >= 5);
      assert.ok(byName.json!.items.every((e: any) => e.involvedObject.name === 'web-1'));
      const byUid = await call(
        `/api/v1/namespaces/shop/events?fieldSelector=involvedObject.uid%3D${api.metadata!.uid},involvedObject.kind%3DPod`,
      );
      assert.deepEqual(
        byUid.json!.items.map((e: any) => e.reason),
        ['Started'],
      );
      const none = await call('/api/v1/namespaces/shop/events?fieldSelector=involvedObject.namespace%3Dother');
      assert.deepEqual(none.json!.items, []);
    });

    it('serves the same events through events.k8s.io/v1 with regarding and note', async () => {
      const web = fake.upsertPod(payloads.imagePullBackOffPod({ namespace: 'shop', name: 'web-1', image: 'shopacr.azurecr.io/web:1' }));
      fake.addEvent(
        payloads.kubeletEvent({ pod: web, reason: 'BackOff', message: 'Back-off pulling image "shopacr.azurecr.io/web:1"', count: 7 }),
      );
      const answer = await call('/apis/events.k8s.io/v1/namespaces/shop/events?fieldSelector=regarding.name%3Dweb-1');
      assert.equal(answer.json!.apiVersion, 'events.k8s.io/v1');
      const [event] = answer.json!.items;
      assert.equal(event.regarding.name, 'web-1');
      assert.equal(event.note, 'Back-off pulling image "shopacr.azurecr.io/web:1"');
      assert.equal(event.deprecatedCount, 7);
      assert.equal(event.reportingController, 'kubelet');
    });

    it('pages a list with limit and continue', async () => {
      for (let i = 1; i <= 5; i++) fake.upsertPod(payloads.runningPod({ namespace: 'shop', name: `web-${i}`, image: 'a/b:1' }));
      const first = await call('/api/v1/namespaces/shop/pods?limit=2');
      assert.deepEqual(
        first.json!.items.map((p: any) => p.metadata.name),
        ['web-1', 'web-2'],
      );
      assert.equal(first.json!.metadata.remainingItemCount, 3);
      const second = await call(`/api/v1/namespaces/shop/pods?limit=2&continue=${encodeURIComponent(first.json!.metadata.continue)}`);
      assert.deepEqual(
        second.json!.items.map((p: any) => p.metadata.name),
        ['web-3', 'web-4'],
      );
      const third = await call(`/api/v1/namespaces/shop/pods?limit=2&continue=${encodeURIComponent(second.json!.metadata.continue)}`);
      assert.deepEqual(
        third.json!.items.map((p: any) => p.metadata.name),
        ['web-5'],
      );
      assert.equal(third.json!.metadata.continue, undefined);
    });

    it('prints a Table when asked for one, as kubectl does', async () => {
      fake.upsertPod(payloads.crashLoopBackOffPod({ namespace: 'shop', name: 'web-1', image: 'a/b:1', restartCount: 4 }));
      const answer = await call('/api/v1/namespaces/shop/pods', {
        headers: { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' },
      });
      assert.equal(answer.json!.kind, 'Table');
      assert.deepEqual(
        answer.json!.columnDefinitions.slice(0, 5).map((c: any) => c.name),
        ['Name', 'Ready', 'Status', 'Restarts', 'Age'],
      );
      const [row] = answer.json!.rows;
      assert.deepEqual(row.cells.slice(0, 3), ['web-1', '0/1', 'CrashLoopBackOff']);
      assert.match(row.cells[3], /^4 \(\d+s ago\)$/);
      assert.equal(row.object.kind, 'PartialObjectMetadata');
    });
  });

  describe('writes and leader election', () => {
    const leasePath = '/apis/coordination.k8s.io/v1/namespaces/kube-system/leases';
    const leaseBody = (holder: string, resourceVersion?: string) =>
      JSON.stringify({
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { name: 'pull-doctor', namespace: 'kube-system', ...(resourceVersion ? { resourceVersion } : {}) },
        spec: {
          holderIdentity: holder,
          leaseDurationSeconds: 15,
          acquireTime: '2026-11-26T10:00:00.000000Z',
          renewTime: '2026-11-26T10:00:00.000000Z',
          leaseTransitions: 0,
        },
      });
    const json = { 'Content-Type': 'application/json' };

    it('creates a lease once and answers a second create with AlreadyExists', async () => {
      const created = await call(leasePath, { method: 'POST', body: leaseBody('pod-a'), headers: json });
      assert.equal(created.status, 201);
      assert.equal(created.json!.spec.holderIdentity, 'pod-a');
      const again = await call(leasePath, { method: 'POST', body: leaseBody('pod-b'), headers: json });
      assert.equal(again.status, 409);
      assert.equal(again.json!.reason, 'AlreadyExists');
      assert.equal(again.json!.message, 'leases.coordination.k8s.io "pull-doctor" already exists');
    });

    it('updates a lease at the current resourceVersion and refuses a stale one with 409 Conflict', async () => {
      const created = await call(leasePath, { method: 'POST', body: leaseBody('pod-a'), headers: json });
      const rv = created.json!.metadata.resourceVersion as string;
      const renewed = await call(`${leasePath}/pull-doctor`, { method: 'PUT', body: leaseBody('pod-a', rv), headers: json });
      assert.equal(renewed.status, 200);
      assert.notEqual(renewed.json!.metadata.resourceVersion, rv);
      assert.equal(renewed.json!.metadata.uid, created.json!.metadata.uid);
      const stolen = await call(`${leasePath}/pull-doctor`, { method: 'PUT', body: leaseBody('pod-b', rv), headers: json });
      assert.equal(stolen.status, 409);
      assert.equal(stolen.json!.reason, 'Conflict');
      assert.equal(
        stolen.json!.message,
        'Operation cannot be fulfilled on leases.coordination.k8s.io "pull-doctor": the object has been modified; please apply your changes to the latest version and try again',
      );
      assert.equal(fake.getLease('kube-system', 'pull-doctor')!.spec!.holderIdentity, 'pod-a');
    });

    it('patches a lease with a merge patch and with a JSON patch', async () => {
      await call(leasePath, { method: 'POST', body: leaseBody('pod-a'), headers: json });
      const merged = await call(`${leasePath}/pull-doctor`, {
        method: 'PATCH',
        body: JSON.stringify({ spec: { holderIdentity: 'pod-b' } }),
        headers: { 'Content-Type': 'application/merge-patch+json' },
      });
      assert.equal(merged.json!.spec.holderIdentity, 'pod-b');
      assert.equal(merged.json!.spec.leaseDurationSeconds, 15);
      const patched = await call(`${leasePath}/pull-doctor`, {
        method: 'PATCH',
        body: JSON.stringify([{ op: 'replace', path: '/spec/leaseTransitions', value: 1 }]),
        headers: { 'Content-Type': 'application/json-patch+json' },
      });
      assert.equal(patched.json!.spec.leaseTransitions, 1);
    });

    it('refuses to create a pod in a namespace that does not exist', async () => {
      const answer = await call('/api/v1/namespaces/nowhere/pods', {
        method: 'POST',
        body: JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x' } }),
        headers: json,
      });
      assert.equal(answer.status, 404);
      assert.equal(answer.json!.message, 'namespaces "nowhere" not found');
    });
  });

  describe('authentication and authorization', () => {
    it('answers a request without credentials with a 401 Status', async () => {
      const answer = await httpsRequest(`${fake.url}/api/v1/namespaces/shop/pods`);
      assert.equal(answer.status, 401);
      assert.deepEqual(JSON.parse(answer.body), {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'Unauthorized',
        reason: 'Unauthorized',
        code: 401,
      });
    });

    it('answers an unknown bearer token with 401', async () => {
      const answer = await httpsRequest(`${fake.url}/api/v1/namespaces/shop/pods`, { headers: { Authorization: 'Bearer not-the-token' } });
      assert.equal(answer.status, 401);
    });

    it('accepts a client certificate signed by the configured CA and names its CN as the user', async () => {
      const tls = testTls();
      fake.setAuthorizationRules([]);
      const answer = await httpsRequest(`${fake.url}/api/v1/namespaces/shop/pods/web-1`, { cert: tls.clientCert, key: tls.clientKey });
      assert.equal(answer.status, 403);
      assert.match(JSON.parse(answer.body).message, /User "client" cannot get resource "pods"/);
    });

    it('rejects a client certificate from another CA', async () => {
      const tls = testTls();
      const answer = await httpsRequest(`${fake.url}/api/v1/namespaces/shop/pods`, { cert: tls.untrustedCert, key: tls.untrustedKey });
      assert.equal(answer.status, 401);
    });

    it('answers a call its RBAC rules do not cover with the real Forbidden message', async () => {
      fake.setAuthorizationRules([{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'], namespace: 'shop' }]);
      assert.equal((await call('/api/v1/namespaces/shop/pods/x')).status, 404);
      const secret = await call('/api/v1/namespaces/shop/secrets/acr-pull');
      assert.equal(secret.status, 403);
      assert.deepEqual(secret.json, {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message:
          'secrets "acr-pull" is forbidden: User "system:serviceaccount:pulldoctor:pulldoctor" cannot get resource "secrets" in API group "" in the namespace "shop"',
        reason: 'Forbidden',
        details: { name: 'acr-pull', kind: 'secrets' },
        code: 403,
      });
      const elsewhere = await call('/api/v1/namespaces/other/pods');
      assert.equal(
        elsewhere.json!.message,
        'pods is forbidden: User "system:serviceaccount:pulldoctor:pulldoctor" cannot list resource "pods" in API group "" in the namespace "other"',
      );
      const nodes = await call('/api/v1/namespaces');
      assert.match(nodes.json!.message, /cannot list resource "namespaces" in API group "" at the cluster scope$/);
    });
  });

  describe('request log', () => {
    it('records the Kubernetes verb, resource, namespace and name of every call', async () => {
      await call('/api/v1/namespaces/shop/pods/web-1');
      await call('/api/v1/namespaces/shop/events?fieldSelector=involvedObject.name%3Dweb-1');
      await call('/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/pd');
      await call('/api');
      assert.deepEqual(
        fake.requests.map((r) => [r.verb, r.apiGroup, r.resource, r.namespace, r.name, r.status]),
        [
          ['get', '', 'pods', 'shop', 'web-1', 404],
          ['list', '', 'events', 'shop', undefined, 200],
          ['get', 'coordination.k8s.io', 'leases', 'kube-system', 'pd', 404],
          ['get', '', '', undefined, undefined, 200],
        ],
      );
      assert.deepEqual(fake.requests[1]!.query, { fieldSelector: 'involvedObject.name=web-1' });
      assert.equal(fake.requests[3]!.isResourceRequest, false);
    });

    it('keeps only the newest requests when a limit is set, so a long-running sandbox does not grow forever', async () => {
      const tls = testTls();
      const bounded = await startFakeKubernetesApi({ tls: { cert: tls.cert, key: tls.key }, requestLogLimit: 2 });
      try {
        for (const name of ['a', 'b', 'c']) await httpsRequest(`${bounded.url}/api/v1/namespaces/shop/pods/${name}`);
        assert.deepEqual(
          bounded.requests.map((r) => r.name),
          ['b', 'c'],
        );
      } finally {
        await bounded.close();
      }
    });
  });

  describe('faults', () => {
    it('fails the next requests with the injected status, then recovers', async () => {
      fake.failNext(2, 500);
      const first = await call('/api/v1/namespaces/default/pods');
      assert.equal(first.status, 500);
      assert.equal(first.json!.reason, 'InternalError');
      assert.equal((await call('/api/v1/namespaces/default/pods')).status, 500);
      assert.equal((await call('/api/v1/namespaces/default/pods')).status, 200);
    });

    it('limits an injected failure to matching requests', async () => {
      fake.failNext(1, 429, { resource: 'secrets' });
      assert.equal((await call('/api/v1/namespaces/default/pods')).status, 200);
      const throttled = await call('/api/v1/namespaces/default/secrets/x');
      assert.equal(throttled.status, 429);
      assert.equal(throttled.headers['retry-after'], '1');
    });

    it('refuses connections while down and serves again once up, on the same port', async () => {
      await fake.setDown(true);
      await assert.rejects(call('/version'), (e: NodeJS.ErrnoException) => e.code === 'ECONNREFUSED');
      await fake.setDown(false);
      assert.equal((await call('/version')).status, 200);
    });

    it('delays answers by the configured latency', async () => {
      fake.latencyMs = 150;
      const started = Date.now();
      await call('/version');
      assert.ok(Date.now() - started >= 140);
    });
  });

  describe('discovery', () => {
    it('advertises the served resources with kinds, verbs and short names', async () => {
      const core = await call('/api/v1');
      assert.equal(core.json!.kind, 'APIResourceList');
      const pods = core.json!.resources.find((r: any) => r.name === 'pods');
      assert.deepEqual(
        { kind: pods.kind, namespaced: pods.namespaced, shortNames: pods.shortNames },
        { kind: 'Pod', namespaced: true, shortNames: ['po'] },
      );
      assert.ok(pods.verbs.includes('watch'));
      const groups = await call('/apis');
      assert.deepEqual(groups.json!.groups.map((g: any) => g.name).sort(), ['apps', 'coordination.k8s.io', 'events.k8s.io']);
      const version = await call('/version');
      assert.equal(version.json!.gitVersion, 'v1.31.7');
    });
  });
});
