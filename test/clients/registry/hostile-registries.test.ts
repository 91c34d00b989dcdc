import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRegistryClient, staticRegistryNetwork, type RegistryClient } from '../../../src/clients/registry/index.js';
import { startHttpsTestServer, type HttpsTestServer } from '../../support/https-test-server.js';

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
      network: staticRegistryNetwork(Object.fromEntries(Object.keys(SCRIPTS).map((host) => [host, { address: '127.0.0.1', port: server.port }]))),
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
    assert.deepEqual(result, { outcome: 'error', status: 500, errors: [], step: 'registry', auth: 'none', message: 'the registry answered HTTP 500' });
  });

  it('stops following a redirect loop', async () => {
    const result = await head('loop.example.com');
    assert.ok(result.outcome === 'error');
    assert.match(result.message ?? '', /redirected more than 3 times/);
  });
});
