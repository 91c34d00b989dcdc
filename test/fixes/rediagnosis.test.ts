import assert from 'node:assert/strict';
import type { Diagnosis } from '../../src/diagnosis/types.js';
import type { FixApprovals, FixRecheckInput, FixRequest } from '../../src/fixes/index.js';
import { rediagnosisSummary } from '../../src/fixes/rediagnosis.js';
import type { Store } from '../../src/store/index.js';
import type { AzureRoleAssignments } from '../support/azure-role-assignments.js';
import { healthy, missingAcrPull } from '../fixtures/diagnoses/index.js';
import {
  approve,
  auditOf,
  CARL,
  CONVERSATION,
  fixApprovalsFor,
  forEachStore,
  newRequest,
  OTHER_CONVERSATION,
  OTHER_TENANT,
  startShopAzure,
  TENANT,
  testClock,
} from './fix-harness.js';

const fix = missingAcrPull.fix!;

/** The pod's diagnosis after the fix: the one before, with the role check passing and the fix no longer proposed. */
function after(changes: Partial<Diagnosis>): Diagnosis {
  const findings = missingAcrPull.findings.map((f) =>
    f.check === 'acr-pull-role' ? { ...f, status: 'pass' as const, summary: 'AcrPull on shopacr' } : f,
  );
  return { ...missingAcrPull, findings, fix: null, ...changes };
}

describe('the re-diagnosis after a fix, in a sentence', () => {
  it('says the pod is healthy when it is', () => {
    assert.deepEqual(rediagnosisSummary(healthy, fix), { verdict: 'healthy', cause: null, summary: 'The pod is healthy now.' });
  });

  it('says a new role assignment takes a minute or two when the diagnosis still proposes the same fix, whatever its letter case', () => {
    const same = { ...fix, principalId: fix.principalId.toUpperCase(), scope: fix.scope.toUpperCase() };
    const summary = rediagnosisSummary({ ...missingAcrPull, fix: same }, fix);
    assert.equal(summary.verdict, 'problem');
    assert.equal(summary.cause, 'unauthorized');
    assert.equal(
      summary.summary,
      'The diagnosis still finds no role that lets the kubelet identity pull from shopacr: a new role assignment can take a minute or two to take effect. Re-run the checks shortly.',
    );
  });

  it('names what the pod still reports once the roles allow pulling, other than the role check', () => {
    const summary = rediagnosisSummary(after({}), fix);
    assert.equal(
      summary.summary,
      "The kubelet identity's roles now allow pulling from shopacr. The pod still reports: Container web is waiting: ImagePullBackOff It should change at the kubelet's next pull attempt.",
    );
  });

  it('says there is no verdict yet when some checks could not run', () => {
    const summary = rediagnosisSummary(after({ verdict: 'unknown', cause: null }), fix);
    assert.deepEqual(summary, {
      verdict: 'unknown',
      cause: null,
      summary:
        "The kubelet identity's roles now allow pulling from shopacr. Some checks could not run, so there is no verdict for the pod yet.",
    });
  });

  it('says the pod is not healthy yet when no check fails any more', () => {
    const passing = after({}).findings.map((f) => (f.status === 'fail' ? { ...f, status: 'pass' as const } : f));
    const summary = rediagnosisSummary(after({ findings: passing }), fix);
    assert.equal(
      summary.summary,
      "The kubelet identity's roles now allow pulling from shopacr. The pod is not healthy yet; it should change at the kubelet's next pull attempt.",
    );
  });
});

describe('Re-run checks on an applied fix', () => {
  forEachStore((open) => {
    let store: Store;
    let azure: AzureRoleAssignments;
    let clock: ReturnType<typeof testClock>;
    let approvals: FixApprovals;
    let request: FixRequest;
    const recheck = (id: unknown = request.id, extra: Partial<FixRecheckInput> = {}): FixRecheckInput => ({
      actionData: { id },
      actor: CARL,
      tenantId: TENANT,
      conversationId: CONVERSATION,
      ...extra,
    });
    beforeEach(async () => {
      store = await open();
      azure = await startShopAzure();
      clock = testClock();
      approvals = fixApprovalsFor(store, azure, clock);
      ({ request } = await approvals.request(newRequest()));
    });
    afterEach(() => azure.close());

    it('runs the diagnosis again for anyone in the conversation, keeps what it says on the outcome, and audits who asked', async () => {
      assert.ok((await approvals.decide(approve(request.id))).ok);
      await approvals.execute(request.id);
      const before = (await approvals.get(request.id))?.outcome?.rediagnosis;
      clock.advance(60_000);
      const pressed = await approvals.recheck(recheck());
      assert.ok(pressed.ok);
      const after = await pressed.rediagnose();
      assert.ok(after.outcome?.rediagnosis && before);
      assert.ok(Date.parse(after.outcome.rediagnosis.at) > Date.parse(before.at), 'a newer diagnosis');
      assert.deepEqual(await approvals.get(request.id), after);
      const records = (await auditOf(store)).filter((r) => r.action === 'fix.rediagnosed');
      assert.deepEqual(
        records.map((r) => r.actor?.id),
        [undefined, CARL.objectId],
        'after the change (the bot) and on request (Carl)',
      );
      assert.equal(azure.writes().length, 1, 'checking again changes nothing in Azure');
    });

    it('runs the checks once for a double press', async () => {
      assert.ok((await approvals.decide(approve(request.id))).ok);
      await approvals.execute(request.id);
      const records = async () => (await auditOf(store)).filter((r) => r.action === 'fix.rediagnosed').length;
      clock.advance(60_000);
      for (const press of [await approvals.recheck(recheck()), await approvals.recheck(recheck())]) {
        assert.ok(press.ok);
        await press.rediagnose();
      }
      assert.equal(await records(), 2, 'one after the change, one for the two presses');
    });

    it('refuses before the fix is applied, from another conversation or tenant, and with an altered card', async () => {
      const pending = await approvals.recheck(recheck());
      assert.equal(!pending.ok && pending.refusal.reason, 'not-applied');
      assert.equal(!pending.ok && pending.request?.id, request.id);
      for (const [input, reason] of [
        [recheck(request.id, { conversationId: OTHER_CONVERSATION }), 'wrong-conversation'],
        [recheck(request.id, { tenantId: OTHER_TENANT }), 'wrong-tenant'],
        [recheck(request.id, { actionData: { id: request.id, pod: 'other' } }), 'altered-card'],
        [recheck('not-an-id'), 'unknown-request'],
      ] as const) {
        const result = await approvals.recheck(input);
        assert.equal(!result.ok && result.refusal.reason, reason);
        assert.equal(!result.ok && result.request, undefined);
      }
    });
  });
});
