import assert from 'node:assert/strict';
import { pullErrorAmbiguity } from '../../../src/diagnosis/classify/pull-error-ambiguity.js';
import { AMBIGUOUS_DENIAL, explainPullError } from '../../../src/diagnosis/pull-error.js';
import type { PodEventSummary, PodProblem } from '../../../src/diagnosis/types.js';

const pulling = (message?: string): PodProblem => ({
  kind: 'image-pull',
  container: 'web',
  initContainer: false,
  image: 'acme/web:1.4',
  reason: message ? 'ErrImagePull' : 'ImagePullBackOff',
  ...(message ? { message } : {}),
});

const failed = (message: string): PodEventSummary => ({ type: 'Warning', reason: 'Failed', message, count: 3 });

describe('pullErrorAmbiguity', () => {
  it("names Docker Hub's and Harbor's deliberate not-found-or-private answers", () => {
    for (const message of [
      "Error response from daemon: pull access denied for acme/web, repository does not exist or may require 'docker login': denied: requested access to the resource is denied",
      'Error response from daemon: repository acme/web not found: does not exist or no pull access',
      'failed to resolve reference "docker.io/acme/web:1.4": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed',
      'Error: image acme/web:1.4 not found',
    ]) {
      assert.match(pullErrorAmbiguity(message) ?? '', /does not exist and for a private one/, message);
    }
  });

  it("names Quay's, Google's and GitHub's ambiguous answers by registry", () => {
    assert.match(
      pullErrorAmbiguity('reading manifest 1.4 in quay.io/acme/web: unauthorized: access to the requested resource is not authorized') ??
        '',
      /^Quay/,
    );
    assert.match(
      pullErrorAmbiguity(
        'denied: Permission "artifactregistry.repositories.downloadArtifacts" denied on resource "projects/acme/locations/europe-west2/repositories/web" (or it may not exist)',
      ) ?? '',
      /^Google's registry/,
    );
    assert.match(
      pullErrorAmbiguity(
        'failed to resolve reference "ghcr.io/acme/web:1.4": unexpected status from HEAD request to https://ghcr.io/v2/acme/web/manifests/1.4: 403 Forbidden',
      ) ?? '',
      /^GitHub's registry/,
    );
  });

  it('says nothing when the message tells which it is', () => {
    for (const message of [
      'failed to resolve reference "shop.azurecr.io/web:1.4": shop.azurecr.io/web:1.4: not found',
      'failed to authorize: failed to fetch anonymous token: unexpected status from GET request to https://shop.azurecr.io/oauth2/token: 401 Unauthorized',
      'Error response from daemon: Head "https://ghcr.io/v2/acme/web/manifests/1.4": denied: denied',
      "DENIED: client with IP '20.61.99.1' is not allowed access, refer https://aka.ms/acr/firewall to grant access",
      '',
    ]) {
      assert.equal(pullErrorAmbiguity(message), undefined, message);
    }
    assert.equal(pullErrorAmbiguity(42 as unknown as string), undefined);
  });

  it('reads only the first 8 KiB, so a wording hidden after padding does not count', () => {
    assert.equal(pullErrorAmbiguity(`${'x'.repeat(9000)} pull access denied`), undefined);
  });

  it('is what the diagnosis tests for an ambiguous denial', () => {
    assert.equal(
      AMBIGUOUS_DENIAL.test('Error response from daemon: repository acme/web not found: does not exist or no pull access'),
      true,
    );
    assert.equal(AMBIGUOUS_DENIAL.test('manifest for acme/web:1.4 not found: manifest unknown: manifest unknown'), false);
  });
});

describe('explainPullError', () => {
  it('says in the finding when the registry will not tell a missing repository from a private one', () => {
    const message =
      'Failed to pull image "acme/web:1.4": rpc error: code = Unknown desc = Error response from daemon: repository acme/web not found: does not exist or no pull access';
    const explanation = explainPullError([pulling(message)], []);
    assert.equal(explanation?.cause, 'image-not-found');
    assert.equal(explanation?.source, 'container-state');
    assert.match(explanation?.ambiguity ?? '', /does not exist and for a private one/);
  });

  it('says so for a message read from the newest Failed event too, whatever its cause', () => {
    const message =
      'Failed to pull image "acme/web:1.4": rpc error: code = Unknown desc = reading manifest 1.4 in quay.io/acme/web: unauthorized: access to the requested resource is not authorized';
    const explanation = explainPullError([pulling()], [failed(message)]);
    assert.equal(explanation?.source, 'event');
    assert.equal(explanation?.cause, 'unauthorized');
    assert.match(explanation?.ambiguity ?? '', /^Quay/);
  });

  it('leaves the ambiguity out when the message is clear', () => {
    const message =
      'Failed to pull image "acme/web:1.4": rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/acme/web:1.4": failed to resolve reference "docker.io/acme/web:1.4": docker.io/acme/web:1.4: not found';
    const explanation = explainPullError([pulling(message)], []);
    assert.equal(explanation?.cause, 'image-not-found');
    assert.equal(explanation?.ambiguity, undefined);
  });
});
