import assert from 'node:assert/strict';
import { BlobServiceClient } from '@azure/storage-blob';
import { roleAssignmentName } from '../../src/clients/azure/role-assignment-writer.js';
import { PullDoctorError } from '../../src/errors/index.js';
import { classifyWriteFailure, retryDelayMs } from '../../src/fixes/execute-fix.js';
import { DEFAULT_WRITE_RETRY } from '../../src/fixes/fix-context.js';
import type { FixApprovals, FixExecution } from '../../src/fixes/index.js';
import { createLogger, memorySink } from '../../src/logging/index.js';
import { armErrors } from '../../src/sandbox/resource-manager/index.js';
import { openBlobStore, type AuditRecord, type Store } from '../../src/store/index.js';
import type { AzureRoleAssignments } from '../support/azure-role-assignments.js';
import { startAzurite, type RunningAzurite } from '../support/azurite.js';
import {
  ACR_PULL,
  approve,
  auditOf,
  fixApprovalsFor,
  forEachStore,
  KUBELET_PRINCIPAL,
  newRequest,
  OTHER_TENANT,
  REGISTRY_ID,
  startShopAzure,
  testClock,
} from './fix-harness.js';

const NAME = roleAssignmentName(REGISTRY_ID, KUBELET_PRINCIPAL, ACR_PULL);

