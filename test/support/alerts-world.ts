import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { AlertService, type AlertServiceOptions } from '../../src/alerts/alert-service.js';
import { ConversationRegistry } from '../../src/alerts/routing.js';
import { createKubernetesReader, type KubernetesReader } from '../../src/clients/kubernetes/kubernetes-reader.js';
import { createRegistryClient } from '../../src/clients/registry/create-registry-client.js';
import { staticRegistryNetwork } from '../../src/clients/registry/registry-network.js';
import { parseConfig } from '../../src/config/index.js';
import { diagnosePod } from '../../src/diagnosis/diagnose-pod.js';
import { createLogger, memorySink, type LogRecord } from '../../src/logging/index.js';
import { openSqliteStore, type Store } from '../../src/store/index.js';
import { payloads, startFakeKubernetesApi, type FakeKubernetesApi, type WirePod } from '../../src/sandbox/kubernetes-api/index.js';
import { ManualClock } from './manual-clock.js';
import { RecordingAlertChannel } from './recording-alert-channel.js';
import { testTls } from './tls.js';

export const OPS = '19:7e1c3f0a9b2d4e5f8a6b0c1d2e3f4a5b@thread.tacv2';
export const KUBE_TOKEN = 'alerts-test-token-5b8e2c1d';

/** A botbuilder ConversationReference as the Teams layer would store it for a channel. */
export function channelReference(conversationId: string) {
  return {
    bot: { id: '28:0b1f6471-1bf0-4dda-aec3-111122223333', name: 'Pull Doctor' },
    conversation: { isGroup: true, conversationType: 'channel', id: conversationId, tenantId: '00000000-0000-4000-8000-0000000000a1' },
    channelId: 'msteams',
    serviceUrl: 'https://smba.trafficmanager.net/emea/',
  };
}

export interface AlertsWorld {
  fake: FakeKubernetesApi;
  clock: ManualClock;
  store: Store;
  storePath: string;
  channel: RecordingAlertChannel;
  logs: LogRecord[];
  /** A replica: its own AlertService (and its own store connection), sharing the API server, the store file, the channel and the clock. */
  /** Upserts a failing pod of a Deployment with the kubelet's events for it (the diagnosis reads the cause from them). */
  fail(deployment: string, index: number, options?: { image?: string; namespace?: string }): WirePod;
  replica(options?: {
    env?: Record<string, string>;
    server?: string;
    identity?: string;
    more?: Partial<AlertServiceOptions>;
    /** Wraps the replica's real reader for the alert engine (not for its diagnoses), e.g. to hold or count reads. */
    engineReader?: (reader: KubernetesReader) => KubernetesReader;
  }): Promise<AlertService>;
  close(): Promise<void>;
}

/**
 * The fake Kubernetes API over HTTPS, a SQLite store in a temporary file, the real KubernetesReader and the real
 * diagnosis engine (registries unreachable: no network map, no Azure), a RecordingAlertChannel and a ManualClock.
 */
export async function startAlertsWorld(): Promise<AlertsWorld> {
  const tls = testTls();
  const fake = await startFakeKubernetesApi({ tls: { cert: tls.cert, key: tls.key, ca: tls.ca }, auth: { bearerTokens: [KUBE_TOKEN] } });
  const dir = mkdtempSync(join(tmpdir(), 'pulldoctor-alerts-'));
  const storePath = join(dir, 'state.sqlite');
  const sink = memorySink();
  const log = createLogger({ sink, level: 'debug' });
  const store = await openSqliteStore({ path: storePath, log });
  const clock = new ManualClock();
  const channel = new RecordingAlertChannel(clock);
  const services: AlertService[] = [];
  const stores: Store[] = [store];
  fake.addNamespace('shop');
  fake.addNamespace('pull-doctor');
  fake.upsertServiceAccount(payloads.serviceAccount({ namespace: 'shop' }));

  return {
    fake,
    clock,
    store,
    storePath,
    channel,
    logs: sink.records,
    fail(deployment, index, options = {}) {
      const pod = fake.upsertPod(failingPod(deployment, index, options));
      const image = options.image ?? `shopacr.azurecr.io/shop/${deployment}:2.4.1`;
      for (const event of payloads.imagePullEvents(pod, {
        pullError: payloads.pullErrors.anonymousUnauthorized(image),
        now: new Date(clock.now()),
      }))
        fake.addEvent(event);
      return pod;
    },
    async replica(options = {}) {
      const env = { ALERTS_ENABLED: 'true', ALERT_ROUTES: `*/*=${OPS}`, ALERT_CLUSTER_NAME: 'prod', ...(options.env ?? {}) };
      const config = parseConfig(env).alerts;
      const kubeConfig = new KubeConfig();
      kubeConfig.loadFromString(
        fake.kubeconfig({ token: KUBE_TOKEN, clusterName: 'prod', ...(options.server ? { server: options.server } : {}) }),
      );
      const replicaLog = log.child({ replica: options.identity ?? `r${services.length + 1}` });
      const reader = createKubernetesReader(kubeConfig, { log: replicaLog, timeoutMs: 5000 });
      const registry = createRegistryClient({ network: staticRegistryNetwork({}), log: replicaLog });
      const replicaStore = await openSqliteStore({ path: storePath, log: replicaLog });
      stores.push(replicaStore);
      const service = new AlertService({
        config,
        cluster: 'prod',
        kubeConfig,
        reader: options.engineReader ? options.engineReader(reader) : reader,
        diagnose: (target) =>
          diagnosePod(target, {
            kube: reader,
            registry,
            azure: { available: false, reason: 'no Azure in this test' },
            log: replicaLog,
            now: () => new Date(clock.now()),
          }),
        store: replicaStore.documents,
        channel,
        clock,
        log: replicaLog,
        identity: options.identity ?? `replica-${services.length + 1}`,
        engine: { watchBackoff: { initialMs: 1000, maxMs: 8000 } },
        ...(options.more ?? {}),
      });
      await new ConversationRegistry(replicaStore.documents, clock).remember({
        conversationId: OPS,
        conversationType: 'channel',
        reference: channelReference(OPS),
      });
      services.push(service);
      return service;
    },
    async close() {
      for (const s of services) await s.stop().catch(() => undefined);
      await fake.close();
      for (const s of stores) await s.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A pod of Deployment `deployment` stuck in ImagePullBackOff because the registry refuses anonymous pulls (kubelet 1.32 wording). */
export function failingPod(deployment: string, index: number, options: { image?: string; namespace?: string } = {}): WirePod {
  const image = options.image ?? `shopacr.azurecr.io/shop/${deployment}:2.4.1`;
  return payloads.imagePullBackOffPod({
    namespace: options.namespace ?? 'shop',
    name: `${deployment}-7d4c9b8f6d-p${index}`,
    ownerDeployment: deployment,
    image,
    kubeletVersion: '1.32',
    pullError: payloads.pullErrors.anonymousUnauthorized(image),
  });
}

/** The same pod, running. */
export function runningPod(deployment: string, index: number, options: { image?: string; namespace?: string } = {}): WirePod {
  return payloads.runningPod({
    namespace: options.namespace ?? 'shop',
    name: `${deployment}-7d4c9b8f6d-p${index}`,
    ownerDeployment: deployment,
    image: options.image ?? `shopacr.azurecr.io/shop/${deployment}:2.4.1`,
  });
}
