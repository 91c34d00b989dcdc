import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { BlobServiceClient } from '@azure/storage-blob';
import { runAudit } from '../../src/cli/audit-command.js';
import { runCli } from '../../src/cli/main.js';
import type { CliIo } from '../../src/cli/io.js';
import { isPullDoctorError } from '../../src/errors/index.js';
import { silentLogger } from '../../src/logging/index.js';
import { createStore, openBlobStore, openSqliteStore, type Store } from '../../src/store/index.js';
import { writeFakeAz } from '../support/fake-az.js';
import { startAzurite } from '../support/azurite.js';
import { StorageTokenCredential } from '../support/storage-token-credential.js';
import { approve, CARL, fixApprovalsFor, newRequest, startShopAzure, testClock } from '../fixes/fix-harness.js';

function cliIo(env: Record<string, string>): CliIo & { out(): string; err(): string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
  stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
  return { env, stdin: new PassThrough(), stdout, stderr, out: () => out, err: () => err };
}

/** A request approved by Ben, refused for Carl, and executed, one hour ago; and a record from two days ago. */
async function recordHistory(store: Store): Promise<string> {
  const now = Date.now();
  await store.audit.append({
    at: new Date(now - 2 * 86_400_000).toISOString(),
    action: 'fix.requested',
    result: 'ok',
    actor: { id: '6f1e2d3c-4b5a-4987-8a6b-5c4d3e2f1a0b', name: 'Ana Novak' },
    target: { fixRequestId: 'old' },
  });
  const azure = await startShopAzure();
  try {
    const approvals = fixApprovalsFor(store, azure, testClock(new Date(now - 3_600_000).toISOString()));
    const { request } = await approvals.request(newRequest());
    await approvals.decide(approve(request.id, CARL));
    await approvals.decide(approve(request.id));
    await approvals.execute(request.id);
    return request.id;
  } finally {
    await azure.close();
  }
}

describe('pulldoctor audit', () => {
  let dir: string;
  let path: string;
  let store: Store;
  let requestId: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pulldoctor-audit-'));
    path = join(dir, 'state.sqlite');
    store = await openSqliteStore({ path, log: silentLogger() });
    requestId = await recordHistory(store);
  });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists every record as text, oldest first, with who, what, on what, and the reason of a refusal', async () => {
    const io = cliIo({ STORE_SQLITE_PATH: path });
    assert.equal(await runAudit([], io), 0);
    const lines = io.out().trimEnd().split('\n');
    assert.match(lines[0]!, /^\S+Z  fix\.requested +ok +Ana Novak <6f1e2d3c-4b5a-4987-8a6b-5c4d3e2f1a0b>  request old$/);
    const text = io.out();
    assert.match(
      text,
      new RegExp(
        `fix\\.refused +refused +Carl Meyer <9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b>  request ${requestId} AcrPull on shopacr for c0ffee00-1234-4abc-8def-0123456789ab \\(aks-prod shop/web-7d9c5b6f4-x2x9k\\)\\n    You are not one of the approvers for fixes\\.`,
      ),
    );
    assert.match(text, /fix\.approved +ok +Ben Okafor/);
    assert.match(text, /fix\.execution-started +ok +pulldoctor/);
    assert.match(text, /fix\.applied +created +pulldoctor .*\n    Granted AcrPull on shopacr/);
  });

  it('lists only recent records with --since', async () => {
    const io = cliIo({ STORE_SQLITE_PATH: path });
    assert.equal(await runAudit(['--since', '24h'], io), 0);
    assert.ok(!io.out().includes('request old'));
    assert.match(io.out(), /fix\.requested/);
    const none = cliIo({ STORE_SQLITE_PATH: path });
    assert.equal(await runAudit(['--since', '5m'], none), 0);
    assert.match(none.out(), /^No audit records since \S+Z\.\n$/);
  });

  it('prints the records as JSON with --output json', async () => {
    const io = cliIo({ STORE_SQLITE_PATH: path });
    assert.equal(await runAudit(['--output', 'json', '--since', '2000-01-01'], io), 0);
    assert.deepEqual(JSON.parse(io.out()), await store.audit.list());
  });

  it('refuses a --since it cannot read, and arguments it does not take', async () => {
    for (const args of [['--since', 'yesterday'], ['fix-requests'], ['--output', 'yaml']]) {
      await assert.rejects(
        runAudit(args, cliIo({ STORE_SQLITE_PATH: path })),
        (e: unknown) => isPullDoctorError(e) && e.code === 'INVALID_INPUT',
      );
    }
  });

  it('never lets control characters from a record reach the terminal', async () => {
    const other = join(dir, 'hostile.sqlite');
    const hostile = await openSqliteStore({ path: other, log: silentLogger() });
    await hostile.audit.append({
      at: new Date().toISOString(),
      action: 'fix.refused',
      result: 'refused',
      actor: { id: 'x', name: 'Eve\u001b[2J\u001b[31m' },
      reason: 'bad\u0007',
    });
    await hostile.close();
    const io = cliIo({ STORE_SQLITE_PATH: other });
    await runAudit([], io);
    assert.ok(!/[\u0000-\u0009\u000b-\u001f]/.test(io.out()), JSON.stringify(io.out()));
    assert.match(io.out(), /Eve\?\[2J\?\[31m/);
  });

  it('reads the audit log of the Blob store named by the configuration', async function () {
    this.timeout(30_000);
    const azurite = await startAzurite();
    try {
      const env = { STORE_KIND: 'azure-blob', STORE_BLOB_CONNECTION_STRING: azurite.connectionString, STORE_BLOB_CONTAINER: 'audit-cli' };
      const blob = await openBlobStore({
        container: BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient('audit-cli'),
        log: silentLogger(),
      });
      const id = await recordHistory(blob);
      const io = cliIo(env);
      assert.equal(await runAudit(['-o', 'json'], io), 0);
      const records = JSON.parse(io.out()) as Array<{ action: string; target?: Record<string, string> }>;
      assert.deepEqual(records, await blob.audit.list());
      assert.ok(records.some((r) => r.action === 'fix.applied' && r.target?.fixRequestId === id));
      assert.ok(!io.err().includes('Eby8vdM02'), 'the account key never reaches the output');
      await blob.close();
    } finally {
      await azurite.close();
    }
  });
});

