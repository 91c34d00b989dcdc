import assert from 'node:assert/strict';
import { createRegistryClient, staticRegistryNetwork } from '../../../src/clients/registry/index.js';
import { realmMayReceiveBasic, realmMayReceiveEntraToken } from '../../../src/clients/registry/credential-destinations.js';
import { registryEndpoint } from '../../../src/clients/registry/registry-endpoint.js';
import { testEntraToken } from '../../../src/sandbox/registry/index.js';
import { startHttpsTestServer, type HttpsTestServer } from '../../support/https-test-server.js';

const mayBasic = (registry: string, realm: string) => realmMayReceiveBasic(registryEndpoint(registry), new URL(realm));

describe('where credentials may go', () => {
  it('lets Basic credentials reach a token realm on the registry host or its own domain', () => {
    assert.equal(mayBasic('ghcr.io', 'https://ghcr.io/token'), true);
    assert.equal(mayBasic('docker.io', 'https://auth.docker.io/token'), true);
    assert.equal(mayBasic('registry.gitlab.com', 'https://gitlab.com/jwt/auth'), true);
    assert.equal(mayBasic('registry.example.com:5000', 'https://auth.example.com/token'), true);
  });

  it('keeps Basic credentials from strangers: other domains, other tenants of a shared domain, plain http', () => {
    assert.equal(mayBasic('registry.example.com', 'https://collector.example.net/token'), false);
    assert.equal(mayBasic('myacr.azurecr.io', 'https://evilacr.azurecr.io/oauth2/token'), false);
    assert.equal(mayBasic('ghcr.io', 'http://ghcr.io/token'), false);
    assert.equal(mayBasic('127.0.0.1:5000', 'https://127.0.0.2/token'), false);
    assert.equal(mayBasic('example.com', 'https://auth.example.com/token'), false);
  });

  it('sends the Entra token only to the registry host itself', () => {
    const acr = registryEndpoint('myacr.azurecr.io');
    assert.equal(realmMayReceiveEntraToken(acr, new URL('https://myacr.azurecr.io/oauth2/token')), true);
    assert.equal(realmMayReceiveEntraToken(acr, new URL('https://other.azurecr.io/oauth2/token')), false);
    assert.equal(realmMayReceiveEntraToken(acr, new URL('https://myacr.azurecr.io:8443/oauth2/token')), false);
  });

  describe('against registries that point elsewhere', () => {
    let registry: HttpsTestServer;
    let collector: HttpsTestServer;
    let redirectTo = '';

    before(async () => {
      collector = await startHttpsTestServer((req, res) => {
        res.writeHead(200, { 'Content-Type': 'application/json', 'Docker-Content-Digest': 'sha256:' + 'c'.repeat(64) });
        res.end(req.method === 'HEAD' ? undefined : JSON.stringify({ token: 'collected' }));
      });
      registry = await startHttpsTestServer((req, res) => {
        const host = (req.headers.host ?? '').split(':')[0];
        if (host === 'registry.example.com') {
          res.writeHead(401, { 'WWW-Authenticate': 'Bearer realm="https://collector.example.net/token",service="registry.example.com"' });
          return res.end();
        }
        if (host === 'sneaky.azurecr.io') {
          res.writeHead(401, { 'WWW-Authenticate': 'Bearer realm="https://collector.azurecr.io/oauth2/token",service="sneaky.azurecr.io"' });
          return res.end();
        }
        // redirect.example.com: Basic auth, then a redirect for the manifest
        if (req.headers.authorization === undefined) {
          res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="Registry Realm"' });
          return res.end();
        }
        res.writeHead(307, { Location: redirectTo });
        res.end();
      });
    });
    after(async () => {
      await registry.close();
      await collector.close();
    });
    beforeEach(() => {
      collector.seen.length = 0;
    });

    const network = () =>
      staticRegistryNetwork({
        'registry.example.com': { address: '127.0.0.1', port: registry.port },
        'sneaky.azurecr.io': { address: '127.0.0.1', port: registry.port },
        'redirect.example.com': { address: '127.0.0.1', port: registry.port },
        'collector.example.net': { address: '127.0.0.1', port: collector.port },
        'collector.azurecr.io': { address: '127.0.0.1', port: collector.port },
        'cdn.example.com': { address: '127.0.0.1', port: collector.port },
      });
    const secret = { kind: 'basic', username: 'ci', password: 'pa55-w0rd-never-leaves', source: 'secret shop/regcred' } as const;

    it('does not send Basic credentials to a token realm on another domain', async () => {
      const client = createRegistryClient({ network: network() });
      const result = await client.headManifest({ registry: 'registry.example.com', repository: 'shop/web', reference: 'v1' }, secret);
      assert.ok(result.outcome === 'error');
      assert.equal(result.step, 'token');
      assert.match(result.message ?? '', /collector\.example\.net is not on the registry's domain/);
      assert.equal(collector.seen.length, 0);
    });

    it('does not send the Entra token to a realm on another host', async () => {
      const client = createRegistryClient({ network: network(), aadToken: async () => ({ token: testEntraToken({ oid: 'o', tid: 't' }) }) });
      const result = await client.headManifest({ registry: 'sneaky.azurecr.io', repository: 'shop/web', reference: 'v1' }, { kind: 'azure-ad', source: 'kubelet identity' });
      assert.ok(result.outcome === 'error');
      assert.equal(result.step, 'exchange');
      assert.equal(collector.seen.length, 0);
    });

    it('follows an https redirect to another host without the Authorization header', async () => {
      redirectTo = 'https://cdn.example.com/v2/shop/web/manifests/v1';
      const client = createRegistryClient({ network: network() });
      const result = await client.headManifest({ registry: 'redirect.example.com', repository: 'shop/web', reference: 'v1' }, secret);
      assert.ok(result.outcome === 'found');
      assert.equal(result.auth, 'basic');
      assert.equal(collector.seen.length, 1);
      assert.equal(collector.seen[0]?.authorization, undefined);
    });

    it('refuses to follow a redirect to plain http', async () => {
      redirectTo = 'http://cdn.example.com/v2/shop/web/manifests/v1';
      const client = createRegistryClient({ network: network() });
      const result = await client.headManifest({ registry: 'redirect.example.com', repository: 'shop/web', reference: 'v1' }, secret);
      assert.ok(result.outcome === 'error');
      assert.match(result.message ?? '', /only https redirects are followed/);
      assert.equal(collector.seen.length, 0);
    });
  });
});
