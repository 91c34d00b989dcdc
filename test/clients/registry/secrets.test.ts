import assert from 'node:assert/strict';
import { createRegistryClient } from '../../../src/clients/registry/create-registry-client.js';
import type { ImageLocation, RegistryCredential } from '../../../src/clients/registry/registry-client.js';
import { createLogger, memorySink } from '../../../src/logging/index.js';
import { startFakeRegistryServer, sampleRepository, testEntraToken, type FakeRegistryServer } from '../../../src/sandbox/registry/index.js';
import { testTls } from '../../support/tls.js';

describe('registry client secrets', () => {
  const tenant = '72f988bf-86f1-41af-91ab-2d7cd011db47';
  const allowed = testEntraToken({ oid: 'aaaaaaaa-0000-4000-8000-000000000001', tid: tenant });
  const stranger = testEntraToken({ oid: 'bbbbbbbb-0000-4000-8000-000000000002', tid: tenant });
  const adminPassword = 'Adm1n+Passw0rd/ACR=';
  const hubPassword = 'dckr_pat_s3cr3t-hub-token';
  let server: FakeRegistryServer;

  before(async () => {
    server = await startFakeRegistryServer({
      tls: testTls(),
      acr: [
        {
          name: 'myacr',
          tenantId: tenant,
          pullers: new Set(['aaaaaaaa-0000-4000-8000-000000000001']),
          basicUsers: [{ username: 'myacr', password: adminPassword }],
          repositories: { 'shop/web': sampleRepository() },
        },
      ],
      dockerHub: {
        users: [{ username: 'acme-bot', password: hubPassword }],
        repositories: { 'acme/private': sampleRepository() },
        privateRepositories: { 'acme/private': ['acme-bot'] },
      },
    });
  });
  after(() => server.close());

  it('keeps passwords, Entra tokens, registry tokens and Authorization headers out of results and debug logs', async () => {
    const sink = memorySink();
    let entra = allowed;
    const client = createRegistryClient({
      network: server.network(),
      aadToken: async () => ({ token: entra }),
      log: createLogger({ sink, level: 'debug' }),
    });
    const acrWeb: ImageLocation = { registry: 'myacr.azurecr.io', repository: 'shop/web', reference: 'latest' };
    const hubPrivate: ImageLocation = { registry: 'docker.io', repository: 'acme/private', reference: 'latest' };
    const runs: Array<[ImageLocation, RegistryCredential]> = [
      [acrWeb, { kind: 'azure-ad', source: 'identity' }],
      [acrWeb, { kind: 'basic', username: 'myacr', password: adminPassword, source: 'secret' }],
      [acrWeb, { kind: 'basic', username: 'myacr', password: `${adminPassword}x`, source: 'secret' }],
      [hubPrivate, { kind: 'basic', username: 'acme-bot', password: hubPassword, source: 'secret' }],
      [hubPrivate, { kind: 'basic', username: 'acme-bot', password: `${hubPassword}x`, source: 'secret' }],
      [
        { ...acrWeb, reference: 'missing' },
        { kind: 'azure-ad', source: 'identity' },
      ],
    ];
    const results: unknown[] = [];
    for (const [image, credential] of runs) results.push(await client.headManifest(image, credential));
    entra = stranger;
    // A new client: the first one keeps its ACR tokens, which would still let it read.
    const strangers = createRegistryClient({
      network: server.network(),
      aadToken: async () => ({ token: entra }),
      log: createLogger({ sink, level: 'debug' }),
    });
    results.push(await strangers.headManifest(acrWeb, { kind: 'azure-ad', source: 'identity' }));
    results.push(await client.ping('myacr.azurecr.io'));

    const outcomes = results.map((r) => (r as { outcome?: string }).outcome);
    assert.deepEqual(outcomes, ['found', 'found', 'unauthorized', 'found', 'unauthorized', 'not-found', 'unauthorized', undefined]);
    const issued = server.issuedTokens();
    assert.ok(issued.length >= 5, 'the flows issued registry tokens');
    assert.ok(
      sink.records.some((r) => r.path === '/oauth2/exchange'),
      'requests were logged',
    );

    const text = JSON.stringify({ results, logs: sink.records });
    const secrets = [
      allowed,
      stranger,
      adminPassword,
      hubPassword,
      Buffer.from(`myacr:${adminPassword}`).toString('base64'),
      Buffer.from(`acme-bot:${hubPassword}`).toString('base64'),
      ...issued,
      ...issued.map((t) => t.split('.')[2]!),
    ];
    for (const secret of secrets) assert.ok(!text.includes(secret), `a secret leaked: ${secret.slice(0, 12)}…`);
    assert.ok(!/\b(Bearer|Basic) [A-Za-z0-9+/=._-]{8,}/.test(text), 'no Authorization header value was logged');
  });
});
