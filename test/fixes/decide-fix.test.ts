import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createGraphClient } from '../../src/clients/graph/graph-client.js';
import {
  createApproverCheck,
  createFixApprovals,
  type FixApprovals,
  type FixDecisionInput,
  type FixRefusalReason,
  type FixRequest,
} from '../../src/fixes/index.js';
import { createLogger, memorySink, silentLogger } from '../../src/logging/index.js';
import { graphErrors, sandboxGraphCredential, startFakeGraph, type FakeGraph } from '../support/graph/index.js';
import { openSqliteStore, type Store } from '../../src/store/index.js';
import type { AzureRoleAssignments } from '../support/azure-role-assignments.js';
import { testTls } from '../support/tls.js';
import {
  ACR_PULL,
  ANA,
  approve,
  auditOf,
  BEN,
  CARL,
  CONVERSATION,
  DANA,
  FIX,
  fixApprovalsFor,
  forEachStore,
  KUBELET_PRINCIPAL,
  newRequest,
  OTHER_CONVERSATION,
  OTHER_TENANT,
  REGISTRY_ID,
  startShopAzure,
  TENANT,
  testClock,
} from './fix-harness.js';

describe('fix decisions: every refusal changes nothing, writes nothing and is audited', () => {
  forEachStore((open) => {
    let store: Store;
    let azure: AzureRoleAssignments;
    let clock: ReturnType<typeof testClock>;
    let approvals: FixApprovals;
    let request: FixRequest;
    beforeEach(async () => {
      store = await open();
      azure = await startShopAzure();
      clock = testClock();
      approvals = fixApprovalsFor(store, azure, clock);
      ({ request } = await approvals.request(newRequest()));
    });
    afterEach(() => azure.close());

    /** Decides, expects a refusal for `reason`, and checks that nothing changed and nothing was written. */
    async function refused(input: FixDecisionInput, reason: FixRefusalReason, expectedStatus: FixRequest['status'] = 'pending') {
      const before = await store.documents.get<FixRequest>('fix-requests', request.id);
      const auditBefore = (await auditOf(store)).length;
      const result = await approvals.decide(input);
      assert.equal(result.ok, false);
      assert.equal(!result.ok && result.refusal.reason, reason);
      const after = await store.documents.get<FixRequest>('fix-requests', request.id);
      assert.equal(after?.value.status, expectedStatus);
      if (expectedStatus === before?.value.status) assert.deepEqual(after, before, 'the request must not change');
      const execution = await approvals.execute(request.id);
      assert.equal(execution.kind, 'skipped');
      assert.deepEqual(azure.writes(), []);
      const refusals = (await auditOf(store)).slice(auditBefore).filter((r) => r.action === 'fix.refused');
      assert.equal(refusals.length, 1);
      assert.equal(refusals[0]!.result, 'refused');
      assert.equal(refusals[0]!.details?.reasonCode, reason);
      assert.equal(refusals[0]!.reason, !result.ok ? result.refusal.message : '');
      return { result, record: refusals[0]! };
    }

    it('refuses the requester approving their own request, even as an approver', async () => {
      const { result, record } = await refused(approve(request.id, ANA), 'self-approval');
      assert.equal(!result.ok && result.request?.id, request.id);
      assert.equal(record.actor?.id, ANA.objectId);
      assert.equal(record.target?.principalId, KUBELET_PRINCIPAL);
    });

    it('tells a requester who is not an approver that someone else must decide (self-approval comes first)', async () => {
      // Carl's own request (for another identity: one request waits per grant).
      ({ request } = await approvals.request(
        newRequest({ requester: CARL, fix: { ...FIX, principalId: '1d2c3b4a-5f6e-4d7c-8b9a-0f1e2d3c4b5a' } }),
      ));
      const { result } = await refused(approve(request.id, CARL), 'self-approval');
      assert.match(!result.ok ? result.refusal.message : '', /someone else must decide/);
    });

    it('refuses someone who is not an approver', async () => {
      const { result } = await refused(approve(request.id, CARL), 'not-approver');
      assert.match(!result.ok ? result.refusal.message : '', /not one of the approvers/);
    });

    it('refuses a user without an Entra object id', async () => {
      await refused(approve(request.id, { objectId: '29:1a2b3c-teams-user-id', displayName: 'Guest' }), 'not-approver');
    });

    it('refuses an id that was never issued, and says nothing about any request', async () => {
      const { result, record } = await refused(approve(randomBytes(18).toString('base64url')), 'unknown-request');
      assert.equal(!result.ok && result.request, undefined);
      assert.equal(record.target?.principalId, undefined);
    });

    it('refuses forged and malformed ids without looking them up', async () => {
      for (const actionData of [
        { id: '../fix-requests/x' },
        { id: `${request.id}x` },
        { id: 42 },
        {},
        null,
        'id',
        [request.id],
        { fixRequestId: request.id },
      ]) {
        await refused({ ...approve(request.id), actionData }, 'unknown-request');
      }
    });

    it('refuses a decision made from another conversation, and does not show the request there', async () => {
      const { result } = await refused({ ...approve(request.id), conversationId: OTHER_CONVERSATION }, 'wrong-conversation');
      assert.equal(!result.ok && result.request, undefined);
    });

    it('refuses a decision made from another tenant, and does not show the request there', async () => {
      const { result } = await refused({ ...approve(request.id), tenantId: OTHER_TENANT }, 'wrong-tenant');
      assert.equal(!result.ok && result.request, undefined);
    });

    it('refuses an expired request and marks it expired', async () => {
      clock.advance(60 * 60_000);
      await refused(approve(request.id), 'expired', 'expired');
      const stored = await approvals.get(request.id);
      assert.equal(stored?.expiredAt !== undefined, true);
      const audit = await auditOf(store);
      assert.equal(audit.filter((r) => r.action === 'fix.expired').length, 1);
      await refused(approve(request.id, DANA), 'expired', 'expired');
    });

    it('accepts a decision a moment before expiry', async () => {
      clock.advance(60 * 60_000 - 10);
      assert.ok((await approvals.decide(approve(request.id))).ok);
    });

    it('refuses a second decision after the first, whoever makes it', async () => {
      assert.ok((await approvals.decide({ ...approve(request.id), decision: 'reject' })).ok);
      await refused(approve(request.id, DANA), 'already-decided', 'rejected');
      await refused(approve(request.id, BEN), 'already-decided', 'rejected');
      await refused({ ...approve(request.id, DANA), decision: 'reject' }, 'already-decided', 'rejected');
    });

    it('refuses to approve again once approved and executed', async () => {
      assert.ok((await approvals.decide(approve(request.id))).ok);
      assert.equal((await approvals.execute(request.id)).kind, 'finished');
      const result = await approvals.decide(approve(request.id, DANA));
      assert.equal(!result.ok && result.refusal.reason, 'already-decided');
      assert.equal(azure.writes().length, 1);
    });

    it('ignores extra fields in the action data that try to change the scope, principal or role', async () => {
      const attacker = '11111111-2222-4333-8444-555555555555';
      const otherRegistry = REGISTRY_ID.replace('shopacr', 'prodsecrets');
      const owner = ACR_PULL.replace('7f951dda-4ed3-4680-a7ca-43fe172d538d', '8e3af657-a8ff-443c-a75c-2fe8c4bcb635');
      const result = await approvals.decide(
        approve(request.id, BEN, {
          scope: otherRegistry,
          principalId: attacker,
          roleDefinitionId: owner,
          fix: { kind: 'assign-acr-pull', principalId: attacker, scope: otherRegistry, roleDefinitionId: owner },
          tenantId: OTHER_TENANT,
          conversationId: OTHER_CONVERSATION,
          requester: BEN,
        }),
      );
      assert.ok(result.ok);
      await approvals.execute(request.id);
      assert.deepEqual(
        azure.writes().map((w) => [w.scope, w.principalId, w.roleDefinitionId]),
        [[REGISTRY_ID, KUBELET_PRINCIPAL, ACR_PULL]],
      );
      const text = JSON.stringify([await approvals.get(request.id), await auditOf(store)]);
      for (const forged of [attacker, 'prodsecrets', '8e3af657']) assert.ok(!text.includes(forged), forged);
    });

    it('in strict mode, refuses action data with any field but the id (the card was altered), and audits the attempt', async () => {
      const attacker = '11111111-2222-4333-8444-555555555555';
      await refused({ ...approve(request.id, BEN, { principalId: attacker }), strict: true }, 'altered-card');
      await refused(
        { ...approve(request.id, BEN, { scope: REGISTRY_ID.replace('shopacr', 'prodsecrets') }), strict: true },
        'altered-card',
      );
      await refused({ ...approve(request.id, BEN), actionData: [request.id], strict: true }, 'altered-card');
      const records = (await auditOf(store)).filter((r) => r.details?.reasonCode === 'altered-card');
      assert.equal(records.length, 3);
      assert.equal(records[0]!.target?.fixRequestId, request.id);
      assert.ok(!JSON.stringify(records).includes(attacker), 'values of the extra fields are never recorded');
      const approved = await approvals.decide({ ...approve(request.id, BEN), strict: true });
      assert.ok(approved.ok, 'the id alone is what the card carries');
    });

    it('reads the decision from the call, not from the card', async () => {
      const result = await approvals.decide({
        ...approve(request.id, BEN, { decision: 'approve', verb: 'approveFix' }),
        decision: 'reject',
      });
      assert.ok(result.ok);
      assert.equal(result.decision, 'rejected');
    });
  });
});

