import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { writeFakeAz } from './fake-az.js';

const run = promisify(execFile);
const TENANT = '8d3f1c2e-4b5a-4c6d-9e7f-0a1b2c3d4e5f';

describe('fake az', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fake-az-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('prints an access token for the resource in the JSON shape Azure CLI prints, and records the call', async () => {
    const az = await writeFakeAz({ directory: dir, tenantId: TENANT, subscriptionId: 'sub-1', objectId: 'oid-1' });
    const { stdout } = await run(join(dir, 'az'), [
      'account',
      'get-access-token',
      '--output',
      'json',
      '--resource',
      'https://127.0.0.1:8443',
    ]);
    const answer = JSON.parse(stdout) as Record<string, unknown>;
    assert.deepEqual(Object.keys(answer).sort(), ['accessToken', 'expiresOn', 'expires_on', 'subscription', 'tenant', 'tokenType']);
    assert.equal(answer.tenant, TENANT);
    assert.equal(answer.tokenType, 'Bearer');
    assert.match(String(answer.expiresOn), /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}$/);
    const claims = JSON.parse(Buffer.from(String(answer.accessToken).split('.')[1]!, 'base64url').toString('utf8')) as Record<
      string,
      unknown
    >;
    assert.equal(claims.aud, 'https://127.0.0.1:8443');
    assert.equal(claims.oid, 'oid-1');
    assert.equal(claims.exp, answer.expires_on);
    assert.deepEqual(await az.invocations(), [['account', 'get-access-token', '--output', 'json', '--resource', 'https://127.0.0.1:8443']]);
  });

  it('accepts --scope and --tenant like newer Azure CLI versions', async () => {
    await writeFakeAz({ directory: dir, tenantId: TENANT });
    const { stdout } = await run(join(dir, 'az'), [
      'account',
      'get-access-token',
      '--scope',
      'https://management.azure.com/.default',
      '--tenant',
      'other-tenant',
    ]);
    const answer = JSON.parse(stdout) as { accessToken: string; tenant: string };
    assert.equal(answer.tenant, 'other-tenant');
    const claims = JSON.parse(Buffer.from(answer.accessToken.split('.')[1]!, 'base64url').toString('utf8')) as { aud: string };
    assert.equal(claims.aud, 'https://management.azure.com');
  });

  it("fails with Azure CLI's 'az login' message when nobody is logged in", async () => {
    await writeFakeAz({ directory: dir, tenantId: TENANT, loggedIn: false });
    await assert.rejects(
      run(join(dir, 'az'), ['account', 'get-access-token', '--resource', 'https://x']),
      (error: { code?: number; stderr?: string }) => {
        assert.equal(error.code, 1);
        assert.equal(error.stderr, "ERROR: Please run 'az login' to setup account.\n");
        return true;
      },
    );
  });
});