describe('fix execution: what Azure answers and what the bot makes of it', () => {
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

    async function approvedAndExecuted(
      approvals: FixApprovals = fixApprovalsFor(store, azure, clock),
    ): Promise<{ execution: FixExecution; audit: AuditRecord[] }> {
      const { request } = await approvals.request(newRequest());
      assert.ok((await approvals.decide(approve(request.id))).ok);
      const execution = await approvals.execute(request.id);
      assert.equal(execution.kind, 'finished');
      const stored = await approvals.get(request.id);
      assert.deepEqual(execution.kind === 'finished' && execution.request, stored);
      const audit = (await auditOf(store)).filter((r) => r.action !== 'fix.requested' && r.action !== 'fix.approved');
      return { execution, audit };
    }
    const outcomeOf = (execution: FixExecution) => (execution.kind === 'finished' ? execution.outcome : assert.fail('not finished'));

    it('fails on 403 with advice naming the missing permission and how to grant it narrowly', async () => {
      azure.arm.forbid('Microsoft.Authorization/roleAssignments/write', { scope: REGISTRY_ID });
      const { execution, audit } = await approvedAndExecuted();
      const outcome = outcomeOf(execution);
      assert.equal(outcome.kind, 'failed');
      assert.equal(execution.kind === 'finished' && execution.request.status, 'failed');
      assert.equal(outcome.errorCode, 'AZURE_FORBIDDEN');
      assert.match(outcome.summary, /lacks Microsoft\.Authorization\/roleAssignments\/write on the registry/);
      assert.match(outcome.advice!, /Microsoft\.Authorization\/roleAssignments\/write there/);
      assert.match(outcome.advice!, /Role Based Access Control Administrator/);
      assert.match(outcome.advice!, new RegExp(`--scope ${REGISTRY_ID} `));
      assert.match(outcome.advice!, /GuidEquals \{7f951dda-4ed3-4680-a7ca-43fe172d538d, b93aa761-3e63-49ed-ac28-beffa264f7ac\}/);
      assert.match(outcome.advice!, /StringEqualsIgnoreCase \{'ServicePrincipal'\}/);
      assert.equal(outcome.rediagnosis, undefined);
      assert.equal(azure.writes().length, 1);
      assert.deepEqual(clock.sleeps, []);
      assert.deepEqual(
        audit.map((r) => [r.action, r.result]),
        [
          ['fix.execution-started', 'ok'],
          ['fix.failed', 'failed'],
        ],
      );
      assert.equal(audit[1]!.details?.errorCode, 'AZURE_FORBIDDEN');
      assert.equal(audit[1]!.reason, outcome.summary);
    });

    it('counts 409 RoleAssignmentExists as success: the grant is there under another name', async () => {
      azure.answerNext({ status: 409, existingName: '716c4d15-9bc8-476d-a3c1-6ccb70082517' });
      const { execution, audit } = await approvedAndExecuted();
      const outcome = outcomeOf(execution);
      assert.equal(outcome.kind, 'exists');
      assert.equal(
        outcome.roleAssignmentId,
        `${REGISTRY_ID}/providers/Microsoft.Authorization/roleAssignments/716c4d15-9bc8-476d-a3c1-6ccb70082517`,
      );
      assert.match(outcome.summary, /already had AcrPull on shopacr/);
      assert.equal(azure.writes().length, 1);
      assert.deepEqual(
        audit.map((r) => [r.action, r.result]),
        [
          ['fix.execution-started', 'ok'],
          ['fix.applied', 'exists'],
          ['fix.rediagnosed', 'problem'],
        ],
      );
    });

    it('waits as long as Retry-After says after a 429, then succeeds', async () => {
      azure.answerNext({ status: 429, retryAfter: 7 });
      const { execution, audit } = await approvedAndExecuted();
      const outcome = outcomeOf(execution);
      assert.equal(outcome.kind, 'created');
      assert.equal(outcome.writeAttempts, 2);
      assert.deepEqual(clock.sleeps, [7000]);
      assert.deepEqual(
        azure.writes().map((w) => w.name),
        [NAME, NAME],
      );
      assert.deepEqual(
        audit.map((r) => [r.action, r.result]),
        [
          ['fix.execution-started', 'ok'],
          ['fix.write-retry', 'retrying'],
          ['fix.applied', 'created'],
          ['fix.rediagnosed', 'problem'],
        ],
      );
      assert.deepEqual(audit[1]!.details, { attempt: 1, delayMs: 7000, errorCode: 'AZURE_THROTTLED', status: 429 });
    });

    it('backs off exponentially on 500 and gives up after the last attempt', async () => {
      azure.answerNext(...Array.from({ length: 5 }, () => ({ status: 500 as const })));
      const { execution, audit } = await approvedAndExecuted();
      const outcome = outcomeOf(execution);
      assert.equal(outcome.kind, 'failed');
      assert.equal(outcome.errorCode, 'AZURE_API_ERROR');
      assert.equal(outcome.writeAttempts, 5);
      assert.match(outcome.summary, /gave up after 5 attempts/);
      assert.deepEqual(clock.sleeps, [2000, 4000, 8000, 16000]);
      assert.deepEqual(
        azure.writes().map((w) => w.name),
        [NAME, NAME, NAME, NAME, NAME],
      );
      assert.equal(audit.filter((r) => r.action === 'fix.write-retry').length, 4);
      assert.deepEqual(audit.at(-1)!.action, 'fix.failed');
    });

    it('gives up at once when Azure asks to wait longer than it will', async () => {
      azure.answerNext({ status: 429, retryAfter: 3600 });
      const { execution } = await approvedAndExecuted();
      assert.equal(outcomeOf(execution).kind, 'failed');
      assert.match(outcomeOf(execution).summary, /asked to wait 3600 s/);
      assert.deepEqual(clock.sleeps, []);
      assert.equal(azure.writes().length, 1);
    });

    it('recovers from a 503 and caps the back-off', async () => {
      azure.answerNext({ status: 503 }, { status: 503 }, { status: 503 });
      const approvals = fixApprovalsFor(store, azure, clock, { retry: { attempts: 4, baseDelayMs: 10_000, maxDelayMs: 15_000 } });
      const { execution } = await approvedAndExecuted(approvals);
      assert.equal(outcomeOf(execution).kind, 'created');
      assert.deepEqual(clock.sleeps, [10_000, 15_000, 15_000]);
    });

    it('writes nothing when the re-check finds the principal can already pull', async () => {
      azure.addAssignment({
        name: '0f1e2d3c-4b5a-4697-8877-665544332211',
        scope: REGISTRY_ID,
        principalId: KUBELET_PRINCIPAL,
        roleDefinitionId: ACR_PULL,
      });
      const { execution, audit } = await approvedAndExecuted();
      const outcome = outcomeOf(execution);
      assert.equal(outcome.kind, 'already-fixed');
      assert.equal(outcome.writeAttempts, 0);
      assert.equal(
        outcome.summary,
        'The kubelet identity can already pull from shopacr (AcrPull on the registry itself) through the role assignment 0f1e2d3c-4b5a-4697-8877-665544332211, found already present (not written by Pull Doctor: another name); nothing was changed.',
      );
      assert.deepEqual(azure.writes(), []);
      assert.deepEqual(
        audit.map((r) => [r.action, r.result]),
        [
          ['fix.execution-started', 'ok'],
          ['fix.applied', 'already-fixed'],
          ['fix.rediagnosed', 'problem'],
        ],
      );
      assert.equal(audit[1]!.details?.assignmentWrittenBy, 'someone-else');
    });

    it('says so when the grant was written by an earlier request for the same grant, not by this one', async () => {
      const approvals = fixApprovalsFor(store, azure, clock);
      const { request: first } = await approvals.request(newRequest());
      assert.ok((await approvals.decide(approve(first.id))).ok);
      assert.equal(outcomeOf(await approvals.execute(first.id)).writtenBy, 'this-request');
      // The grant is no longer waiting: another pod's request for it is a new request.
      const { request: second } = await approvals.request(newRequest({ pod: { namespace: 'shop', name: 'web-7d9c5b6f4-q8m2n' } }));
      assert.notEqual(second.id, first.id);
      assert.ok((await approvals.decide(approve(second.id))).ok);

      const outcome = outcomeOf(await approvals.execute(second.id));
      assert.deepEqual([outcome.kind, outcome.writtenBy, outcome.writeAttempts], ['already-fixed', 'another-request', 0]);
      assert.equal(
        outcome.summary,
        `The kubelet identity can already pull from shopacr (AcrPull on the registry itself) through the role assignment ${NAME}, which Pull Doctor wrote for an earlier request for the same grant (it has the name Pull Doctor gives this grant); this request changed nothing.`,
      );
      assert.equal(azure.writes().length, 1);
      const applied = (await auditOf(store)).filter((r) => r.action === 'fix.applied');
      assert.deepEqual(
        applied.map((r) => [r.target?.fixRequestId, r.result, r.details?.assignmentWrittenBy]),
        [
          [first.id, 'created', 'this-request'],
          [second.id, 'already-fixed', 'another-request'],
        ],
      );
    });

    it('writes nothing and fails when the roles cannot be re-checked', async () => {
      azure.arm.forbid('Microsoft.Authorization/roleAssignments/read', { scope: REGISTRY_ID });
      const { execution, audit } = await approvedAndExecuted();
      const outcome = outcomeOf(execution);
      assert.equal(outcome.kind, 'failed');
      assert.equal(outcome.errorCode, 'AZURE_FORBIDDEN');
      assert.match(outcome.summary, /Could not check the current roles/);
      assert.match(outcome.summary, /lacks Microsoft\.Authorization\/roleAssignments\/read/);
      assert.deepEqual(azure.writes(), []);
      assert.equal(audit.at(-1)!.action, 'fix.failed');
    });

    it('retries a throttled re-check before writing', async () => {
      azure.arm.failNext({ method: 'GET', pathPattern: 'Microsoft.Authorization/roleAssignments' }, 429, armErrors.throttled(), {
        retryAfter: 3,
      });
      const { execution } = await approvedAndExecuted();
      assert.equal(outcomeOf(execution).kind, 'created');
      assert.deepEqual(clock.sleeps, [3000]);
      assert.equal(azure.writes().length, 1);
    });

    it('records a failed re-diagnosis without undoing the fix', async () => {
      const approvals = fixApprovalsFor(store, azure, clock, {
        rediagnose: async () => {
          throw new PullDoctorError('KUBE_UNREACHABLE', 'The API server of aks-prod did not answer.');
        },
      });
      const { execution, audit } = await approvedAndExecuted(approvals);
      const outcome = outcomeOf(execution);
      assert.equal(outcome.kind, 'created');
      assert.deepEqual(
        outcome.rediagnosis && 'error' in outcome.rediagnosis && outcome.rediagnosis.error,
        'The API server of aks-prod did not answer.',
      );
      assert.deepEqual(audit.at(-1)!.action, 'fix.rediagnosed');
      assert.deepEqual(audit.at(-1)!.result, 'error');
    });
  });
});

