import assert from 'node:assert/strict';
import { payloads } from '../../../../src/sandbox/kubernetes-api/index.js';

describe('pull error texts', () => {
  it('name the image fully qualified, as containerd does', () => {
    assert.deepEqual(payloads.imageParts('nginx'), {
      reference: 'docker.io/library/nginx:latest',
      host: 'docker.io',
      repository: 'library/nginx',
      tagOrDigest: 'latest',
    });
    assert.equal(payloads.imageParts('bitnami/redis:7.4').reference, 'docker.io/bitnami/redis:7.4');
    assert.equal(payloads.imageParts('localhost:5000/app@sha256:abc').reference, 'localhost:5000/app@sha256:abc');
    assert.equal(payloads.imageParts('shopacr.azurecr.io/team/web:1').repository, 'team/web');
  });

  it('match the recorded AKS wording for a pull without credentials', () => {
    assert.equal(
      payloads.pullErrors.anonymousUnauthorized('shopacr.azurecr.io/main/web:v5.0.0'),
      'failed to pull and unpack image "shopacr.azurecr.io/main/web:v5.0.0": failed to resolve reference "shopacr.azurecr.io/main/web:v5.0.0": failed to authorize: failed to fetch anonymous token: unexpected status from GET request to https://shopacr.azurecr.io/oauth2/token?scope=repository%3Amain%2Fweb%3Apull&service=shopacr.azurecr.io: 401 Unauthorized',
    );
  });

  it("use Docker Hub's registry host in manifest URLs", () => {
    assert.match(
      payloads.pullErrors.rateLimited('nginx:1.27'),
      /https:\/\/registry-1\.docker\.io\/v2\/library\/nginx\/manifests\/1\.27: 429 Too Many Requests/,
    );
    assert.match(
      payloads.pullErrors.dnsNoSuchHost('shopacr.azurecr.io/web:1'),
      /dial tcp: lookup shopacr\.azurecr\.io on 168\.63\.129\.16:53: no such host$/,
    );
  });
});