describe('pulldoctor audit, run as the command line runs it (runCli)', function () {
  this.timeout(30_000);

  it('reads a Blob store named by its account URL with the credential AZURE_CREDENTIAL chooses (az on PATH)', async () => {
    const azurite = await startAzurite({ oauth: true });
    const dir = mkdtempSync(join(tmpdir(), 'pulldoctor-audit-az-'));
    const savedPath = process.env.PATH;
    try {
      const seeded = await createStore(
        { kind: 'azure-blob', container: 'audit-oauth', accountUrl: azurite.blobUrl },
        { credential: new StorageTokenCredential(), log: silentLogger() },
      );
      const id = await recordHistory(seeded);
      const expected = await seeded.audit.list();
      await seeded.close();
      const az = await writeFakeAz({ directory: dir, tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47' });
      process.env.PATH = `${az.binDirectory}:${savedPath ?? ''}`; // AzureCliCredential runs `az` with the process environment

      const io = cliIo({
        AZURE_CREDENTIAL: 'cli',
        STORE_KIND: 'azure-blob',
        STORE_BLOB_ACCOUNT_URL: azurite.blobUrl,
        STORE_BLOB_CONTAINER: 'audit-oauth',
      });
      assert.equal(await runCli(['audit', '--output', 'json'], io), 0, io.err());
      assert.deepEqual(JSON.parse(io.out()), expected);
      assert.ok(expected.some((r) => r.action === 'fix.applied' && r.target?.fixRequestId === id));
      const invocations = (await az.invocations()).map((i) => i.join(' '));
      assert.ok(invocations.length >= 1);
      for (const invocation of invocations)
        assert.match(invocation, /^account get-access-token --output json --resource https:\/\/storage\.azure\.com\b/);
    } finally {
      process.env.PATH = savedPath;
      rmSync(dir, { recursive: true, force: true });
      await azurite.close();
    }
  });

  it('says which credential to choose when the account URL comes without one', async () => {
    const io = cliIo({
      STORE_KIND: 'azure-blob',
      STORE_BLOB_ACCOUNT_URL: 'https://127.0.0.1:1/devstoreaccount1',
      STORE_BLOB_CONTAINER: 'audit',
    });
    assert.equal(await runCli(['audit'], io), 1);
    assert.match(io.err(), /needs an Azure credential for STORE_BLOB_ACCOUNT_URL[\s\S]*AZURE_CREDENTIAL/);
  });

  it('builds no Azure credential for a SQLite store, so a half-configured one does not get in the way', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pulldoctor-audit-sqlite-'));
    try {
      const io = cliIo({ AZURE_CREDENTIAL: 'workload-identity', STORE_SQLITE_PATH: join(dir, 'state.sqlite') });
      assert.equal(await runCli(['audit'], io), 0, io.err());
      assert.equal(io.out(), 'No audit records.\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