describe('fix execution when the Blob container disappears (Azurite)', function () {
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

  it('writes back the request it was executing and finishes it, and reports what was lost', async () => {
    const container = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient('lost-during-execution');
    const sink = memorySink();
    const log = createLogger({ sink });
    const store = await openBlobStore({ container, log });
    const clock = testClock();
    // Someone deletes the container while the executor waits out ARM's throttling.
    let deleted = false;
    const sleep = async (ms: number) => {
      if (!deleted) await container.delete();
      deleted = true;
      await clock.sleep(ms);
    };
    const approvals = fixApprovalsFor(store, azure, clock, { sleep }, log);
    const { request: executing } = await approvals.request(newRequest());
    // Another organisation's request for the same grant (one waits per grant and tenant), approved there.
    const { request: waiting } = await approvals.request(newRequest({ tenantId: OTHER_TENANT }));
    assert.ok((await approvals.decide(approve(executing.id))).ok);
    assert.ok((await approvals.decide({ ...approve(waiting.id), tenantId: OTHER_TENANT })).ok);
    azure.answerNext({ status: 429, retryAfter: 1 });

    const execution = await approvals.execute(executing.id);
    assert.ok(deleted);
    const outcome = execution.kind === 'finished' ? execution.outcome : assert.fail(`not finished: ${execution.kind}`);
    assert.deepEqual([outcome.kind, outcome.writtenBy, outcome.writeAttempts], ['created', 'this-request', 2]);
    assert.equal(azure.writes().length, 2);
    assert.equal(azure.assignments().length, 1);
    assert.deepEqual(
      [(await approvals.get(executing.id))?.status, (await approvals.get(executing.id))?.outcome?.kind],
      ['completed', 'created'],
    );
    // The new container's audit log holds the loss (stamped by the real clock, the fix records by the test's), then
    // what the executor did; everything before is gone.
    const audit = await store.audit.list();
    assert.deepEqual(
      audit.filter((r) => r.action.startsWith('store.')).map((r) => [r.action, r.result]),
      [['store.container-recreated', 'data-lost']],
    );
    assert.deepEqual(
      audit.filter((r) => r.action.startsWith('fix.')).map((r) => [r.action, r.result, r.target?.fixRequestId]),
      [
        ['fix.restored', 'ok', executing.id],
        ['fix.applied', 'created', executing.id],
        ['fix.rediagnosed', 'problem', executing.id],
      ],
    );

    // The approved request nobody was executing went with the container: executing it does nothing, and says so.
    const lost = await approvals.execute(waiting.id);
    assert.deepEqual([lost.kind, lost.kind === 'skipped' && lost.reason], ['skipped', 'unknown-request']);
    assert.equal(azure.writes().length, 2);
    assert.deepEqual(
      sink.records.filter((r) => r.level === 'error').map((r) => r.msg),
      [
        'the Blob container was gone; created it again, empty: everything it held is lost',
        'a fix request vanished from the store while this executor held it; wrote it back from its own copy',
        'no fix request is stored under this id, so nothing was executed; if it was approved, the store lost it',
      ],
    );
    await store.close();
  });
});

