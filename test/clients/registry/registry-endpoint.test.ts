import assert from 'node:assert/strict';
import { registryEndpoint } from '../../../src/clients/registry/registry-endpoint.js';
import { manifestPath } from '../../../src/clients/registry/image-path.js';

describe('registryEndpoint', () => {
  it('sends Docker Hub references to registry-1.docker.io, as the runtime does', () => {
    assert.deepEqual(registryEndpoint('docker.io'), { host: 'registry-1.docker.io', port: 443, authority: 'registry-1.docker.io' });
    assert.equal(registryEndpoint('index.docker.io').host, 'registry-1.docker.io');
  });

  it('keeps explicit ports and IPv6 literals, and lower-cases host names', () => {
    assert.deepEqual(registryEndpoint('localhost:5000'), { host: 'localhost', port: 5000, authority: 'localhost:5000' });
    assert.deepEqual(registryEndpoint('[::1]:5000'), { host: '::1', port: 5000, authority: '[::1]:5000' });
    assert.deepEqual(registryEndpoint('MyACR.azurecr.io'), { host: 'myacr.azurecr.io', port: 443, authority: 'myacr.azurecr.io' });
  });

  it('refuses things that are not a host', () => {
    for (const bad of ['https://myacr.azurecr.io', 'a/b', 'host:99999', 'user@host', '']) assert.throws(() => registryEndpoint(bad), bad);
  });
});

describe('manifestPath', () => {
  it('builds the manifest path for a tag or a digest', () => {
    assert.equal(manifestPath({ registry: 'r', repository: 'library/nginx', reference: '1.27-alpine' }), '/v2/library/nginx/manifests/1.27-alpine');
    const digest = `sha256:${'a'.repeat(64)}`;
    assert.equal(manifestPath({ registry: 'r', repository: 'shop/web', reference: digest }), `/v2/shop/web/manifests/${digest}`);
  });

  it('refuses path tricks and invalid names with INVALID_INPUT', () => {
    for (const [repository, reference] of [
      ['../../v2/_catalog', 'latest'],
      ['Shop/Web', 'latest'],
      ['shop/web', '../x'],
      ['shop/web', 'latest?x=1'],
      ['shop/web', '-bad'],
    ] as const) {
      assert.throws(() => manifestPath({ registry: 'r', repository, reference }), { code: 'INVALID_INPUT' });
    }
  });
});
