import type { Diagnosis } from '../diagnosis/types.js';
import type { Logger } from '../logging/index.js';

/** What to diagnose. `cluster` names one of the configured clusters (multi-cluster); the default one when absent. */
export interface DiagnoseRequest {
  pod: string;
  namespace: string;
  cluster?: string;
}

/**
 * The one way the Teams transport reaches the diagnosis engine. Failures are thrown as PullDoctorError (e.g.
 * POD_NOT_FOUND with `facts.suggestions` listing similar pod names, KUBE_UNREACHABLE, ...) and shown as an error card
 * through `describeError`; anything else becomes INTERNAL.
 */
export interface Diagnoser {
  diagnose(request: DiagnoseRequest, log: Logger): Promise<Diagnosis>;
}
