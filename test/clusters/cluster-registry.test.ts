import assert from 'node:assert/strict';
import { PassThrough, Readable } from 'node:stream';
import type { TokenCredential } from '@azure/identity';
import { runCli } from '../../src/cli/main.js';
import { createClusterRegistry } from '../../src/clusters/cluster-registry.js';
import { parseClustersFile } from '../../src/clusters/clusters-file.js';
import { silentLogger } from '../../src/logging/index.js';
import type { FakeKubernetesApi } from '../../src/sandbox/kubernetes-api/index.js';
import type { FakeResourceManager } from '../../src/sandbox/resource-manager/index.js';
import { aksIdentity, startTwoAksClusters, type TwoAksClusters } from '../support/two-aks-clusters.js';

describe('several clusters addressed by AKS resource id (no kubeconfig, no kubelogin)', function () {
  this.timeout(30_000);
  let world: TwoAksClusters;
  let arm: FakeResourceManager;
  let prod: FakeKubernetesApi;
  let staging: FakeKubernetesApi;
  before(async () => {
    world = await startTwoAksClusters();
    ({ arm, prod, staging } = world);
  });
  after(async () => {
    await world?.close();
  });
  const clustersJson = () => world.clustersJson();
  const identity = aksIdentity;

  async function cli(argv: string[], credential: TokenCredential) {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let out = '';
    let err = '';
    stdout.on('data', (c: Buffer) => (out += c.toString()));
    stderr.on('data', (c: Buffer) => (err += c.toString()));
    const env = {
      PULLDOCTOR_CONFIG: clustersJson(),
      AZURE_CREDENTIAL: 'cli',
      AZURE_RESOURCE_MANAGER_ENDPOINT: arm.url,
      HOME: '/nonexistent',
    };
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
      assert.ok(
        api.requests.every((r) => r.user === 'pull-doctor-identity'),
        'every request authenticated with the Entra bearer token',
      );
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
    const refreshing = createClusterRegistry(file, {
      env: {},
      kubernetes: {},
      credential: short,
      armEndpoint: arm.url,
      log: silentLogger(),
    });
    const b = await refreshing.connect('prod');
    await b.kube.readPod('shop', 'orders-5d6c7b8a9-k2l3m');
    await b.kube.readPod('shop', 'orders-5d6c7b8a9-k2l3m');
    assert.equal(short.aksTokens, 2);
  });

  it('needs an Azure credential for clusters addressed by resource id', async () => {
    const registry = createClusterRegistry(parseClustersFile(clustersJson(), 'test'), {
      env: {},
      kubernetes: {},
      credential: null,
      armEndpoint: arm.url,
      log: silentLogger(),
    });
    await assert.rejects(registry.connect('prod'), /needs an Azure credential/);
  });
});
