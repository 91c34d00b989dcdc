import assert from 'node:assert/strict';
import { CAUSES } from '../../../src/diagnosis/types.js';
import { pullErrorCheck } from '../../../src/diagnosis/checks/pull-error.js';
import { found, skipped } from '../../../src/diagnosis/facts.js';
import { payloads } from '../../../src/sandbox/kubernetes-api/index.js';
import { checkContext, kubeletAssignment, kubeletPullAccess, pullErrorOf, shopAcr } from '../../support/check-context.js';

const now = new Date('2026-11-27T04:12:01Z');
const ACR_IMAGE = 'shopacr.azurecr.io/shop/web:2.4.1';
const acrPod = () =>
  payloads.imagePullBackOffPod({ namespace: 'shop', name: 'web-7d4c9b6f5-x2k8p', container: 'web', image: ACR_IMAGE, now });
const unauthorized = (pod: ReturnType<typeof acrPod>) =>
  pullErrorOf(pod, 'unauthorized', {
    message: `Failed to pull image "${ACR_IMAGE}": ${payloads.pullErrors.anonymousUnauthorized(ACR_IMAGE)}`,
  });
const noRole = { canPull: false, granting: [], notHonoured: [] };

describe('the pull-error check', () => {
  it('applies to a pod with an image problem, not to a crashing one', () => {
    assert.equal(pullErrorCheck.applies(checkContext(acrPod())), true);
    const crashing = payloads.crashLoopBackOffPod({
      namespace: 'shop',
      name: 'orders-6f7a8b9c0-o1p2q',
      image: 'shopacr.azurecr.io/shop/orders:1.0',
      now,
    });
    assert.equal(pullErrorCheck.applies(checkContext(crashing)), false);
  });

  it("fails with the runtime's cause and quotes the kubelet event it read", async () => {
    const pod = acrPod();
    const [f] = await pullErrorCheck.run(
      checkContext(pod, { pullError: unauthorized(pod), kubeletPullAccess: { 'shopacr.azurecr.io': found(kubeletPullAccess(noRole)) } }),
    );
    assert.equal(f?.status, 'fail');
    assert.match(f?.summary ?? '', /\(unauthorized\)\.$/);
    assert.equal(f?.headline, "shopacr.azurecr.io refused the node's credentials (401)");
    assert.match(
      f?.detail ?? '',
      /\nFrom the kubelet event: Failed to pull image "shopacr\.azurecr\.io\/shop\/web:2\.4\.1": .*401 Unauthorized$/,
    );
  });

  it('for a 401 from ACR without a pull role, gives the command that verifies the fix (the role check names the role)', async () => {
    const pod = acrPod();
    const [f] = await pullErrorCheck.run(
      checkContext(pod, { pullError: unauthorized(pod), kubeletPullAccess: { 'shopacr.azurecr.io': found(kubeletPullAccess(noRole)) } }),
    );
    assert.equal(
      f?.remediation,
      'Once the kubelet identity has its role, check the pull from the cluster; the pod pulls again at its next back-off retry.',
    );
    assert.deepEqual(f?.commands, ['az aks check-acr --resource-group rg-shop --name shop-aks --acr shopacr.azurecr.io']);
  });

  it('for a 401 from ACR while the kubelet identity can pull, says the role is not the reason', async () => {
    const pod = acrPod();
    const canPull = {
      canPull: true,
      granting: [{ assignment: kubeletAssignment('acrPull', shopAcr().id), roleName: 'AcrPull' }],
      notHonoured: [],
    };
    const [f] = await pullErrorCheck.run(
      checkContext(pod, { pullError: unauthorized(pod), kubeletPullAccess: { 'shopacr.azurecr.io': found(kubeletPullAccess(canPull)) } }),
    );
    assert.match(
      f?.remediation ?? '',
      /^The kubelet identity already has a role that lets it pull from shopacr, so a missing role is not the reason\./,
    );
    assert.equal(f?.headline, 'shopacr.azurecr.io refused the pull although the kubelet identity of shop-aks has AcrPull');
    assert.deepEqual(f?.commands, ['az aks check-acr --resource-group rg-shop --name shop-aks --acr shopacr.azurecr.io']);
  });

  it("keeps the cause's own advice when the role could not be checked (skipped, or Azure failed)", async () => {
    const pod = acrPod();
    const skippedRole = await pullErrorCheck.run(
      checkContext(pod, {
        pullError: unauthorized(pod),
        kubeletPullAccess: { 'shopacr.azurecr.io': skipped('AZURE_CREDENTIAL is none.') },
      }),
    );
    const failedRole = await pullErrorCheck.run(
      checkContext(pod, { pullError: unauthorized(pod), kubeletPullAccess: { 'shopacr.azurecr.io': new Error('ARM answered 500') } }),
    );
    assert.equal(skippedRole[0]?.status, 'fail');
    assert.doesNotMatch(skippedRole[0]?.remediation ?? '', /already has a role|Once the kubelet identity has its role/);
    assert.deepEqual(failedRole, skippedRole);
  });

  it('gives the ambiguity of a Docker Hub denial next to the message, and says when Kubernetes gave no message', async () => {
    const image = 'acme/billing:3.2';
    const pod = payloads.imagePullBackOffPod({ namespace: 'shop', name: 'billing-7f6e5d4c3-b4c5d', container: 'billing', image, now });
    const ambiguity =
      'docker.io gives the same answer for a repository that does not exist and for a private one pulled without credentials.';
    const [denied] = await pullErrorCheck.run(
      checkContext(pod, {
        pullError: pullErrorOf(pod, 'unauthorized', {
          message: 'pull access denied for acme/billing, repository does not exist or may require authorization',
          ambiguity,
        }),
      }),
    );
    assert.match(
      denied?.detail ?? '',
      new RegExp(`\\n${ambiguity.replace(/[.]/g, '\\.')}\\nFrom the kubelet event: pull access denied for acme/billing`),
    );

    const [silent] = await pullErrorCheck.run(checkContext(pod, { pullError: pullErrorOf(pod, 'other') }));
    assert.match(silent?.detail ?? '', /\nKubernetes gave no error message for this pull\.$/);
  });

  it("states each cause in this pod's terms, with commands that have the real names filled in and no backticks", async () => {
    const pod = acrPod();
    const nodePod = { ...pod, spec: { ...pod.spec!, nodeName: 'aks-nodepool1-29508656-vmss000000' } };
    const run = async (cause: Parameters<typeof pullErrorOf>[1]) =>
      (await pullErrorCheck.run(checkContext(nodePod, { pullError: pullErrorOf(nodePod, cause) })))[0]!;
    const dns = await run('dns');
    assert.equal(dns.headline, 'shopacr.azurecr.io does not resolve from the node');
    assert.deepEqual(dns.commands, [
      'kubectl debug node/aks-nodepool1-29508656-vmss000000 -it --image=busybox -- nslookup shopacr.azurecr.io',
    ]);
    const throttled = await run('rate-limited');
    assert.equal(throttled.headline, 'shopacr.azurecr.io is rate-limiting pulls (429)');
    assert.match(throttled.remediation ?? '', /^Pull with an authenticated account .* Otherwise wait for the limit to reset\.$/);
    assert.deepEqual((await run('tls')).commands, ['openssl s_client -connect shopacr.azurecr.io:443 -servername shopacr.azurecr.io']);
    assert.deepEqual((await run('other')).commands, [`kubectl describe pod ${pod.metadata!.name} -n shop`]);
    for (const cause of CAUSES) {
      const f = await run(cause);
      assert.ok(f.headline && !f.headline.includes('`'), `${cause}: ${f.headline}`);
      assert.doesNotMatch(f.remediation ?? '', /`/, `${cause}: ${f.remediation}`);
    }
  });

  it("tells the kubelet's own pull limit from a registry's 429, and gives the advice for the one this pod hit", async () => {
    const pod = acrPod();
    const [f] = await pullErrorCheck.run(
      checkContext(pod, {
        pullError: pullErrorOf(pod, 'rate-limited', {
          message: `Failed to pull image "${ACR_IMAGE}": pull QPS exceeded`,
        }),
      }),
    );
    assert.equal(f?.headline, 'The kubelet on the node hit its own pull limit (pull QPS exceeded), not shopacr.azurecr.io');
    assert.match(f?.remediation ?? '', /^No registry was asked: the kubelet retries by itself\. .*registryPullQPS and registryBurst/);
    assert.doesNotMatch(f?.remediation ?? '', /imagePullSecret|az acr import/);
  });

  it('says nothing when there is no failing pull to explain', async () => {
    assert.deepEqual(await pullErrorCheck.run(checkContext(acrPod(), { pullError: undefined })), []);
  });

  it('fails as a whole when the explanation cannot be read, so the engine reports it as an error', async () => {
    await assert.rejects(
      pullErrorCheck.run(checkContext(acrPod(), { pullError: new Error('the Kubernetes API went away') })),
      /the Kubernetes API went away/,
    );
  });
});
