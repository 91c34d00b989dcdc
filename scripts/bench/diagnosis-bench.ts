// `npm run bench` (diagnosis part): diagnoses a failing ACR pod (missing AcrPull) in the sandbox world with an
// injected per-request latency on every fake server, and reports the API calls made and the elapsed time divided by
// that latency: the number of sequential round trips on the critical path. It measures; it asserts nothing.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { parseConfig } from '../../src/config/index.js';
import { buildDiagnosisDependencies } from '../../src/clusters/cluster-connections.js';
import { diagnosePod } from '../../src/diagnosis/diagnose-pod.js';
import { silentLogger } from '../../src/logging/index.js';
import { startSandboxWorld } from '../../src/sandbox/sandbox-world.js';

const tlsDir = process.env.PULLDOCTOR_TEST_TLS_DIR;
if (!tlsDir) throw new Error('run through `npm run bench` (it prepares the test CA)');
const read = (f: string) => readFileSync(join(tlsDir, f), 'utf8');
const POD = 'web-7d4c9b6f5-x2k8p';
const LATENCIES = [25, 50, 100];
const RUNS = 3;

const world = await startSandboxWorld({ tls: { cert: read('server.pem'), key: read('server-key.pem'), ca: read('ca.pem') } });
const dir = mkdtempSync(join(tmpdir(), 'pulldoctor-bench-'));
try {
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, world.kubeconfigYaml);
  const env = { ...world.env, KUBECONFIG: kubeconfig, AZURE_CREDENTIAL: 'cli', HOME: dir };
  const deps = buildDiagnosisDependencies(parseConfig(env), env, {}, silentLogger(), {
    azureCredential: world.credential,
    registryNetwork: world.network,
  });
  await diagnosePod({ pod: POD, namespace: 'shop' }, deps); // warm up connections and SDK clients

  console.log(`Diagnosis of ${POD} (ACR image, kubelet identity without AcrPull), ${RUNS} runs per latency:\n`);
  console.log('latency  calls (kube/ARM/registry)  elapsed   round trips (elapsed / latency)  if sequential');
  for (const latency of LATENCIES) {
    world.setLatency(latency);
    for (let run = 0; run < RUNS; run++) {
      const before = { kube: world.kube.requests.length, arm: world.arm.requests.length, registry: world.registries.requests.length };
      const started = process.hrtime.bigint();
      const d = await diagnosePod({ pod: POD, namespace: 'shop' }, deps);
      const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
      const calls = {
        kube: world.kube.requests.length - before.kube,
        arm: world.arm.requests.length - before.arm,
        registry: world.registries.requests.length - before.registry,
      };
      const total = calls.kube + calls.arm + calls.registry;
      if (d.fix === null) throw new Error('the benchmark scenario should propose a fix');
      console.log(
        `${String(latency).padStart(4)} ms  ${String(total).padStart(5)} (${calls.kube}/${calls.arm}/${calls.registry})`.padEnd(37) +
          `${elapsedMs.toFixed(0).padStart(6)} ms  ${(elapsedMs / latency).toFixed(1).padStart(6)}`.padEnd(44) +
          `${total * latency} ms`,
      );
    }
  }
} finally {
  await world.close();
  rmSync(dir, { recursive: true, force: true });
}
