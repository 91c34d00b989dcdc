import assert from 'node:assert/strict';
import { chooseStartMode } from '../../scripts/start.js';

const nothingOnDisk = { fileExists: () => false };

describe('how npm start chooses between the sandbox and the configured cluster', () => {
  it('runs the sandbox when nothing is configured', () => {
    assert.deepEqual(chooseStartMode({ HOME: '/home/dana', PATH: '/usr/bin' }, nothingOnDisk), {
      kind: 'sandbox',
      reason: 'no MicrosoftAppId, no kubeconfig and no PULLDOCTOR_CONFIG',
    });
  });

  it('uses what is configured: a bot identity, a multi-cluster configuration, KUBECONFIG, a pod, or ~/.kube/config', () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{ MicrosoftAppId: '3f8a2c1e-5b7d-4e9f-a1c3-0d2e4f6a8b9c' }, 'MicrosoftAppId is set'],
      [{ PULLDOCTOR_CONFIG: '/etc/pull-doctor/clusters.yaml' }, 'PULLDOCTOR_CONFIG is set'],
      [{ KUBECONFIG: '/tmp/kubeconfig' }, 'KUBECONFIG is set (/tmp/kubeconfig)'],
      [{ KUBERNETES_SERVICE_HOST: '10.0.0.1' }, 'running in a Kubernetes pod'],
    ];
    for (const [env, reason] of cases)
      assert.deepEqual(chooseStartMode({ HOME: '/home/dana', ...env }, nothingOnDisk), { kind: 'configured', reason });
    const withKubeconfig = chooseStartMode({ HOME: '/home/dana' }, { fileExists: (path) => path === '/home/dana/.kube/config' });
    assert.deepEqual(withKubeconfig, { kind: 'configured', reason: '/home/dana/.kube/config exists' });
  });

  it('ignores settings that are set but empty', () => {
    assert.equal(chooseStartMode({ KUBECONFIG: '  ', MicrosoftAppId: '' }, nothingOnDisk).kind, 'sandbox');
  });

  it('runs the sandbox when asked, whatever is configured', () => {
    assert.deepEqual(chooseStartMode({ KUBECONFIG: '/tmp/kubeconfig' }, { forceSandbox: true, ...nothingOnDisk }), {
      kind: 'sandbox',
      reason: '--sandbox was given',
    });
  });
});
