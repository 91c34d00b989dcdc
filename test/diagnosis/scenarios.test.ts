import assert from 'node:assert/strict';
import type { Diagnosis, Finding } from '../../src/diagnosis/types.js';
import { isPullDoctorError } from '../../src/errors/index.js';
import { goneStoryOf } from '../../src/diagnosis/events.js';
import { payloads } from '../../src/sandbox/kubernetes-api/index.js';
import { startSandboxHarness, type SandboxHarness } from '../support/sandbox.js';

function failing(d: Diagnosis): string[] {
  return d.findings.filter((f) => f.status === 'fail').map((f) => f.check);
}
/** Every remediation a report would list (once each, as it lists them), with its commands: what is (not) advised. */
function advice(d: Diagnosis): string {
  const each = d.findings
    .filter((f) => f.status !== 'pass' && (f.remediation || f.commands))
    .map((f) => [f.remediation ?? '', ...(f.commands ?? [])].join('\n'));
  return [...new Set(each)].join('\n');
}
/** The remedy of the diagnosis as one text: its sentence, then its commands. */
function remedyText(d: Diagnosis): string {
  return d.remedy ? [d.remedy.text, ...d.remedy.commands].join('\n') : '';
}
function findingOf(d: Diagnosis, check: string, status?: Finding['status']): Finding {
  const f = d.findings.find((x) => x.check === check && (status === undefined || x.status === status));
  assert.ok(f, `no ${status ?? ''} finding from ${check} in ${JSON.stringify(d.findings, null, 2)}`);
  return f;
}

