import assert from 'node:assert/strict';
import { armErrors } from '../../src/sandbox/resource-manager/index.js';
import { startSandboxHarness, type SandboxHarness } from '../support/sandbox.js';

describe('a check that cannot run is data, not a crash of the diagnosis', function () {
  this.timeout(30_000);
  let h: SandboxHarness;
  beforeEach(async () => {
    h = await startSandboxHarness();
  });
  afterEach(async () => {
    await h?.close();
  });

  it('reports the pull-role check as error when ARM fails to list role assignments, and runs every other check', async () => {
    h.world.arm.failNext({ method: 'GET', pathPattern: /roleAssignments/ }, 500, armErrors.internal(), { times: 20 });
    const d = await h.diagnose('web-7d4c9b6f5-x2k8p');
    const role = d.findings.find((f) => f.check === 'acr-pull-role');
    assert.equal(role?.status, 'error');
    assert.match(role?.summary ?? '', /could not run/);
    assert.equal(d.cause, 'unauthorized');
    assert.equal(d.fix, null, 'no fix without the evidence that the role is missing');
    for (const check of ['pod-state', 'pull-error', 'image-exists', 'aks-cluster', 'acr-registry', 'acr-network']) {
      assert.ok(
        d.findings.some((f) => f.check === check && f.status !== 'error'),
        `${check} should have run`,
      );
    }
  });

  it('reports the events check as error when events may not be listed, and still classifies from the container state', async () => {
    h.world.kube.setAuthorizationRules([
      { apiGroups: [''], resources: ['pods', 'serviceaccounts', 'secrets', 'namespaces'], verbs: ['get', 'list'] },
    ]);
    const d = await h.diagnose('checkout-5b7c8d9f6-z9x8w');
    const events = d.findings.find((f) => f.check === 'events');
    assert.equal(events?.status, 'error');
    assert.match(events?.remediation ?? '', /events/);
    assert.equal(d.verdict, 'problem');
    assert.equal(d.findings.find((f) => f.check === 'image-exists')?.status, 'fail');
  });

  it('skips the Azure checks with the reason when no Azure credential is configured', async () => {
    const deps = h.dependencies();
    const d = await (
      await import('../../src/diagnosis/diagnose-pod.js')
    ).diagnosePod(
      { pod: 'web-7d4c9b6f5-x2k8p', namespace: 'shop' },
      { ...deps, azure: { available: false, reason: 'no Azure credential is configured (set AZURE_CREDENTIAL).' } },
    );
    for (const check of ['aks-cluster', 'acr-registry', 'acr-pull-role']) {
      const f = d.findings.find((x) => x.check === check);
      assert.equal(f?.status, 'skip', check);
      assert.match(f?.summary ?? '', /no Azure credential is configured/);
    }
    assert.equal(d.fix, null);
  });
});
