import assert from 'node:assert/strict';
import { createRegistryClient } from '../../../src/clients/registry/create-registry-client.js';
import { type RegistryClient, MANIFEST_MEDIA_TYPES } from '../../../src/clients/registry/registry-client.js';
import {
  startFakeRegistryServer,
  sampleRepository,
  testEntraToken,
  type FakeRegistryServer,
  type FakeAcrOptions,
} from '../../../src/sandbox/registry/index.js';
import { testTls } from '../../support/tls.js';

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const KUBELET_OID = '3f2b8a61-5c1e-4d7a-9a0e-8c6f1e2d4b70';
const STRANGER_OID = 'b1c2d3e4-0000-4000-8000-00000000abcd';
const registry = 'myacr.azurecr.io';

describe('registry client against a fake Azure Container Registry', () => {
  const repository = sampleRepository();
  const acr: FakeAcrOptions = {
    name: 'myacr',
    tenantId: TENANT,
    pullers: new Set([KUBELET_OID]),
    basicUsers: [{ username: 'myacr', password: 'admin-password-7Qk2' }],
    repositories: { 'shop/web': repository },
  };
  let server: FakeRegistryServer;
  let identity: { token: string; tenantId?: string };
  let client: RegistryClient;

  before(async () => {
    server = await startFakeRegistryServer({ tls: testTls(), acr: [acr] });
  });
  after(() => server.close());
  beforeEach(() => {
    acr.pullers = new Set([KUBELET_OID]);
    delete acr.firewall;
    delete acr.rateLimit;
    delete acr.anonymousPull;
    identity = { token: testEntraToken({ oid: KUBELET_OID, tid: TENANT }), tenantId: TENANT };
    client = createRegistryClient({ network: server.network(), aadToken: async () => identity });
    server.requests.length = 0;
  });

  const web = (reference: string) => ({ registry, repository: 'shop/web', reference });
  const azureAd = { kind: 'azure-ad', source: 'Pull Doctor identity' } as const;

  it('sees the Bearer challenge ACR sends from /v2/', async () => {
    const ping = await client.ping(registry);
    assert.ok(ping.ok);
    assert.equal(ping.status, 401);
    assert.equal(ping.host, registry);
    assert.equal(ping.apiVersionHeader, 'registry/2.0');
    assert.equal(ping.challenge?.scheme, 'Bearer');
    assert.equal(ping.challenge?.realm, 'https://myacr.azurecr.io/oauth2/token');
    assert.equal(ping.challenge?.service, 'myacr.azurecr.io');
    assert.equal(ping.errors[0]?.code, 'UNAUTHORIZED');
  });

  it('finds the image with an identity that has AcrPull, through /oauth2/exchange and /oauth2/token, without an anonymous probe first', async () => {
    const result = await client.headManifest(web('latest'), azureAd);
    assert.deepEqual(result, {
      outcome: 'found',
      status: 200,
      mediaType: MANIFEST_MEDIA_TYPES.ociIndex,
      digest: repository.tags.latest,
      size: repository.manifests.find((m) => m.digest === repository.tags.latest)!.bytes.length,
      auth: 'bearer',
    });
    assert.deepEqual(
      server.requests.map((r) => `${r.method} ${r.host}${r.path} ${r.authorization}`),
      [
        'POST myacr.azurecr.io/oauth2/exchange none',
        'POST myacr.azurecr.io/oauth2/token none',
        'HEAD myacr.azurecr.io/v2/shop/web/manifests/latest bearer',
      ],
    );
  });

  it('keeps its ACR tokens: a second check of the repository is one manifest request, another repository one token request more', async () => {
    await client.headManifest(web('latest'), azureAd);
    server.requests.length = 0;
    assert.equal((await client.headManifest(web('single'), azureAd)).outcome, 'found');
    assert.equal((await client.headManifest({ registry, repository: 'shop/missing', reference: 'latest' }, azureAd)).outcome, 'not-found');
    assert.deepEqual(
      server.requests.map((r) => `${r.method} ${r.path} ${r.authorization}`),
      [
        'HEAD /v2/shop/web/manifests/single bearer',
        'POST /oauth2/token none',
        'HEAD /v2/shop/missing/manifests/latest bearer',
        'GET /v2/shop/missing/manifests/latest bearer',
      ],
    );
  });

  it('signs in again once when the registry refuses a kept token', async () => {
    await client.headManifest(web('latest'), azureAd);
    server.revokeTokens();
    server.requests.length = 0;
    assert.equal((await client.headManifest(web('latest'), azureAd)).outcome, 'found');
    assert.deepEqual(
      server.requests.map((r) => `${r.method} ${r.path} ${r.authorization}`),
      [
        'HEAD /v2/shop/web/manifests/latest bearer',
        'POST /oauth2/exchange none',
        'POST /oauth2/token none',
        'HEAD /v2/shop/web/manifests/latest bearer',
      ],
    );
  });

  it('falls back to an anonymous pull when the identity may not pull from a registry that allows anonymous pull', async () => {
    identity = { token: testEntraToken({ oid: STRANGER_OID, tid: TENANT }) };
    acr.anonymousPull = true;
    server.requests.length = 0;
    const result = await client.headManifest(web('latest'), azureAd);
    assert.equal(result.outcome, 'found');
    // After the refused sign-in, the anonymous token flow a node would use.
    assert.deepEqual(server.requests.map((r) => `${r.method} ${r.path} ${r.authorization}`).slice(2), [
      'HEAD /v2/shop/web/manifests/latest none',
      'GET /oauth2/token none',
      'HEAD /v2/shop/web/manifests/latest bearer',
    ]);
  });

  it('reports unauthorized at the token step when the identity signs in but has no AcrPull', async () => {
    identity = { token: testEntraToken({ oid: STRANGER_OID, tid: TENANT }) };
    const result = await client.headManifest(web('latest'), azureAd);
    assert.equal(result.outcome, 'unauthorized');
    assert.ok(result.outcome === 'unauthorized');
    assert.equal(result.step, 'token');
    assert.equal(result.status, 401);
    assert.equal(result.errors[0]?.code, 'UNAUTHORIZED');
    assert.match(result.errors[0]!.message, /aka\.ms\/acr\/authorization/);

    acr.pullers.add(STRANGER_OID);
    assert.equal((await client.headManifest(web('latest'), azureAd)).outcome, 'found');
  });

  it('sends exactly the documented exchange and token forms, secrets only in their own fields', async () => {
    await client.headManifest(web('latest'), azureAd);
    const forms = server.requests.filter((r) => r.method === 'POST').map((r) => r.form);
    assert.deepEqual(forms, [
      { grant_type: 'access_token', service: 'myacr.azurecr.io', tenant: TENANT, access_token: '[present]' },
      { grant_type: 'refresh_token', service: 'myacr.azurecr.io', scope: 'repository:shop/web:pull', refresh_token: '[present]' },
    ]);
  });

  it("names the tenant from the token's tid claim when the provider does not", async () => {
    identity = { token: testEntraToken({ oid: KUBELET_OID, tid: TENANT }) };
    assert.equal((await client.headManifest(web('latest'), azureAd)).outcome, 'found');
    assert.equal(server.requests.find((r) => r.path === '/oauth2/exchange')?.form?.tenant, TENANT);
  });

  it('is refused at the exchange for an identity of another tenant', async () => {
    const foreign = '11111111-2222-4333-8444-555555555555';
    identity = { token: testEntraToken({ oid: KUBELET_OID, tid: foreign }), tenantId: foreign };
    const result = await client.headManifest(web('latest'), azureAd);
    assert.ok(result.outcome === 'unauthorized');
    assert.equal(result.step, 'exchange');
    assert.equal(result.auth, 'bearer');
  });

  it('reports an expired Entra token as refused at the exchange', async () => {
    identity = { token: testEntraToken({ oid: KUBELET_OID, tid: TENANT, exp: Math.floor(Date.now() / 1000) - 60 }) };
    const result = await client.headManifest(web('latest'), azureAd);
    assert.ok(result.outcome === 'unauthorized');
    assert.equal(result.step, 'exchange');
    assert.match(result.errors[0]!.message, /expired/);
  });

  it('finds a Docker v2 manifest by digest', async () => {
    const digest = repository.tags.single!;
    const result = await client.headManifest(web(digest), azureAd);
    assert.ok(result.outcome === 'found');
    assert.equal(result.mediaType, MANIFEST_MEDIA_TYPES.dockerManifest);
    assert.equal(result.digest, digest);
  });

  it('tells a missing tag (MANIFEST_UNKNOWN) from a missing repository (NAME_UNKNOWN)', async () => {
    const tag = await client.headManifest(web('v9.9.9'), azureAd);
    assert.deepEqual(tag, {
      outcome: 'not-found',
      status: 404,
      errors: [{ code: 'MANIFEST_UNKNOWN', message: 'manifest tagged by "v9.9.9" is not found' }],
      auth: 'bearer',
    });
    const repo = await client.headManifest({ registry, repository: 'shop/missing', reference: 'latest' }, azureAd);
    assert.ok(repo.outcome === 'not-found');
    assert.deepEqual(repo.errors, [{ code: 'NAME_UNKNOWN', message: 'repository name not known to registry' }]);
  });

  it("reports the firewall's 403 DENIED with the client IP the registry saw", async () => {
    acr.firewall = { allowedIps: ['198.51.100.10'], clientIp: '203.0.113.7' };
    const denied = "client with IP '203.0.113.7' is not allowed access. Refer https://aka.ms/acr/firewall to grant access.";
    const result = await client.headManifest(web('latest'), azureAd);
    // The firewall refuses every request, the sign-in at /oauth2/exchange (the first one sent) included.
    assert.deepEqual(result, {
      outcome: 'forbidden',
      status: 403,
      errors: [{ code: 'DENIED', message: denied }],
      step: 'exchange',
      auth: 'bearer',
    });
    const ping = await client.ping(registry);
    assert.ok(ping.ok);
    assert.equal(ping.status, 403);
    assert.deepEqual(ping.errors, [{ code: 'DENIED', message: denied }]);
  });

  it('reports throttling as rate-limited with Retry-After', async () => {
    acr.rateLimit = { retryAfterSeconds: 30 };
    const result = await client.headManifest(web('latest'), azureAd);
    assert.ok(result.outcome === 'rate-limited');
    assert.equal(result.status, 429);
    assert.equal(result.retryAfter, '30');
    assert.equal(result.errors[0]?.code, 'TOOMANYREQUESTS');
  });

  it('is refused an anonymous token unless anonymous pull is enabled', async () => {
    const refused = await client.headManifest(web('latest'), { kind: 'anonymous' });
    assert.ok(refused.outcome === 'unauthorized');
    assert.equal(refused.step, 'token');
    acr.anonymousPull = true;
    const allowed = await client.headManifest(web('latest'), { kind: 'anonymous' });
    assert.equal(allowed.outcome, 'found');
  });

  it('gets a token with the admin user over Basic auth, and is refused with a wrong password', async () => {
    const admin = { kind: 'basic', username: 'myacr', password: 'admin-password-7Qk2', source: 'secret shop/acr-admin' } as const;
    assert.equal((await client.headManifest(web('latest'), admin)).outcome, 'found');
    const wrong = await client.headManifest(web('latest'), { ...admin, password: 'nope' });
    assert.ok(wrong.outcome === 'unauthorized');
    assert.equal(wrong.step, 'token');
    assert.equal(wrong.auth, 'basic');
  });

  it('says so when no Entra token provider is configured, and when the provider fails', async () => {
    const noProvider = createRegistryClient({ network: server.network() });
    const result = await noProvider.headManifest(web('latest'), azureAd);
    assert.ok(result.outcome === 'error');
    assert.equal(result.step, 'exchange');
    assert.match(result.message ?? '', /no Entra token provider/);

    const failing = createRegistryClient({
      network: server.network(),
      aadToken: async () => {
        throw new Error('ManagedIdentityCredential: connect ECONNREFUSED 169.254.169.254:80');
      },
    });
    const failed = await failing.headManifest(web('latest'), azureAd);
    assert.ok(failed.outcome === 'error');
    assert.equal(failed.step, 'exchange');
    assert.match(failed.message ?? '', /could not get an Entra token/);
  });
});