describe('diagnosis scenarios (fake Kubernetes API, fake ARM and fake registries, driven by the real clients)', function () {
  this.timeout(30_000);
  let h: SandboxHarness;
  before(async () => {
    h = await startSandboxHarness();
  });
  after(async () => {
    await h?.close();
  });

  it('missing AcrPull: unauthorized, the pull-role check fails, and the AcrPull fix is proposed for the kubelet identity on the registry', async () => {
    const d = await h.diagnose('web-7d4c9b6f5-x2k8p');
    assert.equal(d.verdict, 'problem');
    assert.equal(d.cause, 'unauthorized');
    assert.ok(failing(d).includes('acr-pull-role'));
    assert.equal(d.headline, 'Kubelet identity of shop-aks has no AcrPull on shopacr');
    // The remedy grants the role and verifies with check-acr on this cluster, no placeholders.
    assert.deepEqual(d.remedy?.commands, [
      `az role assignment create --assignee-object-id ${h.world.ids.kubeletObjectId} --assignee-principal-type ServicePrincipal --role AcrPull --scope ${h.world.ids.registryIds.shopacr}`,
      'az aks check-acr --resource-group rg-shop --name shop-aks --acr shopacr.azurecr.io',
    ]);
    assert.deepEqual(findingOf(d, 'pull-error').commands, [
      'az aks check-acr --resource-group rg-shop --name shop-aks --acr shopacr.azurecr.io',
    ]);
    assert.doesNotMatch(advice(d), /imagePullSecret|kubectl create secret/);
    assert.deepEqual(d.fix, {
      kind: 'assign-acr-pull',
      principalId: h.world.ids.kubeletObjectId,
      scope: h.world.ids.registryIds.shopacr,
      roleDefinitionId: `/subscriptions/${h.world.ids.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/7f951dda-4ed3-4680-a7ca-43fe172d538d`,
    });
  });

  it('AcrPull inherited from the resource group: the pull-role check passes naming the inheritance, and no fix is proposed', async () => {
    const d = await h.diagnose('api-6c8f7d9b4-q7r2s');
    assert.equal(d.verdict, 'problem');
    assert.equal(d.cause, 'unauthorized');
    assert.match(findingOf(d, 'acr-pull-role', 'pass').summary, /AcrPull inherited from resource group rg-platform/);
    assert.equal(d.fix, null);
    // No advice may contradict the passing role check by asking for the role again.
    assert.equal(d.headline, 'platformacr.azurecr.io refused the pull although the kubelet identity of shop-aks has AcrPull');
    const todo = remedyText(d);
    assert.match(todo, /already has a role that lets it pull from platformacr/);
    assert.match(todo, /az aks check-acr --resource-group rg-shop --name shop-aks --acr platformacr\.azurecr\.io/);
    assert.doesNotMatch(advice(d), /needs the AcrPull role|Assign AcrPull|--attach-acr/);
  });

  it('a registry in the hub subscription: found with Resource Graph, its roles read there, and the fix scoped there', async () => {
    const before = h.world.arm.requests.length;
    const d = await h.diagnose('payments-5d6e7f8a9-p1q2r');
    const hub = h.world.ids.hubSubscriptionId;
    assert.equal(d.cause, 'unauthorized');
    assert.equal(
      findingOf(d, 'acr-registry', 'pass').summary,
      `platformhubacr.azurecr.io is registry platformhubacr in resource group rg-platform-hub of subscription ${hub} (westeurope).`,
    );
    assert.match(findingOf(d, 'acr-pull-role', 'fail').summary, /has no role that lets it pull from platformhubacr/);
    assert.deepEqual(d.fix, {
      kind: 'assign-acr-pull',
      principalId: h.world.ids.kubeletObjectId,
      scope: h.world.ids.registryIds.platformhubacr,
      roleDefinitionId: `/subscriptions/${hub}/providers/Microsoft.Authorization/roleDefinitions/7f951dda-4ed3-4680-a7ca-43fe172d538d`,
    });
    // Found by one query across subscriptions (the configured one is the cluster's), then read in the hub.
    const paths = h.world.arm.requests.slice(before).map((r) => `${r.method} ${r.path}`);
    assert.deepEqual(paths, [
      'POST /providers/Microsoft.ResourceGraph/resources',
      `GET ${h.world.ids.registryIds.platformhubacr}/providers/Microsoft.Authorization/roleAssignments`,
    ]);
  });

  it('a custom role that excludes pull: the role check names it as not counted, and AcrPull is offered', async () => {
    const before = h.world.arm.requests.length;
    const d = await h.diagnose('inventory-3a4b5c6d7-i8j9k');
    assert.equal(d.cause, 'unauthorized');
    const f = findingOf(d, 'acr-pull-role', 'fail');
    assert.match(
      f.detail ?? '',
      /Not counted: Registry Operator inherited from resource group rg-tools: Registry Operator allows Microsoft\.ContainerRegistry\/\* but its notActions exclude Microsoft\.ContainerRegistry\/registries\/pull\/read/,
    );
    assert.equal(d.fix?.scope, h.world.ids.registryIds.toolsacr);
    assert.equal(d.fix?.roleDefinitionId.endsWith('/7f951dda-4ed3-4680-a7ca-43fe172d538d'), true);
    // The custom role is read by the subscription-level id its assignment carries, never by bare GUID at the root.
    const reads = h.world.arm.requests.slice(before).filter((r) => r.path.includes('/roleDefinitions/'));
    assert.equal(reads.length, 1);
    assert.match(
      reads[0]!.path,
      new RegExp(`^/subscriptions/${h.world.ids.subscriptionId}/providers/Microsoft\\.Authorization/roleDefinitions/[0-9a-f-]{36}$`),
    );
    assert.equal(reads[0]!.status, 200);
  });

  it("wrong tag: image-not-found, the image check fails with the registry's answer and names the nearest existing tags", async () => {
    const d = await h.diagnose('checkout-5b7c8d9f6-z9x8w');
    assert.equal(d.cause, 'image-not-found');
    const f = findingOf(d, 'image-exists', 'fail');
    assert.equal(f.summary, 'shopacr.azurecr.io has no shop/checkout:1.3.0 (HTTP 404). Nearest tags: 1.2.0, 1.0.');
    assert.match(f.detail ?? '', /MANIFEST_UNKNOWN/);
    assert.match(f.detail ?? '', /Nearest existing tags \(of its 4 tags\): 1\.2\.0, 1\.0\./);
    // Listed with the manifest check's ACR token, reused: one request, no second sign-in.
    const listed = h.world.registries.requests.filter((r) => r.path.startsWith('/v2/shop/checkout/tags/list'));
    assert.equal(listed.length, 1);
    assert.equal(listed[0]!.authorization, 'bearer');
    assert.equal(d.headline, 'Tag 1.3.0 does not exist in shopacr.azurecr.io/shop/checkout');
    assert.match(remedyText(d), /az acr repository show-tags --name shopacr --repository shop\/checkout/);
    assert.match(remedyText(d), /Fix the tag in the workload \(the nearest that exist: 1\.2\.0, 1\.0\), or push the image/);
    assert.equal(d.fix, null);
    // ACR answers "not found" only to a client it let in: the role is not why this pod fails, so no advice to assign one.
    assert.equal(findingOf(d, 'acr-pull-role').status, 'warn');
    assert.doesNotMatch(advice(d), /Assign AcrPull|--attach-acr|imagePullSecret/);
    // The show-tags command is given once, with the real names (not again with placeholders).
    assert.equal(advice(d).match(/show-tags/g)?.length, 1);
  });

  it('private Docker Hub image without a secret: the pull-secrets check fails and says how to add one', async () => {
    const d = await h.diagnose('billing-7f6e5d4c3-b4c5d');
    assert.equal(d.verdict, 'problem');
    assert.equal(d.cause, 'unauthorized');
    assert.match(findingOf(d, 'pull-secrets', 'fail').summary, /needs credentials, and the pod has no imagePullSecret/);
    assert.equal(d.headline, 'No pull secret for docker.io');
    assert.match(remedyText(d), /kubectl create secret docker-registry docker-io-pull -n shop --docker-server=docker\.io /);
    assert.equal(d.fix, null);
    // Docker Hub: no Azure Container Registry advice.
    assert.doesNotMatch(advice(d), /az acr|az aks|AcrPull|kubelet identity/);
  });

  it('a pull secret for another host: the pull-secrets check fails naming the hosts the secret has', async () => {
    const d = await h.diagnose('reports-8a9b0c1d2-r3s4t');
    assert.equal(d.cause, 'unauthorized');
    const f = findingOf(d, 'pull-secrets', 'fail');
    assert.match(f.summary, /No pull secret has credentials for docker\.io/);
    assert.match(f.detail ?? '', /ghcr-creds: ghcr\.io/);
    assert.equal(d.headline, 'Pull secret ghcr-creds is for ghcr.io, not docker.io');
    assert.ok(!JSON.stringify(d).includes('ghp_sandboxNotARealToken'), 'the secret value must never appear');
  });

  it('a missing secret: the pull-secrets check fails naming the secret and the namespace', async () => {
    const d = await h.diagnose('worker-6d5c4b3a2-w1x2y');
    assert.equal(d.cause, 'unauthorized');
    const f = findingOf(d, 'pull-secrets', 'fail');
    assert.match(f.summary, /"regcred" named by the pod spec does not exist in namespace shop/);
    // The command names the image's registry (not a REGISTRY placeholder) and survives the card's redaction.
    assert.equal(d.headline, 'Secret regcred does not exist in shop');
    assert.match(remedyText(d), /kubectl create secret docker-registry regcred -n shop --docker-server=docker\.io /);
    assert.doesNotMatch(remedyText(d), /password=/);
    // The pod does name a secret: no second finding claiming it has none.
    assert.ok(!d.findings.some((x) => /has no imagePullSecret/.test(x.summary)), 'contradicts the missing-secret finding');
  });

  it('a typo in the registry host: dns, the DNS check fails, and no registry has that login server: did you mean shopacr.azurecr.io', async () => {
    const d = await h.diagnose('frontend-9c8b7a6f5-f6g7h');
    assert.equal(d.cause, 'dns');
    assert.match(findingOf(d, 'registry-dns', 'fail').summary, /shopacrr\.azurecr\.io does not resolve \(ENOTFOUND\)/);
    assert.equal(d.headline, 'Registry shopacrr.azurecr.io does not resolve');
    const acr = findingOf(d, 'acr-registry', 'warn');
    assert.equal(
      acr.summary,
      'No Azure Container Registry with login server shopacrr.azurecr.io was found. Did you mean shopacr.azurecr.io?',
    );
    assert.equal(
      acr.remediation,
      'If shopacr.azurecr.io is the registry meant, fix the image in the workload: shopacr.azurecr.io/shop/frontend:1.0.',
    );
    assert.equal(findingOf(d, 'registry-endpoint').status, 'skip');
    assert.equal(d.fix, null);
    assert.doesNotMatch(findingOf(d, 'acr-pull-role', 'skip').summary, /Not checked: Cannot check/);
    // "Check the registry name" once, not once per check.
    assert.equal(advice(d).match(/az acr list/g)?.length, 1);
  });

  it('the ACR firewall refuses the cluster: forbidden, and the network check fails on the default-deny rule', async () => {
    const d = await h.diagnose('ledger-4e3d2c1b0-l9m8n');
    assert.equal(d.cause, 'forbidden');
    assert.match(findingOf(d, 'acr-network', 'fail').summary, /firewall denies access by default; 1 IP range is allowed/);
    assert.match(findingOf(d, 'acr-network', 'warn').summary, /lockedacr is in northeurope but the cluster is in westeurope/);
    assert.equal(findingOf(d, 'acr-pull-role').status, 'pass');
    assert.equal(d.fix, null);
    // A 403 with no challenge is not "anonymous access".
    assert.doesNotMatch(findingOf(d, 'registry-endpoint').summary, /anonymous/);
    // The firewall command is filled in with this registry and cluster, no <rg>/<cluster> placeholders.
    assert.equal(d.headline, 'Firewall of lockedacr blocks shop-aks (allows only 203.0.113.0/24)');
    const net = remedyText(d);
    assert.match(net, /az acr network-rule add -g rg-shop -n lockedacr --ip-address EGRESS_IP/);
    assert.match(net, /az aks show -g rg-shop -n shop-aks /);
    assert.doesNotMatch(net, /<rg>|<cluster>/);
    assert.equal(findingOf(d, 'image-exists', 'warn').remediation, undefined, 'the 403 explanation is not a second thing to do');
  });

  it("Docker Hub's rate limit: rate-limited, the pull-error check fails with advice to authenticate or mirror", async () => {
    const d = await h.diagnose('cache-3f2e1d0c9-c7d8e');
    assert.equal(d.cause, 'rate-limited');
    assert.match(findingOf(d, 'pull-error', 'fail').remediation ?? '', /mirror|authenticat/i);
    assert.equal(d.headline, 'docker.io is rate-limiting pulls (429)');
    assert.match(d.remedy?.text ?? '', /mirror|authenticat/i);
    assert.equal(d.fix, null);
  });

  it('an init container that cannot pull: the failing container is the init container, with its image', async () => {
    const d = await h.diagnose('migrate-2b1a0f9e8-m3n4o');
    assert.equal(d.cause, 'image-not-found');
    assert.equal(d.problems[0]?.initContainer, true);
    assert.equal(d.problems[0]?.container, 'db-migrate');
    assert.match(findingOf(d, 'pod-state', 'fail').summary, /Init container "db-migrate" cannot pull its image/);
    assert.match(findingOf(d, 'image-exists', 'fail').summary, /has no shop\/migrate:2\.1\.0/);
    assert.equal(d.headline, 'Tag 2.1.0 does not exist in shopacr.azurecr.io/shop/migrate');
  });

  it('an ABAC-mode registry: AcrPull is not honoured and the fix is Container Registry Repository Reader', async () => {
    const d = await h.diagnose('vault-agent-5a6b7c8d9-v0w1x');
    assert.equal(d.cause, 'unauthorized');
    const f = findingOf(d, 'acr-pull-role', 'fail');
    assert.match(f.detail ?? '', /ABAC repository permissions/);
    assert.match(f.remediation ?? '', /Container Registry Repository Reader/);
    assert.equal(d.headline, 'Kubelet identity of shop-aks has no Container Registry Repository Reader on vaultacr');
    assert.equal(d.fix?.roleDefinitionId.endsWith('/b93aa761-3e63-49ed-ac28-beffa264f7ac'), true);
    assert.equal(d.fix?.scope, h.world.ids.registryIds.vaultacr);
  });

  it('an invalid image name: invalid-reference, the reference check fails, and no registry is contacted', async () => {
    const before = h.world.registries.requests.length;
    const d = await h.diagnose('search-1c2d3e4f5-s6t7u');
    assert.equal(d.cause, 'invalid-reference');
    assert.match(findingOf(d, 'image-reference', 'fail').detail ?? '', /must be lowercase/);
    assert.equal(d.headline, 'Image name shopacr.azurecr.io/Shop/Search:1.0 is not valid: repository name (Shop/Search) must be lowercase');
    // "Fix the image name" said once (by the cause's advice), not twice.
    assert.equal(advice(d).match(/Fix the image/g)?.length, 1);
    assert.equal(h.world.registries.requests.length, before);
  });

  it('a healthy pod: healthy, no cause, no fix, and no registry checks', async () => {
    const d = await h.diagnose('storefront-7b8c9d0e1-h2i3j');
    assert.equal(d.verdict, 'healthy');
    assert.equal(d.cause, null);
    assert.equal(d.fix, null);
    assert.equal(d.headline, 'storefront-7b8c9d0e1-h2i3j is running and healthy');
    assert.equal(d.remedy, null);
    assert.deepEqual(
      d.findings.map((f) => `${f.check}:${f.status}`),
      ['pod-state:pass'],
    );
  });

  it('CrashLoopBackOff after OOMKilled: a problem without a pull cause, explained by the last termination, without registry checks', async () => {
    const d = await h.diagnose('orders-6f7a8b9c0-o1p2q');
    assert.equal(d.verdict, 'problem');
    assert.equal(d.cause, null);
    const f = findingOf(d, 'pod-state', 'fail');
    assert.match(f.summary, /killed for using too much memory/);
    assert.match(f.detail ?? '', /OOMKilled, exit code 137 at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/);
    assert.equal(d.headline, 'Container orders is killed for using too much memory (OOMKilled)');
    // Commands ready to paste: this pod, namespace and container.
    assert.deepEqual(d.remedy?.commands, [
      'kubectl logs orders-6f7a8b9c0-o1p2q -n shop -c orders --previous',
      'kubectl top pod orders-6f7a8b9c0-o1p2q -n shop --containers',
    ]);
    assert.ok(!d.findings.some((x) => x.check.startsWith('registry') || x.check.startsWith('acr') || x.check === 'image-exists'));
  });

  it('an unschedulable pod: the scheduler message is the explanation', async () => {
    const d = await h.diagnose('analytics-0d9c8b7a6-a5b4c');
    assert.equal(d.verdict, 'problem');
    assert.equal(d.cause, null);
    assert.match(findingOf(d, 'pod-state', 'fail').detail ?? '', /0\/3 nodes are available/);
    assert.equal(d.headline, 'No node can run the pod: 0/3 nodes are available: 3 Insufficient cpu');
  });

  it('states every root cause without backticks, and every command on its own, copy-safe', async () => {
    for (const pod of h.world.scenarios.map((s) => s.pod)) {
      // The pod a rollout deleted has no diagnosis, only its story (POD_NOT_FOUND).
      const d = await h.diagnose(pod).catch((e: unknown) => (goneStoryOf(e) ? undefined : Promise.reject(e)));
      if (d === undefined) continue;
      assert.ok(d.headline.length > 0 && d.headline.length <= 160, `${pod}: ${d.headline}`);
      assert.doesNotMatch(d.headline, /[`\\]|\.$/, `${pod}: ${d.headline}`);
      for (const f of d.findings) assert.doesNotMatch(`${f.summary} ${f.remediation ?? ''}`, /`/, `${pod}/${f.check}: backticks`);
      for (const command of d.remedy?.commands ?? [])
        assert.doesNotMatch(command, /[`\n]|<[a-z]+>|NAMESPACE|CLUSTER_RG/, `${pod}: ${command}`);
    }
  });

  it('a pod that does not exist: POD_NOT_FOUND naming similar pods', async () => {
    await assert.rejects(h.diagnose('web-7d4c8b6f5-x2k8p'), (e: unknown) => {
      assert.ok(isPullDoctorError(e));
      assert.equal(e.code, 'POD_NOT_FOUND');
      assert.match(e.message, /Did you mean: web-7d4c9b6f5-x2k8p/);
      return true;
    });
  });

  it('a pod a rollout deleted, whose events remain: POD_NOT_FOUND that says it is gone, when, and that it could not pull', async () => {
    await assert.rejects(h.diagnose('web-5c8d7b9f4-q4w5e'), (e: unknown) => {
      assert.ok(isPullDoctorError(e));
      assert.equal(e.code, 'POD_NOT_FOUND');
      assert.match(
        e.message,
        /^Pod "web-5c8d7b9f4-q4w5e" no longer exists in namespace "shop"; its events remain: it could not pull its image shopacr\.azurecr\.io\/shop\/web:2\.4\.0: the image or tag does not exist in the registry \(image-not-found\)\. Its last event was at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\. Did you mean: web-7d4c9b6f5-x2k8p/,
      );
      assert.match(e.advice ?? '', /It was deleted.*Diagnose web-7d4c9b6f5-x2k8p/);
      const story = goneStoryOf(e)!;
      assert.equal(story.cause, 'image-not-found');
      assert.ok(story.events.some((ev) => ev.reason === 'Failed' && ev.message.includes('web:2.4.0": rpc error')));
      // The events are about four minutes old: the pod was failing, then the rollout deleted it.
      assert.ok(Date.now() - Date.parse(story.lastSeen!) > 3 * 60_000);
      return true;
    });
    // Only the events are there: the pod itself is not.
    assert.equal(await h.dependencies().kube.readPod('shop', 'web-5c8d7b9f4-q4w5e'), null);
  });

  it('the start of a pod name, or the name of its Deployment: that pod is diagnosed', async () => {
    for (const name of ['web-7d4c9', 'web']) {
      const d = await h.diagnose(name);
      assert.equal(d.pod, 'web-7d4c9b6f5-x2k8p', name);
      assert.equal(d.cause, 'unauthorized', name);
    }
  });

  it('a Deployment with several failing pods: POD_AMBIGUOUS with the pods to choose from', async () => {
    const image = 'shopacr.azurecr.io/shop/cart:9.9';
    const names = ['cart-5b7c8d9f6-aaaaa', 'cart-5b7c8d9f6-bbbbb'];
    for (const name of names)
      h.world.kube.upsertPod(payloads.imagePullBackOffPod({ namespace: 'shop', name, image, ownerDeployment: 'cart' }));
    try {
      await assert.rejects(h.diagnose('cart'), (e: unknown) => {
        assert.ok(isPullDoctorError(e));
        assert.equal(e.code, 'POD_AMBIGUOUS');
        assert.equal(e.message, 'Deployment cart has 2 pods in namespace "shop": cart-5b7c8d9f6-aaaaa, cart-5b7c8d9f6-bbbbb Which one?');
        assert.equal(e.facts.suggestions, 'cart-5b7c8d9f6-aaaaa,cart-5b7c8d9f6-bbbbb');
        return true;
      });
    } finally {
      for (const name of names) h.world.kube.deletePod('shop', name);
    }
  });

  it('a pod asked for in the wrong namespace: POD_NOT_FOUND naming the namespace searched and the one where it is', async () => {
    const before = h.world.kube.requests.length;
    await assert.rejects(h.diagnose('web-7d4c9b6f5-x2k8p', 'default'), (e: unknown) => {
      assert.ok(isPullDoctorError(e));
      assert.equal(e.code, 'POD_NOT_FOUND');
      assert.equal(e.message, 'No pod "web-7d4c9b6f5-x2k8p" in namespace "default". It exists in namespace "shop".');
      assert.deepEqual(e.facts, { namespace: 'default', suggestions: '', elsewhere: 'shop' });
      return true;
    });
    // One bounded call across namespaces, filtered by the API server on the name.
    const across = h.world.kube.requests.slice(before).filter((r) => r.path === '/api/v1/pods');
    assert.equal(across.length, 1);
    assert.equal(across[0]!.query.fieldSelector, 'metadata.name=web-7d4c9b6f5-x2k8p');
    assert.equal(across[0]!.query.limit, '6');
  });

  it('a namespace that does not exist: NAMESPACE_NOT_FOUND', async () => {
    await assert.rejects(
      h.diagnose('web-7d4c9b6f5-x2k8p', 'shoop'),
      (e: unknown) => isPullDoctorError(e) && e.code === 'NAMESPACE_NOT_FOUND',
    );
  });
});
