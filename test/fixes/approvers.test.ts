import assert from 'node:assert/strict';
import { createGraphClient } from '../../src/clients/graph/graph-client.js';
import { createApproverCheck, createFixApprovals, type FixApprovals } from '../../src/fixes/index.js';
import { createLogger, memorySink, silentLogger } from '../../src/logging/index.js';
import { graphErrors, sandboxGraphCredential, startFakeGraph, type FakeGraph } from '../support/graph/index.js';
import { openSqliteStore, type Store } from '../../src/store/index.js';
import type { AzureRoleAssignments } from '../support/azure-role-assignments.js';
import { testTls } from '../support/tls.js';
import { ANA, approve, auditOf, BEN, CARL, DANA, newRequest, startShopAzure, TENANT, testClock } from './fix-harness.js';

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
    const graphClient = createGraphClient({ credential: sandboxGraphCredential({ tenantId: TENANT, ...(options.roles ? { roles: options.roles } : {}) }), baseUrl: graph.url });
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
    const request = await approvals.request(newRequest());
    const decision = await approvals.decide(approve(request.id, BEN));
    assert.ok(decision.ok);
    assert.deepEqual(graph.requests.map((r) => [r.path, r.status, r.groupIds]), [[`/v1.0/directoryObjects/${BEN.objectId}/checkMemberGroups`, 200, [PLATFORM_ADMINS]]]);
    const approved = (await auditOf(store)).find((r) => r.action === 'fix.approved');
    assert.equal(approved?.details?.approverVia, 'group');
  });

  it('refuses someone who is not a member', async () => {
    const approvals = approvalsWithGroup();
    const request = await approvals.request(newRequest());
    const decision = await approvals.decide(approve(request.id, CARL));
    assert.equal(!decision.ok && decision.refusal.reason, 'not-approver');
    assert.equal((await approvals.get(request.id))?.status, 'pending');
  });

  it('refuses someone the directory does not know as not an approver', async () => {
    const approvals = approvalsWithGroup();
    const request = await approvals.request(newRequest());
    const stranger = { objectId: '11111111-2222-4333-8444-555555555555', displayName: 'Stranger' };
    const decision = await approvals.decide(approve(request.id, stranger));
    assert.equal(!decision.ok && decision.refusal.reason, 'not-approver');
  });

  it('refuses, with the reason, when Graph answers 403 because the bot lacks the permission', async () => {
    const approvals = approvalsWithGroup({ roles: ['User.ReadBasic.All'] });
    const request = await approvals.request(newRequest());
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
    const request = await approvals.request(newRequest());
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
    const request = await approvals.request(newRequest());
    assert.ok((await approvals.decide(approve(request.id, DANA))).ok);
    assert.equal(graph.requests.length, 0);
  });

  it('never logs the Graph token', async () => {
    const sink = memorySink();
    const credential = sandboxGraphCredential({ tenantId: TENANT, roles: [] });
    const check = createApproverCheck({ approvers: [], approverGroupId: PLATFORM_ADMINS }, { graph: createGraphClient({ credential, baseUrl: graph.url }), log: createLogger({ sink, level: 'debug' }) });
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