describe('classifying what the role assignment writer throws', () => {
  it('counts a thrown 409 RoleAssignmentExists as the assignment existing', () => {
    const error = new PullDoctorError('AZURE_API_ERROR', 'The role assignment already exists.', {
      facts: { status: 409, armCode: 'RoleAssignmentExists' },
    });
    assert.deepEqual(classifyWriteFailure(error), { kind: 'exists' });
  });

  it('does not count another 409 as success', () => {
    const error = new PullDoctorError(
      'AZURE_API_ERROR',
      'Tenant ID, application ID, principal ID, and scope are not allowed to be updated.',
      {
        facts: { status: 409, armCode: 'RoleAssignmentUpdateNotPermitted' },
      },
    );
    assert.equal(classifyWriteFailure(error).kind, 'fatal');
  });

  it('reads the missing action from facts.action, as the Azure client names it', () => {
    const error = new PullDoctorError('AZURE_FORBIDDEN', 'no', {
      facts: { status: 403, armCode: 'AuthorizationFailed', action: 'Microsoft.Authorization/roleAssignments/write' },
    });
    const failure = classifyWriteFailure(error);
    assert.equal(failure.kind === 'forbidden' && failure.missingAction, 'Microsoft.Authorization/roleAssignments/write');
    const unnamed = classifyWriteFailure(
      new PullDoctorError('AZURE_FORBIDDEN', 'no', { facts: { status: 403, armCode: 'AuthorizationFailed' } }),
    );
    assert.deepEqual(unnamed.kind === 'forbidden' && unnamed.missingAction, undefined);
  });

  it('reads Retry-After from facts.retryAfterSeconds, and treats 5xx and no answer as transient', () => {
    const retryAfter = (facts: Record<string, number>) => {
      const failure = classifyWriteFailure(new PullDoctorError('AZURE_THROTTLED', 'slow down', { facts: { status: 429, ...facts } }));
      return failure.kind === 'transient' ? failure.retryAfterMs : 'not transient';
    };
    assert.equal(retryAfter({ retryAfterSeconds: 5 }), 5_000);
    assert.equal(retryAfter({ retryAfterSeconds: 0 }), 0);
    assert.equal(retryAfter({}), undefined);
    assert.equal(classifyWriteFailure(new PullDoctorError('AZURE_API_ERROR', 'boom', { facts: { status: 502 } })).kind, 'transient');
    assert.equal(classifyWriteFailure(new PullDoctorError('AZURE_API_ERROR', 'unreachable')).kind, 'transient');
    assert.equal(classifyWriteFailure(new PullDoctorError('AZURE_API_ERROR', 'bad request', { facts: { status: 400 } })).kind, 'fatal');
  });

  it('treats unauthorized, not found, missing credentials and unknown errors as final', () => {
    for (const code of ['AZURE_UNAUTHORIZED', 'AZURE_NOT_FOUND', 'AZURE_CREDENTIAL_UNAVAILABLE', 'INVALID_INPUT'] as const) {
      assert.equal(classifyWriteFailure(new PullDoctorError(code, 'x')).kind, 'fatal', code);
    }
    assert.equal(classifyWriteFailure(new TypeError('undefined is not a function')).kind, 'fatal');
  });
});

describe('retry delays', () => {
  it('doubles from the base, stops at the maximum, and gives up after the last attempt', () => {
    const delays = [1, 2, 3, 4, 5].map((attempt) =>
      retryDelayMs(attempt, {}, { ...DEFAULT_WRITE_RETRY, attempts: 5, baseDelayMs: 2_000, maxDelayMs: 10_000 }),
    );
    assert.deepEqual(delays, [2_000, 4_000, 8_000, 10_000, undefined]);
  });

  it('waits exactly Retry-After, and gives up when it is longer than allowed', () => {
    assert.equal(retryDelayMs(1, { retryAfterMs: 45_000 }, DEFAULT_WRITE_RETRY), 45_000);
    assert.equal(retryDelayMs(1, { retryAfterMs: 0 }, DEFAULT_WRITE_RETRY), 0);
    assert.equal(retryDelayMs(1, { retryAfterMs: 61_000 }, DEFAULT_WRITE_RETRY), undefined);
  });
});
