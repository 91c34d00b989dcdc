import assert from 'node:assert/strict';
import { PassThrough, Readable } from 'node:stream';
import type { AccessToken, TokenCredential } from '@azure/identity';
import { runCli } from '../../src/cli/main.js';
import { AKS_SERVER_SCOPE, createClusterRegistry } from '../../src/clusters/cluster-registry.js';
import { parseClustersFile } from '../../src/clusters/clusters-file.js';
import { silentLogger } from '../../src/logging/index.js';
import { payloads, startFakeKubernetesApi, type FakeKubernetesApi } from '../../src/sandbox/kubernetes-api/index.js';
import { startFakeResourceManager, type FakeResourceManager } from '../../src/sandbox/resource-manager/index.js';
import { sandboxCredential } from '../../src/sandbox/sandbox-identity.js';
import { testTls } from '../support/tls.js';

const SUB = '7c6b5a49-3827-4161-9504-f3e2d1c0b9a8';
const AKS_TOKEN = 'eyJ0eXAiOiJKV1QifQ.eyJhdWQiOiI2ZGFlNDJmOCJ9.aks-server-token';

/** Pull Doctor's identity: an Entra token for the AKS server application, sandbox tokens for ARM. Counts AKS tokens. */
function identity(expiresInMs: number): TokenCredential & { aksTokens: number } {
  const arm = sandboxCredential();
  const credential = {
    aksTokens: 0,
    async getToken(scopes: string | string[]): Promise<AccessToken | null> {
      const scope = Array.isArray(scopes) ? scopes[0] : scopes;
      if (scope === AKS_SERVER_SCOPE) {
        credential.aksTokens++;
        return { token: AKS_TOKEN, expiresOnTimestamp: Date.now() + expiresInMs, tokenType: 'Bearer' };
      }
      return arm.getToken(scopes);
    },
  };
  return credential;
}

describe('several clusters addressed by AKS resource id (no kubeconfig, no kubelogin)', function () {
  this.timeout(30_000);
  let arm: FakeResourceManager;
  let prod: FakeKubernetesApi;
  let staging: FakeKubernetesApi;
  const ids: Record<string, string> = {};

  before(async () => {
    const tls = testTls();
    const auth = { bearerTokens: [{ token: AKS_TOKEN, user: 'pull-doctor-identity' }] };
    prod = await startFakeKubernetesApi({ tls, auth });
    staging = await startFakeKubernetesApi({ tls, auth });
    arm = await startFakeResourceManager({ tls });
    arm.addSubscription({ subscriptionId: SUB });
    arm.addResourceGroup({ subscriptionId: SUB, name: 'rg-aks' });
    for (const [name, api] of [['prod', prod], ['staging', staging]] as const) {
      ids[name] = arm.addManagedCluster({ subscriptionId: SUB, resourceGroup: 'rg-aks', name: `${name}-aks`, location: 'westeurope', kubeconfig: { server: api.url, caPem: tls.ca, user: { kind: 'exec' } } }).id;
      api.addNamespace('shop');
    }
    prod.upsertPod(payloads.crashLoopBackOffPod({ namespace: 'shop', name: 'orders-5d6c7b8a9-k2l3m', image: 'orders:4.1' }));
    staging.upsertPod(payloads.runningPod({ namespace: 'shop', name: 'orders-7f8e9d0c1-n4p5q', image: 'orders:4.2' }));
  });
  after(async () => {
    await Promise.all([arm?.close(), prod?.close(), staging?.close()]);
  });

  const clustersJson = () =>
    JSON.stringify({ defaultCluster: 'staging', clusters: [{ name: 'prod', resourceId: ids.prod }, { name: 'staging', resourceId: ids.staging }] });

  async function cli(argv: string[], credential: TokenCredential) {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let out = '';
    let err = '';
    stdout.on('data', (c: Buffer) => (out += c.toString()));
    stderr.on('data', (c: Buffer) => (err += c.toString()));
    const env = { PULLDOCTOR_CONFIG: clustersJson(), AZURE_CREDENTIAL: 'cli', AZURE_RESOURCE_MANAGER_ENDPOINT: arm.url, HOME: '/nonexistent' };
    const code = await runCli(argv, { env, stdin: Readable.from(['']), stdout, stderr, overrides: { azureCredential: credential } });
    return { code, stdout: out, stderr: err };
  }

  it('diagnoses a pod on each cluster, chosen with --cluster, reading the server and CA from listClusterUserCredential and sending an Entra bearer token', async () => {
    const credential = identity(3_600_000);
    const onProd = await cli(['diagnose', 'orders-5d6c7b8a9-k2l3m', '-n', 'shop', '--cluster', 'prod', '-o', 'json'], credential);
    assert.equal(onProd.code, 0, onProd.stderr);
    assert.match((JSON.parse(onProd.stdout) as { findings: Array<{ summary: string }> }).findings[0]!.summary, /too much memory/);
    const onStaging = await cli(['diagnose', 'orders-7f8e9d0c1-n4p5q', '-n', 'shop', '-o', 'json'], credential);
    assert.equal(onStaging.code, 0, onStaging.stderr);
    assert.equal((JSON.parse(onStaging.stdout) as { verdict: string }).verdict, 'healthy', 'the default cluster is staging');
    for (const api of [prod, staging]) {
      assert.ok(api.requests.length > 0);
      assert.ok(api.requests.every((r) => r.user === 'pull-doctor-identity'), 'every request authenticated with the Entra bearer token');
    }
    assert.ok(arm.requests.some((r) => r.method === 'POST' && r.path.endsWith('/prod-aks/listClusterUserCredential')));
    assert.ok(arm.requests.some((r) => r.method === 'POST' && r.path.endsWith('/staging-aks/listClusterUserCredential')));
  });

  it('answers an unknown cluster name with the known ones (exit 2)', async () => {
    const run = await cli(['diagnose', 'x', '-n', 'shop', '--cluster', 'qa'], identity(3_600_000));
    assert.equal(run.code, 2);
    assert.match(run.stderr, /No cluster named "qa"\. Known clusters: prod, staging/);
  });

  it('connects once per cluster and reuses the token until shortly before it expires', async () => {
    const file = parseClustersFile(clustersJson(), 'test');
    const long = identity(3_600_000);
    const registry = createClusterRegistry(file, { env: {}, kubernetes: {}, credential: long, armEndpoint: arm.url, log: silentLogger() });
    const a = await registry.connect('prod');
    assert.equal(await registry.connect('prod'), a);
    await a.kube.readPod('shop', 'orders-5d6c7b8a9-k2l3m');
    await a.kube.readPod('shop', 'orders-5d6c7b8a9-k2l3m');
    assert.equal(long.aksTokens, 1);

    const short = identity(60_000); // expires within the 5-minute refresh margin: every request gets a fresh one
    const refreshing = createClusterRegistry(file, { env: {}, kubernetes: {}, credential: short, armEndpoint: arm.url, log: silentLogger() });
    const b = await refreshing.connect('prod');
    await b.kube.readPod('shop', 'orders-5d6c7b8a9-k2l3m');
    await b.kube.readPod('shop', 'orders-5d6c7b8a9-k2l3m');
    assert.equal(short.aksTokens, 2);
  });

  it('needs an Azure credential for clusters addressed by resource id', async () => {
    const registry = createClusterRegistry(parseClustersFile(clustersJson(), 'test'), { env: {}, kubernetes: {}, credential: null, armEndpoint: arm.url, log: silentLogger() });
    await assert.rejects(registry.connect('prod'), /needs an Azure credential/);
  });
});
