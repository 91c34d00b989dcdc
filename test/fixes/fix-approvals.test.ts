import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BlobServiceClient,
  ContainerSASPermissions,
  generateBlobSASQueryParameters,
  StorageSharedKeyCredential,
} from '@azure/storage-blob';
import Database from 'better-sqlite3';
import { createLogger, memorySink, silentLogger } from '../../src/logging/index.js';
import { KUBELET_BACKOFF_REMINDER, type FixRequest } from '../../src/fixes/index.js';
import { FIX_REQUESTS_COLLECTION } from '../../src/fixes/fix-request.js';
import { roleAssignmentName } from '../../src/clients/azure/role-assignment-writer.js';
import { openBlobStore, openSqliteStore, type Store } from '../../src/store/index.js';
import { AZURITE_ACCOUNT, AZURITE_ACCOUNT_KEY, startAzurite, type RunningAzurite } from '../support/azurite.js';
import type { AzureRoleAssignments } from '../support/azure-role-assignments.js';
import {
  ACR_PULL,
  ANA,
  approve,
  auditOf,
  BEN,
  CLUSTER_ID,
  DANA,
  FIX,
  fixApprovalsFor,
  forEachStore,
  KUBELET_PRINCIPAL,
  newRequest,
  OTHER_TENANT,
  REGISTRY_ID,
  startShopAzure,
  testClock,
} from './fix-harness.js';

