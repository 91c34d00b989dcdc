import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { buildDiagnosisDependencies } from '../../src/clusters/cluster-connections.js';
import { parseConfig } from '../../src/config/index.js';
import { diagnosePod } from '../../src/diagnosis/diagnose-pod.js';
import { silentLogger } from '../../src/logging/index.js';
import { SANDBOX_IDS } from '../../src/sandbox/sandbox-identity.js';
import { startSandboxWorld, type SandboxWorld } from '../../src/sandbox/sandbox-world.js';
import { writeFakeAz, type FakeAz } from '../support/fake-az.js';
import { testTls } from '../support/tls.js';

/**
 * The diagnosis clients as configuration builds them, with AZURE_CREDENTIAL=cli and a stand-in `az` first on PATH:
 * what one diagnosis, and the next one on the same clients (the bot keeps them), ask of Azure.
 */
describe('the diagnosis clients built from configuration (AZURE_CREDENTIAL=cli)', function () {
  this.timeout(60_000);
  let world: SandboxWorld;
  let dir: string;
  let az: FakeAz;
  let savedPath: string | undefined;

  before(async () => {
    const tls = testTls();
    world = await startSandboxWorld({ tls: { cert: tls.cert, key: tls.key, ca: tls.ca } });
    dir = await mkdtemp(join(tmpdir(), 'pulldoctor-connections-'));
    az = await writeFakeAz({ directory: join(dir, 'bin'), tenantId: SANDBOX_IDS.tenantId, objectId: SANDBOX_IDS.pullDoctorObjectId });
    savedPath = process.env.PATH;
    process.env.PATH = `${az.binDirectory}${delimiter}${savedPath ?? ''}`;
  });

  after(async () => {
    process.env.PATH = savedPath;
    await world?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("asks 'az account get-access-token' once per resource, and a repeated diagnosis reads only the pod, the role assignments and the manifest", async () => {
    const kubeconfig = join(dir, 'kubeconfig');
    await writeFile(kubeconfig, world.kubeconfigYaml, { mode: 0o600 });
    const env = { ...world.env, KUBECONFIG: kubeconfig, AZURE_CREDENTIAL: 'cli', HOME: dir };
    const deps = buildDiagnosisDependencies(parseConfig(env), env, {}, silentLogger(), { registryNetwork: world.network });
    const target = { pod: 'web-7d4c9b6f5-x2k8p', namespace: 'shop' };

    const first = await diagnosePod(target, deps);
    assert.equal(first.fix?.scope, world.ids.registryIds.shopacr);
    const resources = (await az.invocations()).map((args) => args[args.indexOf('--resource') + 1]).sort();
    assert.deepEqual(resources, ['https://containerregistry.azure.net', world.arm.url].sort());

    const before = { arm: world.arm.requests.length, registry: world.registries.requests.length };
    const again = await diagnosePod(target, deps);
    assert.deepEqual(again.fix, first.fix);
    assert.equal((await az.invocations()).length, 2, 'the tokens are kept');
    assert.deepEqual(
      world.arm.requests.slice(before.arm).map((r) => `${r.method} ${r.path}`),
      [`GET ${world.ids.registryIds.shopacr}/providers/Microsoft.Authorization/roleAssignments`],
    );
    assert.deepEqual(
      world.registries.requests
        .slice(before.registry)
        .filter((r) => r.path !== '/v2/')
        .map((r) => `${r.method} ${r.path} ${r.authorization}`),
      ['HEAD /v2/shop/web/manifests/2.4.1 bearer'],
    );
  });
});
