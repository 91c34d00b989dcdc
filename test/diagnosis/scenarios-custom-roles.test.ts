import assert from 'node:assert/strict';
import type { FakeCustomRoleInput } from '../../src/sandbox/resource-manager/index.js';
import type { Diagnosis, Finding } from '../../src/diagnosis/types.js';
import { startSandboxHarness, type SandboxHarness } from '../support/sandbox.js';

const ACR_PULL = '7f951dda-4ed3-4680-a7ca-43fe172d538d';

function roleCheck(d: Diagnosis): Finding {
  const f = d.findings.find((x) => x.check === 'acr-pull-role');
  assert.ok(f, `no acr-pull-role finding in ${JSON.stringify(d.findings, null, 2)}`);
  return f;
}

/**
 * Custom roles end to end: defined in the fake ARM at the subscription, a resource group, the registry or a
 * management group, assigned to the sandbox cluster's kubelet identity, read through the real
 * @azure/arm-authorization client by the diagnosis of a pod that cannot pull (web-7d4c9b6f5-x2k8p from shopacr in
 * rg-shop, whose kubelet identity holds no role there otherwise).
 */
describe('custom roles, read as ARM serves them (fake ARM, real SDK)', function () {
  this.timeout(30_000);
  let h: SandboxHarness;
  beforeEach(async () => {
    h = await startSandboxHarness();
  });
  afterEach(async () => {
    await h?.close();
  });

  const sub = () => `/subscriptions/${h.world.ids.subscriptionId}`;
  const rg = () => `${sub()}/resourceGroups/rg-shop`;
  const registry = () => h.world.ids.registryIds.shopacr;

  /** Defines a custom role assignable at `definedAt`, assigns it to the kubelet identity at `assignedAt`, diagnoses. */
  async function diagnoseWithRole(
    role: Omit<FakeCustomRoleInput, 'assignableScopes'>,
    definedAt: string,
    assignedAt: string,
    pod = 'web-7d4c9b6f5-x2k8p',
  ): Promise<{ d: Diagnosis; roleReads: string[] }> {
    const defined = h.world.arm.addRoleDefinition({ ...role, assignableScopes: [definedAt] });
    h.world.arm.addRoleAssignment({
      scope: assignedAt,
      roleDefinitionId: defined.guid,
      principalId: h.world.ids.kubeletObjectId,
      principalType: 'ServicePrincipal',
    });
    const before = h.world.arm.requests.length;
    const d = await h.diagnose(pod);
    const roleReads = h.world.arm.requests
      .slice(before)
      .filter((r) => r.path.includes('/roleDefinitions/'))
      .map((r) => `${r.path} ${r.status}`);
    return { d, roleReads };
  }

  it('a wildcard role defined for the subscription (Microsoft.ContainerRegistry/*) lets the kubelet pull: no fix', async () => {
    const { d, roleReads } = await diagnoseWithRole(
      { roleName: 'ACR Operator', permissions: [{ actions: ['Microsoft.ContainerRegistry/*'] }] },
      sub(),
      sub(),
    );
    assert.equal(roleCheck(d).status, 'pass');
    assert.match(roleCheck(d).summary, /ACR Operator inherited from subscription/);
    assert.equal(d.fix, null);
    assert.equal(roleReads.length, 1);
    assert.match(roleReads[0]!, new RegExp(`^${sub()}/providers/Microsoft\\.Authorization/roleDefinitions/[0-9a-f-]{36} 200$`));
  });

  it('a pull role defined for the resource group is read by the subscription-level id its assignment carries', async () => {
    const { d, roleReads } = await diagnoseWithRole(
      { roleName: 'Shop Image Puller', permissions: [{ actions: ['Microsoft.ContainerRegistry/registries/pull/read'] }] },
      rg(),
      rg(),
    );
    assert.match(roleCheck(d).summary, /can pull from shopacr: Shop Image Puller inherited from resource group rg-shop/);
    assert.equal(d.fix, null);
    assert.deepEqual(
      roleReads.map((r) => r.replace(/[0-9a-f-]{36} /, 'GUID ')),
      [`${sub()}/providers/Microsoft.Authorization/roleDefinitions/GUID 200`],
    );
  });

  it('a role on the registry whose notActions exclude pull does not count: the check fails naming it, and AcrPull is offered', async () => {
    const { d } = await diagnoseWithRole(
      {
        roleName: 'Registry Admin Without Pull',
        permissions: [{ actions: ['Microsoft.ContainerRegistry/*'], notActions: ['Microsoft.ContainerRegistry/registries/pull/read'] }],
      },
      registry(),
      registry(),
    );
    const f = roleCheck(d);
    assert.equal(f.status, 'fail');
    assert.match(
      f.detail ?? '',
      /Not counted: Registry Admin Without Pull on the registry itself: .* its notActions exclude Microsoft\.ContainerRegistry\/registries\/pull\/read/,
    );
    assert.deepEqual(d.fix, {
      kind: 'assign-acr-pull',
      principalId: h.world.ids.kubeletObjectId,
      scope: registry(),
      roleDefinitionId: `${sub()}/providers/Microsoft.Authorization/roleDefinitions/${ACR_PULL}`,
    });
  });

  it('a role with repository data actions only is not honoured by a registry in legacy mode: AcrPull is offered', async () => {
    const { d } = await diagnoseWithRole(
      {
        roleName: 'Repository Data Reader',
        permissions: [{ dataActions: ['Microsoft.ContainerRegistry/registries/repositories/*/read'] }],
      },
      registry(),
      registry(),
    );
    assert.equal(roleCheck(d).status, 'fail');
    assert.match(roleCheck(d).detail ?? '', /Repository Data Reader on the registry itself: .*honours only in ABAC mode/);
    assert.equal(d.fix?.scope, registry());
  });

  it('the same data role lets the kubelet pull from a registry in ABAC mode', async () => {
    const vault = h.world.ids.registryIds.vaultacr;
    const { d } = await diagnoseWithRole(
      {
        roleName: 'Repository Data Reader',
        permissions: [{ dataActions: ['Microsoft.ContainerRegistry/registries/repositories/*/read'] }],
      },
      vault,
      vault,
      'vault-agent-5a6b7c8d9-v0w1x',
    );
    assert.equal(roleCheck(d).status, 'pass');
    assert.match(roleCheck(d).summary, /Repository Data Reader on the registry itself/);
    assert.equal(d.fix, null);
  });

  it('a role of a management group, carried with a tenant-level id, is read at the assignment scope after ARM does not know it at the root', async () => {
    const group = `/providers/Microsoft.Management/managementGroups/${h.world.ids.tenantId}`;
    const { d, roleReads } = await diagnoseWithRole(
      { roleName: 'Org Image Puller', permissions: [{ actions: ['Microsoft.ContainerRegistry/registries/pull/read'] }] },
      group,
      group,
    );
    assert.match(roleCheck(d).summary, /Org Image Puller inherited from management group/);
    assert.deepEqual(
      roleReads.map((r) => r.replace(/[0-9a-f-]{36} /, 'GUID ')),
      [
        '/providers/Microsoft.Authorization/roleDefinitions/GUID 404',
        `${group}/providers/Microsoft.Authorization/roleDefinitions/GUID 200`,
      ],
    );
  });

  it('an assignment whose custom role was deleted is not counted, says why, and AcrPull is offered', async () => {
    h.world.arm.addRoleAssignment({
      scope: registry(),
      roleDefinitionId: `${sub()}/providers/Microsoft.Authorization/roleDefinitions/0d1e2f30-4a5b-4c6d-8e7f-901a2b3c4d5e`,
      principalId: h.world.ids.kubeletObjectId,
      principalType: 'ServicePrincipal',
    });
    const d = await h.diagnose('web-7d4c9b6f5-x2k8p');
    assert.equal(roleCheck(d).status, 'fail');
    assert.match(roleCheck(d).detail ?? '', /its role definition 0d1e2f30-4a5b-4c6d-8e7f-901a2b3c4d5e could not be read/);
    assert.equal(d.fix?.scope, registry());
  });
});