describe('fix approvals: request, approve, execute', () => {
  forEachStore((open) => {
    let store: Store;
    let azure: AzureRoleAssignments;
    let clock: ReturnType<typeof testClock>;
    beforeEach(async () => {
      store = await open();
      azure = await startShopAzure();
      clock = testClock();
    });
    afterEach(() => azure.close());

    it('grants the role once when one user requests and another approves, and audits every step', async () => {
      const approvals = fixApprovalsFor(store, azure, clock);
      const { request } = await approvals.request(newRequest());
      assert.equal(request.status, 'pending');
      assert.equal(Date.parse(request.expiresAt) - Date.parse(request.createdAt), 60 * 60_000);

      const decision = await approvals.decide(approve(request.id));
      assert.ok(decision.ok);
      assert.equal(decision.request.status, 'approved');
      assert.deepEqual(decision.request.decision?.by, BEN);
      assert.ok(decision.request.decision.at > request.createdAt);

      const execution = await approvals.execute(request.id);
      assert.equal(execution.kind, 'finished');
      const name = roleAssignmentName(REGISTRY_ID, KUBELET_PRINCIPAL, ACR_PULL);
      assert.match(name, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      assert.deepEqual(azure.writes(), [
        { scope: REGISTRY_ID, name, roleDefinitionId: ACR_PULL, principalId: KUBELET_PRINCIPAL, principalType: 'ServicePrincipal' },
      ]);

      const stored = (await approvals.get(request.id))!;
      assert.equal(stored.status, 'completed');
      assert.equal(stored.outcome?.kind, 'created');
      assert.equal(stored.outcome?.roleAssignmentName, name);
      assert.equal(stored.outcome?.roleAssignmentId, `${REGISTRY_ID}/providers/Microsoft.Authorization/roleAssignments/${name}`);
      assert.equal(stored.outcome?.writeAttempts, 1);
      assert.equal(stored.outcome?.reminder, KUBELET_BACKOFF_REMINDER);
      assert.match(stored.outcome!.summary, /^Granted AcrPull on shopacr for the kubelet identity c0ffee00/);
      assert.deepEqual(
        stored.outcome?.rediagnosis && 'verdict' in stored.outcome.rediagnosis && stored.outcome.rediagnosis.summary,
        'The kubelet identity can now pull from shopacr; the pod is still in ImagePullBackOff until the next retry.',
      );

      const audit = await auditOf(store);
      assert.deepEqual(
        audit.map((r) => [r.action, r.result, r.actor?.id ?? 'bot']),
        [
          ['fix.requested', 'ok', ANA.objectId],
          ['fix.approved', 'ok', BEN.objectId],
          ['fix.execution-started', 'ok', 'bot'],
          ['fix.applied', 'created', 'bot'],
          ['fix.rediagnosed', 'problem', 'bot'],
        ],
      );
      for (const record of audit) {
        assert.deepEqual(record.target, {
          fixRequestId: request.id,
          principalId: KUBELET_PRINCIPAL,
          scope: REGISTRY_ID,
          roleDefinitionId: ACR_PULL,
          role: 'AcrPull',
          cluster: 'aks-prod',
          clusterResourceId: CLUSTER_ID,
          namespace: 'shop',
          pod: 'web-7d9c5b6f4-x2x9k',
        });
      }
      assert.equal(audit[1]!.actor?.name, 'Ben Okafor');
      assert.equal(audit[3]!.details?.roleAssignmentName, name);
    });

    it('keeps the request exactly as computed, with an opaque 144-bit id that is new each time', async () => {
      const approvals = fixApprovalsFor(store, azure, clock);
      const { request: first } = await approvals.request(newRequest());
      const { request: second } = await approvals.request(newRequest({ tenantId: OTHER_TENANT }));
      assert.match(first.id, /^[A-Za-z0-9_-]{24}$/);
      assert.notEqual(first.id, second.id);
      const raw = await store.documents.get<FixRequest>(FIX_REQUESTS_COLLECTION, first.id);
      assert.deepEqual(raw?.value, first);
      assert.deepEqual(first.fix, FIX);
      assert.deepEqual(first.requester, ANA);
      assert.equal(first.tenantId, '8f3e6a1c-2b4d-4e5f-9a6b-7c8d9e0f1a2b');
      assert.deepEqual(first.evidence.cause, 'unauthorized');
    });

    it('remembers the approval card message id without disturbing the decision', async () => {
      const approvals = fixApprovalsFor(store, azure, clock);
      const { request } = await approvals.request(newRequest());
      const updated = await approvals.setApprovalCardMessageId(request.id, '1710406800000');
      assert.equal(updated.approvalCardMessageId, '1710406800000');
      assert.ok((await approvals.decide(approve(request.id))).ok);
      assert.equal((await approvals.get(request.id))?.approvalCardMessageId, '1710406800000');
    });

    it('writes nothing when the approver rejects', async () => {
      const approvals = fixApprovalsFor(store, azure, clock);
      const { request } = await approvals.request(newRequest());
      const decision = await approvals.decide({ ...approve(request.id), decision: 'reject' });
      assert.ok(decision.ok);
      assert.equal(decision.decision, 'rejected');
      const execution = await approvals.execute(request.id);
      assert.deepEqual([execution.kind, execution.kind === 'skipped' && execution.reason], ['skipped', 'not-approved']);
      assert.deepEqual(azure.writes(), []);
      assert.deepEqual(
        (await auditOf(store)).map((r) => r.action),
        ['fix.requested', 'fix.rejected'],
      );
    });

    it('makes exactly one write and one approval record out of 50 concurrent approvals and executions', async function () {
      const approvals = fixApprovalsFor(store, azure, clock);
      const { request } = await approvals.request(newRequest());
      const approvers = [BEN, DANA];
      const decisions = await Promise.all(Array.from({ length: 50 }, (_, i) => approvals.decide(approve(request.id, approvers[i % 2]))));
      assert.equal(decisions.filter((d) => d.ok).length, 1);
      assert.deepEqual(new Set(decisions.filter((d) => !d.ok).map((d) => !d.ok && d.refusal.reason)), new Set(['already-decided']));

      const executions = await Promise.all(Array.from({ length: 50 }, () => approvals.execute(request.id)));
      assert.equal(executions.filter((e) => e.kind === 'finished').length, 1);
      assert.equal(azure.writes().length, 1);
      const audit = await auditOf(store);
      assert.equal(audit.filter((r) => r.action === 'fix.approved').length, 1);
      assert.equal(audit.filter((r) => r.action === 'fix.refused' && r.details?.reasonCode === 'already-decided').length, 49);
      assert.equal(audit.filter((r) => r.action === 'fix.execution-started').length, 1);
      assert.equal(audit.filter((r) => r.action === 'fix.applied').length, 1);
    });

    it('makes exactly one write when two replicas with their own store clients race to approve and execute', async () => {
      const replicaA = fixApprovalsFor(store, azure, clock, { executorId: 'replica-a' });
      const replicaB = fixApprovalsFor(await open(), azure, clock, { executorId: 'replica-b' });
      const { request } = await replicaA.request(newRequest());
      const decisions = await Promise.all(
        Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? replicaA : replicaB).decide(approve(request.id, i % 3 === 0 ? DANA : BEN))),
      );
      assert.equal(decisions.filter((d) => d.ok).length, 1);
      const executions = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? replicaA : replicaB).execute(request.id)));
      assert.equal(executions.filter((e) => e.kind === 'finished').length, 1);
      assert.equal(azure.writes().length, 1);
      const audit = await auditOf(store);
      assert.equal(audit.filter((r) => r.action === 'fix.approved').length, 1);
      assert.equal(audit.filter((r) => r.action === 'fix.applied').length, 1);
    });
  });
});

