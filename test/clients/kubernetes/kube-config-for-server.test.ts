import assert from 'node:assert/strict';
import { createKubernetesReader, kubeConfigForServer } from '../../../src/clients/kubernetes/index.js';
import { PullDoctorError } from '../../../src/errors/index.js';
import { startFakeKubernetesApi, payloads, type FakeKubernetesApi } from '../../../src/sandbox/kubernetes-api/index.js';
import { testTls } from '../../support/tls.js';

describe('kubeConfigForServer', () => {
  let fake: FakeKubernetesApi;

  beforeEach(async () => {
    const tls = testTls();
    fake = await startFakeKubernetesApi({
      tls: { cert: tls.cert, key: tls.key, ca: tls.ca },
      auth: { bearerTokens: [{ token: 'entra-token-1', user: 'aad:oncall@contoso.com' }, { token: 'entra-token-2', user: 'aad:oncall@contoso.com' }], clientCa: tls.ca },
    });
    fake.upsertPod(payloads.runningPod({ namespace: 'shop', name: 'web-1', image: 'shopacr.azurecr.io/web:1' }));
  });
  afterEach(async () => {
    await fake.close();
  });

  it('reaches a server with a static token and the CA as PEM', async () => {
    const config = kubeConfigForServer({ server: fake.url, caData: testTls().ca, token: 'entra-token-1', name: 'shop-aks' });
    const reader = createKubernetesReader(config);
    assert.equal(reader.clusterName, 'shop-aks');
    assert.equal((await reader.readPod('shop', 'web-1'))?.metadata?.name, 'web-1');
  });

  it('accepts the CA and client certificate base64-encoded, as ARM and kubeconfig files carry them', async () => {
    const tls = testTls();
    const b64 = (pem: string) => Buffer.from(pem).toString('base64');
    const config = kubeConfigForServer({ server: fake.url, caData: b64(tls.ca), clientCert: b64(tls.clientCert), clientKey: b64(tls.clientKey) });
    assert.equal((await createKubernetesReader(config).readPod('shop', 'web-1'))?.metadata?.name, 'web-1');
    assert.equal(fake.requests.at(-1)!.user, 'client');
  });

  it('asks the token provider before each request, so a refreshed token is used', async () => {
    let token = 'entra-token-1';
    let calls = 0;
    const config = kubeConfigForServer({
      server: fake.url,
      caData: testTls().ca,
      token: async () => {
        calls++;
        return token;
      },
    });
    const reader = createKubernetesReader(config);
    await reader.readPod('shop', 'web-1');
    token = 'entra-token-2';
    await reader.readPod('shop', 'web-1');
    assert.equal(calls, 2);
    token = 'revoked-token';
    await assert.rejects(reader.readPod('shop', 'web-1'), (e: unknown) => e instanceof PullDoctorError && e.code === 'KUBE_UNAUTHORIZED');
  });

  it('refuses a server address that is not an https URL, and a certificate without its key', () => {
    const invalid = (e: unknown) => e instanceof PullDoctorError && e.code === 'KUBECONFIG_INVALID';
    assert.throws(() => kubeConfigForServer({ server: 'shop-aks.hcp.westeurope.azmk8s.io' }), invalid);
    assert.throws(() => kubeConfigForServer({ server: 'http://shop-aks.hcp.westeurope.azmk8s.io' }), invalid);
    assert.throws(() => kubeConfigForServer({ server: fake.url, clientCert: testTls().clientCert }), invalid);
  });
});
