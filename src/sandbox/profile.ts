import { systemClock, type Clock } from '../alerts/machinery.js';
import type { Profile } from '../app/compose.js';
import { createKubernetesReader } from '../clients/kubernetes/kubernetes-reader.js';
import { loadKubeConfig } from '../clients/kubernetes/kube-config.js';
import { buildDiagnosisDependencies, singleCluster, type ClusterConnections } from '../clusters/cluster-connections.js';
import { approvalsEnabled } from '../config/index.js';
import type { Config } from '../config/index.js';
import { createApproverCheck } from '../fixes/index.js';
import type { Logger } from '../logging/index.js';
import { payloads, type FakeKubernetesApi } from './kubernetes-api/index.js';
import { sandboxApprovers } from './playground.js';
import { SANDBOX_NAMESPACE } from './sandbox-scenarios.js';
import { startSandboxWorld, type SandboxWorld, type SandboxWorldOptions } from './sandbox-world.js';

/** In the sandbox: a short grace period, and the outage drill's timing. */
export const SANDBOX_ALERT_GRACE_MS = 10_000;
export const SANDBOX_OUTAGE_FAIL_AFTER_MS = 3_000;
export const SANDBOX_OUTAGE_RECOVER_AFTER_MS = 90_000;

/** The sandbox's healthy pod (the "A healthy pod" scenario), which the outage drill breaks and repairs. */
export const OUTAGE_POD = 'storefront-7b8c9d0e1-h2i3j';
export const OUTAGE_DEPLOYMENT = 'storefront';
const GOOD_IMAGE = 'shopacr.azurecr.io/shop/storefront:3.0';
/** A tag that was never pushed: the registry answers "not found". */
export const OUTAGE_IMAGE = 'shopacr.azurecr.io/shop/storefront:3.1';
/** The sandbox's cluster, as the bot names it (its kubeconfig context and AKS cluster are named so too). */
const SANDBOX_CLUSTER = 'shop-aks';

/** Timing tests change (a manual clock, a short grace period and drill). */
export interface SandboxTuning {
  clock?: Clock;
  gracePeriodMs?: number;
  failAfterMs?: number;
  recoverAfterMs?: number;
}

export interface SandboxProfile extends Profile {
  world: SandboxWorld;
  clusters: ClusterConnections;
}

/**
 * The bundled sandbox as the bot's profile: its world started in this process (fake Kubernetes API, fake ARM and
 * fake registries, serving `tls`); the cluster `shop-aks` diagnosed through the real clients; fixes granted by the
 * sandbox identity on the fake ARM and approved by the Playground's users other than the current one; alerts on,
 * every namespace, a short grace period, no lease, and the outage drill after `alerts on`; every card says Sandbox,
 * lists the sandbox pods and defaults to namespace `shop`. `close()` stops the drill and the world.
 */
export async function sandboxProfile(options: {
  tls: SandboxWorldOptions['tls'];
  config: Config;
  log: Logger;
  tuning?: SandboxTuning | undefined;
  world?: Partial<SandboxWorldOptions>;
}): Promise<SandboxProfile> {
  const { config, log, tuning = {} } = options;
  const world = await startSandboxWorld({ ...options.world, tls: options.tls });
  log.info('sandbox started', {
    cluster: SANDBOX_CLUSTER,
    kubernetes: world.kube.url,
    resourceManager: world.arm.url,
    // The pods there are (a scenario may leave only events: a pod a rollout deleted).
    pods: world.kube.list('v1', 'Pod', SANDBOX_NAMESPACE).length,
  });
  const approvers = sandboxApprovers();
  const names = approvers.map((a) => a.name).join(', ');
  const fixLog = log.child({ component: 'fix-approvals' });
  if (approvalsEnabled(config.approvals))
    fixLog.warn('sandbox mode: APPROVERS and APPROVER_GROUP_ID are not used; the sandbox approvers are', { approvers: names });
  fixLog.info('fix approvals on the sandbox: sandbox approvers are the Playground users other than the current one', {
    approvers: approvers.map((a) => `${a.name} (${a.objectId})`),
    resourceManager: world.arm.url,
  });
  const { clusterName: _ignored, leaderElection: _none, ...alerts } = config.alerts;
  const gracePeriodMs = tuning.gracePeriodMs ?? SANDBOX_ALERT_GRACE_MS;
  const drill = new OutageDrill({
    kube: world.kube,
    clock: tuning.clock ?? systemClock,
    failAfterMs: tuning.failAfterMs ?? SANDBOX_OUTAGE_FAIL_AFTER_MS,
    recoverAfterMs: tuning.recoverAfterMs ?? SANDBOX_OUTAGE_RECOVER_AFTER_MS,
    gracePeriodMs,
    log: log.child({ component: 'alerts-wiring' }),
  });
  return {
    world,
    clusters: sandboxCluster(world, config, log),
    fixes: {
      credential: world.credential,
      resourceManagerEndpoint: world.arm.url,
      approvers: createApproverCheck({ approvers: approvers.map((a) => a.objectId) }, { log: fixLog }),
      approversText: `Sandbox approvers: ${names}`,
      namedApprovers: approvers,
      // The Playground plays one user: its approval card offers "Approve as Megan Bowen (sandbox)".
      standIns: approvers,
      unauthenticated: false,
    },
    alerts: { ...alerts, enabled: true, namespaces: [], gracePeriodMs },
    onAlertsOn: () => drill.announce(),
    cards: {
      sandbox: true,
      samplePods: world.scenarios.map((s) => ({ pod: s.pod, namespace: s.namespace, title: s.title })),
      defaultNamespace: SANDBOX_NAMESPACE,
    },
    async close() {
      drill.stop();
      await world.close();
    },
  };
}

