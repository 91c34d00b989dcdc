import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { join } from 'node:path';
import type { AlertService } from '../../src/alerts/alert-service.js';
import type { AlertsTuning } from '../../src/alerts/alerts-assembly.js';
import type { App } from '../../src/app/compose.js';
import { staticRegistryNetwork } from '../../src/clients/registry/registry-network.js';
import { silentLogger, type LogRecord } from '../../src/logging/index.js';
import { payloads, startFakeKubernetesApi, type FakeKubernetesApi } from '../../src/sandbox/kubernetes-api/index.js';
import { openSqliteStore, type Store } from '../../src/store/index.js';
import { startBot } from './bot.js';
import { cardTexts } from './card-text.js';
import { ConnectorServer, type ConnectorCall } from './connector-server.js';
import { failingPod, KUBE_TOKEN } from './alerts-world.js';
import { ManualClock } from './manual-clock.js';
import { testTls } from './tls.js';
import { waitFor } from './wait-for.js';

export const WEBHOOK_SECRET = 'am-webhook-7c1f9e2b5d8a4c3e';
export const GRACE_MS = 120_000;
/** A short lease, so that a follower takes over within a few seconds of the manual clock. */
export const ELECTION = { leaseDurationMs: 4_000, renewDeadlineMs: 3_000, retryPeriodMs: 500, random: () => 0.5 };

export interface Replica {
  app: App;
  url: string;
  logs: LogRecord[];
  /** The cluster's alert service (once started). */
  service(): AlertService;
  stop(): Promise<void>;
}

export interface AlertingBotWorld {
  /** The API server of cluster "prod" (the kubeconfig's current context). */
  fake: FakeKubernetesApi;
  /** Every cluster's API server, by context name. */
  fakes: ReadonlyMap<string, FakeKubernetesApi>;
  connector: ConnectorServer;
  clock: ManualClock;
  dir: string;
  storePath: string;
  /** The bot as the entry point runs it — configured cluster from KUBECONFIG, SQLite store, alerts on — listening and started. */
  replica(options?: { env?: Record<string, string>; start?: boolean }): Promise<Replica>;
  /** Reads the store as another process would (a fresh connection). */
  withStore<T>(read: (store: Store) => Promise<T>): Promise<T>;
  /** A Deployment's pod failing to pull (401 from the registry), with the kubelet's events. */
  fail(deployment: string, index: number, cluster?: string): void;
  /** The alert cards posted or updated, in order. */
  alertCalls(conversationId?: string): ConnectorCall[];
  close(): Promise<void>;
}

export function cardOf(call: ConnectorCall): Record<string, unknown> {
  return (call.activity!.attachments as Array<{ content: Record<string, unknown> }>)[0]!.content;
}

/** Whether a connector call carries an alert card (its footer says the message follows the pods). */
export function isAlertCard(call: ConnectorCall): boolean {
  if (!Array.isArray(call.activity?.attachments)) return false;
  return cardTexts(cardOf(call)).some((t) => t.endsWith('this message is updated as pods fail and recover'));
}

/** Posts and updates of messages, as Teams sees them (botbuilder posts proactively as a "reply" to its continuation event). */
export function operations(calls: ConnectorCall[]): Array<'post' | 'update'> {
  return calls.map((c) => (c.operation === 'update' ? 'update' : 'post'));
}

/** One kubeconfig with a context per cluster (named after it), the first one current. */
function mergedKubeconfig(fakes: ReadonlyMap<string, FakeKubernetesApi>): string {
  const docs = [...fakes].map(
    ([name, fake]) => parseYaml(fake.kubeconfig({ token: KUBE_TOKEN, clusterName: name, contextName: name })) as Record<string, unknown[]>,
  );
  const merged = {
    ...docs[0]!,
    clusters: docs.flatMap((d) => d.clusters!),
    contexts: docs.flatMap((d) => d.contexts!),
    users: docs.flatMap((d) => d.users!),
  };
  return stringifyYaml(merged);
}

