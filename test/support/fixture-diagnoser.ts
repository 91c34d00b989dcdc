import { PullDoctorError } from '../../src/errors/index.js';
import type { Diagnosis } from '../../src/diagnosis/types.js';
import type { Logger } from '../../src/logging/index.js';
import type { DiagnosisTarget } from '../../src/diagnosis/types.js';

/**
 * A diagnosis over stored diagnoses (`diagnose`, for `startBot({ diagnose })`) (test/fixtures/diagnoses), for the tests that need what no cluster (not even the
 * sandbox) gives: hostile text and huge pods. Everything else runs the real engine on the sandbox
 * (test/support/sandbox-diagnoser.ts). It behaves like the engine at its edges: a pod it does not know is
 * POD_NOT_FOUND with similar names in `facts.suggestions`, an unknown namespace is NAMESPACE_NOT_FOUND, and each run
 * is stamped with the time it ran.
 */
export class FixtureDiagnoser {
  /** Every request, in order (tests check what was asked). */
  readonly requests: DiagnosisTarget[] = [];

  constructor(
    private readonly diagnoses: readonly Diagnosis[],
    private readonly now: () => Date = () => new Date(),
  ) {}

  readonly diagnose = async (request: DiagnosisTarget, log: Logger): Promise<Diagnosis> => {
    this.requests.push({ ...request });
    const inNamespace = this.diagnoses.filter((d) => d.namespace === request.namespace);
    if (inNamespace.length === 0) {
      throw new PullDoctorError('NAMESPACE_NOT_FOUND', `Namespace ${request.namespace} was not found`, {
        facts: { namespace: request.namespace },
      });
    }
    const found = inNamespace.find((d) => d.pod === request.pod);
    if (found === undefined) {
      const stem = request.pod.replace(/-[a-z0-9]{4,10}$/, '');
      const similar = inNamespace.map((d) => d.pod).filter((name) => name.startsWith(stem) || request.pod.startsWith(name.split('-')[0]!));
      throw new PullDoctorError('POD_NOT_FOUND', `Pod ${request.namespace}/${request.pod} was not found`, {
        facts: { namespace: request.namespace, pod: request.pod, ...(similar.length > 0 ? { suggestions: similar.join(', ') } : {}) },
      });
    }
    log.debug('fixture diagnosis', { pod: found.pod, namespace: found.namespace });
    return { ...structuredClone(found), diagnosedAt: this.now().toISOString() };
  };
}
