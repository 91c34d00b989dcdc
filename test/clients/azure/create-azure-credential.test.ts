import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import {
  AzureCliCredential,
  DefaultAzureCredential,
  EnvironmentCredential,
  ManagedIdentityCredential,
  WorkloadIdentityCredential,
} from '@azure/identity';
import { createAzureCredential } from '../../../src/clients/azure/create-azure-credential.js';
import { createAzureReader } from '../../../src/clients/azure/azure-reader.js';
import type { AzureConfig, AzureCredentialKind } from '../../../src/config/index.js';
import { isPullDoctorError } from '../../../src/errors/index.js';
import { writeFakeAz, type FakeAz } from '../../support/fake-az.js';
import { startFakeResourceManager, type FakeResourceManager } from '../../../src/sandbox/resource-manager/index.js';
import { testTls } from '../../support/tls.js';

const TENANT = '2b2b2b2b-1b2c-4d3e-8f4a-5b6c7d8e9f00';
const SUB = '8c8c8c8c-1b2c-4d3e-8f4a-5b6c7d8e9f00';

function config(credential: AzureCredentialKind, extra: Partial<AzureConfig> = {}): AzureConfig {
  return { credential, resourceManagerEndpoint: 'https://management.azure.com', ...extra };
}

/** Runs `run` with one environment variable set (or unset), restoring it afterwards; @azure/identity reads it itself. */
function withEnv(key: string, value: string | undefined, run: () => void): void {
  const saved = process.env[key];
  if (value === undefined) delete process.env[key];
  else process.env[key] = value;
  try {
    run();
  } finally {
    if (saved === undefined) delete process.env[key];
    else process.env[key] = saved;
  }
}

function audience(token: string): string | undefined {
  try {
    return (JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { aud?: string }).aud;
  } catch {
    return undefined;
  }
}

describe('createAzureCredential', () => {
  it('returns null for none, so the Azure checks are skipped', () => {
    assert.equal(createAzureCredential(config('none')), null);
  });

  it('builds exactly the chosen credential; only managed-identity and default may reach the metadata endpoint', () => {
    withEnv('AZURE_FEDERATED_TOKEN_FILE', '/var/run/secrets/azure/tokens/azure-identity-token', () => {
      const cases: Array<[AzureCredentialKind, new (...args: never[]) => unknown]> = [
        ['cli', AzureCliCredential],
        ['managed-identity', ManagedIdentityCredential],
        ['workload-identity', WorkloadIdentityCredential],
        ['environment', EnvironmentCredential],
        ['default', DefaultAzureCredential],
      ];
      for (const [kind, type] of cases) {
        const credential = createAzureCredential(config(kind, { tenantId: TENANT, clientId: '3d3d3d3d-1b2c-4d3e-8f4a-5b6c7d8e9f00' }));
        assert.ok(credential instanceof type, `${kind} builds ${type.name}`);
        const mayReachImds = credential instanceof ManagedIdentityCredential || credential instanceof DefaultAzureCredential;
        assert.equal(mayReachImds, kind === 'managed-identity' || kind === 'default', kind);
      }
    });
  });

  it('cannot reach the instance metadata endpoint from a test: the suite runs with the loopback-only preload (.mocharc.json)', async () => {
    const refused = await new Promise<NodeJS.ErrnoException>((resolve, reject) => {
      const socket = connect({ host: '169.254.169.254', port: 80 });
      socket.on('connect', () => reject(new Error('a test reached 169.254.169.254')));
      socket.on('error', resolve);
    });
    assert.equal(refused.code, 'ECONNREFUSED');
    assert.match(refused.message, /may only reach loopback addresses/);
    // So a managed identity chosen by mistake fails as an unreachable endpoint, never with a real token.
    const credential = createAzureCredential(config('managed-identity'))!;
    await assert.rejects(credential.getToken('https://management.azure.com/.default'));
  });

  it('reports workload identity without a federated token file as AZURE_CREDENTIAL_UNAVAILABLE', () => {
    withEnv('AZURE_FEDERATED_TOKEN_FILE', undefined, () => {
      assert.throws(
        () => createAzureCredential(config('workload-identity', { tenantId: TENANT, clientId: '3d3d3d3d-1b2c-4d3e-8f4a-5b6c7d8e9f00' })),
        (e: unknown) =>
          isPullDoctorError(e) &&
          e.code === 'AZURE_CREDENTIAL_UNAVAILABLE' &&
          /AZURE_FEDERATED_TOKEN_FILE/.test(e.message + (e.advice ?? '')),
      );
    });
  });

  describe('cli, with the fake az first on PATH', () => {
    let dir: string;
    let az: FakeAz;
    let arm: FakeResourceManager;
    let savedPath: string | undefined;

    beforeEach(async () => {
      dir = await mkdtemp(join(tmpdir(), 'pulldoctor-az-'));
      savedPath = process.env.PATH;
      process.env.PATH = `${dir}${delimiter}${savedPath ?? ''}`;
    });

    afterEach(async () => {
      process.env.PATH = savedPath;
      await arm?.close();
      await rm(dir, { recursive: true, force: true });
    });

    it("gets a token for the ARM endpoint from 'az account get-access-token' and reads Azure with it", async () => {
      az = await writeFakeAz({ directory: dir, tenantId: TENANT, subscriptionId: SUB });
      arm = await startFakeResourceManager({ tls: testTls(), tenantId: TENANT, acceptToken: (token) => audience(token) === arm.url });
      arm.addSubscription({ subscriptionId: SUB });
      const credential = createAzureCredential(config('cli', { tenantId: TENANT }));
      assert.ok(credential);
      const clusters = await createAzureReader({ credential, endpoint: arm.url }).listManagedClusters(SUB);
      assert.deepEqual(clusters, []);
      assert.deepEqual(await az.invocations(), [
        ['account', 'get-access-token', '--output', 'json', '--resource', arm.url, '--tenant', TENANT],
      ]);
    });

    it("turns a logged-out CLI into AZURE_CREDENTIAL_UNAVAILABLE that says to run 'az login'", async () => {
      await writeFakeAz({ directory: dir, tenantId: TENANT, loggedIn: false });
      arm = await startFakeResourceManager({ tls: testTls() });
      const credential = createAzureCredential(config('cli'));
      assert.ok(credential);
      await assert.rejects(
        createAzureReader({ credential, endpoint: arm.url }).listManagedClusters(SUB),
        (e: unknown) => isPullDoctorError(e) && e.code === 'AZURE_CREDENTIAL_UNAVAILABLE' && /az login/.test(e.message),
      );
      assert.equal(arm.requests.length, 0);
    });
  });
});