describe('fix approvals when the audit log cannot be written (a real SQLite file whose audit table fails)', () => {
  /** Two ways SQLite itself refuses an audit record, done from another connection as an operator or a bad tool would. */
  const failures = [
    {
      what: 'the audit table refuses writes',
      sql: "CREATE TRIGGER audit_refuses_writes BEFORE INSERT ON log_records BEGIN SELECT RAISE(ABORT, 'the audit table refuses writes'); END",
    },
    { what: 'the audit table is gone', sql: 'DROP TABLE log_records' },
  ];
  let dir: string;
  let path: string;
  let store: Store;
  let azure: AzureRoleAssignments;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pulldoctor-audit-fails-'));
    path = join(dir, 'state.sqlite');
    azure = await startShopAzure();
  });
  afterEach(async () => {
    await store?.close();
    await azure.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const breakAuditLog = (sql: string) => {
    const other = new Database(path);
    other.exec(sql);
    other.close();
  };

  for (const failure of failures) {
    describe(`when ${failure.what}`, () => {
      it('accepts no fix request: nothing is stored, nothing is written to Azure, and the error log keeps the record', async () => {
        const sink = memorySink();
        store = await openSqliteStore({ path, log: silentLogger() });
        const approvals = fixApprovalsFor(store, azure, testClock(), {}, createLogger({ sink }));
        breakAuditLog(failure.sql);

        await assert.rejects(approvals.request(newRequest()), (error: Error & { code?: string }) => {
          assert.equal(error.code, 'STORE_UNAVAILABLE');
          assert.match(
            error.message,
            /^The fix request was not accepted and nothing was stored, because its audit record could not be written \(.*SQLite says/,
          );
          return true;
        });
        assert.deepEqual(await store.documents.list(FIX_REQUESTS_COLLECTION), []);
        assert.deepEqual(azure.writes(), []);
        const logged = sink.records.filter(
          (r) => r.level === 'error' && r.msg === 'audit record could not be written; refusing the action it records',
        );
        assert.deepEqual(
          logged.map((r) => (r.audit as { action: string }).action),
          ['fix.requested'],
        );
      });

      it('accepts no approval: the request stays pending, neither execute nor resume writes anything to Azure', async () => {
        store = await openSqliteStore({ path, log: silentLogger() });
        const clock = testClock();
        const approvals = fixApprovalsFor(store, azure, clock);
        const { request } = await approvals.request(newRequest());
        breakAuditLog(failure.sql);

        await assert.rejects(approvals.decide(approve(request.id)), (error: Error & { code?: string }) => {
          assert.equal(error.code, 'STORE_UNAVAILABLE');
          assert.match(
            error.message,
            /^The approval was not accepted and the request is unchanged, because its audit record could not be written/,
          );
          return true;
        });
        assert.deepEqual((await store.documents.get<FixRequest>(FIX_REQUESTS_COLLECTION, request.id))?.value, request);
        const execution = await approvals.execute(request.id);
        assert.deepEqual([execution.kind, execution.kind === 'skipped' && execution.reason], ['skipped', 'not-approved']);
        clock.advance(5 * 60_000);
        assert.deepEqual((await approvals.resumeInterrupted()).resumed, []);
        assert.deepEqual(azure.writes(), []);
      });
    });
  }

  it('accepts the approval once the audit log works again, with exactly one approval record', async () => {
    store = await openSqliteStore({ path, log: silentLogger() });
    const approvals = fixApprovalsFor(store, azure, testClock());
    const { request } = await approvals.request(newRequest());
    breakAuditLog(failures[0]!.sql);
    await assert.rejects(approvals.decide(approve(request.id)), { code: 'STORE_UNAVAILABLE' });
    breakAuditLog('DROP TRIGGER audit_refuses_writes');

    const decision = await approvals.decide(approve(request.id));
    assert.ok(decision.ok);
    assert.equal((await approvals.execute(request.id)).kind, 'finished');
    assert.equal(azure.writes().length, 1);
    assert.deepEqual(
      (await auditOf(store)).map((r) => r.action),
      ['fix.requested', 'fix.approved', 'fix.execution-started', 'fix.applied', 'fix.rediagnosed'],
    );
  });
});

describe('fix approvals when the Blob container is gone and may not be created again (Azurite, a container-scoped SAS)', function () {
  this.timeout(30_000);
  let azurite: RunningAzurite;
  let azure: AzureRoleAssignments;
  before(async () => {
    azurite = await startAzurite();
  });
  after(() => azurite?.close());
  beforeEach(async () => {
    azure = await startShopAzure();
  });
  afterEach(() => azure.close());

  it('accepts no request and no approval, and writes nothing to Azure', async () => {
    const name = 'gone-for-good';
    const owner = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(name);
    await owner.create();
    const sas = generateBlobSASQueryParameters(
      { containerName: name, permissions: ContainerSASPermissions.parse('rcwdl'), expiresOn: new Date(Date.now() + 3_600_000) },
      new StorageSharedKeyCredential(AZURITE_ACCOUNT, AZURITE_ACCOUNT_KEY),
    ).toString();
    const store = await openBlobStore({
      container: BlobServiceClient.fromConnectionString(`BlobEndpoint=${azurite.blobUrl};SharedAccessSignature=${sas}`).getContainerClient(
        name,
      ),
      log: silentLogger(),
    });
    const approvals = fixApprovalsFor(store, azure, testClock());
    const { request: pending } = await approvals.request(newRequest());
    await owner.delete();

    await assert.rejects(approvals.request(newRequest({ tenantId: OTHER_TENANT })), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'STORE_UNAVAILABLE');
      assert.match(
        error.message,
        /^The fix request was not accepted and nothing was stored, because the store could not be read \(The Blob container gone-for-good is gone/,
      );
      return true;
    });
    await assert.rejects(approvals.decide(approve(pending.id)), { code: 'STORE_UNAVAILABLE' });
    await assert.rejects(approvals.execute(pending.id), { code: 'STORE_UNAVAILABLE' });
    await assert.rejects(approvals.resumeInterrupted(), { code: 'STORE_UNAVAILABLE' });
    assert.deepEqual(azure.writes(), []);
    assert.equal(await owner.exists(), false);
    await store.close();
  });
});
