import assert from 'node:assert/strict';
import { describeFixRequest, KUBELET_BACKOFF_REMINDER, type FixRequest } from '../../src/fixes/index.js';
import { ANA, BEN, CLUSTER_ID, CONVERSATION, FIX, KUBELET_PRINCIPAL, REGISTRY_ID, TENANT } from './fix-harness.js';

const pending: FixRequest = {
  schema: 1,
  id: 'Qm9vdHN0cmFwUmVxdWVzdDAx',
  fix: FIX,
  cluster: { name: 'aks-prod', resourceId: CLUSTER_ID },
  pod: { namespace: 'shop', name: 'web-7d9c5b6f4-x2x9k' },
  requester: ANA,
  tenantId: TENANT,
  conversationId: CONVERSATION,
  createdAt: '2025-03-14T09:00:00.000Z',
  expiresAt: '2025-03-14T10:00:00.000Z',
  status: 'pending',
  evidence: { cause: 'unauthorized', lines: ['Failed to pull image "shopacr.azurecr.io/web:1.4.2": 401 Unauthorized'] },
};
const at = (time: string) => new Date(`2025-03-14T${time}Z`);

describe('what a card shows about a fix request', () => {
  it('says who asks for what, for whom and why, and until when it waits', () => {
    const view = describeFixRequest(pending, at('09:17:30.000'));
    assert.deepEqual(view, {
      id: pending.id,
      headline: 'Grant AcrPull on shopacr to the kubelet identity of aks-prod',
      requestedBy: { name: 'Ana Novak', objectId: ANA.objectId },
      requestedAt: '2025-03-14T09:00:00.000Z',
      change: {
        role: 'AcrPull',
        roleDefinitionId: FIX.roleDefinitionId,
        registry: 'shopacr',
        scope: REGISTRY_ID,
        principalId: KUBELET_PRINCIPAL,
      },
      target: { cluster: 'aks-prod', clusterResourceId: CLUSTER_ID, namespace: 'shop', pod: 'web-7d9c5b6f4-x2x9k' },
      why: {
        sentence: 'The kubelet identity of aks-prod has no role that lets it pull from shopacr.',
        cause: 'unauthorized',
        lines: ['Failed to pull image "shopacr.azurecr.io/web:1.4.2": 401 Unauthorized'],
      },
      status: 'pending',
      statusText: 'Waiting for an approver until 2025-03-14 10:00:00 UTC',
      expiresAt: '2025-03-14T10:00:00.000Z',
      expired: false,
      canDecide: true,
      canRecheck: false,
    });
  });

  it("gives the diagnosis's own root-cause sentence as the reason, when the request kept it", () => {
    const headline = 'Kubelet identity of aks-prod has no AcrPull on shopacr';
    const view = describeFixRequest({ ...pending, evidence: { ...pending.evidence, headline } }, at('09:17:30.000'));
    assert.equal(view.why.sentence, headline);
  });

  it('shows a pending request past its expiry as expired, without buttons', () => {
    const view = describeFixRequest(pending, at('10:00:00.000'));
    assert.equal(view.status, 'expired');
    assert.equal(view.expired, true);
    assert.equal(view.canDecide, false);
    assert.equal(view.statusText, 'Expired at 2025-03-14 10:00:00 UTC without a decision: nothing was changed');
  });

  it('names the cluster by its resource id when it has no configured name', () => {
    const view = describeFixRequest({ ...pending, cluster: { resourceId: CLUSTER_ID } }, at('09:00:00.000'));
    assert.equal(view.target.cluster, 'aks-prod');
    assert.equal(view.headline, 'Grant AcrPull on shopacr to the kubelet identity of aks-prod');
  });

  it('shows who decided and when, and the outcome with its advice, reminder and re-diagnosis', () => {
    const decision = { kind: 'approved' as const, by: BEN, at: '2025-03-14T09:05:00.000Z' };
    const running = describeFixRequest({ ...pending, status: 'executing', decision }, at('09:05:01.000'));
    assert.equal(running.statusText, 'Approved by Ben Okafor at 2025-03-14 09:05:00 UTC: applying the change…');
    assert.equal(running.canRecheck, false, 'nothing to check again before the change is made');
    assert.deepEqual(running.decision, { kind: 'approved', by: 'Ben Okafor', at: '2025-03-14T09:05:00.000Z' });
    assert.equal(running.expired, false);

    const done = describeFixRequest(
      {
        ...pending,
        status: 'completed',
        decision,
        outcome: {
          kind: 'created',
          at: '2025-03-14T09:05:03.000Z',
          summary: 'Granted AcrPull on shopacr for the kubelet identity c0ffee00-1234-4abc-8def-0123456789ab.',
          writeAttempts: 1,
          roleAssignmentId: `${REGISTRY_ID}/providers/Microsoft.Authorization/roleAssignments/80ec594e-01c1-5700-8023-de322acd2d49`,
          reminder: KUBELET_BACKOFF_REMINDER,
          rediagnosis: {
            at: '2025-03-14T09:05:09.000Z',
            verdict: 'problem',
            cause: 'unauthorized',
            summary: 'Still in ImagePullBackOff; the role check passes.',
          },
        },
      },
      at('11:00:00.000'),
    );
    assert.equal(done.expired, false, 'a decided request does not expire');
    assert.equal(done.statusText, 'Approved by Ben Okafor at 2025-03-14 09:05:00 UTC: done');
    assert.equal(done.canRecheck, true, 'once applied, the checks can be run again');
    assert.deepEqual(done.outcome?.rediagnosis, {
      at: '2025-03-14T09:05:09.000Z',
      verdict: 'problem',
      cause: 'unauthorized',
      text: 'Still in ImagePullBackOff; the role check passes.',
    });
    assert.equal(done.outcome?.reminder, KUBELET_BACKOFF_REMINDER);

    const failed = describeFixRequest(
      {
        ...pending,
        status: 'failed',
        decision,
        outcome: {
          kind: 'failed',
          at: '2025-03-14T09:05:03.000Z',
          summary: 'Azure refused.',
          advice: 'Grant it narrowly.',
          writeAttempts: 1,
          errorCode: 'AZURE_FORBIDDEN',
        },
      },
      at('09:06:00.000'),
    );
    assert.equal(failed.statusText, 'Approved by Ben Okafor at 2025-03-14 09:05:00 UTC: the change could not be applied');
    assert.equal(failed.canRecheck, false);
    assert.equal(failed.outcome?.advice, 'Grant it narrowly.');
  });

  it('shows a rejection', () => {
    const view = describeFixRequest(
      { ...pending, status: 'rejected', decision: { kind: 'rejected', by: BEN, at: '2025-03-14T09:02:00.000Z' } },
      at('09:03:00.000'),
    );
    assert.equal(view.statusText, 'Rejected by Ben Okafor at 2025-03-14 09:02:00 UTC: nothing was changed');
    assert.equal(view.canDecide, false);
  });

  it('shows a request its requester withdrew, with who and when, without buttons', () => {
    const view = describeFixRequest(
      { ...pending, status: 'withdrawn', withdrawal: { by: ANA, at: '2025-03-14T09:04:00.000Z' } },
      at('09:05:00.000'),
    );
    assert.equal(view.statusText, 'Withdrawn by Ana Novak at 2025-03-14 09:04:00 UTC: nothing was changed');
    assert.deepEqual(view.withdrawal, { by: 'Ana Novak', at: '2025-03-14T09:04:00.000Z' });
    assert.equal(view.canDecide, false);
    assert.equal(view.canRecheck, false);
  });
});
