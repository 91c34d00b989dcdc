import assert from 'node:assert/strict';
import { pullSecretsCheck } from '../../../src/diagnosis/checks/pull-secrets.js';
import { inspectPullSecret } from '../../../src/diagnosis/credentials/pull-secret.js';
import type { PullSecretState } from '../../../src/diagnosis/facts.js';
import { payloads } from '../../../src/sandbox/kubernetes-api/index.js';
import { checkContext, pullErrorOf } from '../../support/check-context.js';

const now = new Date('2026-11-27T04:12:01Z');
const HUB_IMAGE = 'acme/billing:3.2';
const hubPod = (imagePullSecrets?: string[]) =>
  payloads.imagePullBackOffPod({
    namespace: 'shop',
    name: 'billing-7f6e5d4c3-b4c5d',
    container: 'billing',
    image: HUB_IMAGE,
    now,
    ...(imagePullSecrets ? { imagePullSecrets } : {}),
  });
const denied = (pod: ReturnType<typeof hubPod>) =>
  pullErrorOf(pod, 'unauthorized', {
    message: 'pull access denied for acme/billing, repository does not exist or may require authorization',
  });

/** A secret the pod names, read as the facts read it (inspected: entries and issues). */
function present(
  name: string,
  auths: Parameters<typeof payloads.dockerConfigJsonSecret>[0]['auths'],
  source: PullSecretState['source'] = 'pod',
): PullSecretState {
  const { parse, issues } = inspectPullSecret(payloads.dockerConfigJsonSecret({ namespace: 'shop', name, auths }));
  return { name, source, exists: true, parse, issues };
}

