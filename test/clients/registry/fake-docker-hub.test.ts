import assert from 'node:assert/strict';
import { createRegistryClient } from '../../../src/clients/registry/create-registry-client.js';
import { type RegistryClient, MANIFEST_MEDIA_TYPES } from '../../../src/clients/registry/registry-client.js';
import {
  startFakeRegistryServer,
  sampleRepository,
  type FakeDockerHubOptions,
  type FakeRegistryServer,
} from '../../../src/sandbox/registry/index.js';
import { testTls } from '../../support/tls.js';

describe('registry client against a Docker Hub-like registry', () => {
  const nginx = sampleRepository();
  const hub: FakeDockerHubOptions = {
    users: [{ username: 'acme-bot', password: 'dckr_pat_7f3kQ9' }],
    repositories: { 'library/nginx': nginx, 'acme/private': sampleRepository() },
    privateRepositories: { 'acme/private': ['acme-bot'] },
  };
  let server: FakeRegistryServer;
  let client: RegistryClient;
  const bot = { kind: 'basic', username: 'acme-bot', password: 'dckr_pat_7f3kQ9', source: 'secret shop/hub' } as const;

  before(async () => {
    server = await startFakeRegistryServer({ tls: testTls(), dockerHub: hub });
    client = createRegistryClient({ network: server.network() });
  });
  after(() => server.close());
  beforeEach(() => {
    delete hub.rateLimit;
    server.requests.length = 0;
  });

  it('pings registry-1.docker.io when asked about docker.io', async () => {
    const ping = await client.ping('docker.io');
    assert.ok(ping.ok);
    assert.equal(ping.host, 'registry-1.docker.io');
    assert.equal(ping.challenge?.realm, 'https://auth.docker.io/token');
    assert.equal(ping.challenge?.service, 'registry.docker.io');
  });

  it('pulls a public image with an anonymous token from auth.docker.io', async () => {
    const result = await client.headManifest(
      { registry: 'docker.io', repository: 'library/nginx', reference: 'latest' },
      { kind: 'anonymous' },
    );
    assert.ok(result.outcome === 'found');
    assert.equal(result.digest, nginx.tags.latest);
    assert.equal(result.mediaType, MANIFEST_MEDIA_TYPES.ociIndex);
    assert.deepEqual(
      server.requests.map((r) => `${r.method} ${r.host}${r.path} ${r.authorization}`),
      [
        'HEAD registry-1.docker.io/v2/library/nginx/manifests/latest none',
        'GET auth.docker.io/token none',
        'HEAD registry-1.docker.io/v2/library/nginx/manifests/latest bearer',
      ],
    );
  });

  it('reports insufficient_scope for a private repository without credentials', async () => {
    const result = await client.headManifest(
      { registry: 'docker.io', repository: 'acme/private', reference: 'latest' },
      { kind: 'anonymous' },
    );
    assert.ok(result.outcome === 'unauthorized');
    assert.equal(result.step, 'registry');
    assert.equal(result.auth, 'bearer');
    assert.match(result.message ?? '', /insufficient_scope/);
    assert.deepEqual(result.errors, [{ code: 'UNAUTHORIZED', message: 'authentication required' }]);
  });

  it('sends Basic credentials to auth.docker.io for the token and pulls the private image', async () => {
    const result = await client.headManifest({ registry: 'docker.io', repository: 'acme/private', reference: 'latest' }, bot);
    assert.equal(result.outcome, 'found');
    assert.equal(server.requests.find((r) => r.host === 'auth.docker.io')?.authorization, 'basic');
  });

  it('reports a wrong password as unauthorized at the token endpoint', async () => {
    const result = await client.headManifest(
      { registry: 'docker.io', repository: 'acme/private', reference: 'latest' },
      { ...bot, password: 'wrong' },
    );
    assert.ok(result.outcome === 'unauthorized');
    assert.equal(result.step, 'token');
    assert.deepEqual(result.errors, [{ code: 'UNKNOWN', message: 'incorrect username or password' }]);
  });

  it('reports a missing tag with the registry error', async () => {
    const result = await client.headManifest(
      { registry: 'docker.io', repository: 'library/nginx', reference: '0.0.0-nope' },
      { kind: 'anonymous' },
    );
    assert.deepEqual(result, {
      outcome: 'not-found',
      status: 404,
      errors: [{ code: 'MANIFEST_UNKNOWN', message: 'manifest unknown' }],
      auth: 'bearer',
    });
  });

  it('reports the pull rate limit with its message and Retry-After', async () => {
    hub.rateLimit = { retryAfterSeconds: 3600 };
    const result = await client.headManifest(
      { registry: 'docker.io', repository: 'library/nginx', reference: 'latest' },
      { kind: 'anonymous' },
    );
    assert.ok(result.outcome === 'rate-limited');
    assert.equal(result.retryAfter, '3600');
    assert.match(result.errors[0]!.message, /pull rate limit/);
  });
});
