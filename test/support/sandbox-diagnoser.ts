import { parseConfig } from '../../src/config/index.js';
import { EngineDiagnoser } from '../../src/app/engine-diagnoser.js';
import { sandboxCluster } from '../../src/app/sandbox-cluster.js';
import type { Diagnosis, DiagnosisTarget } from '../../src/diagnosis/types.js';
import { silentLogger, type Logger } from '../../src/logging/index.js';
import { startSandboxWorld, type SandboxWorld } from '../../src/sandbox/sandbox-world.js';
import type { Diagnoser } from '../../src/teams/diagnoser.js';
import { testTls } from './tls.js';

/** Sandbox pods the bot tests ask about (see src/sandbox/sandbox-scenarios.ts). */
export const SANDBOX_PODS = {
  /** Missing AcrPull on shopacr: unauthorized, with a fix. */
  missingAcrPull: 'web-7d4c9b6f5-x2k8p',
  /** CrashLoopBackOff: not a pull problem, no fix. */
  crashLoop: 'orders-6f7a8b9c0-o1p2q',
  healthy: 'storefront-7b8c9d0e1-h2i3j',
} as const;

/** A Diagnoser that passes every request on to another one and remembers it (tests count what was diagnosed). */
export class RecordingDiagnoser implements Diagnoser {
  readonly requests: DiagnosisTarget[] = [];
  constructor(private readonly inner: Diagnoser) {}
  diagnose(request: DiagnosisTarget, log: Logger): Promise<Diagnosis> {
    this.requests.push({ ...request });
    return this.inner.diagnose(request, log);
  }
}

export interface SandboxDiagnoser {
  world: SandboxWorld;
  /** The real engine on the sandbox (EngineDiagnoser over sandboxCluster), clients built once. */
  engine: EngineDiagnoser;
  close(): Promise<void>;
}

/** The sandbox world with the engine on it: what the bot diagnoses in tests, as in `npm start`. */
export async function startSandboxDiagnoser(): Promise<SandboxDiagnoser> {
  const tls = testTls();
  const world = await startSandboxWorld({ tls: { cert: tls.cert, key: tls.key, ca: tls.ca } });
  return { world, engine: new EngineDiagnoser(sandboxCluster(world, parseConfig({}), silentLogger())), close: () => world.close() };
}
