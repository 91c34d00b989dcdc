/**
 * When a pod has pull credentials, the kubelet tries each of them and, if all fail, reports every attempt at once:
 * `Failed to pull image "x": [rpc error: code = NotFound desc = …, rpc error: code = Unknown desc = …]`
 * (Kubernetes' error aggregate: `[` + errors joined with `, ` + `]`). Each attempt can fail for a different
 * reason, e.g. the credential that works finds no such tag while the anonymous retry gets a 401.
 */

const ATTEMPT_SEPARATOR = ', rpc error: code = ';

/**
 * Splits a (lower-cased) message into the attempts the kubelet reports. A message without the aggregate shape is
 * one attempt. Uses plain `indexOf`, so it is linear in the input.
 */
export function splitPullAttempts(text: string): string[] {
  const attempts: string[] = [];
  let start = 0;
  for (;;) {
    const next = text.indexOf(ATTEMPT_SEPARATOR, start);
    if (next < 0) break;
    attempts.push(text.slice(start, next));
    start = next + 2; // keep "rpc error: code = …" with the attempt it introduces
  }
  attempts.push(text.slice(start));
  return attempts.filter((attempt) => attempt.trim() !== '');
}
