// `npm run bench` (diagnosis part): diagnoses sandbox pods with every API answer taking 300 ms (the Kubernetes API,
// ARM, the registries, and the Entra token endpoint behind the credential) and reports the calls made and the elapsed
// time divided by that latency: the sequential round trips on the critical path. Three cases:
//   - first: a missing-AcrPull pod, with clients as a fresh `pulldoctor diagnose` builds them (nothing cached);
//   - repeated in the bot: the same pod again with the same clients, as the bot keeps them (tokens and slow-changing
//     facts cached);
//   - hub registry: a pod pulling from a registry in another subscription, found with Resource Graph (fresh clients).
// The last column says when the last ARM answer came (pod → cluster and registry → role assignments); the rest of a
// first diagnosis is the registry's sign-in with Pull Doctor's identity (ACR's /oauth2/exchange, /oauth2/token, then
// the manifest), which a repeated one skips. It measures; it asserts nothing.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AccessToken, TokenCredential } from '@azure/identity';
import { parseConfig } from '../../src/config/index.js';
import { buildDiagnosisDependencies } from '../../src/clusters/cluster-connections.js';
import { diagnosePod, type DiagnosisDependencies } from '../../src/diagnosis/diagnose-pod.js';
import { silentLogger } from '../../src/logging/index.js';
import { startSandboxWorld } from '../../src/sandbox/sandbox-world.js';

const tlsDir = process.env.PULLDOCTOR_TEST_TLS_DIR;
if (!tlsDir) throw new Error('run through `npm run bench` (it prepares the test CA)');
const read = (f: string) => readFileSync(join(tlsDir, f), 'utf8');
const LATENCY = 300;
const RUNS = 3;

const world = await startSandboxWorld({ tls: { cert: read('server.pem'), key: read('server-key.pem'), ca: read('ca.pem') } });
const dir = mkdtempSync(join(tmpdir(), 'pulldoctor-bench-'));

/** The sandbox identity behind a token endpoint that takes as long as any other API (az account get-access-token). */
function slowCredential(): TokenCredential & { calls: number } {
  const credential = {
    calls: 0,
    async getToken(scopes: string | string[]): Promise<AccessToken | null> {
      credential.calls++;
      await new Promise((resolve) => setTimeout(resolve, world.arm.latencyMs));
      return world.credential.getToken(scopes);
    },
  };
  return credential;
}

try {
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, world.kubeconfigYaml);
  const env = { ...world.env, KUBECONFIG: kubeconfig, AZURE_CREDENTIAL: 'cli', HOME: dir };
  const config = parseConfig(env);
  const fresh = () => {
    const credential = slowCredential();
    const deps = buildDiagnosisDependencies(config, env, {}, silentLogger(), {
      azureCredential: credential,
      registryNetwork: world.network,
    });
    return { deps, credential };
  };

  // Warm up the process (module loading, TLS sessions) without latency, on clients that are then thrown away.
  await diagnosePod({ pod: 'web-7d4c9b6f5-x2k8p', namespace: 'shop' }, fresh().deps);
  world.setLatency(LATENCY);

  async function measure(pod: string, clients: { deps: DiagnosisDependencies; credential: { calls: number } }) {
    const before = {
      kube: world.kube.requests.length,
      arm: world.arm.requests.length,
      registry: world.registries.requests.length,
      token: clients.credential.calls,
    };
    const startedAt = Date.now();
    const started = process.hrtime.bigint();
    const d = await diagnosePod({ pod, namespace: 'shop' }, clients.deps);
    const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
    if (d.fix === null) throw new Error(`the benchmark pod ${pod} should get a fix`);
    // When the last ARM answer came: the pod → cluster and registry → role assignments chain.
    const armDoneMs = Math.max(0, ...world.arm.requests.slice(before.arm).map((r) => Date.parse(r.time) - startedAt));
    return {
      elapsedMs,
      armDoneMs,
      calls: {
        kube: world.kube.requests.length - before.kube,
        arm: world.arm.requests.length - before.arm,
        registry: world.registries.requests.length - before.registry,
        token: clients.credential.calls - before.token,
      },
    };
  }

  const cases: Array<{ name: string; run: () => ReturnType<typeof measure> }> = [
    { name: 'first diagnosis (missing AcrPull)', run: () => measure('web-7d4c9b6f5-x2k8p', fresh()) },
    {
      name: 'repeated, in the bot',
      run: async () => {
        const bot = fresh();
        await measure('web-7d4c9b6f5-x2k8p', bot);
        return measure('web-7d4c9b6f5-x2k8p', bot);
      },
    },
    { name: 'hub registry (other subscription)', run: () => measure('payments-5d6e7f8a9-p1q2r', fresh()) },
  ];

  console.log(
    `Diagnoses with every API answer taking ${LATENCY} ms (Kubernetes, ARM, registries, Entra tokens); median of ${RUNS} runs:\n`,
  );
  console.log('case                                  calls (kube/ARM/registry/token)  elapsed    round trips  (of which ARM answered by)');
  for (const c of cases) {
    const runs = [];
    for (let i = 0; i < RUNS; i++) runs.push(await c.run());
    runs.sort((a, b) => a.elapsedMs - b.elapsedMs);
    const { elapsedMs, armDoneMs, calls } = runs[Math.floor(RUNS / 2)]!;
    const total = calls.kube + calls.arm + calls.registry + calls.token;
    console.log(
      c.name.padEnd(38) +
        `${String(total).padStart(3)} (${calls.kube}/${calls.arm}/${calls.registry}/${calls.token})`.padEnd(33) +
        `${elapsedMs.toFixed(0).padStart(6)} ms  ${(elapsedMs / LATENCY).toFixed(1).padStart(6)}       ${(armDoneMs / LATENCY).toFixed(1).padStart(5)}`,
    );
  }
} finally {
  await world.close();
  rmSync(dir, { recursive: true, force: true });
}