describe('withdrawing a fix request: only its requester, only while it waits, audited', () => {
  forEachStore((open) => {
    let store: Store;
    let azure: AzureRoleAssignments;
    let clock: ReturnType<typeof testClock>;
    let approvals: FixApprovals;
    let request: FixRequest;
    /** Ana requested the fix; she is also an approver, which changes nothing about her own request. */
    const withdraw = (id: unknown = request.id, actor = ANA) => ({ ...approve(id, actor), decision: 'withdraw' as const, strict: true });
    beforeEach(async () => {
      store = await open();
      azure = await startShopAzure();
      clock = testClock();
      approvals = fixApprovalsFor(store, azure, clock);
      ({ request } = await approvals.request(newRequest()));
    });
    afterEach(() => azure.close());

    it('lets the requester withdraw a waiting request: nothing is done, it is audited as fix.withdrawn, and it can no longer be approved', async () => {
      const result = await approvals.decide(withdraw());
      assert.ok(result.ok);
      assert.equal(result.decision, 'withdrawn');
      const stored = await approvals.get(request.id);
      assert.equal(stored?.status, 'withdrawn');
      assert.equal(stored?.withdrawal?.by.objectId, ANA.objectId);
      const [record] = (await auditOf(store)).filter((r) => r.action === 'fix.withdrawn');
      assert.equal(record?.actor?.id, ANA.objectId);
      assert.equal(record?.target?.fixRequestId, request.id);

      const late = await approvals.decide(approve(request.id, BEN));
      assert.equal(!late.ok && late.refusal.reason, 'withdrawn');
      assert.equal(!late.ok && late.refusal.message, 'This fix request was withdrawn by the person who made it.');
      assert.equal((await approvals.execute(request.id)).kind, 'skipped');
      assert.equal((await approvals.resumeInterrupted()).resumed.length, 0);
      assert.deepEqual(azure.writes(), []);
    });

    it('refuses anyone else, approvers included, and shows them the request', async () => {
      const result = await approvals.decide(withdraw(request.id, BEN));
      assert.equal(!result.ok && result.refusal.reason, 'not-requester');
      assert.equal(!result.ok && result.refusal.message, 'Only the person who requested this fix can withdraw it.');
      assert.equal(!result.ok && result.request?.id, request.id);
      assert.equal((await approvals.get(request.id))?.status, 'pending');
      assert.equal((await auditOf(store)).filter((r) => r.details?.reasonCode === 'not-requester').length, 1);
    });

    it('still refuses the requester approving their own request', async () => {
      const result = await approvals.decide(approve(request.id, ANA));
      assert.equal(!result.ok && result.refusal.reason, 'self-approval');
    });

    it('refuses a withdrawal from another conversation or tenant, or with an altered card, without showing the request', async () => {
      for (const [input, reason] of [
        [{ ...withdraw(), conversationId: OTHER_CONVERSATION }, 'wrong-conversation'],
        [{ ...withdraw(), tenantId: OTHER_TENANT }, 'wrong-tenant'],
        [{ ...withdraw(), actionData: { id: request.id, status: 'withdrawn' } }, 'altered-card'],
      ] as const) {
        const result = await approvals.decide(input);
        assert.equal(!result.ok && result.refusal.reason, reason);
        assert.equal(!result.ok && result.request, undefined);
      }
      assert.equal((await approvals.get(request.id))?.status, 'pending');
    });

    it('refuses once an approver has decided, and after the expiry (marking it expired)', async () => {
      assert.ok((await approvals.decide(approve(request.id, BEN))).ok);
      const afterApproval = await approvals.decide(withdraw());
      assert.equal(!afterApproval.ok && afterApproval.refusal.reason, 'already-decided');
      assert.equal((await approvals.get(request.id))?.status, 'approved');

      const { request: other } = await approvals.request(newRequest({ tenantId: OTHER_TENANT }));
      clock.advance(60 * 60_000);
      const late = await approvals.decide({ ...withdraw(other.id), tenantId: OTHER_TENANT });
      assert.equal(!late.ok && late.refusal.reason, 'expired');
      assert.equal((await approvals.get(other.id))?.status, 'expired');
    });

    it('lets exactly one of a withdrawal and an approval pressed at the same moment win', async () => {
      const results = await Promise.all([approvals.decide(withdraw()), approvals.decide(approve(request.id, BEN))]);
      const won = results.filter((r) => r.ok);
      assert.equal(won.length, 1);
      const status = (await approvals.get(request.id))?.status;
      assert.equal(status, won[0]!.ok && won[0]!.decision);
      const decisions = (await auditOf(store)).filter((r) => r.action === 'fix.withdrawn' || r.action === 'fix.approved');
      assert.equal(decisions.length, 1);
    });
  });
});