describe('the pull-secrets check', () => {
  it('applies to a failing pull of a valid reference, and not to a crashing pod', () => {
    assert.equal(pullSecretsCheck.applies(checkContext(hubPod())), true);
    const crashing = payloads.crashLoopBackOffPod({
      namespace: 'shop',
      name: 'orders-6f7a8b9c0-o1p2q',
      image: 'shopacr.azurecr.io/shop/orders:1.0',
      now,
    });
    assert.equal(pullSecretsCheck.applies(checkContext(crashing)), false);
  });

  it('passes when a secret has a username and password for the registry, naming the secret and the entry', async () => {
    const pod = hubPod(['dockerhub']);
    const secret = present('dockerhub', {
      'https://index.docker.io/v1/': { username: 'acme-ci', password: 'dckr_pat_fixture0000000000000000' },
    });
    assert.deepEqual(await pullSecretsCheck.run(checkContext(pod, { pullSecrets: [secret], pullError: denied(pod) })), [
      {
        check: 'pull-secrets',
        status: 'pass',
        summary: 'The pull secret "dockerhub" has credentials for docker.io (entry "https://index.docker.io/v1/").',
      },
    ]);
  });

  it('never shows the password a URL key may carry', async () => {
    const pod = hubPod(['dockerhub']);
    const secret = present('dockerhub', {
      'https://acme-ci:hunter2hunter2@index.docker.io/v1/': { username: 'acme-ci', password: 'dckr_pat_fixture0000000000000000' },
    });
    const [f] = await pullSecretsCheck.run(checkContext(pod, { pullSecrets: [secret], pullError: denied(pod) }));
    assert.equal(f?.status, 'pass');
    assert.doesNotMatch(JSON.stringify(f), /hunter2/);
    assert.match(f?.summary ?? '', /entry "https:\/\/\[redacted\]@index\.docker\.io\/v1\/"/);
  });

  it('fails a matching entry the kubelet cannot send: an identity token is not a password', async () => {
    const pod = hubPod(['dockerhub']);
    const secret = present('dockerhub', { 'https://index.docker.io/v1/': { identitytoken: 'eyJhbGciOiJSUzI1NiJ9.fixture.refresh' } });
    const [f] = await pullSecretsCheck.run(checkContext(pod, { pullSecrets: [secret], pullError: denied(pod) }));
    assert.equal(f?.status, 'fail');
    assert.equal(
      f?.summary,
      'The pull secret "dockerhub" has an entry for docker.io ("https://index.docker.io/v1/"), but no username and password the kubelet can send.',
    );
    assert.match(f?.detail ?? '', /carries an identity token, which the kubelet does not pass to the container runtime/);
    assert.equal(f?.headline, 'Pull secret dockerhub has no username and password for docker.io');
    assert.equal(f?.remediation, 'Recreate it with a username and password:');
    assert.deepEqual(f?.commands, [
      'kubectl create secret docker-registry dockerhub -n shop --docker-server=docker.io --docker-username=USER --docker-password PASSWORD --dry-run=client -o yaml | kubectl apply -f -',
    ]);
    assert.doesNotMatch(JSON.stringify(f), /fixture\.refresh/);
  });

  it('fails when the secrets are for other registries, and names a key the kubelet never matches for Docker Hub', async () => {
    const pod = hubPod(['regcreds']);
    const secret = present('regcreds', {
      'ghcr.io': { username: 'acme-ci', password: 'ghp_fixture000000000000000000000000000' },
      'registry-1.docker.io': { username: 'acme-ci', password: 'dckr_pat_fixture0000000000000000' },
    });
    const [f] = await pullSecretsCheck.run(checkContext(pod, { pullSecrets: [secret], pullError: denied(pod) }));
    assert.equal(f?.status, 'fail');
    assert.equal(f?.summary, 'No pull secret has credentials for docker.io; the secrets present are for other registries.');
    assert.deepEqual(f?.detail?.split('\n'), [
      'Entries: regcreds: ghcr.io, regcreds: registry-1.docker.io.',
      'regcreds: The kubelet never uses the key "registry-1.docker.io" for Docker Hub images (docker.io/...); name the entry "https://index.docker.io/v1/" (what "kubectl create secret docker-registry" writes by default) or "docker.io".',
    ]);
    assert.equal(f?.headline, 'Pull secret regcreds is for ghcr.io and registry-1.docker.io, not docker.io');
    assert.deepEqual(f?.commands, [
      'kubectl create secret docker-registry docker-io-pull -n shop --docker-server=docker.io --docker-username=USER --docker-password PASSWORD',
    ]);
    assert.match(f?.remediation ?? '', /add it to the pod's imagePullSecrets or to service account "default"/);
  });

  it('only warns about secrets for other registries when the pull was not refused', async () => {
    const pod = hubPod(['ghcr']);
    const secret = present('ghcr', { 'ghcr.io': { username: 'acme-ci', password: 'ghp_fixture000000000000000000000000000' } });
    const [f] = await pullSecretsCheck.run(checkContext(pod, { pullSecrets: [secret], pullError: pullErrorOf(pod, 'network-timeout') }));
    assert.equal(f?.status, 'warn');
    assert.equal(f?.headline, undefined, 'not the root cause of a timeout');
    const [refused] = await pullSecretsCheck.run(checkContext(pod, { pullSecrets: [secret], pullError: denied(pod) }));
    assert.equal(refused?.headline, 'Pull secret ghcr is for ghcr.io, not docker.io');
  });

  it('fails a secret the pod names that does not exist, with the command that creates it for the right server', async () => {
    const pod = hubPod(['regcred']);
    const findings = await pullSecretsCheck.run(
      checkContext(pod, { pullSecrets: [{ name: 'regcred', source: 'pod', exists: false }], pullError: denied(pod) }),
    );
    assert.equal(findings.length, 1, 'the missing secret explains the denial; no second finding');
    assert.equal(findings[0]?.summary, 'The imagePullSecret "regcred" named by the pod spec does not exist in namespace shop.');
    assert.equal(findings[0]?.headline, 'Secret regcred does not exist in shop');
    assert.equal(
      findings[0]?.remediation,
      'Create it with a username and password for the registry (or remove the reference from the pod spec):',
    );
    assert.deepEqual(findings[0]?.commands, [
      'kubectl create secret docker-registry regcred -n shop --docker-server=docker.io --docker-username=USER --docker-password PASSWORD',
    ]);
  });

  it("fails a service account's secret the kubelet cannot read, with the reason and no value", async () => {
    const pod = hubPod();
    const opaque = inspectPullSecret(
      payloads.opaqueSecret({
        namespace: 'shop',
        name: 'legacy-creds',
        data: { '.dockerconfigjson': Buffer.from('{"auths":{}}').toString('base64') },
      }),
    );
    const state: PullSecretState = {
      name: 'legacy-creds',
      source: 'service-account',
      exists: true,
      parse: opaque.parse,
      issues: opaque.issues,
    };
    const [f] = await pullSecretsCheck.run(checkContext(pod, { pullSecrets: [state], pullError: denied(pod) }));
    assert.equal(f?.status, 'fail');
    assert.equal(f?.summary, 'The imagePullSecret "legacy-creds" is not a usable docker config (wrong-type).');
    assert.match(f?.detail ?? '', /reads pull credentials only from secrets of type kubernetes\.io\/dockerconfigjson/);
    assert.equal(f?.headline, 'Secret legacy-creds is not a usable pull secret (wrong-type)');
  });

  it('fails a refused pull from a registry when the pod has no secret at all, and passes an anonymous pull that was not refused', async () => {
    const pod = hubPod();
    const [refused] = await pullSecretsCheck.run(checkContext(pod, { pullSecrets: [], pullError: denied(pod) }));
    assert.equal(refused?.summary, 'The image on docker.io needs credentials, and the pod has no imagePullSecret.');
    assert.match(refused?.remediation ?? '', /service account "default"/);
    assert.equal(refused?.headline, 'No pull secret for docker.io');
    assert.deepEqual(refused?.commands, [
      'kubectl create secret docker-registry docker-io-pull -n shop --docker-server=docker.io --docker-username=USER --docker-password PASSWORD',
    ]);
    const [anonymous] = await pullSecretsCheck.run(checkContext(pod, { pullSecrets: [], pullError: pullErrorOf(pod, 'rate-limited') }));
    assert.deepEqual(anonymous, {
      check: 'pull-secrets',
      status: 'pass',
      summary: 'No pull secret for docker.io: the image is pulled anonymously.',
    });
  });

  it('passes an Azure Container Registry image without a secret: the nodes pull with the kubelet identity', async () => {
    const pod = payloads.imagePullBackOffPod({
      namespace: 'shop',
      name: 'web-7d4c9b6f5-x2k8p',
      container: 'web',
      image: 'shopacr.azurecr.io/shop/web:2.4.1',
      now,
      imagePullSecrets: ['ghcr'],
    });
    const secret = present('ghcr', { 'ghcr.io': { username: 'acme-ci', password: 'ghp_fixture000000000000000000000000000' } });
    const [f] = await pullSecretsCheck.run(checkContext(pod, { pullSecrets: [secret], pullError: pullErrorOf(pod, 'unauthorized') }));
    assert.equal(f?.status, 'pass');
    assert.equal(
      f?.summary,
      'No pull secret for shopacr.azurecr.io: AKS nodes pull from Azure Container Registry with the kubelet identity.',
    );
    assert.equal(f?.detail, 'Secrets present for other registries: ghcr: ghcr.io.');
  });

  it('fails as a whole when the secrets cannot be read, so the engine reports it as an error', async () => {
    const pod = hubPod(['regcred']);
    await assert.rejects(
      pullSecretsCheck.run(checkContext(pod, { pullSecrets: new Error('secrets "regcred" is forbidden'), pullError: denied(pod) })),
      /forbidden/,
    );
  });
});
