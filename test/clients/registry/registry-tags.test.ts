import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { createRegistryClient } from '../../../src/clients/registry/create-registry-client.js';
import { TAG_PAGE_SIZE, type RegistryClient } from '../../../src/clients/registry/registry-client.js';
import { registryEndpoint } from '../../../src/clients/registry/registry-https.js';
import { staticRegistryNetwork } from '../../../src/clients/registry/registry-network.js';
import { RecentTokens } from '../../../src/clients/registry/registry-tags.js';
import {
  sampleRepository,
  startFakeRegistryServer,
  testEntraToken,
  type FakeAcrOptions,
  type FakeDockerHubOptions,
  type FakeRegistryServer,
  type RepositoryContent,
} from '../../../src/sandbox/registry/index.js';
import { startHttpsTestServer, type HttpsTestServer } from '../../support/https-test-server.js';
import { testTls } from '../../support/tls.js';

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const PULLER = '3f2b8a61-5c1e-4d7a-9a0e-8c6f1e2d4b70';
const STRANGER = 'b1c2d3e4-0000-4000-8000-00000000abcd';

function withTags(...tags: string[]): RepositoryContent {
  const repo = sampleRepository();
  for (const tag of tags) repo.tags[tag] = repo.tags['1.0']!;
  return repo;
}

describe("listTags: one page of a repository's tags, read as a pull reads them", () => {
  const azureAd = { kind: 'azure-ad', source: "Pull Doctor's own Azure identity" } as const;
  const hubBot = { kind: 'basic', username: 'acme-bot', password: 'dckr_pat_7f3kQ9', source: 'secret shop/hub' } as const;
  const acr: FakeAcrOptions = {
    name: 'myacr',
    tenantId: TENANT,
    pullers: new Set([PULLER]),
    repositories: { 'shop/checkout': withTags('1.2.0', '1.2.1', '2.0.0') },
  };
  const hub: FakeDockerHubOptions = {
    users: [{ username: 'acme-bot', password: 'dckr_pat_7f3kQ9' }],
    repositories: { 'library/redis': withTags('7.2', '7.0'), 'acme/private': withTags('3.1') },
    privateRepositories: { 'acme/private': ['acme-bot'] },
  };
  let server: FakeRegistryServer;
  let identity: string;
  const client = (): RegistryClient => createRegistryClient({ network: server.network(), aadToken: async () => ({ token: identity }) });

  before(async () => {
    server = await startFakeRegistryServer({ tls: testTls(), acr: [acr], dockerHub: hub });
  });
  after(() => server.close());
  beforeEach(() => {
    identity = testEntraToken({ oid: PULLER, tid: TENANT });
    delete acr.firewall;
    server.requests.length = 0;
  });

  const checkout = { registry: 'myacr.azurecr.io', repository: 'shop/checkout' };
  const paths = () => server.requests.map((r) => `${r.method} ${r.path.split('?')[0]}`);

  it('lists an ACR repository with the Entra sign-in of the manifest check: challenge, exchange, token, then the list', async () => {
    const result = await client().listTags(checkout, azureAd);
    assert.deepEqual(result, {
      outcome: 'listed',
      tags: ['1.0', '1.2.0', '1.2.1', '2.0.0', 'latest', 'single'],
      more: false,
      auth: 'bearer',
    });
    assert.deepEqual(paths(), [
      'GET /v2/shop/checkout/tags/list',
      'POST /oauth2/exchange',
      'POST /oauth2/token',
      'GET /v2/shop/checkout/tags/list',
    ]);
  });

  it('reuses the token the manifest check just got for the same repository and credential: one request', async () => {
    const c = client();
    const manifest = await c.headManifest({ ...checkout, reference: '1.3.0' }, azureAd);
    assert.equal(manifest.outcome, 'not-found');
    server.requests.length = 0;
    const result = await c.listTags(checkout, azureAd);
    assert.equal(result.outcome, 'listed');
    assert.deepEqual(paths(), ['GET /v2/shop/checkout/tags/list']);
    assert.equal(server.requests[0]!.authorization, 'bearer');
  });

  it('is refused, and says nothing more, when the identity may not pull (no AcrPull) or the firewall blocks it', async () => {
    identity = testEntraToken({ oid: STRANGER, tid: TENANT });
    assert.deepEqual(await client().listTags(checkout, azureAd), { outcome: 'refused', status: 401 });
    identity = testEntraToken({ oid: PULLER, tid: TENANT });
    acr.firewall = { allowedIps: ['203.0.113.0/24'] };
    assert.deepEqual(await client().listTags(checkout, azureAd), { outcome: 'refused', status: 403 });
  });

  it('says a repository the registry does not know is not found (NAME_UNKNOWN)', async () => {
    assert.deepEqual(await client().listTags({ registry: 'myacr.azurecr.io', repository: 'shop/nope' }, azureAd), {
      outcome: 'not-found',
      status: 404,
    });
  });

  it('lists a public Docker Hub repository anonymously, and a private one only with the pull secret', async () => {
    const redis = await client().listTags({ registry: 'docker.io', repository: 'library/redis' }, { kind: 'anonymous' });
    assert.deepEqual(redis, { outcome: 'listed', tags: ['1.0', '7.0', '7.2', 'latest', 'single'], more: false, auth: 'bearer' });
    const denied = await client().listTags({ registry: 'docker.io', repository: 'acme/private' }, { kind: 'anonymous' });
    assert.deepEqual(denied, { outcome: 'refused', status: 401 });
    const allowed = await client().listTags({ registry: 'docker.io', repository: 'acme/private' }, hubBot);
    assert.equal(allowed.outcome, 'listed');
    // The password went to the token realm only, never to the registry itself.
    assert.ok(server.requests.filter((r) => r.host === 'registry-1.docker.io').every((r) => r.authorization !== 'basic'));
  });

  it('reads one page only and says there are more when the registry links a next page', async () => {
    const many = withTags(...Array.from({ length: TAG_PAGE_SIZE + 20 }, (_, i) => `build-${String(i).padStart(4, '0')}`));
    acr.repositories['shop/many'] = many;
    const result = await client().listTags({ registry: 'myacr.azurecr.io', repository: 'shop/many' }, azureAd);
    assert.ok(result.outcome === 'listed');
    assert.equal(result.tags.length, TAG_PAGE_SIZE);
    assert.equal(result.more, true);
    assert.equal(server.requests.filter((r) => r.path.includes('/tags/list')).length, 2, 'the challenge and one page');
  });
});

