/**
 * Measures the alert watcher (`npm run bench`, or `npm run bench -- alerts [pods]`):
 *   1. memory: heapUsed after GC with N pods (default 10 000) in the informer cache, minus before the watcher started;
 *   2. latency: from a pod entering ImagePullBackOff to its alert card being posted, grace period 0 (median of runs).
 * Everything runs on 127.0.0.1: the fake Kubernetes API, a SQLite store in a temporary folder, the real diagnosis.
 * A benchmark measures; it asserts nothing.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { AlertService } from '../../src/alerts/alert-service.js';
import type { AlertChannel } from '../../src/alerts/alert-delivery.js';
import { ConversationRegistry } from '../../src/alerts/routing.js';
import { createKubernetesReader } from '../../src/clients/kubernetes/kubernetes-reader.js';
import { createRegistryClient } from '../../src/clients/registry/create-registry-client.js';
import { staticRegistryNetwork } from '../../src/clients/registry/registry-network.js';
import { parseConfig } from '../../src/config/index.js';
import { diagnosePod } from '../../src/diagnosis/diagnose-pod.js';
import { silentLogger } from '../../src/logging/index.js';
import { openSqliteStore } from '../../src/store/index.js';
import { payloads, startFakeKubernetesApi } from '../../src/sandbox/kubernetes-api/index.js';

const POD_COUNT = Number(process.argv[2] ?? 10_000);
const LATENCY_RUNS = 20;
const OPS = '19:bench@thread.tacv2';
const TOKEN = 'bench-token-1c2d3e4f';
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) {
  console.error('run with node --expose-gc');
  process.exit(2);
}

function heapAfterGc(): number {
  for (let i = 0; i < 3; i++) gc!();
  return process.memoryUsage().heapUsed;
}

const tlsDir = process.env.PULLDOCTOR_TEST_TLS_DIR ?? join(process.cwd(), 'test', '.tls');
const read = (name: string) => readFileSync(join(tlsDir, name), 'utf8');
const tls = { cert: read('server.pem'), key: read('server-key.pem'), ca: read('ca.pem') };

const fake = await startFakeKubernetesApi({ tls, auth: { bearerTokens: [TOKEN] } });
const dir = mkdtempSync(join(tmpdir(), 'pulldoctor-bench-'));
const store = await openSqliteStore({ path: join(dir, 'state.sqlite'), log: silentLogger() });
try {
  for (let i = 0; i < POD_COUNT; i++) {
    const deployment = `app${Math.floor(i / 20)}`;
    fake.upsertPod(
      payloads.runningPod({
        namespace: `team${i % 25}`,
        name: `${deployment}-7d4c9b8f6d-${i}`,
        ownerDeployment: deployment,
        image: `shopacr.azurecr.io/${deployment}:1.0.${i % 7}`,
      }),
    );
  }
  fake.addNamespace('shop');
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromString(fake.kubeconfig({ token: TOKEN, clusterName: 'bench' }));
  const reader = createKubernetesReader(kubeConfig);
  const registry = createRegistryClient({ network: staticRegistryNetwork({}), log: silentLogger() });
  const posted = new Map<string, number>();
  const channel: AlertChannel = {
    async post(_conversation, card) {
      if (card.kind === 'alert') posted.set(card.diagnosis.pod, performance.now());
      return { messageId: String(posted.size) };
    },
    async update() {},
  };
  const service = new AlertService({
    config: parseConfig({ ALERTS_ENABLED: 'true', ALERT_GRACE_PERIOD: '0', ALERT_ROUTES: `*/*=${OPS}`, ALERT_FLOOD_THRESHOLD: '100' })
      .alerts,
    cluster: 'bench',
    kubeConfig,
    reader,
    diagnose: (target) =>
      diagnosePod(target, { kube: reader, registry, azure: { available: false, reason: 'benchmark' }, log: silentLogger() }),
    store: store.documents,
    channel,
  });
  await new ConversationRegistry(store.documents).remember({ conversationId: OPS, conversationType: 'channel', reference: {} });

  const before = heapAfterGc();
  const listStarted = performance.now();
  await service.start();
  while (!service.engine?.watcher.isSynced('shop')) await new Promise((r) => setTimeout(r, 20));
  const listMs = performance.now() - listStarted;
  const cached = service.engine.watcher.list().length;
  const after = heapAfterGc();

  const latencies: number[] = [];
  for (let run = 0; run < LATENCY_RUNS; run++) {
    // One conversation takes 8 operations per 2 s (Teams' limit, which the sender keeps): space the runs so that the
    // rate limit does not become what is measured.
    await new Promise((r) => setTimeout(r, 300));
    const name = `bench-${run}-7d4c9b8f6d-x`;
    const started = performance.now();
    fake.upsertPod(
      payloads.imagePullBackOffPod({
        namespace: 'shop',
        name,
        ownerDeployment: `bench-${run}`,
        image: `shopacr.azurecr.io/bench-${run}:9`,
        kubeletVersion: '1.32',
        pullError: payloads.pullErrors.anonymousUnauthorized(`shopacr.azurecr.io/bench-${run}:9`),
      }),
    );
    while (!posted.has(name)) await new Promise((r) => setImmediate(r));
    latencies.push(posted.get(name)! - started);
  }
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!.toFixed(1);
  console.log(
    JSON.stringify(
      {
        pods: POD_COUNT,
        cachedPods: cached,
        initialListAndWatchMs: Math.round(listMs),
        heapUsedDeltaMiB: +((after - before) / 1024 / 1024).toFixed(1),
        heapBytesPerPod: Math.round((after - before) / Math.max(1, cached)),
        alertLatencyMs: { runs: LATENCY_RUNS, p50: pct(50), p90: pct(90), max: pct(100) },
        node: process.version,
      },
      null,
      2,
    ),
  );
  await service.stop();
} finally {
  await store.close();
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
}
