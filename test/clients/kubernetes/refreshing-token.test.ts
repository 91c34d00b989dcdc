import assert from 'node:assert/strict';
import { createKubernetesReader, kubeConfigForServer, refreshingToken } from '../../../src/clients/kubernetes/index.js';
import { PullDoctorError } from '../../../src/errors/index.js';
import { startFakeKubernetesApi, payloads, type FakeKubernetesApi } from '../../../src/sandbox/kubernetes-api/index.js';
import { testTls } from '../../support/tls.js';

describe('refreshingToken', () => {
  let fake: FakeKubernetesApi;

  beforeEach(async () => {
    const tls = testTls();
    fake = await startFakeKubernetesApi({
      tls: { cert: tls.cert, key: tls.key, ca: tls.ca },
      auth: { bearerTokens: [{ token: 'entra-token-1', user: 'aad:oncall@contoso.com' }, { token: 'entra-token-2', user: 'aad:oncall@contoso.com' }] },
    });
    fake.upsertPod(payloads.runningPod({ namespace: 'shop', name: 'web-1', image: 'shopacr.azurecr.io/web:1' }));
  });
  afterEach(async () => {
    await fake.close();
  });

  it('refreshes an expiring token shortly before it expires, with one fetch for concurrent requests', async () => {
    let now = 1_000_000;
    const issued: string[] = [];
    const provider = refreshingToken(
      async () => {
        const token = `entra-token-${issued.length + 1}`;
        issued.push(token);
        return { token, expiresOnTimestamp: now + 60 * 60_000 };
      },
      { now: () => now, refreshBeforeMs: 5 * 60_000 },
    );
    const reader = createKubernetesReader(kubeConfigForServer({ server: fake.url, caData: testTls().ca, token: provider }));
    await Promise.all([reader.readPod('shop', 'web-1'), reader.listPods('shop'), reader.namespaceExists('shop')]);
    assert.deepEqual(issued, ['entra-token-1']);
    now += 54 * 60_000;
    await reader.readPod('shop', 'web-1');
    assert.deepEqual(issued, ['entra-token-1']);
    now += 2 * 60_000;
    await reader.readPod('shop', 'web-1');
    assert.deepEqual(issued, ['entra-token-1', 'entra-token-2']);
    assert.ok(fake.requests.every((r) => r.status === 200 || r.status === 404));
  });

  it('reports a source that yields no token as KUBE_UNAUTHORIZED, and a failing source\'s own error unchanged', async () => {
    const empty = createKubernetesReader(kubeConfigForServer({ server: fake.url, caData: testTls().ca, token: refreshingToken(async () => null) }));
    await assert.rejects(empty.readPod('shop', 'web-1'), (e: unknown) => e instanceof PullDoctorError && e.code === 'KUBE_UNAUTHORIZED');
    const failing = createKubernetesReader(
      kubeConfigForServer({
        server: fake.url,
        caData: testTls().ca,
        token: refreshingToken(async () => {
          throw new PullDoctorError('AZURE_CREDENTIAL_UNAVAILABLE', 'Managed identity is not available.');
        }),
      }),
    );
    await assert.rejects(failing.readPod('shop', 'web-1'), (e: unknown) => e instanceof PullDoctorError && e.code === 'AZURE_CREDENTIAL_UNAVAILABLE');
    assert.deepEqual(fake.requests, []);
  });

});