describe('listTags against misbehaving registries', () => {
  let server: HttpsTestServer;
  const challenge = 'Bearer realm="https://odd.example.com/token",service="odd.example.com"';
  // Two statements, never res.writeHead(…).end(…): restify, loaded by other test files, patches writeHead to return nothing.
  const answer = (res: ServerResponse, status: number, headers: Record<string, string>, body: string) => {
    res.writeHead(status, headers);
    res.end(body);
  };
  const json = { 'Content-Type': 'application/json' };
  const answers: Record<string, (res: ServerResponse) => void> = {
    '/token': (res) => answer(res, 200, json, '{"token":"t0k3n-odd"}'),
    '/v2/shop/html/tags/list': (res) => answer(res, 200, { 'Content-Type': 'text/html' }, '<html>proxy login</html>'),
    '/v2/shop/hostile/tags/list': (res) =>
      answer(
        res,
        200,
        json,
        JSON.stringify({ name: 'shop/hostile', tags: ['1.0', '../../etc/passwd', '<script>', 'a'.repeat(500), 42, null, '1.1', '1.1'] }),
      ),
    // A registry that ignores `n` and sends everything: far more than the body limit.
    '/v2/shop/huge/tags/list': (res) =>
      answer(res, 200, json, JSON.stringify({ name: 'shop/huge', tags: Array.from({ length: 20_000 }, (_, i) => `v1.${i}.0`) })),
    '/v2/shop/broken/tags/list': (res) => answer(res, 500, {}, 'oops'),
  };

  before(async () => {
    server = await startHttpsTestServer((req, res) => {
      const path = (req.url ?? '').split('?')[0]!;
      if (path !== '/token' && req.headers.authorization !== 'Bearer t0k3n-odd')
        return answer(res, 401, { ...json, 'WWW-Authenticate': challenge }, '{"errors":[]}');
      (answers[path] ?? ((r: ServerResponse) => answer(r, 404, {}, '')))(res);
    });
  });
  after(() => server.close());

  const list = (repository: string) =>
    createRegistryClient({ network: staticRegistryNetwork({ 'odd.example.com': { address: '127.0.0.1', port: server.port } }) }).listTags(
      { registry: 'odd.example.com', repository },
      { kind: 'anonymous' },
    );

  it('takes an answer that is not JSON (a proxy page) for an error, never for a repository without tags', async () => {
    assert.deepEqual(await list('shop/html'), {
      outcome: 'error',
      status: 200,
      message: 'the registry answered with something else than a tag list',
    });
  });

  it('keeps only valid, distinct tag names from a hostile list', async () => {
    assert.deepEqual(await list('shop/hostile'), { outcome: 'listed', tags: ['1.0', '1.1'], more: false, auth: 'bearer' });
  });

  it('reads an answer cut at the body limit up to its last complete tag, and says there are more', async () => {
    const result = await list('shop/huge');
    assert.ok(result.outcome === 'listed');
    assert.equal(result.more, true);
    assert.ok(result.tags.length > 100 && result.tags.length <= TAG_PAGE_SIZE, String(result.tags.length));
    assert.ok(result.tags.every((t) => /^v1\.\d+\.0$/.test(t)));
  });

  it('reports a server error with its status, and a repository name outside the grammar without asking', async () => {
    assert.deepEqual(await list('shop/broken'), { outcome: 'error', status: 500, message: 'the registry answered HTTP 500' });
    const before = server.seen.length;
    assert.equal((await list('../admin')).outcome, 'error');
    assert.equal(server.seen.length, before);
  });
});

