import { parseConfig } from '../../src/config/index.js';
import { silentLogger, type Logger } from '../../src/logging/index.js';
import type { Diagnosis } from '../../src/diagnosis/types.js';
import { sandboxCluster } from '../../src/sandbox/profile.js';
import { startSandboxWorld, type SandboxWorld } from '../../src/sandbox/sandbox-world.js';
import type { DiagnosisTarget } from '../../src/diagnosis/types.js';
import { diagnoseOnClusters, type Diagnose } from '../../src/teams/diagnosis-cards.js';
import { testTls } from './tls.js';

/** Sandbox pods the bot tests ask about (see src/sandbox/sandbox-scenarios.ts). */
export const SANDBOX_PODS = {
  /** Missing AcrPull on shopacr: unauthorized, with a fix. */
  missingAcrPull: 'web-7d4c9b6f5-x2k8p',
  /** CrashLoopBackOff: not a pull problem, no fix. */
  crashLoop: 'orders-6f7a8b9c0-o1p2q',
  healthy: 'storefront-7b8c9d0e1-h2i3j',
} as const;

/** A diagnosis that passes every request on to another one and remembers it (tests count what was diagnosed). */
export function recording(inner: Diagnose): Diagnose & { requests: DiagnosisTarget[] } {
  const requests: DiagnosisTarget[] = [];
  const diagnose = (request: DiagnosisTarget, log: Parameters<Diagnose>[1]) => {
    requests.push({ ...request });
    return inner(request, log);
  };
  return Object.assign(diagnose, { requests });
}

export interface SandboxDiagnoser {
  world: SandboxWorld;
  /** The real engine on the sandbox (over sandboxCluster), clients built once. */
  engine: Diagnose;
  close(): Promise<void>;
}

/** The sandbox world with the engine on it: what the bot diagnoses in tests, as in `npm start`. */
export async function startSandboxDiagnoser(): Promise<SandboxDiagnoser> {
  const tls = testTls();
  const world = await startSandboxWorld({ tls: { cert: tls.cert, key: tls.key, ca: tls.ca } });
  return { world, engine: diagnoseOnClusters(sandboxCluster(world, parseConfig({}), silentLogger())), close: () => world.close() };
}

/** A diagnosis whose answers wait until the test releases them (a turn whose follow-up stays under way). */
export class HeldDiagnoser {
  private releases: Array<() => void> = [];
  started = 0;
  constructor(private readonly inner: Diagnose) {}
  readonly diagnose = async (request: DiagnosisTarget, log: Logger): Promise<Diagnosis> => {
    this.started++;
    await new Promise<void>((resolve) => this.releases.push(resolve));
    return this.inner(request, log);
  };
  release(): void {
    for (const r of this.releases.splice(0)) r();
  }
}
