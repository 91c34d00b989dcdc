import assert from 'node:assert/strict';
import { httpsCall, registryEndpoint } from '../../../src/clients/registry/registry-https.js';
import { staticRegistryNetwork } from '../../../src/clients/registry/registry-network.js';
import { startHttpsTestServer, type HttpsTestServer } from '../../support/https-test-server.js';

describe('httpsCall', () => {
  let server: HttpsTestServer;
  before(async () => {
    server = await startHttpsTestServer((req, res) => {
      if (req.url === '/huge') {
        res.writeHead(404, { 'Content-Type': 'application/json' });
        const chunk = Buffer.alloc(64 * 1024, 'a');
        let sent = 0;
        const pump = () => {
          while (sent < 160 && res.write(chunk)) sent++;
          if (sent < 160) res.once('drain', pump);
          else res.end();
        };
        return pump();
      }
      res.writeHead(200, { 'X-Host-Seen': req.headers.host ?? '' });
      res.end('ok');
    });
  });
  after(() => server.close());

  const options = () => ({
    network: staticRegistryNetwork({ 'registry.example.com': { address: '127.0.0.1', port: server.port } }),
    timeoutMs: 2000,
    maxBodyBytes: 64 * 1024,
  });

  it('connects where the network says but sends the registry host as Host and TLS name', async () => {
    const out = await httpsCall({ method: 'GET', url: new URL('https://registry.example.com/v2/') }, options());
    assert.ok(out.ok);
    assert.equal(out.answer.headers['x-host-seen'], 'registry.example.com');
    assert.equal(out.answer.body, 'ok');
  });

  it('stops reading a hostile 10 MiB body at 64 KiB', async () => {
    const out = await httpsCall({ method: 'GET', url: new URL('https://registry.example.com/huge') }, options());
    assert.ok(out.ok);
    assert.equal(out.answer.status, 404);
    assert.equal(out.answer.truncated, true);
    assert.equal(Buffer.byteLength(out.answer.body), 64 * 1024);
  });

  it('refuses to speak anything but https', async () => {
    await assert.rejects(httpsCall({ method: 'GET', url: new URL('http://registry.example.com/v2/') }, options()));
  });
});

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
