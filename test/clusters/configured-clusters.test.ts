import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../src/config/index.js';
import { configuredClusters as configuredCluster } from '../../src/clusters/cluster-connections.js';
import { diagnoseOnClusters, type Diagnose } from '../../src/teams/diagnosis-cards.js';
import { isPullDoctorError } from '../../src/errors/index.js';
import { silentLogger } from '../../src/logging/index.js';
import { startSandboxHarness, type SandboxHarness } from '../support/sandbox.js';

describe('the configured cluster (kubeconfig and AZURE_CREDENTIAL, as outside the sandbox)', function () {
  this.timeout(30_000);
  let h: SandboxHarness;
  let home: string;
  before(async () => {
    h = await startSandboxHarness();
    home = mkdtempSync(join(tmpdir(), 'pulldoctor-home-'));
  });
  after(async () => {
    await h?.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('diagnoses the cluster of KUBECONFIG, known by its context name', async () => {
    const config = parseConfig(h.env);
    const clusters = configuredCluster(config, h.env, silentLogger(), {
      azureCredential: h.world.credential,
      registryNetwork: h.world.network,
    });
    assert.deepEqual(clusters.names, ['shop-aks']);
    const d = await engineOn(clusters).diagnose({ pod: 'checkout-5b7c8d9f6-z9x8w', namespace: 'shop' }, silentLogger());
    assert.equal(d.cause, 'image-not-found');
  });

  it('reads ~/.kube/config when KUBECONFIG is not set', () => {
    mkdirKube(home, h.world.kubeconfigYaml);
    const env = { HOME: home };
    assert.deepEqual(configuredCluster(parseConfig(env), env, silentLogger(), { azureCredential: null }).names, ['shop-aks']);
  });

  it('fails with KUBECONFIG_INVALID when there is no kubeconfig at all', () => {
    const env = { HOME: join(home, 'nowhere') };
    assert.throws(
      () => configuredCluster(parseConfig(env), env, silentLogger(), { azureCredential: null }),
      (error: unknown) => isPullDoctorError(error) && error.code === 'KUBECONFIG_INVALID',
    );
  });
});

function mkdirKube(home: string, yaml: string): void {
  const dir = join(home, '.kube');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'config'), yaml, { mode: 0o600 });
}

/** The bot's diagnosis over the clusters (diagnoseOnClusters), as an object to call `diagnose` on. */
function engineOn(clusters: Parameters<typeof diagnoseOnClusters>[0]): { diagnose: Diagnose } {
  return { diagnose: diagnoseOnClusters(clusters) };
}
