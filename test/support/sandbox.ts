import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../src/config/index.js';
import { buildDiagnosisDependencies, type DiagnosisScope } from '../../src/clusters/cluster-connections.js';
import { diagnosePod, type DiagnosisDependencies } from '../../src/diagnosis/diagnose-pod.js';
import type { Diagnosis } from '../../src/diagnosis/types.js';
import { createLogger, memorySink, type LogRecord } from '../../src/logging/index.js';
import { startSandboxWorld, type SandboxWorld, type SandboxWorldOptions } from '../../src/sandbox/sandbox-world.js';
import { testTls } from './tls.js';

export interface SandboxHarness {
  world: SandboxWorld;
  /** Environment for the CLI / config: KUBECONFIG file, fake ARM endpoint, subscription, explicit credential. */
  env: Record<string, string>;
  logs: LogRecord[];
  dependencies(scope?: DiagnosisScope): DiagnosisDependencies;
  diagnose(pod: string, namespace?: string, scope?: DiagnosisScope): Promise<Diagnosis>;
  close(): Promise<void>;
}

/**
 * The sandbox world (fake Kubernetes API, fake ARM, fake registries) with the real clients built by the
 * composition root from configuration; only the Azure credential and the registry network are injected.
 */
export async function startSandboxHarness(options: Partial<SandboxWorldOptions> = {}): Promise<SandboxHarness> {
  const tls = testTls();
  const world = await startSandboxWorld({ tls: { cert: tls.cert, key: tls.key, ca: tls.ca }, ...options });
  const dir = mkdtempSync(join(tmpdir(), 'pulldoctor-sandbox-'));
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, world.kubeconfigYaml, { mode: 0o600 });
  const env = { ...world.env, KUBECONFIG: kubeconfig, AZURE_CREDENTIAL: 'cli', HOME: dir };
  const sink = memorySink();
  const log = createLogger({ sink, level: 'debug' });
  const config = parseConfig(env);
  const dependencies = (scope: DiagnosisScope = {}) =>
    buildDiagnosisDependencies(config, env, scope, log, { azureCredential: world.credential, registryNetwork: world.network });
  return {
    world,
    env,
    logs: sink.records,
    dependencies,
    diagnose: (pod, namespace = 'shop', scope = {}) => diagnosePod({ pod, namespace }, dependencies(scope)),
    async close() {
      await world.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
