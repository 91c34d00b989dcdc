import assert from 'node:assert/strict';
import { payloads } from '../../src/sandbox/kubernetes-api/index.js';
import { sampleRepository } from '../../src/sandbox/registry/index.js';
import type { SandboxScenario } from '../../src/sandbox/sandbox-scenarios.js';
import type { Diagnosis } from '../../src/diagnosis/types.js';
import { dockerRegistryUnavailable, startDockerRegistry, type RunningDockerRegistry } from '../support/docker-registry.js';
import { pushRepository } from '../support/push-image.js';
import { startSandboxHarness, type SandboxHarness } from '../support/sandbox.js';

const RIGHT = 'correct-horse-battery-staple';
const WRONG = 'Tr0ub4dor&3-wrong';

function secretFor(name: string, password: string) {
  return payloads.dockerConfigJsonSecret({ namespace: 'shop', name, auths: { 'registry.example.com': { username: 'deploy', password } } });
}

function thirdPartyPod(name: string, image: string, secret: string, pullError: string): SandboxScenario {
  return {
    pod: name,
    namespace: 'shop',
    title: name,
    install(ctx) {
      const pod = payloads.imagePullBackOffPod({
        namespace: 'shop',
        name,
        image,
        ownerDeployment: name.split('-')[0]!,
        imagePullSecrets: [secret],
        pullError,
        now: ctx.now,
      });
      ctx.kube.upsertPod(pod);
      for (const e of payloads.imagePullEvents(pod, { pullError, now: ctx.now })) ctx.kube.addEvent(e);
    },
  };
}

describe('diagnosis scenarios against a real OCI registry (Debian docker-registry with htpasswd)', function () {
  this.timeout(30_000);
  let registry: RunningDockerRegistry;
  let h: SandboxHarness;

  before(async function () {
    const why = dockerRegistryUnavailable();
    if (why) {
      console.warn(`skipped: ${why}`);
      this.skip();
    }
    registry = await startDockerRegistry({ htpasswd: { user: 'deploy', password: RIGHT } });
    await pushRepository({ port: registry.port, auth: { user: 'deploy', password: RIGHT } }, 'team/app', sampleRepository());
    const scenarios: SandboxScenario[] = [
      {
        pod: 'secrets',
        namespace: 'shop',
        title: 'secrets',
        install(ctx) {
          ctx.kube.upsertSecret(secretFor('stale-creds', WRONG));
          ctx.kube.upsertSecret(secretFor('good-creds', RIGHT));
        },
      },
      thirdPartyPod(
        'app-5d6c7b8a9-w1w2w',
        'registry.example.com/team/app:1.0',
        'stale-creds',
        payloads.pullErrors.credentialsUnauthorized('registry.example.com/team/app:1.0'),
      ),
      thirdPartyPod(
        'app-5d6c7b8a9-t3t4t',
        'registry.example.com/team/app:1.1',
        'good-creds',
        payloads.pullErrors.notFound('registry.example.com/team/app:1.1'),
      ),
    ];
    h = await startSandboxHarness({ scenarios, extraHosts: { 'registry.example.com': { address: '127.0.0.1', port: registry.port } } });
  });
  after(async () => {
    await h?.close();
    await registry?.close();
  });

  function assertNoPassword(d: Diagnosis): void {
    const everything = JSON.stringify(d) + JSON.stringify(h.logs);
    assert.ok(!everything.includes(RIGHT) && !everything.includes(WRONG), 'a password leaked into the diagnosis or the logs');
  }

  it('a pull secret with a wrong password: unauthorized, and the registry rejects the credentials of that secret', async () => {
    const d = await h.diagnose('app-5d6c7b8a9-w1w2w');
    assert.doesNotMatch(JSON.stringify(d.findings), /Nearest/, 'no tags are listed when the registry refuses');
    assert.equal(d.cause, 'unauthorized');
    assert.match(
      d.findings.find((f) => f.check === 'pull-secrets')?.summary ?? '',
      /"stale-creds" has credentials for registry\.example\.com/,
    );
    const exists = d.findings.find((f) => f.check === 'image-exists');
    assert.equal(exists?.status, 'fail');
    assert.match(exists?.summary ?? '', /rejects the credentials in the pull secret "stale-creds"/);
    assert.match(d.findings.find((f) => f.check === 'registry-endpoint')?.summary ?? '', /asks for Basic credentials/);
    assertNoPassword(d);
  });

  it("a missing tag with working credentials: image-not-found with the registry's own answer and the nearest existing tag", async () => {
    const d = await h.diagnose('app-5d6c7b8a9-t3t4t');
    assert.equal(d.cause, 'image-not-found');
    const exists = d.findings.find((f) => f.check === 'image-exists');
    assert.equal(exists?.status, 'fail');
    assert.match(exists?.detail ?? '', /MANIFEST_UNKNOWN/);
    // The tags the pull secret may read, listed with it: 1.0 is the version next to the missing 1.1.
    assert.match(exists?.summary ?? '', /has no team\/app:1\.1 \(HTTP 404\)\. Nearest tags: 1\.0\.$/);
    assert.match(exists?.detail ?? '', /Nearest existing tags \(of its 3 tags\): 1\.0\./);
    assertNoPassword(d);
  });
});
