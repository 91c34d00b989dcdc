import type { Diagnosis, DiagnosisTarget } from '../diagnosis/types.js';
import type { Logger } from '../logging/index.js';

/**
 * The one way the Teams transport reaches the diagnosis engine. Failures are thrown as PullDoctorError (e.g.
 * POD_NOT_FOUND with `facts.suggestions` listing similar pod names, KUBE_UNREACHABLE, ...) and shown as an error card
 * through `describeError`; anything else becomes INTERNAL.
 */
export interface Diagnoser {
  diagnose(request: DiagnosisTarget, log: Logger): Promise<Diagnosis>;
}
