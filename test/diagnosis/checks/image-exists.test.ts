import assert from 'node:assert/strict';
import type { ManifestResult } from '../../../src/clients/registry/registry-client.js';
import { imageExistsCheck } from '../../../src/diagnosis/checks/image-exists.js';
import type { CredentialChoice } from '../../../src/diagnosis/facts.js';
import { payloads } from '../../../src/sandbox/kubernetes-api/index.js';
import { checkContext } from '../../support/check-context.js';

const now = new Date('2026-11-27T04:12:01Z');
const ACR_IMAGE = 'shopacr.azurecr.io/shop/checkout:5.0.2';
const HUB_IMAGE = 'acme/billing:3.2';
const OWN_IDENTITY: CredentialChoice = {
  credential: { kind: 'azure-ad', source: "Pull Doctor's own Azure identity" },
  description: "Pull Doctor's own Azure identity",
};
const NONE: CredentialChoice = { credential: { kind: 'anonymous' }, description: 'no credentials' };
const SECRET: CredentialChoice = {
  credential: { kind: 'basic', username: 'acme-ci', password: 'dckr_pat_fixture0000000000000000', source: 'secret dockerhub' },
  description: 'the pull secret "dockerhub" (entry "https://index.docker.io/v1/")',
};

function headOf(image: string, registry: string, canonical: string, result: ManifestResult, credential: CredentialChoice) {
  const pod = payloads.imagePullBackOffPod({ namespace: 'shop', name: 'checkout-5b7c8d9f6-z9x8w', container: 'checkout', image, now });
  return imageExistsCheck.run(
    checkContext(pod, {
      dns: { [registry]: { ok: true, addresses: ['20.50.7.38'] } },
      ping: { [registry]: { ok: true, host: registry, status: 401, challenges: [], errors: [] } },
      manifest: { [canonical]: { result, credential } },
    }),
  );
}
const acr = (result: ManifestResult, credential = OWN_IDENTITY) => headOf(ACR_IMAGE, 'shopacr.azurecr.io', ACR_IMAGE, result, credential);
const hub = (result: ManifestResult, credential = NONE) => headOf(HUB_IMAGE, 'docker.io', 'docker.io/acme/billing:3.2', result, credential);