/**
 * The fake Kubernetes API of cluster "prod" (and of any other cluster named: one API server each), with namespace
 * shop and the lease namespace pull-doctor, a kubeconfig with a context per cluster, one SQLite store file, the
 * local Bot Connector and a manual clock, shared by every replica started: each one is a whole bot (startBot: the
 * composition root, as src/server/main.ts runs it) on 127.0.0.1.
 */
export async function startAlertingBotWorld(options: { clusters?: string[] } = {}): Promise<AlertingBotWorld> {
  const tls = testTls();
  const fakes = new Map<string, FakeKubernetesApi>();
  for (const name of options.clusters ?? ['prod']) {
    const api = await startFakeKubernetesApi({ tls: { cert: tls.cert, key: tls.key, ca: tls.ca }, auth: { bearerTokens: [KUBE_TOKEN] } });
    api.addNamespace('shop');
    api.addNamespace('pull-doctor');
    api.upsertServiceAccount(payloads.serviceAccount({ namespace: 'shop' }));
    fakes.set(name, api);
  }
  const fake = [...fakes.values()][0]!;
  const dir = mkdtempSync(join(tmpdir(), 'pulldoctor-alerting-bot-'));
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, mergedKubeconfig(fakes), { mode: 0o600 });
  const storePath = join(dir, 'state.sqlite');
  const connector = await ConnectorServer.start();
  const clock = new ManualClock(Date.now());
  const replicas: Replica[] = [];

  const world: AlertingBotWorld = {
    fake,
    fakes,
    connector,
    clock,
    dir,
    storePath,
    async replica(options = {}) {
      const env = {
        KUBECONFIG: kubeconfig,
        HOME: dir,
        STORE_SQLITE_PATH: storePath,
        ALERTS_ENABLED: 'true',
        ALERTMANAGER_WEBHOOK_SECRET: WEBHOOK_SECRET,
        ...(options.env ?? {}),
      };
      const tuning: AlertsTuning = {
        clock,
        leaderElection: ELECTION,
        engine: { watchBackoff: { initialMs: 1000, maxMs: 8000 } },
      };
      const bot = await startBot({
        dir,
        env,
        replica: `r${replicas.length + 1}`,
        registryNetwork: staticRegistryNetwork({}),
        tuning: { alerts: tuning },
      });
      const { app, url } = bot;
      if (options.start !== false) await app.alerts!.start();
      let stopped = false;
      const replica: Replica = {
        app,
        url,
        logs: bot.logs,
        service: () => app.alerts!.services.get('prod')!,
        async stop() {
          if (stopped) return;
          stopped = true;
          await bot.stop(2000);
        },
      };
      replicas.push(replica);
      return replica;
    },
    async withStore(read) {
      const store = await openSqliteStore({ path: storePath, log: silentLogger() });
      try {
        return await read(store);
      } finally {
        await store.close();
      }
    },
    fail(deployment, index, cluster) {
      const api = cluster === undefined ? fake : fakes.get(cluster)!;
      const pod = api.upsertPod(failingPod(deployment, index));
      const image = `shopacr.azurecr.io/shop/${deployment}:2.4.1`;
      for (const event of payloads.imagePullEvents(pod, {
        pullError: payloads.pullErrors.anonymousUnauthorized(image),
        now: new Date(clock.now()),
      }))
        api.addEvent(event);
    },
    alertCalls(conversationId) {
      return connector.calls.filter((c) => isAlertCard(c) && (conversationId === undefined || c.conversationId === conversationId));
    },
    async close() {
      for (const r of replicas) await r.stop().catch(() => undefined);
      await connector.stop();
      for (const api of fakes.values()) await api.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return world;
}

/** Waits until the replica leads and its watch of namespace shop has listed. */
export async function leadingAndSynced(world: AlertingBotWorld, replica: Replica): Promise<void> {
  await world.clock.runUntil('the replica to lead', () => replica.app.alerts!.services.get('prod')?.isLeader === true, 100, { realMs: 10 });
  await waitFor('the watch to be synced', () => replica.service().engine?.watcher.isSynced('shop') === true);
}

/** Lets everything that is due now finish (reads, diagnoses, store writes, sends). */
export async function settled(replica: Replica): Promise<void> {
  await waitFor('the alert machinery to be idle', () => (replica.service().engine?.busy ?? 0) === 0, 10_000);
}
