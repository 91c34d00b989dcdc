import assert from 'node:assert/strict';
import { createGraphClient } from '../../../src/clients/graph/graph-client.js';
import { isPullDoctorError, type ErrorCode } from '../../../src/errors/index.js';
import { createLogger, memorySink } from '../../../src/logging/index.js';
import { graphErrors, sandboxGraphCredential, startFakeGraph, type FakeGraph } from '../../support/graph/index.js';
import { startHttpsTestServer } from '../../support/https-test-server.js';
import { testTls } from '../../support/tls.js';

const TENANT = '8f3e6a1c-2b4d-4e5f-9a6b-7c8d9e0f1a2b';
const PLATFORM_ADMINS = '5d2c9b8a-7f6e-4d3c-8b2a-1f0e9d8c7b6a';
const SRE_ONCALL = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
const ANA = '6f1e2d3c-4b5a-4987-8a6b-5c4d3e2f1a0b';
const BEN = '0b9c8d7e-6f5a-4b3c-9d2e-1f0a9b8c7d6e';

async function rejectsWith(
  promise: Promise<unknown>,
  code: ErrorCode,
): Promise<Error & { facts: Record<string, unknown>; advice?: string }> {
  try {
    await promise;
  } catch (error) {
    assert.ok(isPullDoctorError(error), `expected a PullDoctorError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    return error as never;
  }
  assert.fail(`expected ${code}`);
}

describe('Microsoft Graph client (against the fake Graph)', () => {
  let graph: FakeGraph;
  beforeEach(async () => {
    graph = await startFakeGraph({ tls: testTls(), tenantId: TENANT });
    graph.addUser(ANA);
    graph.addUser(BEN);
    graph.addGroup(SRE_ONCALL, [ANA]);
    graph.addGroup(PLATFORM_ADMINS, [SRE_ONCALL]);
  });
  afterEach(() => graph.close());

  const client = (roles?: string[], tenantId = TENANT) => {
    const credential = sandboxGraphCredential({ tenantId, ...(roles ? { roles } : {}) });
    return { credential, graph: createGraphClient({ credential, baseUrl: graph.url }) };
  };

  it('answers the groups a user belongs to, through nested groups, with a token for https://graph.microsoft.com/.default', async () => {
    const { credential, graph: g } = client();
    assert.deepEqual(await g.checkMemberGroups(ANA, [PLATFORM_ADMINS]), [PLATFORM_ADMINS]);
    assert.deepEqual(await g.checkMemberGroups(ANA.toUpperCase(), [SRE_ONCALL, PLATFORM_ADMINS]), [SRE_ONCALL, PLATFORM_ADMINS]);
    assert.deepEqual(credential.scopes[0], ['https://graph.microsoft.com/.default']);
    assert.deepEqual(graph.requests[0], {
      method: 'POST',
      path: `/v1.0/directoryObjects/${ANA}/checkMemberGroups`,
      status: 200,
      authenticated: true,
      groupIds: [PLATFORM_ADMINS],
    });
  });

  it('answers no groups for a user who is not a member', async () => {
    assert.deepEqual(await client().graph.checkMemberGroups(BEN, [PLATFORM_ADMINS]), []);
  });

  it('fails with AZURE_FORBIDDEN and names the Graph permissions when the identity lacks them', async () => {
    const error = await rejectsWith(client(['User.ReadBasic.All']).graph.checkMemberGroups(ANA, [PLATFORM_ADMINS]), 'AZURE_FORBIDDEN');
    assert.equal(error.facts.status, 403);
    assert.equal(error.facts.graphCode, 'Authorization_RequestDenied');
    assert.match(error.message, /Insufficient privileges to complete the operation/);
    assert.match(error.advice!, /GroupMember\.Read\.All/);
    assert.match(error.advice!, /User\.ReadBasic\.All/);
  });

  it('accepts Directory.Read.All instead of the narrower permissions', async () => {
    assert.deepEqual(await client(['Directory.Read.All']).graph.checkMemberGroups(ANA, [PLATFORM_ADMINS]), [PLATFORM_ADMINS]);
  });

  it('fails with AZURE_NOT_FOUND for an object the directory does not know', async () => {
    const error = await rejectsWith(
      client().graph.checkMemberGroups('11111111-2222-4333-8444-555555555555', [PLATFORM_ADMINS]),
      'AZURE_NOT_FOUND',
    );
    assert.equal(error.facts.graphCode, 'Request_ResourceNotFound');
  });

  it('fails with AZURE_UNAUTHORIZED for a token of another tenant', async () => {
    const error = await rejectsWith(
      client(undefined, '00000000-0000-4000-8000-000000000000').graph.checkMemberGroups(ANA, [PLATFORM_ADMINS]),
      'AZURE_UNAUTHORIZED',
    );
    assert.equal(error.facts.graphCode, 'InvalidAuthenticationToken');
  });

  it('fails with AZURE_THROTTLED and keeps Retry-After, and with AZURE_API_ERROR for a 503', async () => {
    graph.failNext(429, graphErrors.throttled(), { retryAfter: 7 });
    const throttled = await rejectsWith(client().graph.checkMemberGroups(ANA, [PLATFORM_ADMINS]), 'AZURE_THROTTLED');
    assert.equal(throttled.facts.retryAfter, 7);
    graph.failNext(503, graphErrors.serviceUnavailable());
    const unavailable = await rejectsWith(client().graph.checkMemberGroups(ANA, [PLATFORM_ADMINS]), 'AZURE_API_ERROR');
    assert.equal(unavailable.facts.status, 503);
    assert.equal(typeof unavailable.facts.requestId, 'string');
  });

  it('refuses ids that are not GUIDs and more than 20 groups before calling Graph', async () => {
    const { graph: g } = client();
    await rejectsWith(g.checkMemberGroups('ana@contoso.com', [PLATFORM_ADMINS]), 'INVALID_INPUT');
    await rejectsWith(g.checkMemberGroups(ANA, ['../../users']), 'INVALID_INPUT');
    await rejectsWith(
      g.checkMemberGroups(
        ANA,
        Array.from({ length: 21 }, () => PLATFORM_ADMINS),
      ),
      'INVALID_INPUT',
    );
    await rejectsWith(g.checkMemberGroups(ANA, []), 'INVALID_INPUT');
    assert.equal(graph.requests.length, 0);
  });

  it('never puts the token in an error or a log', async () => {
    const sink = memorySink();
    const credential = sandboxGraphCredential({ tenantId: TENANT, roles: [] });
    const g = createGraphClient({ credential, baseUrl: graph.url, log: createLogger({ sink, level: 'debug' }) });
    const error = await rejectsWith(g.checkMemberGroups(ANA, [PLATFORM_ADMINS]), 'AZURE_FORBIDDEN');
    const token = credential.issued[0]!;
    const printed = JSON.stringify({ message: error.message, facts: error.facts, advice: error.advice, logs: sink.records });
    assert.ok(!printed.includes(token));
    assert.ok(!printed.includes(token.split('.')[1]!));
  });
});

describe('Microsoft Graph client (against misbehaving servers)', () => {
  const credential = sandboxGraphCredential({ tenantId: TENANT });

  it('fails with AZURE_API_ERROR when the answer is not the Graph collection it expects', async () => {
    for (const body of ['<html>gateway</html>', '{"value":"yes"}', '{"value":[1,2]}']) {
      const server = await startHttpsTestServer((_req, res) => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(body);
      });
      try {
        const error = await rejectsWith(
          createGraphClient({ credential, baseUrl: `https://127.0.0.1:${server.port}` }).checkMemberGroups(ANA, [PLATFORM_ADMINS]),
          'AZURE_API_ERROR',
        );
        assert.match(error.message, /unexpected/);
      } finally {
        await server.close();
      }
    }
  });

  it('only answers groups it asked about, even when the server lists others', async () => {
    const server = await startHttpsTestServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ value: [SRE_ONCALL, PLATFORM_ADMINS.toUpperCase()] }));
    });
    try {
      assert.deepEqual(
        await createGraphClient({ credential, baseUrl: `https://127.0.0.1:${server.port}` }).checkMemberGroups(ANA, [PLATFORM_ADMINS]),
        [PLATFORM_ADMINS],
      );
    } finally {
      await server.close();
    }
  });

  it('gives up with AZURE_API_ERROR when the server does not answer in time', async () => {
    const server = await startHttpsTestServer(() => undefined);
    try {
      const error = await rejectsWith(
        createGraphClient({ credential, baseUrl: `https://127.0.0.1:${server.port}`, timeoutMs: 200 }).checkMemberGroups(ANA, [
          PLATFORM_ADMINS,
        ]),
        'AZURE_API_ERROR',
      );
      assert.match(error.message, /could not be reached/);
    } finally {
      await server.close();
    }
  });

  it('refuses a server whose certificate is not trusted', async () => {
    const tls = testTls();
    const server = await startHttpsTestServer((_req, res) => res.end('{"value":[]}'), { cert: tls.untrustedCert, key: tls.untrustedKey });
    try {
      await rejectsWith(
        createGraphClient({ credential, baseUrl: `https://127.0.0.1:${server.port}` }).checkMemberGroups(ANA, [PLATFORM_ADMINS]),
        'AZURE_API_ERROR',
      );
      assert.equal(server.seen.length, 0);
    } finally {
      await server.close();
    }
  });

  it('fails with AZURE_CREDENTIAL_UNAVAILABLE when no token can be had', async () => {
    const broken = {
      getToken: async () =>
        Promise.reject(Object.assign(new Error('ManagedIdentityCredential: no identity'), { name: 'CredentialUnavailableError' })),
    };
    const error = await rejectsWith(
      createGraphClient({ credential: broken, baseUrl: 'https://127.0.0.1:9' }).checkMemberGroups(ANA, [PLATFORM_ADMINS]),
      'AZURE_CREDENTIAL_UNAVAILABLE',
    );
    assert.equal(error.facts.credentialError, 'CredentialUnavailableError');
  });
});