/**
 * The sandbox's cluster `shop-aks`, diagnosed through the real clients: its kubeconfig, the fake ARM endpoint and
 * subscription, the sandbox identity as the Azure credential, and the fake registries as the registry network.
 */
export function sandboxCluster(world: SandboxWorld, config: Config, log: Logger): ClusterConnections {
  const azure = {
    ...config.azure,
    resourceManagerEndpoint: world.arm.url,
    subscriptionId: world.ids.subscriptionId,
    tenantId: world.ids.tenantId,
  };
  const kubeConfig = loadKubeConfig({ kubeconfigYaml: world.kubeconfigYaml });
  const kube = createKubernetesReader(kubeConfig, { log });
  const overrides = { kube, azureCredential: world.credential, registryNetwork: world.network };
  const dependencies = buildDiagnosisDependencies({ ...config, azure }, {}, {}, log, overrides);
  const connection = { name: SANDBOX_CLUSTER, kube, kubeConfig, clusterId: world.ids.clusterId, routes: {} };
  return singleCluster(connection, dependencies, [kubeConfig.getCurrentContext(), kube.clusterName]);
}

/**
 * A bad rollout in the sandbox: the healthy storefront pod's image is set to a tag that does not exist, so it goes
 * into ImagePullBackOff with the kubelet's events, as `kubectl set image` would make it. For trying proactive alerts.
 */
export function breakOutagePod(kube: FakeKubernetesApi, now: Date): void {
  const pullError = payloads.pullErrors.notFound(OUTAGE_IMAGE);
  const pod = kube.upsertPod(
    payloads.imagePullBackOffPod({
      namespace: SANDBOX_NAMESPACE,
      name: OUTAGE_POD,
      image: OUTAGE_IMAGE,
      ownerDeployment: OUTAGE_DEPLOYMENT,
      pullError,
      now,
    }),
  );
  for (const event of payloads.imagePullEvents(pod, { pullError, now })) kube.addEvent(event);
}

/** The rollback: the pod runs its good image again. */
export function repairOutagePod(kube: FakeKubernetesApi, now: Date): void {
  kube.upsertPod(
    payloads.runningPod({ namespace: SANDBOX_NAMESPACE, name: OUTAGE_POD, image: GOOD_IMAGE, ownerDeployment: OUTAGE_DEPLOYMENT, now }),
  );
}

const seconds = (ms: number) => {
  const n = Math.round(ms / 1000);
  return n === 1 ? '1 second' : `${n} seconds`;
};

/**
 * The sandbox's way to try proactive alerts: after `alerts on`, the healthy storefront pod gets a bad rollout (an
 * image tag that does not exist) a few seconds later, and is rolled back a while after. Its alert card reaches the
 * conversation once the grace period has passed, and turns resolved after the rollback. One drill at a time.
 */
class OutageDrill {
  private state: 'healthy' | 'scheduled' | 'failing' = 'healthy';
  private readonly timers = new Set<unknown>();
  private stopped = false;

  constructor(
    private readonly options: {
      kube: FakeKubernetesApi;
      clock: Clock;
      failAfterMs: number;
      recoverAfterMs: number;
      gracePeriodMs: number;
      log: Logger;
    },
  ) {}

  /** Starts a drill unless one is under way; returns what to tell the user. */
  announce(): string[] {
    const { failAfterMs, recoverAfterMs, gracePeriodMs, kube, clock, log } = this.options;
    if (this.stopped) return [];
    if (this.state !== 'healthy') {
      return [`🧪 Sandbox: ${OUTAGE_POD} is already part of a bad rollout; its alert comes here, then turns resolved at the rollback.`];
    }
    this.state = 'scheduled';
    this.after(failAfterMs, () => {
      breakOutagePod(kube, new Date(clock.now()));
      this.state = 'failing';
      log.info('sandbox: bad rollout', { namespace: SANDBOX_NAMESPACE, pod: OUTAGE_POD, image: OUTAGE_IMAGE });
      this.after(recoverAfterMs, () => {
        repairOutagePod(kube, new Date(clock.now()));
        this.state = 'healthy';
        log.info('sandbox: rolled back', { namespace: SANDBOX_NAMESPACE, pod: OUTAGE_POD });
      });
    });
    return [
      `🧪 Sandbox: in ${seconds(failAfterMs)} the healthy pod ${OUTAGE_POD} gets a bad rollout (${OUTAGE_IMAGE}, a tag that was never pushed). ` +
        `Its alert card should reach this chat about ${seconds(gracePeriodMs)} later, ` +
        `and turn resolved when it is rolled back ${seconds(recoverAfterMs)} after the rollout.`,
    ];
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers) this.options.clock.clearTimeout(timer);
    this.timers.clear();
  }

  private after(ms: number, run: () => void): void {
    const timer = this.options.clock.setTimeout(() => {
      this.timers.delete(timer);
      if (!this.stopped) run();
    }, ms);
    this.timers.add(timer);
  }
}
