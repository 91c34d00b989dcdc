import assert from 'node:assert/strict';
import type { FixApprovals, FixRequest } from '../../src/fixes/index.js';
import { PENDING_GRANTS_COLLECTION } from '../../src/fixes/request-fix.js';
import type { Store } from '../../src/store/index.js';
import type { AzureRoleAssignments } from '../support/azure-role-assignments.js';
import {
  approve,
  auditOf,
  BEN,
  CARL,
  fixApprovalsFor,
  forEachStore,
  newRequest,
  OTHER_CONVERSATION,
  OTHER_TENANT,
  startShopAzure,
  testClock,
} from './fix-harness.js';

const ANOTHER_POD = { namespace: 'shop', name: 'web-7d9c5b6f4-q8m2n' };

describe('one request per grant: a second Request fix points to the one under way', () => {
  forEachStore((open) => {
    let store: Store;
    let azure: AzureRoleAssignments;
    let clock: ReturnType<typeof testClock>;
    let approvals: FixApprovals;
    let first: FixRequest;
    beforeEach(async () => {
      store = await open();
      azure = await startShopAzure();
      clock = testClock();
      approvals = fixApprovalsFor(store, azure, clock);
      ({ request: first } = await approvals.request(newRequest()));
    });
    afterEach(() => azure.close());

    const requestsStored = async () => (await store.documents.list<FixRequest>('fix-requests')).map((d) => d.id);

    it('gives back the waiting request, whoever asks and for whichever pod or conversation, stores nothing new, and audits the press', async () => {
      const again = await approvals.request(newRequest({ requester: CARL, pod: ANOTHER_POD, conversationId: OTHER_CONVERSATION }));
      assert.equal(again.alreadyPending, true);
      assert.equal(again.request.id, first.id);
      assert.equal(again.request.requester.displayName, 'Ana Novak', 'the request shown is the first, with its requester');
      assert.deepEqual(await requestsStored(), [first.id]);
      const records = (await auditOf(store)).filter((r) => r.action === 'fix.requested');
      assert.deepEqual(
        records.map((r) => [r.result, r.actor?.id, r.target?.fixRequestId]),
        [
          ['ok', first.requester.objectId, first.id],
          ['already-pending', CARL.objectId, first.id],
        ],
      );
    });

    it('points to it while it is approved and being applied, too', async () => {
      assert.ok((await approvals.decide(approve(first.id))).ok);
      const again = await approvals.request(newRequest());
      assert.deepEqual([again.alreadyPending, again.request.id, again.request.status], [true, first.id, 'approved']);
    });

    it('makes a new request once the earlier one was rejected, withdrawn, expired or applied', async () => {
      const settle: Array<[string, (id: string) => Promise<unknown>]> = [
        ['rejected', (id) => approvals.decide({ ...approve(id), decision: 'reject' })],
        ['withdrawn', (id) => approvals.decide({ ...approve(id, first.requester), decision: 'withdraw' })],
        ['expired', async () => clock.advance(60 * 60_000)],
        ['completed', async (id) => (await approvals.decide(approve(id))).ok && approvals.execute(id)],
      ];
      let current = first;
      for (const [status, move] of settle) {
        await move(current.id);
        const next = await approvals.request(newRequest());
        assert.equal(next.alreadyPending, false, `after ${status}`);
        assert.notEqual(next.request.id, current.id, `after ${status}`);
        current = next.request;
      }
      assert.equal((await requestsStored()).length, 5);
    });

    it('keeps requests of different organisations apart', async () => {
      const other = await approvals.request(newRequest({ tenantId: OTHER_TENANT }));
      assert.equal(other.alreadyPending, false);
      assert.notEqual(other.request.id, first.id);
    });

    it('makes exactly one request out of many presses at the same moment', async () => {
      // A fresh grant (another organisation): ten people press Request fix at once.
      const results = await Promise.allSettled(
        Array.from({ length: 10 }, () => approvals.request(newRequest({ tenantId: OTHER_TENANT, requester: BEN }))),
      );
      const made = results.flatMap((r) => (r.status === 'fulfilled' && !r.value.alreadyPending ? [r.value.request.id] : []));
      assert.equal(made.length, 1);
      for (const r of results) {
        // A press that lost the race sees the winner's request, or is told to press again a moment later.
        if (r.status === 'fulfilled') assert.equal(r.value.request.id, made[0]);
        else assert.equal((r.reason as { code?: string }).code, 'BUSY');
      }
      assert.equal((await requestsStored()).length, 2);
    });

    it('takes over the claim of a request that was never stored once it is a minute old, and says "busy" before that', async () => {
      // A process stopped between claiming the grant and storing its request (or its audit record failed).
      const grants = await store.documents.list<{ fixRequestId: string; claimedAt: string }>(PENDING_GRANTS_COLLECTION);
      assert.equal(grants.length, 1);
      const grant = grants[0]!;
      await store.documents.delete('fix-requests', first.id);
      await store.documents.replace(
        PENDING_GRANTS_COLLECTION,
        grant.id,
        { ...grant.value, claimedAt: clock.now().toISOString() },
        grant.etag,
      );
      await assert.rejects(approvals.request(newRequest()), { code: 'BUSY' });
      clock.advance(61_000);
      const next = await approvals.request(newRequest());
      assert.equal(next.alreadyPending, false);
      assert.deepEqual(await requestsStored(), [next.request.id]);
    });
  });
});