describe('RecentTokens', () => {
  const registry = registryEndpoint('myacr.azurecr.io');
  const basic = (password: string) => ({ kind: 'basic', username: 'deploy', password, source: 'secret shop/regcred' }) as const;

  it('keeps a sign-in for a minute, then forgets it', () => {
    let now = 1_000;
    const tokens = new RecentTokens(60_000, 10, () => now);
    const key = RecentTokens.key(registry, 'shop/web', { kind: 'anonymous' });
    tokens.set(key, 'Bearer a');
    now += 59_999;
    assert.equal(tokens.get(key), 'Bearer a');
    now += 1;
    assert.equal(tokens.get(key), undefined);
  });

  it('keys by registry, repository and a hash of the credential: another password is another key, and none is in the key', () => {
    const a = RecentTokens.key(registry, 'shop/web', basic('correct-horse'));
    assert.notEqual(a, RecentTokens.key(registry, 'shop/web', basic('Tr0ub4dor')));
    assert.notEqual(a, RecentTokens.key(registry, 'shop/api', basic('correct-horse')));
    assert.notEqual(a, RecentTokens.key(registryEndpoint('other.azurecr.io'), 'shop/web', basic('correct-horse')));
    assert.ok(!a.includes('correct-horse') && !a.includes('deploy'));
  });

  it('holds at most its limit, dropping the oldest', () => {
    const tokens = new RecentTokens(60_000, 3);
    for (let i = 0; i < 5; i++) tokens.set(`k${i}`, `Bearer ${i}`);
    assert.deepEqual(
      ['k0', 'k1', 'k2', 'k3', 'k4'].map((k) => tokens.get(k)),
      [undefined, undefined, 'Bearer 2', 'Bearer 3', 'Bearer 4'],
    );
  });
});
