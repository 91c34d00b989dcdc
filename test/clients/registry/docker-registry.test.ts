import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createRegistryClient } from '../../../src/clients/registry/create-registry-client.js';
import { staticRegistryNetwork } from '../../../src/clients/registry/registry-network.js';
import { type RegistryClient, MANIFEST_MEDIA_TYPES } from '../../../src/clients/registry/registry-client.js';
import { sampleImage, sampleIndex, sampleRepository, type RepositoryContent } from '../../../src/sandbox/registry/index.js';
import { dockerRegistryUnavailable, startDockerRegistry, type RunningDockerRegistry } from '../../support/docker-registry.js';
import { pushRepository } from '../../support/push-image.js';

describe('registry client against the real docker-registry (distribution 2.8)', function () {
  this.timeout(30_000);
  const user = 'ci-pusher';
  const password = randomBytes(12).toString('base64url');
  const web = sampleRepository();
  const amd64 = sampleImage({ format: 'docker', architecture: 'amd64' });
  const arm64 = sampleImage({ format: 'docker', architecture: 'arm64', os: 'linux' });
  const list = sampleIndex([amd64, arm64], 'docker');
  const legacy: RepositoryContent = {
    blobs: [amd64.config, amd64.layer, arm64.config, arm64.layer],
    manifests: [amd64.manifest, arm64.manifest, list],
    tags: { '2.0': list.digest },
  };
  let registry: RunningDockerRegistry | undefined;
  let client: RegistryClient;
  const host = 'registry.example.com';
  const basic = { kind: 'basic', username: user, password, source: 'secret shop/regcred' } as const;

  before(async function () {
    const unavailable = dockerRegistryUnavailable();
    if (unavailable) {
      console.warn(`      skipping the real registry tests: ${unavailable}`);
      this.skip();
    }
    registry = await startDockerRegistry({ htpasswd: { user, password } });
    await pushRepository({ port: registry.port, auth: { user, password } }, 'shop/web', web);
    await pushRepository({ port: registry.port, auth: { user, password } }, 'shop/legacy', legacy);
    client = createRegistryClient({ network: staticRegistryNetwork({ [host]: { address: registry.host, port: registry.port } }) });
  });
  after(async () => {
    await registry?.close();
  });

  it('is reachable and answers /v2/ with 401 and a Basic challenge', async () => {
    const ping = await client.ping(host);
    assert.ok(ping.ok);
    assert.equal(ping.status, 401);
    assert.deepEqual(ping.challenge, { scheme: 'Basic', realm: 'Registry Realm', params: { realm: 'Registry Realm' } });
    assert.equal(ping.apiVersionHeader, 'registry/2.0');
    assert.equal(ping.errors[0]?.code, 'UNAUTHORIZED');
  });

  it('finds an existing tag with the pushed digest and media type', async () => {
    const result = await client.headManifest({ registry: host, repository: 'shop/web', reference: 'single' }, basic);
    assert.ok(result.outcome === 'found');
    assert.equal(result.digest, web.tags.single);
    assert.equal(result.mediaType, MANIFEST_MEDIA_TYPES.dockerManifest);
    assert.equal(result.auth, 'basic');
  });

  it('reports the OCI index and the Docker manifest list media types of multi-arch tags', async () => {
    const index = await client.headManifest({ registry: host, repository: 'shop/web', reference: 'latest' }, basic);
    assert.ok(index.outcome === 'found');
    assert.equal(index.mediaType, MANIFEST_MEDIA_TYPES.ociIndex);
    assert.equal(index.digest, web.tags.latest);
    const manifestList = await client.headManifest({ registry: host, repository: 'shop/legacy', reference: '2.0' }, basic);
    assert.ok(manifestList.outcome === 'found');
    assert.equal(manifestList.mediaType, MANIFEST_MEDIA_TYPES.dockerManifestList);
    assert.equal(manifestList.digest, list.digest);
  });

  it('finds a manifest by digest', async () => {
    const result = await client.headManifest({ registry: host, repository: 'shop/legacy', reference: arm64.manifest.digest }, basic);
    assert.ok(result.outcome === 'found');
    assert.equal(result.digest, arm64.manifest.digest);
  });

  it('reports a missing tag as not-found with MANIFEST_UNKNOWN, as the registry answers', async () => {
    const result = await client.headManifest({ registry: host, repository: 'shop/web', reference: 'v9.9.9' }, basic);
    assert.deepEqual(result, {
      outcome: 'not-found',
      status: 404,
      errors: [{ code: 'MANIFEST_UNKNOWN', message: 'manifest unknown' }],
      auth: 'basic',
    });
  });

  it('reports a missing repository as not-found; distribution 2.8 says MANIFEST_UNKNOWN there too (ACR says NAME_UNKNOWN)', async () => {
    const result = await client.headManifest({ registry: host, repository: 'shop/nothing-here', reference: 'latest' }, basic);
    assert.deepEqual(result, {
      outcome: 'not-found',
      status: 404,
      errors: [{ code: 'MANIFEST_UNKNOWN', message: 'manifest unknown' }],
      auth: 'basic',
    });
  });

  it('reports a wrong password as unauthorized by the registry', async () => {
    const result = await client.headManifest(
      { registry: host, repository: 'shop/web', reference: 'latest' },
      { ...basic, password: `${password}-wrong` },
    );
    assert.ok(result.outcome === 'unauthorized');
    assert.equal(result.status, 401);
    assert.equal(result.step, 'registry');
    assert.equal(result.auth, 'basic');
    assert.equal(result.errors[0]?.code, 'UNAUTHORIZED');
  });

  it('reports a pull without credentials as unauthorized, saying credentials are required', async () => {
    const result = await client.headManifest({ registry: host, repository: 'shop/web', reference: 'latest' }, { kind: 'anonymous' });
    assert.ok(result.outcome === 'unauthorized');
    assert.equal(result.auth, 'none');
    assert.match(result.message ?? '', /requires credentials/);
  });

  it('lists the tags of a repository with the Basic credentials of the pull secret', async () => {
    const web = await client.listTags({ registry: host, repository: 'shop/web' }, basic);
    assert.ok(web.outcome === 'listed');
    assert.deepEqual([web.tags.sort(), web.more, web.auth], [['1.0', 'latest', 'single'], false, 'basic']);
    assert.deepEqual(await client.listTags({ registry: host, repository: 'shop/legacy' }, basic), {
      outcome: 'listed',
      tags: ['2.0'],
      more: false,
      auth: 'basic',
    });
  });

  it('lists nothing when the registry refuses: a wrong password, or no credentials', async () => {
    assert.deepEqual(await client.listTags({ registry: host, repository: 'shop/web' }, { ...basic, password: `${password}-wrong` }), {
      outcome: 'refused',
      status: 401,
    });
    assert.deepEqual(await client.listTags({ registry: host, repository: 'shop/web' }, { kind: 'anonymous' }), {
      outcome: 'refused',
      status: 401,
    });
  });

  it('says a repository the registry does not have is not found', async () => {
    assert.deepEqual(await client.listTags({ registry: host, repository: 'shop/nope' }, basic), { outcome: 'not-found', status: 404 });
  });
});
