import assert from 'node:assert/strict';
import { extractPullErrorFacts } from '../../../src/diagnosis/classify/index.js';

describe('extractPullErrorFacts', () => {
  it("reads the image, token URL, host and 401 from ACR's oauth2 refusal", () => {
    const facts = extractPullErrorFacts(
      'Failed to pull image "shop.azurecr.io/web:1.4": failed to pull and unpack image "shop.azurecr.io/web:1.4": failed to resolve reference "shop.azurecr.io/web:1.4": failed to authorize: failed to fetch oauth token: unexpected status from GET request to https://shop.azurecr.io/oauth2/token?scope=repository%3Aweb%3Apull&service=shop.azurecr.io: 401 Unauthorized',
    );
    assert.deepEqual(facts, {
      image: 'shop.azurecr.io/web:1.4',
      url: 'https://shop.azurecr.io/oauth2/token?scope=repository%3Aweb%3Apull&service=shop.azurecr.io',
      host: 'shop.azurecr.io',
      httpStatus: 401,
    });
  });

  it('prefers the registry API URL over documentation links', () => {
    const facts = extractPullErrorFacts(
      'Error response from daemon: Head "https://smartsitealfaacr.azurecr.io/v2/aem/manifests/v2": unauthorized: authentication required, visit https://aka.ms/acr/authorization for more information.',
    );
    assert.equal(facts.url, 'https://smartsitealfaacr.azurecr.io/v2/aem/manifests/v2');
    assert.equal(facts.host, 'smartsitealfaacr.azurecr.io');
  });

  it('ignores documentation links when no registry URL is quoted', () => {
    const facts = extractPullErrorFacts(
      "DENIED: client with IP '203.0.113.7' is not allowed access, refer https://aka.ms/acr/firewall to grant access",
    );
    assert.equal(facts.url, undefined);
    assert.equal(facts.host, undefined);
    assert.equal(
      extractPullErrorFacts('Error response from daemon: toomanyrequests: see https://www.docker.com/increase-rate-limit').url,
      undefined,
    );
  });

  it('redacts signatures and other query values in blob URLs, keeping scope and service', () => {
    const facts = extractPullErrorFacts(
      'failed to copy: httpReadSeeker: failed open: failed to do request: Get "https://production.cloudflare.docker.com/registry-v2/docker/registry/v2/blobs/sha256/f7/f736/data?verify=1646639722-2wX9zENAiV%2FgTE%2Brzh46EwHC%2BAg%3D": EOF',
    );
    assert.equal(facts.host, 'production.cloudflare.docker.com');
    assert.ok(facts.url?.includes('verify=redacted'));
    assert.ok(!facts.url?.includes('2wX9zENAiV'));
  });

  it('never returns user info from a URL', () => {
    const facts = extractPullErrorFacts('Get https://robot:s3cr3t-t0ken@registry.example.com/v2/: 401 Unauthorized');
    assert.equal(facts.url, 'https://registry.example.com/v2/');
    assert.ok(!JSON.stringify(facts).includes('s3cr3t'));
  });

  it('takes the host from a failed DNS lookup when no URL is quoted', () => {
    const facts = extractPullErrorFacts(
      'pinging container registry shop.azurecr.io: dial tcp: lookup shop.azurecr.io on 168.63.129.16:53: no such host',
    );
    assert.equal(facts.host, 'shop.azurecr.io');
    assert.equal(facts.url, undefined);
    assert.equal(facts.httpStatus, undefined);
  });

  it('takes the host that containerd 2.x and CRI-O name without a URL', () => {
    assert.equal(
      extractPullErrorFacts('pulling from host ghcr.io failed with status code [manifests 1]: 401 Unauthorized').host,
      'ghcr.io',
    );
    assert.equal(
      extractPullErrorFacts('pinging container registry k8s.gcr.io: Get "x": dial tcp 10.0.0.1:443: i/o timeout').host,
      'k8s.gcr.io',
    );
    assert.equal(
      extractPullErrorFacts('reading manifest 1 in shop.azurecr.io/web: name unknown: repository name not known to registry').host,
      'shop.azurecr.io',
    );
    assert.equal(extractPullErrorFacts('failed to resolve reference "ghcr.io/acme/web:1": not found').image, 'ghcr.io/acme/web:1');
  });

  it("falls back to the image's registry host, and to none for Docker Hub short names", () => {
    assert.equal(
      extractPullErrorFacts('Failed to pull image "Registry.Example.com:5000/team/app:1": i/o timeout').host,
      'registry.example.com',
    );
    assert.equal(extractPullErrorFacts('Failed to pull image "nginx:1.27": context deadline exceeded').host, undefined);
    assert.equal(extractPullErrorFacts('Failed to pull image "acme/app:1": context deadline exceeded').host, undefined);
  });

  it('reads the image from the kubelet wordings that quote it, including klog-escaped quotes', () => {
    assert.equal(
      extractPullErrorFacts('Container image "error_pages:local" is not present with pull policy of Never').image,
      'error_pages:local',
    );
    assert.equal(extractPullErrorFacts('Back-off pulling image "shop.azurecr.io/web:1.4"').image, 'shop.azurecr.io/web:1.4');
    assert.equal(
      extractPullErrorFacts('err="failed to pull and unpack image \\"docker.io/library/nginx:latest\\": not found"').image,
      'docker.io/library/nginx:latest',
    );
    assert.equal(extractPullErrorFacts('Failed to pull image "": manifest unknown').image, undefined);
  });

  it('reads the HTTP status in the forms runtimes quote it', () => {
    assert.equal(extractPullErrorFacts('unexpected status: 403 Forbidden').httpStatus, 403);
    assert.equal(
      extractPullErrorFacts(
        'failed open: unexpected status code https://r.example.com/v2/a/manifests/1: 429 Too Many Requests - Server message: toomanyrequests',
      ).httpStatus,
      429,
    );
    assert.equal(extractPullErrorFacts('(HTTP code 500) server error - manifest unknown').httpStatus, 500);
    assert.equal(extractPullErrorFacts('error parsing HTTP 403 response body: invalid character').httpStatus, 403);
    assert.equal(extractPullErrorFacts('manifest unknown: manifest unknown').httpStatus, undefined);
  });

  it('ignores placeholder host names that are not host names', () => {
    const facts = extractPullErrorFacts(
      'Failed to pull image "<registryname>.azurecr.io/main/<imagerepo>:v5.0.0": failed to fetch anonymous token: unexpected status from GET request to https://<registryname>.azurecr.io/oauth2/token?scope=x: 401 Unauthorized',
    );
    assert.equal(facts.image, '<registryname>.azurecr.io/main/<imagerepo>:v5.0.0');
    assert.equal(facts.host, undefined);
    assert.equal(facts.httpStatus, 401);
  });

  it('returns no facts for empty, non-string or 1 MB hostile input', () => {
    assert.deepEqual(extractPullErrorFacts(''), {});
    assert.deepEqual(extractPullErrorFacts(null as unknown as string), {});
    const megabyte = 1024 * 1024;
    for (const hostile of [
      'h'.repeat(megabyte),
      `https://${'a'.repeat(megabyte)}`,
      `Failed to pull image "${'x'.repeat(megabyte)}`,
      'lookup '.repeat(megabyte / 7),
    ]) {
      assert.equal(typeof extractPullErrorFacts(hostile), 'object');
    }
  });
});
