import assert from 'node:assert/strict';
import { KubeConfig } from '@kubernetes/client-node';
import { AlertService } from '../../src/alerts/alert-service.js';
import { systemClock } from '../../src/alerts/machinery.js';
import { ConversationRegistry } from '../../src/alerts/routing.js';
import { parseConfig } from '../../src/config/index.js';
import { goneStoryOf } from '../../src/diagnosis/events.js';
import { diagnosePod } from '../../src/diagnosis/diagnose-pod.js';
import { isPullDoctorError } from '../../src/errors/index.js';
import { silentLogger } from '../../src/logging/index.js';
import { openSqliteStore } from '../../src/store/index.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BOT_NAMESPACE,
  botKubernetesCalls,
  permissionKey,
  requiredPermissions,
  type KubernetesCall,
} from '../support/kubernetes-permissions.js';
import { RecordingAlertChannel } from '../support/recording-alert-channel.js';
import { channelReference, OPS } from '../support/alerts-world.js';
import { startSandboxHarness, type SandboxHarness } from '../support/sandbox.js';
import { waitFor } from '../support/wait-for.js';

/**
 * The permission list the RBAC manifests are checked against (test/support/kubernetes-permissions.ts) must be what
 * the real code actually calls: record a session of the fake Kubernetes API while the real code diagnoses every
 * sandbox pod (and a missing one), and runs the alert watcher with leader election, then compare.
 */
describe('the Kubernetes calls the code makes (a recorded session of the fake API server)', function () {
  this.timeout(60_000);
  let h: SandboxHarness;
  let dir: string;
  before(async () => {
    h = await startSandboxHarness();
    dir = mkdtempSync(join(tmpdir(), 'pulldoctor-rbac-'));
  });
  after(async () => {
    await h?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('need exactly the permissions the RBAC manifests are checked against', async () => {
    h.world.kube.addNamespace(BOT_NAMESPACE);
    h.world.kube.clearRequests();
    const deps = h.dependencies();
    // Every scenario pod; the one a rollout deleted ends in POD_NOT_FOUND with its events' story.
    for (const scenario of h.world.scenarios)
      await diagnosePod({ pod: scenario.pod, namespace: scenario.namespace }, deps).catch((e: unknown) =>
        assert.ok(goneStoryOf(e), String(e)),
      );
    await diagnosePod({ pod: 'web-7d4c8b6f5-x2k8p', namespace: 'shop' }, deps).catch((e: unknown) =>
      assert.ok(isPullDoctorError(e) && e.code === 'POD_NOT_FOUND'),
    );

    const env = { ALERTS_ENABLED: 'true', ALERT_GRACE_PERIOD: '0s', ALERT_ROUTES: `*/*=${OPS}`, LEADER_ELECTION_NAMESPACE: BOT_NAMESPACE };
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromString(h.world.kubeconfigYaml);
    const store = await openSqliteStore({ path: join(dir, 'state.sqlite'), log: silentLogger() });
    const channel = new RecordingAlertChannel(systemClock);
    const service = new AlertService({
      config: parseConfig(env).alerts,
      cluster: 'shop-aks',
      kubeConfig,
      reader: deps.kube,
      diagnose: (target) => diagnosePod(target, deps),
      store: store.documents,
      channel,
      log: silentLogger(),
      leaderElection: { leaseDurationMs: 2000, renewDeadlineMs: 1500, retryPeriodMs: 200 },
    });
    try {
      await new ConversationRegistry(store.documents).remember({
        conversationId: OPS,
        conversationType: 'channel',
        reference: channelReference(OPS),
      });
      await service.start();
      await waitFor('an alert from the watcher', () => channel.posts.length > 0, 30_000);
      await waitFor('a lease renewal', () => h.world.kube.requests.some((r) => r.resource === 'leases' && r.verb === 'update'), 10_000);
    } finally {
      await service.stop();
      await store.close();
    }

    const recorded = h.world.kube.requests as unknown as KubernetesCall[];
    const keys = (calls: readonly KubernetesCall[]) => {
      const r = requiredPermissions(calls);
      return { clusterWide: [...r.clusterWide].sort(), botNamespace: [...r.botNamespace].sort() };
    };
    assert.deepEqual(keys(recorded), keys(botKubernetesCalls()));
    assert.ok(keys(recorded).clusterWide.includes(permissionKey('', 'pods', 'watch')));
  });
});