describe('fix requests: what the bot refuses to store', () => {
  forEachStore((open) => {
    let store: Store;
    let azure: AzureRoleAssignments;
    let approvals: FixApprovals;
    beforeEach(async () => {
      store = await open();
      azure = await startShopAzure();
      approvals = fixApprovalsFor(store, azure, testClock());
    });
    afterEach(() => azure.close());

    async function refusedRequest(overrides: Parameters<typeof newRequest>[0], code: string, pattern: RegExp) {
      await assert.rejects(approvals.request(newRequest(overrides)), (error: Error & { code?: string }) => {
        assert.equal(error.code, code);
        assert.match(error.message, pattern);
        return true;
      });
      assert.deepEqual(await store.documents.list('fix-requests'), []);
    }

    it('refuses any role other than AcrPull or Container Registry Repository Reader, and audits the attempt', async () => {
      const contributor = ACR_PULL.replace('7f951dda-4ed3-4680-a7ca-43fe172d538d', 'b24988ac-6180-42a0-ab88-20f7382dd24c');
      await refusedRequest(
        { fix: { kind: 'assign-acr-pull', principalId: KUBELET_PRINCIPAL, scope: REGISTRY_ID, roleDefinitionId: contributor } },
        'FIX_REFUSED',
        /neither AcrPull nor/,
      );
      const audit = await auditOf(store);
      assert.deepEqual(
        audit.map((r) => [r.action, r.result, r.actor?.id, r.details?.errorCode]),
        [['fix.requested', 'refused', ANA.objectId, 'FIX_REFUSED']],
      );
    });

    it('refuses a scope that is not a container registry, such as a subscription', async () => {
      await refusedRequest(
        {
          fix: {
            kind: 'assign-acr-pull',
            principalId: KUBELET_PRINCIPAL,
            scope: '/subscriptions/1f2e3d4c-5b6a-4798-8a7b-6c5d4e3f2a1b',
            roleDefinitionId: ACR_PULL,
          },
        },
        'FIX_REFUSED',
        /not the resource id of a container registry/,
      );
    });

    it('refuses a role definition from another subscription than the registry', async () => {
      const foreign = ACR_PULL.replace('1f2e3d4c-5b6a-4798-8a7b-6c5d4e3f2a1b', '99999999-5b6a-4798-8a7b-6c5d4e3f2a1b');
      await refusedRequest(
        { fix: { kind: 'assign-acr-pull', principalId: KUBELET_PRINCIPAL, scope: REGISTRY_ID, roleDefinitionId: foreign } },
        'FIX_REFUSED',
        /subscription/,
      );
    });

    it('refuses a requester without an object id, a tenant that is not a GUID, and a request without a cluster', async () => {
      await refusedRequest({ requester: { objectId: 'ana@contoso.com', displayName: 'Ana' } }, 'INVALID_INPUT', /Entra object id/);
      await refusedRequest({ tenantId: 'contoso.onmicrosoft.com' }, 'INVALID_INPUT', /tenant id/);
      await refusedRequest({ cluster: {} }, 'INVALID_INPUT', /cluster/);
      await refusedRequest({ conversationId: '' }, 'INVALID_INPUT', /conversation id/);
    });

    it('keeps evidence short and strips secrets from it', async () => {
      const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbmEifQ.c2lnbmF0dXJl';
      const { request } = await approvals.request(
        newRequest({
          evidence: {
            cause: 'unauthorized',
            headline: `Kubelet identity has no AcrPull (token Bearer ${jwt})\n${'y'.repeat(1000)}`,
            lines: [`pull failed: Authorization: Bearer ${jwt}`, 'x'.repeat(1000), ...Array(20).fill('event')],
          },
        }),
      );
      assert.equal(request.evidence.lines.length, 10);
      assert.ok(!JSON.stringify(request).includes(jwt));
      assert.ok(request.evidence.lines[1]!.length <= 300);
      assert.ok(request.evidence.headline!.startsWith('Kubelet identity has no AcrPull (token Bearer '));
      assert.ok(request.evidence.headline!.length <= 300 && !request.evidence.headline!.includes('\n'), 'one line, bounded');
    });

    it('keeps the record even when a display name looks like a secret', async () => {
      const { request } = await approvals.request(newRequest({ requester: { objectId: ANA.objectId, displayName: 'password=hunter2' } }));
      const [record] = await auditOf(store);
      assert.equal(record?.action, 'fix.requested');
      assert.equal(record?.actor?.id, ANA.objectId);
      assert.ok(!JSON.stringify(record).includes('hunter2'));
      assert.equal(request.status, 'pending');
    });
  });
});