describe('the image-exists check', () => {
  it('passes an image the registry has, with its media type, digest and the credential used', async () => {
    const digest = `sha256:${'9c'.repeat(32)}`;
    const [f] = await acr({ outcome: 'found', status: 200, mediaType: 'application/vnd.oci.image.index.v1+json', digest, auth: 'bearer' });
    assert.equal(f?.status, 'pass');
    assert.equal(f?.summary, 'shopacr.azurecr.io has shop/checkout:5.0.2.');
    assert.equal(
      f?.detail,
      `Media type application/vnd.oci.image.index.v1+json; digest ${digest}; checked with Pull Doctor's own Azure identity.`,
    );
  });

  it('fails a tag the registry does not have, naming the tag and the repository, quoting its error, with the command that lists the tags', async () => {
    const [f] = await acr({
      outcome: 'not-found',
      status: 404,
      errors: [{ code: 'MANIFEST_UNKNOWN', message: 'manifest tagged by "5.0.2" is not found' }],
      auth: 'bearer',
    });
    assert.equal(f?.status, 'fail');
    assert.equal(f?.summary, 'shopacr.azurecr.io has no shop/checkout:5.0.2 (HTTP 404).');
    assert.equal(
      f?.detail,
      'The registry said: MANIFEST_UNKNOWN: manifest tagged by "5.0.2" is not found (checked with Pull Doctor\'s own Azure identity)',
    );
    assert.equal(f?.headline, 'Tag 5.0.2 does not exist in shopacr.azurecr.io/shop/checkout');
    assert.equal(f?.remediation, 'Fix the tag in the workload, or push the image. The tags that exist:');
    assert.deepEqual(f?.commands, [
      'az acr repository show-tags --name shopacr --repository shop/checkout --orderby time_desc --top 20 -o table',
    ]);
  });

  it('names a repository the registry does not have at all, rather than its tag', async () => {
    const [f] = await acr({
      outcome: 'not-found',
      status: 404,
      errors: [{ code: 'NAME_UNKNOWN', message: 'repository name not known to registry' }],
      auth: 'bearer',
    });
    assert.equal(f?.headline, 'Repository shop/checkout does not exist in shopacr.azurecr.io');
  });

  it('fails credentials from a pull secret that the registry rejects, and only warns when it had none to offer', async () => {
    const refused: ManifestResult = {
      outcome: 'unauthorized',
      status: 401,
      errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }],
      step: 'token',
      auth: 'basic',
    };
    const [secret] = await hub(refused, SECRET);
    assert.equal(secret?.status, 'fail');
    assert.equal(
      secret?.summary,
      'docker.io rejects the credentials in the pull secret "dockerhub" (entry "https://index.docker.io/v1/").',
    );
    assert.match(secret?.remediation ?? '', /^Update the pull secret/);
    assert.doesNotMatch(JSON.stringify(secret), /dckr_pat_fixture/);

    const [anonymous] = await hub({ ...refused, auth: 'none' });
    assert.equal(anonymous?.status, 'warn');
    assert.equal(anonymous?.summary, 'Could not verify acme/billing:3.2: docker.io requires credentials (checked with no credentials).');
  });

  it("warns about Docker Hub's rate limit with the Retry-After, and about a 403", async () => {
    const [limited] = await hub({
      outcome: 'rate-limited',
      status: 429,
      errors: [{ code: 'TOOMANYREQUESTS', message: 'You have reached your pull rate limit.' }],
      retryAfter: '60',
      step: 'registry',
      auth: 'none',
    });
    assert.equal(limited?.status, 'warn');
    assert.equal(limited?.detail, 'The registry said: TOOMANYREQUESTS: You have reached your pull rate limit. Retry-After: 60');
    assert.match(limited?.remediation ?? '', /mirror the image into your own registry/);
    const [forbidden] = await acr({
      outcome: 'forbidden',
      status: 403,
      errors: [{ code: 'DENIED', message: "client with IP '203.0.113.7' is not allowed access" }],
      step: 'registry',
      auth: 'bearer',
    });
    assert.equal(forbidden?.status, 'warn');
    assert.match(
      forbidden?.detail ?? '',
      /^The registry said: DENIED: client with IP '203\.0\.113\.7' is not allowed access\nA 403 from a registry usually means/,
    );
  });

  it('skips when the sign-in could not even be tried, and warns about any other answer', async () => {
    const [noToken] = await acr({
      outcome: 'error',
      status: 0,
      errors: [],
      step: 'exchange',
      auth: 'none',
      message: 'no Entra token provider is configured',
    });
    assert.deepEqual(noToken, {
      check: 'image-exists',
      status: 'skip',
      summary: 'Could not check shop/checkout:5.0.2: no Entra token provider is configured.',
    });
    const [broken] = await acr({ outcome: 'error', status: 502, errors: [], step: 'registry', auth: 'bearer' });
    assert.equal(broken?.status, 'warn');
    assert.equal(broken?.summary, 'shopacr.azurecr.io answered HTTP 502 for shop/checkout:5.0.2.');
  });

  it('skips a registry it cannot reach: the DNS and endpoint findings explain it', async () => {
    const pod = payloads.imagePullBackOffPod({ namespace: 'shop', name: 'checkout-5b7c8d9f6-z9x8w', image: ACR_IMAGE, now });
    const [f] = await imageExistsCheck.run(
      checkContext(pod, {
        dns: { 'shopacr.azurecr.io': { ok: false, code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND shopacr.azurecr.io' } },
        ping: {
          'shopacr.azurecr.io': {
            ok: false,
            kind: 'dns',
            phase: 'dns',
            code: 'ENOTFOUND',
            host: 'shopacr.azurecr.io',
            message: 'getaddrinfo ENOTFOUND',
          },
        },
        manifest: {
          [ACR_IMAGE]: {
            result: {
              outcome: 'unreachable',
              step: 'registry',
              kind: 'dns',
              phase: 'dns',
              host: 'shopacr.azurecr.io',
              message: 'getaddrinfo ENOTFOUND',
            },
            credential: OWN_IDENTITY,
          },
        },
      }),
    );
    assert.deepEqual(f, {
      check: 'image-exists',
      status: 'skip',
      summary: 'Not checked: the registry shopacr.azurecr.io is not reachable from here.',
    });
  });

  it('fails as a whole when the manifest request throws, so the engine reports it as an error', async () => {
    const pod = payloads.imagePullBackOffPod({ namespace: 'shop', name: 'checkout-5b7c8d9f6-z9x8w', image: ACR_IMAGE, now });
    const ctx = checkContext(pod, {
      dns: { 'shopacr.azurecr.io': { ok: true, addresses: ['20.50.7.38'] } },
      ping: { 'shopacr.azurecr.io': { ok: true, host: 'shopacr.azurecr.io', status: 401, challenges: [], errors: [] } },
      manifest: { [ACR_IMAGE]: new Error('"shop/Checkout" is not a valid repository name') },
    });
    await assert.rejects(imageExistsCheck.run(ctx), /not a valid repository name/);
  });
});
