import assert from 'node:assert/strict';
import type { Diagnosis } from '../../src/diagnosis/types.js';
import { rediagnosisSummary } from '../../src/fixes/rediagnosis.js';
import { healthy, missingAcrPull } from '../fixtures/diagnoses/index.js';

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
