import assert from 'node:assert/strict';
import { configuredClusters as configuredCluster } from '../../src/clusters/cluster-connections.js';
import { diagnoseOnClusters, type Diagnose } from '../../src/teams/diagnosis-cards.js';
import { parseChatCommand } from '../../src/chat/parse-command.js';
import { parseConfig } from '../../src/config/index.js';
import { isPullDoctorError } from '../../src/errors/index.js';
import { silentLogger } from '../../src/logging/index.js';
import { aksIdentity, PROD_POD, STAGING_POD, startTwoAksClusters, type TwoAksClusters } from '../support/two-aks-clusters.js';

describe('the bot diagnoser with several clusters (PULLDOCTOR_CONFIG)', function () {
  this.timeout(30_000);
  let world: TwoAksClusters;
  let diagnoser: { diagnose: Diagnose };
  before(async () => {
    world = await startTwoAksClusters();
    const env = {
      PULLDOCTOR_CONFIG: world.clustersJson(),
      AZURE_CREDENTIAL: 'managed-identity',
      AZURE_RESOURCE_MANAGER_ENDPOINT: world.arm.url,
    };
    diagnoser = engineOn(configuredCluster(parseConfig(env), env, silentLogger(), { azureCredential: aksIdentity(3_600_000) }));
  });
  after(async () => {
    await world?.close();
  });

  it('diagnoses on the cluster named in chat ("on cluster prod"), and names it on the result', async () => {
    const command = parseChatCommand(`<at>Pull Doctor</at> check pod ${PROD_POD} in namespace shop on cluster prod`);
    assert.equal(command.kind, 'diagnose');
    if (command.kind !== 'diagnose') return;
    const d = await diagnoser.diagnose(
      { pod: command.pod, namespace: command.namespace ?? 'default', ...(command.cluster ? { cluster: command.cluster } : {}) },
      silentLogger(),
    );
    assert.equal(d.cluster, 'prod');
    assert.match(d.findings[0]!.summary, /too much memory/);
  });

  it('uses the default cluster of the file when the question names none', async () => {
    const d = await diagnoser.diagnose({ pod: STAGING_POD, namespace: 'shop' }, silentLogger());
    assert.equal(d.cluster, 'staging');
    assert.equal(d.verdict, 'healthy');
  });

  it('answers an unknown cluster with the known ones', async () => {
    await assert.rejects(diagnoser.diagnose({ pod: STAGING_POD, namespace: 'shop', cluster: 'qa' }, silentLogger()), (e: unknown) => {
      assert.ok(isPullDoctorError(e) && e.code === 'INVALID_INPUT');
      assert.match(e.message, /Known clusters: prod, staging/);
      return true;
    });
  });
});

/** The bot's diagnosis over the clusters (diagnoseOnClusters), as an object to call `diagnose` on. */
function engineOn(clusters: Parameters<typeof diagnoseOnClusters>[0]): { diagnose: Diagnose } {
  return { diagnose: diagnoseOnClusters(clusters) };
}
