import assert from 'node:assert/strict';
import type { AccessToken, TokenCredential } from '@azure/identity';
import { parseConfig } from '../../src/config/index.js';
import { startSandboxWorld, type SandboxWorld } from '../../src/sandbox/sandbox-world.js';
import { sandboxCluster } from '../../src/sandbox/profile.js';
import { diagnoseOnClusters, type Diagnose } from '../../src/teams/diagnosis-cards.js';
import { isPullDoctorError, type ErrorCode, type PullDoctorError } from '../../src/errors/index.js';
import { createLogger, memorySink, silentLogger } from '../../src/logging/index.js';
import { testTls } from '../support/tls.js';

/** The sandbox identity, counting the tokens it is asked for by scope. */
function countingCredential(inner: TokenCredential): TokenCredential & { asked: Map<string, number> } {
  const asked = new Map<string, number>();
  return {
    asked,
    async getToken(scopes, options): Promise<AccessToken> {
      const scope = Array.isArray(scopes) ? scopes.join(' ') : scopes;
      asked.set(scope, (asked.get(scope) ?? 0) + 1);
      return (await inner.getToken(scopes, options))!;
    },
  };
}

function failsWith(code: ErrorCode, check: (error: PullDoctorError) => void = () => {}) {
  return (error: unknown) => {
    assert.ok(isPullDoctorError(error), String(error));
    assert.equal(error.code, code, error.message);
    check(error);
    return true;
  };
}

describe('the engine diagnoser (the Teams Diagnoser over diagnosePod, on the sandbox)', function () {
  this.timeout(30_000);
  let world: SandboxWorld;
  let credential: ReturnType<typeof countingCredential>;
  let diagnoser: { diagnose: Diagnose };

  before(async () => {
    const tls = testTls();
    world = await startSandboxWorld({ tls: { cert: tls.cert, key: tls.key, ca: tls.ca } });
    credential = countingCredential(world.credential);
    diagnoser = engineOn(sandboxCluster({ ...world, credential }, parseConfig({}), silentLogger()));
  });
  after(async () => {
    await world?.close();
  });

  it('diagnoses a sandbox pod through the real clients, naming the cluster it looked at', async () => {
    const d = await diagnoser.diagnose({ pod: 'web-7d4c9b6f5-x2k8p', namespace: 'shop' }, silentLogger());
    assert.equal(d.cause, 'unauthorized');
    assert.equal(d.cluster, 'shop-aks');
    assert.equal(d.fix?.kind, 'assign-acr-pull');
    assert.ok(!d.findings.some((f) => f.status === 'error'), JSON.stringify(d.findings.filter((f) => f.status === 'error')));
  });

  it('builds its clients once: later diagnoses reuse the Azure tokens the first one got', async () => {
    await diagnoser.diagnose({ pod: 'api-6c8f7d9b4-q7r2s', namespace: 'shop' }, silentLogger());
    const armScope = `${world.arm.url}/.default`;
    const afterFirst = credential.asked.get(armScope);
    assert.ok(afterFirst !== undefined && afterFirst > 0, `asked for ${JSON.stringify([...credential.asked])}`);
    await diagnoser.diagnose({ pod: 'ledger-4e3d2c1b0-l9m8n', namespace: 'shop' }, silentLogger());
    await diagnoser.diagnose({ pod: 'web-7d4c9b6f5-x2k8p', namespace: 'shop' }, silentLogger());
    assert.equal(credential.asked.get(armScope), afterFirst, 'no new ARM token: the same SDK clients (and their token caches) were used');
  });

  it('logs each diagnosis through the logger of the turn that asked', async () => {
    const sink = memorySink();
    await diagnoser.diagnose(
      { pod: 'cache-3f2e1d0c9-c7d8e', namespace: 'shop' },
      createLogger({ sink, level: 'debug' }).child({ turnId: 'turn-42' }),
    );
    const diagnosed = sink.records.find((r) => r.msg === 'diagnosed');
    assert.ok(diagnosed, JSON.stringify(sink.records.map((r) => r.msg)));
    assert.equal(diagnosed.turnId, 'turn-42');
    assert.equal(diagnosed.pod, 'cache-3f2e1d0c9-c7d8e');
  });

  it('says a pod does not exist with the similar pod names in facts.suggestions', async () => {
    await assert.rejects(
      diagnoser.diagnose({ pod: 'web-7d4c8b6f5-x2k8p', namespace: 'shop' }, silentLogger()),
      failsWith('POD_NOT_FOUND', (error) => assert.equal(error.facts.suggestions, 'web-7d4c9b6f5-x2k8p')),
    );
    await assert.rejects(diagnoser.diagnose({ pod: 'web-7d4c9', namespace: 'shopp' }, silentLogger()), failsWith('NAMESPACE_NOT_FOUND'));
  });

  it('knows its cluster by name, and refuses to guess another one', async () => {
    const d = await diagnoser.diagnose({ pod: 'storefront-7b8c9d0e1-h2i3j', namespace: 'shop', cluster: 'shop-aks' }, silentLogger());
    assert.equal(d.verdict, 'healthy');
    await assert.rejects(
      diagnoser.diagnose({ pod: 'storefront-7b8c9d0e1-h2i3j', namespace: 'shop', cluster: 'prod' }, silentLogger()),
      failsWith('INVALID_INPUT', (error) => assert.match(error.message, /no cluster named "prod"/)),
    );
  });

  it('passes cluster failures on as PullDoctorErrors (the bot shows them with describeError)', async () => {
    world.kube.failNext(1, 403, { verb: 'get', resource: 'pods' });
    await assert.rejects(
      diagnoser.diagnose({ pod: 'web-7d4c9b6f5-x2k8p', namespace: 'shop' }, silentLogger()),
      failsWith('KUBE_FORBIDDEN'),
    );
  });
});

/** The bot's diagnosis over the clusters (diagnoseOnClusters), as an object to call `diagnose` on. */
function engineOn(clusters: Parameters<typeof diagnoseOnClusters>[0]): { diagnose: Diagnose } {
  return { diagnose: diagnoseOnClusters(clusters) };
}
