import assert from 'node:assert/strict';
import { renderTextReport } from '../../src/cli/render-text-report.js';
import type { Diagnosis } from '../../src/diagnosis/types.js';
import { healthy, missingAcrPull } from '../fixtures/diagnoses/index.js';

describe('the text report', () => {
  it('explains an image-not-found on ACR in ACR terms, the same as the pull-error check (no Docker Hub caveat)', () => {
    const d: Diagnosis = { ...missingAcrPull, cause: 'image-not-found' };
    const text = renderTextReport(d);
    assert.match(text, /Azure Container Registry says so only to a client it has let in/);
    assert.doesNotMatch(text, /Docker Hub/);
  });

  it('has no empty Evidence heading for a healthy pod', () => {
    const text = renderTextReport({ ...healthy, evidence: {} });
    assert.doesNotMatch(text, /Evidence/);
  });

  it('lists the failed checks that pinpoint the cause before the general advice, and warnings last', () => {
    const d: Diagnosis = {
      ...missingAcrPull,
      fix: null,
      findings: [
        { check: 'pull-error', status: 'fail', summary: 'refused', remediation: 'GENERAL' },
        { check: 'acr-network', status: 'warn', summary: 'other region', remediation: 'WARNING' },
        { check: 'acr-pull-role', status: 'fail', summary: 'no role', remediation: 'SPECIFIC' },
      ],
    };
    const todo = renderTextReport(d).split('What to do')[1] ?? '';
    assert.ok(
      todo.indexOf('1. SPECIFIC') >= 0 &&
        todo.indexOf('2. GENERAL') > todo.indexOf('1. SPECIFIC') &&
        todo.indexOf('3. WARNING') > todo.indexOf('2. GENERAL'),
      todo,
    );
  });

  it('indents the rest of a multi-line problem message under the cause', () => {
    const d: Diagnosis = {
      ...healthy,
      verdict: 'problem',
      problems: [
        {
          kind: 'oom-killed',
          container: 'orders',
          initContainer: false,
          image: 'x',
          reason: 'CrashLoopBackOff',
          message: 'Last run: OOMKilled, exit code 137\nback-off 5m0s restarting failed container',
        },
      ],
    };
    const lines = renderTextReport(d).split('\n');
    assert.equal(lines[2], 'Cause: CrashLoopBackOff — Last run: OOMKilled, exit code 137');
    assert.equal(lines[3], '  back-off 5m0s restarting failed container');
  });

  it("starts with the root cause in this pod's terms, the same line as the card title, then the verdict", () => {
    const [first, second] = renderTextReport(missingAcrPull).split('\n');
    assert.equal(first, 'Kubelet identity of shop-aks has no AcrPull on shopacr');
    assert.equal(second, 'Pod shop/web-7d4c9 on shop-aks: FAILING');
  });

  it('prints each command of the advice on a line of its own, without backticks, once', () => {
    const role = missingAcrPull.findings.find((f) => f.check === 'acr-pull-role')!;
    const text = renderTextReport({ ...missingAcrPull, findings: [...missingAcrPull.findings, { ...role, check: 'another-check' }] });
    const todo = text.split('What to do')[1]!.split('Proposed fix')[0]!;
    for (const command of missingAcrPull.remedy!.commands) {
      assert.equal(todo.split('\n').filter((l) => l.trim() === command).length, 1, `${command} once, on its own line:\n${todo}`);
    }
    assert.doesNotMatch(todo, /`/);
  });
});