describe('fix decisions: tenants and conversations are compared exactly', () => {
  it('treats tenant ids case-insensitively (GUIDs) but conversation ids exactly', async () => {
    const store = await openSqliteStore({ path: ':memory:', log: silentLogger() });
    const azure = await startShopAzure();
    const approvals = fixApprovalsFor(store, azure, testClock());
    const { request } = await approvals.request(newRequest());
    const upper = await approvals.decide({
      ...approve(request.id),
      tenantId: TENANT.toUpperCase(),
      conversationId: CONVERSATION.toUpperCase(),
    });
    assert.equal(!upper.ok && upper.refusal.reason, 'wrong-conversation');
    assert.ok((await approvals.decide({ ...approve(request.id), tenantId: TENANT.toUpperCase() })).ok);
    await store.close();
    await azure.close();
  });
});

const PLATFORM_ADMINS = '5d2c9b8a-7f6e-4d3c-8b2a-1f0e9d8c7b6a';
const SRE_ONCALL = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';

describe('approvers from an Entra group, checked through Microsoft Graph (fake Graph over HTTPS)', () => {
  let graph: FakeGraph;
  let store: Store;
  let azure: AzureRoleAssignments;
  beforeEach(async () => {
    graph = await startFakeGraph({ tls: testTls(), tenantId: TENANT });
    for (const user of [ANA, BEN, CARL, DANA]) graph.addUser(user.objectId);
    graph.addGroup(SRE_ONCALL, [BEN.objectId]);
    graph.addGroup(PLATFORM_ADMINS, [SRE_ONCALL]);
    store = await openSqliteStore({ path: ':memory:', log: silentLogger() });
    azure = await startShopAzure();
  });
  afterEach(async () => {
    await graph.close();
    await store.close();
    await azure.close();
  });

  function approvalsWithGroup(options: { roles?: string[]; listed?: string[] } = {}): FixApprovals {
    const log = silentLogger();
    const graphClient = createGraphClient({
      credential: sandboxGraphCredential({ tenantId: TENANT, ...(options.roles ? { roles: options.roles } : {}) }),
      baseUrl: graph.url,
    });
    return createFixApprovals({
      store,
      approvers: createApproverCheck({ approvers: options.listed ?? [], approverGroupId: PLATFORM_ADMINS }, { graph: graphClient, log }),
      checkPullAccess: azure.checkPullAccess,
      writer: azure.writer,
      log,
      now: testClock().now,
      sleep: async () => undefined,
    });
  }

  it('lets a member of the group (through a nested group) approve', async () => {
    const approvals = approvalsWithGroup();
    const { request } = await approvals.request(newRequest());
    const decision = await approvals.decide(approve(request.id, BEN));
    assert.ok(decision.ok);
    assert.deepEqual(
      graph.requests.map((r) => [r.path, r.status, r.groupIds]),
      [[`/v1.0/directoryObjects/${BEN.objectId}/checkMemberGroups`, 200, [PLATFORM_ADMINS]]],
    );
    const approved = (await auditOf(store)).find((r) => r.action === 'fix.approved');
    assert.equal(approved?.details?.approverVia, 'group');
  });

  it('refuses someone who is not a member', async () => {
    const approvals = approvalsWithGroup();
    const { request } = await approvals.request(newRequest());
    const decision = await approvals.decide(approve(request.id, CARL));
    assert.equal(!decision.ok && decision.refusal.reason, 'not-approver');
    assert.equal((await approvals.get(request.id))?.status, 'pending');
  });

  it('refuses someone the directory does not know as not an approver', async () => {
    const approvals = approvalsWithGroup();
    const { request } = await approvals.request(newRequest());
    const stranger = { objectId: '11111111-2222-4333-8444-555555555555', displayName: 'Stranger' };
    const decision = await approvals.decide(approve(request.id, stranger));
    assert.equal(!decision.ok && decision.refusal.reason, 'not-approver');
  });

  it('refuses, with the reason, when Graph answers 403 because the bot lacks the permission', async () => {
    const approvals = approvalsWithGroup({ roles: ['User.ReadBasic.All'] });
    const { request } = await approvals.request(newRequest());
    const decision = await approvals.decide(approve(request.id, BEN));
    assert.equal(decision.ok, false);
    assert.equal(!decision.ok && decision.refusal.reason, 'approver-check-failed');
    assert.match(!decision.ok ? decision.refusal.message : '', /Insufficient privileges to complete the operation/);
    assert.match(!decision.ok ? decision.refusal.message : '', /GroupMember\.Read\.All/);
    assert.equal((await approvals.get(request.id))?.status, 'pending');
    const refusal = (await auditOf(store)).find((r) => r.action === 'fix.refused');
    assert.equal(refusal?.details?.reasonCode, 'approver-check-failed');
    assert.match(refusal?.reason ?? '', /Insufficient privileges/);
    assert.equal(azure.writes().length, 0);
  });

  it('refuses when Graph is throttling or failing, rather than guessing', async () => {
    const approvals = approvalsWithGroup();
    const { request } = await approvals.request(newRequest());
    graph.failNext(429, graphErrors.throttled(), { retryAfter: 5 });
    const throttled = await approvals.decide(approve(request.id, BEN));
    assert.equal(!throttled.ok && throttled.refusal.reason, 'approver-check-failed');
    graph.failNext(503, graphErrors.serviceUnavailable());
    const failing = await approvals.decide(approve(request.id, BEN));
    assert.equal(!failing.ok && failing.refusal.reason, 'approver-check-failed');
    assert.ok((await approvals.decide(approve(request.id, BEN))).ok, 'once Graph answers, the member may approve');
  });

  it('does not ask Graph about approvers listed by object id', async () => {
    const approvals = approvalsWithGroup({ listed: [DANA.objectId] });
    const { request } = await approvals.request(newRequest());
    assert.ok((await approvals.decide(approve(request.id, DANA))).ok);
    assert.equal(graph.requests.length, 0);
  });

  it('never logs the Graph token', async () => {
    const sink = memorySink();
    const credential = sandboxGraphCredential({ tenantId: TENANT, roles: [] });
    const check = createApproverCheck(
      { approvers: [], approverGroupId: PLATFORM_ADMINS },
      { graph: createGraphClient({ credential, baseUrl: graph.url }), log: createLogger({ sink, level: 'debug' }) },
    );
    assert.equal((await check(BEN.objectId)).approver, false);
    assert.ok(sink.records.length > 0);
    assert.ok(!JSON.stringify(sink.records).includes(credential.issued[0]!));
  });
});

describe('approvers without a group', () => {
  it('allows nobody when no approver is configured', async () => {
    const check = createApproverCheck({ approvers: [] }, { log: silentLogger() });
    assert.deepEqual(await check(BEN.objectId), { approver: false });
  });

  it('compares object ids without regard to letter case', async () => {
    const check = createApproverCheck({ approvers: [BEN.objectId.toUpperCase()] }, { log: silentLogger() });
    assert.deepEqual(await check(BEN.objectId), { approver: true, via: 'list' });
  });

  it('insists on a Graph client when a group is configured', () => {
    assert.throws(() => createApproverCheck({ approvers: [], approverGroupId: PLATFORM_ADMINS }, { log: silentLogger() }), /Graph client/);
  });
});
