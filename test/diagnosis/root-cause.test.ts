import assert from 'node:assert/strict';
import { rootCause, type RootCauseInput } from '../../src/diagnosis/root-cause.js';
import type { Finding, PodProblem } from '../../src/diagnosis/types.js';

const pullProblem: PodProblem = {
  kind: 'image-pull',
  container: 'web',
  initContainer: false,
  image: 'shopacr.azurecr.io/shop/web:2.4.1',
  reason: 'ImagePullBackOff',
};

const input = (findings: Finding[], more: Partial<RootCauseInput> = {}): RootCauseInput => ({
  pod: 'web-7d4c9b6f5-x2k8p',
  verdict: 'problem',
  cause: 'unauthorized',
  problems: [pullProblem],
  findings,
  ...more,
});

const pullError: Finding = {
  check: 'pull-error',
  status: 'fail',
  summary: "The registry refused the node's credentials (unauthorized).",
  headline: "shopacr.azurecr.io refused the node's credentials (401)",
  remediation: 'Once the kubelet identity has its role, check the pull from the cluster.',
  commands: ['az aks check-acr --resource-group rg-shop --name shop-aks --acr shopacr.azurecr.io'],
};
const role: Finding = {
  check: 'acr-pull-role',
  status: 'fail',
  summary: 'The kubelet identity of shop-aks has no role that lets it pull from shopacr.',
  headline: 'Kubelet identity of shop-aks has no AcrPull on shopacr',
  remediation: 'Give the kubelet identity of shop-aks the AcrPull role on shopacr.',
  commands: ['az role assignment create --assignee-object-id 5a4d2c1b-0000-4000-8000-00000000d001 --role AcrPull --scope /subscriptions/x'],
};
const podState: Finding = { check: 'pod-state', status: 'fail', summary: 'Container "web" cannot pull its image (ImagePullBackOff).' };

describe('the root cause of a diagnosis', () => {
  it('is the most specific failing finding that states one: the missing role, not the 401 it causes', () => {
    const out = rootCause(input([podState, pullError, role]));
    assert.equal(out.headline, 'Kubelet identity of shop-aks has no AcrPull on shopacr');
    assert.deepEqual(out.remedy, { text: role.remediation, commands: role.commands });
  });

  it("falls back to the kubelet message's cause when no check pinpoints more", () => {
    assert.equal(rootCause(input([podState, pullError])).headline, "shopacr.azurecr.io refused the node's credentials (401)");
  });

  it('ignores warnings and passes, even when they carry a headline', () => {
    const warned = { ...role, status: 'warn' as const };
    assert.equal(rootCause(input([warned, pullError])).headline, pullError.headline);
  });

  it('keeps the order of the checks among findings of the same check (the first failing container first)', () => {
    const first: Finding = { ...podState, headline: 'Container web keeps crashing (CrashLoopBackOff)' };
    const second: Finding = { ...podState, headline: 'Container sidecar keeps crashing (CrashLoopBackOff)' };
    assert.equal(rootCause(input([first, second], { cause: null })).headline, first.headline);
  });

  it('borrows the advice of the kubelet message when the pinpointing finding has none', () => {
    const bare: Finding = { check: 'image-reference', status: 'fail', summary: 'x', headline: 'Image name X is not valid' };
    assert.deepEqual(rootCause(input([bare, pullError])).remedy, { text: pullError.remediation, commands: pullError.commands });
  });

  it('says a healthy pod is healthy, with nothing to do', () => {
    assert.deepEqual(
      rootCause(input([{ check: 'pod-state', status: 'pass', summary: 'running' }], { verdict: 'healthy', cause: null, problems: [] })),
      {
        headline: 'web-7d4c9b6f5-x2k8p is running and healthy',
        remedy: null,
      },
    );
  });

  it('says there is no verdict when checks could not run, with their advice', () => {
    const couldNot: Finding = {
      check: 'aks-cluster',
      status: 'error',
      summary: 'AKS cluster could not run: not allowed to read this from azure.',
      remediation: "Grant Pull Doctor's identity Reader on the cluster and the registry.",
    };
    const out = rootCause(input([couldNot], { verdict: 'unknown', cause: null, problems: [] }));
    assert.equal(out.headline, 'No verdict for web-7d4c9b6f5-x2k8p: some checks could not run');
    assert.equal(out.remedy?.text, couldNot.remediation);
  });

  it('names the cause in plain words, or the failing container and its reason, when no finding states more', () => {
    assert.equal(rootCause(input([podState])).headline, "The registry refused the node's credentials");
    assert.equal(rootCause(input([podState], { cause: null })).headline, 'Container web is failing (ImagePullBackOff)');
  });
});
