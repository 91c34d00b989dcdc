import assert from 'node:assert/strict';
import { silentLogger } from '../../src/logging/index.js';
import { storedFixRequestProblem } from '../../src/fixes/fix-request.js';
import type { FixRequest } from '../../src/fixes/index.js';
import { openSqliteStore } from '../../src/store/index.js';
import { approve, BEN, fixApprovalsFor, newRequest, startShopAzure, testClock } from './fix-harness.js';

describe('stored fix requests the bot will act on', () => {
  it('acts only on documents that are whole, valid requests under their own id', async () => {
    const store = await openSqliteStore({ path: ':memory:', log: silentLogger() });
    const azure = await startShopAzure();
    const approvals = fixApprovalsFor(store, azure, testClock());
    const { request } = await approvals.request(newRequest());
    assert.equal(storedFixRequestProblem(request, request.id), undefined);
    assert.match(storedFixRequestProblem(request, 'another-id')!, /id does not match/);
    assert.match(storedFixRequestProblem({ ...request, schema: 2 }, request.id)!, /schema 2/);
    assert.match(storedFixRequestProblem({ ...request, status: 'approved' }, request.id)!, /without a decision/);
    assert.match(storedFixRequestProblem({ ...request, status: 'done' }, request.id)!, /unknown status/);
    assert.match(
      storedFixRequestProblem(
        { ...request, fix: { ...request.fix, scope: '/subscriptions/1f2e3d4c-5b6a-4798-8a7b-6c5d4e3f2a1b' } },
        request.id,
      )!,
      /container registry/,
    );
    assert.match(storedFixRequestProblem({ ...request, requester: { objectId: 'x' } }, request.id)!, /requester/);
    assert.match(storedFixRequestProblem({ ...request, status: 'withdrawn' }, request.id)!, /withdrawn without a withdrawal/);
    const byOther = { ...request, status: 'withdrawn', withdrawal: { by: BEN, at: request.createdAt } };
    assert.match(storedFixRequestProblem(byOther, request.id)!, /withdrawn by someone other than its requester/);
    const byRequester = { ...request, status: 'withdrawn', withdrawal: { by: request.requester, at: request.createdAt } };
    assert.equal(storedFixRequestProblem(byRequester, request.id), undefined);
    assert.match(storedFixRequestProblem({ ...request, evidence: { ...request.evidence, headline: 42 } }, request.id)!, /no evidence/);
    await store.close();
    await azure.close();
  });

  it('never executes a request whose stored fix was changed by hand to a wider scope', async () => {
    const store = await openSqliteStore({ path: ':memory:', log: silentLogger() });
    const azure = await startShopAzure();
    const approvals = fixApprovalsFor(store, azure, testClock());
    const { request } = await approvals.request(newRequest());
    assert.ok((await approvals.decide(approve(request.id))).ok);
    const stored = (await store.documents.get<FixRequest>('fix-requests', request.id))!;
    const widened = { ...stored.value, fix: { ...stored.value.fix, scope: '/subscriptions/1f2e3d4c-5b6a-4798-8a7b-6c5d4e3f2a1b' } };
    await store.documents.replace('fix-requests', request.id, widened, stored.etag);

    const execution = await approvals.execute(request.id);
    assert.deepEqual([execution.kind, execution.kind === 'skipped' && execution.reason], ['skipped', 'unknown-request']);
    assert.deepEqual(await approvals.resumeInterrupted(), { resumed: [], expired: [], errors: [] });
    assert.equal(await approvals.get(request.id), null);
    assert.deepEqual(azure.writes(), []);
    await store.close();
    await azure.close();
  });

  it('never executes a request the store says its own requester approved', async () => {
    // decideFix refuses self-approval; a document that says otherwise was written by hand (or by a bug), and the
    // periodic resume would otherwise run it with nobody else having looked at it.
    const store = await openSqliteStore({ path: ':memory:', log: silentLogger() });
    const azure = await startShopAzure();
    try {
      const approvals = fixApprovalsFor(store, azure, testClock());
      const { request } = await approvals.request(newRequest());
      const stored = (await store.documents.get<FixRequest>('fix-requests', request.id))!;
      const self = {
        ...stored.value,
        status: 'approved',
        decision: { kind: 'approved', by: stored.value.requester, at: stored.value.createdAt },
      };
      assert.match(storedFixRequestProblem(self, request.id)!, /approved by its own requester/);
      await store.documents.replace('fix-requests', request.id, self, stored.etag);

      const execution = await approvals.execute(request.id);
      assert.deepEqual([execution.kind, execution.kind === 'skipped' && execution.reason], ['skipped', 'unknown-request']);
      assert.deepEqual(await approvals.resumeInterrupted(), { resumed: [], expired: [], errors: [] });
      assert.deepEqual(azure.writes(), []);
    } finally {
      await store.close();
      await azure.close();
    }
  });
});
