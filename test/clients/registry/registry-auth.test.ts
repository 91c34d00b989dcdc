import assert from 'node:assert/strict';
import { createRegistryClient } from '../../../src/clients/registry/create-registry-client.js';
import { staticRegistryNetwork } from '../../../src/clients/registry/registry-network.js';
import { realmMayReceiveBasic, realmMayReceiveEntraToken, parseRegistryErrors } from '../../../src/clients/registry/registry-auth.js';
import { registryEndpoint } from '../../../src/clients/registry/registry-https.js';
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
          res.writeHead(401, {
            'WWW-Authenticate': 'Bearer realm="https://collector.azurecr.io/oauth2/token",service="sneaky.azurecr.io"',
          });
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

    it('does not send the Entra token to a realm on another host: an ACR host gets it at its own /oauth2/exchange only', async () => {
      const client = createRegistryClient({
        network: network(),
        aadToken: async () => ({ token: testEntraToken({ oid: 'o', tid: 't' }) }),
      });
      const result = await client.headManifest(
        { registry: 'sneaky.azurecr.io', repository: 'shop/web', reference: 'v1' },
        { kind: 'azure-ad', source: 'kubelet identity' },
      );
      assert.ok(result.outcome === 'unauthorized');
      assert.equal(result.step, 'exchange');
      assert.equal(collector.seen.length, 0);
      assert.deepEqual(
        registry.seen.filter((r) => r.host.startsWith('sneaky.')).map((r) => `${r.method} ${r.host} ${r.path}`),
        ['POST sneaky.azurecr.io /oauth2/exchange'],
      );
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

describe('parseRegistryErrors', () => {
  it('summarises the distribution errors body, dropping details', () => {
    const body = '{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown","detail":{"Tag":"v9"}}]}';
    assert.deepEqual(parseRegistryErrors(body), [{ code: 'MANIFEST_UNKNOWN', message: 'manifest unknown' }]);
  });

  it("keeps ACR's firewall denial with the client IP it names", () => {
    const body = `{"errors":[{"code":"DENIED","message":"client with IP '203.0.113.7' is not allowed access. Refer https://aka.ms/acr/firewall to grant access."}]}`;
    assert.deepEqual(parseRegistryErrors(body), [
      { code: 'DENIED', message: "client with IP '203.0.113.7' is not allowed access. Refer https://aka.ms/acr/firewall to grant access." },
    ]);
  });

  it('reads OAuth2 and Docker Hub token endpoint error shapes', () => {
    assert.deepEqual(parseRegistryErrors('{"error":"invalid_grant","error_description":"refresh token expired"}'), [
      { code: 'invalid_grant', message: 'refresh token expired' },
    ]);
    assert.deepEqual(parseRegistryErrors('{"details":"incorrect username or password"}'), [
      { code: 'UNKNOWN', message: 'incorrect username or password' },
    ]);
  });

  it('yields nothing for HTML, truncated JSON or unexpected shapes', () => {
    assert.deepEqual(parseRegistryErrors('<html><body>502 Bad Gateway</body></html>'), []);
    assert.deepEqual(parseRegistryErrors('{"errors":[{"code":"DEN'), []);
    assert.deepEqual(parseRegistryErrors('{"errors":"nope"}'), []);
    assert.deepEqual(parseRegistryErrors('[1,2]'), []);
    assert.deepEqual(parseRegistryErrors('{"errors":[null, 5, {"code": 7, "message": {"x": 1}}]}'), [{ code: 'UNKNOWN', message: '' }]);
  });

  it('caps the number of entries, truncates long text and scrubs tokens echoed back', () => {
    const many = JSON.stringify({ errors: Array.from({ length: 50 }, () => ({ code: 'X'.repeat(500), message: 'm'.repeat(5000) })) });
    const out = parseRegistryErrors(many);
    assert.equal(out.length, 10);
    assert.ok(out[0]!.code.length <= 64 && out[0]!.message.length <= 300);
    const echoed = parseRegistryErrors(
      '{"errors":[{"code":"UNAUTHORIZED","message":"bad token Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"}]}',
    );
    assert.ok(!JSON.stringify(echoed).includes('eyJzdWIiOiJ4In0'));
  });

  it('scrubs a credential a registry echoes back in the error code, not only in the message', () => {
    // A registry (or a proxy in front of it) that repeats the Authorization header it was sent — the pull secret's
    // Basic credentials — in the code: the code reaches the CLI report and the card like the message does.
    const basic = 'cHVsbGVyOmh1bnRlcjItcHVsbC1zZWNyZXQ=';
    const echoed = parseRegistryErrors(JSON.stringify({ errors: [{ code: `Basic ${basic}`, message: 'denied' }] }));
    assert.ok(!JSON.stringify(echoed).includes(basic), JSON.stringify(echoed));
    const oauth = parseRegistryErrors(JSON.stringify({ error: `invalid_grant refresh_token=${basic}`, error_description: 'x' }));
    assert.ok(!JSON.stringify(oauth).includes(basic), JSON.stringify(oauth));
  });
});
