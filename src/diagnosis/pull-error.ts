import { classifyPullError } from './classify/classify-pull-error.js';
import { pullErrorAmbiguity } from './classify/pull-error-ambiguity.js';
import { newestPullFailure } from './events.js';
import type { Cause, PodEventSummary, PodProblem } from './types.js';

/** The message that explains a failing pull, where it came from, and its classification. */
export interface PullErrorExplanation {
  problem: PodProblem;
  cause: Cause;
  message?: string;
  source: 'container-state' | 'event' | 'none';
  event?: PodEventSummary;
  /**
   * Set when the runtime's words cannot tell a missing repository from a private one (Docker Hub answers "pull
   * access denied ... may require authorization" for both, Quay "not authorized", Artifact Registry "(or it may not
   * exist)", GHCR a 403): says so and what to check first. The diagnosis refines it from whether the pod presents
   * credentials for the registry.
   */
  ambiguity?: string;
}

/** Registries that hide private repositories answer the same for "does not exist" and "needs credentials". */
export const AMBIGUOUS_DENIAL = { test: (message: string): boolean => pullErrorAmbiguity(message) !== undefined };

const BACK_OFF = /^back-off pulling image/i;

/**
 * Picks the most telling image problem and classifies its message. ImagePullBackOff only says "Back-off pulling
 * image"; the runtime's real error is in the newest `Failed` event (or the ErrImagePull state message).
 */
export function explainPullError(problems: readonly PodProblem[], events: readonly PodEventSummary[]): PullErrorExplanation | undefined {
  const problem = problems.find((p) => p.kind === 'invalid-image-name' || p.kind === 'image-pull' || p.kind === 'image-never-pull');
  if (!problem) return undefined;
  if (problem.kind === 'invalid-image-name') {
    return withMessage({ problem, cause: 'invalid-reference', source: problem.message ? 'container-state' : 'none' }, problem.message);
  }
  if (problem.kind === 'image-never-pull') {
    return withMessage({ problem, cause: 'policy', source: problem.message ? 'container-state' : 'none' }, problem.message);
  }
  const stateMessage = problem.message && !BACK_OFF.test(problem.message) ? problem.message : undefined;
  const event = newestPullFailure(events, problem.image);
  if (stateMessage) {
    const out = classified({ problem, cause: 'other', message: stateMessage, source: 'container-state' });
    if (event) out.event = event;
    return out;
  }
  if (event) return classified({ problem, cause: 'other', message: event.message, source: 'event', event });
  return withMessage({ problem, cause: 'other', source: problem.message ? 'container-state' : 'none' }, problem.message);
}

/** The cause of the explanation's message, and whether its wording leaves "not found" and "no access" open. */
function classified(e: PullErrorExplanation & { message: string }): PullErrorExplanation {
  e.cause = classifyPullError(e.message);
  const ambiguity = pullErrorAmbiguity(e.message);
  if (ambiguity !== undefined) e.ambiguity = ambiguity;
  return e;
}

function withMessage(e: PullErrorExplanation, message: string | undefined): PullErrorExplanation {
  if (message !== undefined) e.message = message;
  return e;
}
