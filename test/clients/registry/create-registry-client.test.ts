import assert from 'node:assert/strict';
import { manifestPath, createRegistryClient } from '../../../src/clients/registry/create-registry-client.js';
import { createServer as createTcpServer, type Server as TcpServer, type AddressInfo } from 'node:net';
import { staticRegistryNetwork } from '../../../src/clients/registry/registry-network.js';
import type { RegistryClient } from '../../../src/clients/registry/registry-client.js';
import { startHttpsTestServer, type HttpsTestServer } from '../../support/https-test-server.js';
import { expiredCertificate } from '../../support/expired-certificate.js';
import { testTls } from '../../support/tls.js';
import type { IncomingMessage, ServerResponse } from 'node:http';

describe('manifestPath', () => {
  it('builds the manifest path for a tag or a digest', () => {
    assert.equal(
      manifestPath({ registry: 'r', repository: 'library/nginx', reference: '1.27-alpine' }),
      '/v2/library/nginx/manifests/1.27-alpine',
    );
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

async function tcpServer(onConnection: (socket: import('node:net').Socket) => void): Promise<TcpServer & { port: number }> {
  const server = createTcpServer(onConnection);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(server, { port: (server.address() as AddressInfo).port });
}

const closeTcp = (server: TcpServer) => new Promise<void>((resolve) => server.close(() => resolve()));

describe('registry client connection failures', () => {
  let healthy: HttpsTestServer;
  let untrusted: HttpsTestServer;
  let expired: HttpsTestServer;
  let silent: HttpsTestServer;
  let mute: TcpServer & { port: number };
  let resetting: TcpServer & { port: number };
  let closedPort: number;
  const held: import('node:net').Socket[] = [];
  let client: RegistryClient;

  const answer = (_req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => {
    res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="Registry Realm"', 'Docker-Distribution-API-Version': 'registry/2.0' });
    res.end();
  };

  before(async () => {
    const tls = testTls();
    healthy = await startHttpsTestServer(answer);
    untrusted = await startHttpsTestServer(answer, { cert: tls.untrustedCert, key: tls.untrustedKey });
    expired = await startHttpsTestServer(answer, expiredCertificate());
    silent = await startHttpsTestServer(() => undefined); // TLS completes, no HTTP answer ever
    mute = await tcpServer((socket) => held.push(socket)); // accepts TCP, never speaks TLS
    resetting = await tcpServer((socket) => socket.resetAndDestroy());
    const probe = await tcpServer(() => undefined);
    closedPort = probe.port;
    await closeTcp(probe);
    const at = (port: number) => ({ address: '127.0.0.1', port });
    client = createRegistryClient({
      timeoutMs: 400,
      network: staticRegistryNetwork({
        'healthy.example.com': at(healthy.port),
        'registry.internal.test': at(healthy.port),
        'untrusted.example.com': at(untrusted.port),
        'expired.example.com': at(expired.port),
        'silent.example.com': at(silent.port),
        'mute.example.com': at(mute.port),
        'reset.example.com': at(resetting.port),
        'closed.example.com': at(closedPort),
      }),
    });
  });
  after(async () => {
    for (const socket of held) socket.destroy();
    await Promise.all([healthy.close(), untrusted.close(), expired.close(), silent.close(), closeTcp(mute), closeTcp(resetting)]);
  });

  it('reaches a healthy registry and reads its Basic challenge', async () => {
    const ping = await client.ping('healthy.example.com');
    assert.ok(ping.ok);
    assert.equal(ping.status, 401);
    assert.deepEqual(ping.challenge, { scheme: 'Basic', realm: 'Registry Realm', params: { realm: 'Registry Realm' } });
    assert.equal(ping.apiVersionHeader, 'registry/2.0');
  });

  it('reports a name that does not resolve as a DNS failure with ENOTFOUND, without asking real DNS', async () => {
    assert.deepEqual(await client.resolve('nope.azurecr.io'), {
      ok: false,
      code: 'ENOTFOUND',
      message: 'getaddrinfo ENOTFOUND nope.azurecr.io',
    });
    assert.deepEqual(await client.resolve('healthy.example.com'), { ok: true, addresses: ['127.0.0.1'] });
    const ping = await client.ping('nope.azurecr.io');
    assert.ok(!ping.ok);
    assert.deepEqual([ping.kind, ping.phase, ping.code, ping.host], ['dns', 'dns', 'ENOTFOUND', 'nope.azurecr.io']);
    const manifest = await client.headManifest(
      { registry: 'nope.azurecr.io', repository: 'shop/web', reference: 'v1' },
      { kind: 'anonymous' },
    );
    assert.ok(manifest.outcome === 'unreachable');
    assert.deepEqual([manifest.kind, manifest.code, manifest.step], ['dns', 'ENOTFOUND', 'registry']);
  });

  it('reports a certificate from an unknown authority as a TLS failure with Node’s code', async () => {
    const ping = await client.ping('untrusted.example.com');
    assert.ok(!ping.ok);
    assert.equal(ping.kind, 'tls');
    assert.equal(ping.phase, 'tls');
    assert.equal(ping.code, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE');
  });

  it('reports a certificate that does not name the host as ERR_TLS_CERT_ALTNAME_INVALID', async () => {
    const ping = await client.ping('registry.internal.test');
    assert.ok(!ping.ok);
    assert.equal(ping.kind, 'tls');
    assert.equal(ping.code, 'ERR_TLS_CERT_ALTNAME_INVALID');
  });

  it('reports an expired certificate as CERT_HAS_EXPIRED', async () => {
    const ping = await client.ping('expired.example.com');
    assert.ok(!ping.ok);
    assert.equal(ping.kind, 'tls');
    assert.equal(ping.code, 'CERT_HAS_EXPIRED');
  });

  it('reports a closed port as connection refused', async () => {
    const ping = await client.ping('closed.example.com');
    assert.ok(!ping.ok);
    assert.deepEqual([ping.kind, ping.phase, ping.code], ['refused', 'connect', 'ECONNREFUSED']);
  });

  it('reports a connection reset during the handshake as reset', async () => {
    const ping = await client.ping('reset.example.com');
    assert.ok(!ping.ok);
    assert.equal(ping.kind, 'reset');
    assert.equal(ping.code, 'ECONNRESET');
  });

  it('times out a server that accepts the connection but never starts TLS, naming the phase', async () => {
    const ping = await client.ping('mute.example.com');
    assert.ok(!ping.ok);
    assert.deepEqual([ping.kind, ping.phase, ping.code], ['timeout', 'tls', 'ETIMEDOUT']);
  });

  it('times out a registry that completes TLS but never answers', async () => {
    const manifest = await client.headManifest(
      { registry: 'silent.example.com', repository: 'shop/web', reference: 'v1' },
      { kind: 'anonymous' },
    );
    assert.ok(manifest.outcome === 'unreachable');
    assert.deepEqual([manifest.kind, manifest.phase, manifest.step], ['timeout', 'response', 'registry']);
  });
});

/** Registries that answer in ways a well-behaved one would not; each case is a host name of one scripted server. */
const SCRIPTS: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = {
  'http-realm.example.com': (_req, res) => {
    res.writeHead(401, { 'WWW-Authenticate': 'Bearer realm="http://http-realm.example.com/token",service="x"' });
    res.end();
  },
  'no-realm.example.com': (_req, res) => {
    res.writeHead(401, { 'WWW-Authenticate': 'Bearer service="x"' });
    res.end();
  },
  'html-token.example.com': (req, res) => {
    if (req.url?.startsWith('/token')) {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      return res.end('<html>login</html>');
    }
    res.writeHead(401, { 'WWW-Authenticate': 'Bearer realm="https://html-token.example.com/token",service="html-token.example.com"' });
    res.end();
  },
  'no-challenge.example.com': (_req, res) => {
    res.writeHead(401, { 'Content-Type': 'application/json' });
    res.end('{"errors":[{"code":"UNAUTHORIZED","message":"who are you"}]}');
  },
  'broken.example.com': (_req, res) => {
    res.writeHead(500, { 'Content-Type': 'text/html' });
    res.end('<h1>Internal Server Error</h1>');
  },
  'loop.example.com': (_req, res) => {
    res.writeHead(307, { Location: 'https://loop.example.com/v2/shop/web/manifests/again' });
    res.end();
  },
};

describe('registry client against misbehaving registries', () => {
  let server: HttpsTestServer;
  let client: RegistryClient;

  before(async () => {
    server = await startHttpsTestServer((req, res) => SCRIPTS[(req.headers.host ?? '').split(':')[0]!]!(req, res));
    client = createRegistryClient({
      network: staticRegistryNetwork(
        Object.fromEntries(Object.keys(SCRIPTS).map((host) => [host, { address: '127.0.0.1', port: server.port }])),
      ),
    });
  });
  after(() => server.close());

  const head = (registry: string) => client.headManifest({ registry, repository: 'shop/web', reference: 'v1' }, { kind: 'anonymous' });

  it('does not contact a token realm that is not https', async () => {
    const result = await head('http-realm.example.com');
    assert.ok(result.outcome === 'error');
    assert.equal(result.step, 'token');
    assert.match(result.message ?? '', /not https/);
  });

  it('reports a Bearer challenge without a realm', async () => {
    const result = await head('no-realm.example.com');
    assert.ok(result.outcome === 'error');
    assert.match(result.message ?? '', /without a valid realm/);
  });

  it('reports a token endpoint that answers 200 without a token', async () => {
    const result = await head('html-token.example.com');
    assert.ok(result.outcome === 'error');
    assert.equal(result.step, 'token');
    assert.match(result.message ?? '', /without a token/);
  });

  it('reports a 401 without any challenge, keeping the registry errors', async () => {
    const result = await head('no-challenge.example.com');
    assert.ok(result.outcome === 'unauthorized');
    assert.deepEqual(result.errors, [{ code: 'UNAUTHORIZED', message: 'who are you' }]);
    assert.match(result.message ?? '', /without a Bearer or Basic challenge/);
  });

  it('reports a server error as an error with the status', async () => {
    const result = await head('broken.example.com');
    assert.deepEqual(result, {
      outcome: 'error',
      status: 500,
      errors: [],
      step: 'registry',
      auth: 'none',
      message: 'the registry answered HTTP 500',
    });
  });

  it('stops following a redirect loop', async () => {
    const result = await head('loop.example.com');
    assert.ok(result.outcome === 'error');
    assert.match(result.message ?? '', /redirected more than 3 times/);
  });
});
