import { targetText } from './target-text.js';
import type { DiagnosisTarget } from '../../diagnosis/types.js';

const RUNNING = 'Checking the pod, its image, the registry and the identity that pulls. This usually takes a few seconds.';
const WAITING = 'Pull Doctor is diagnosing other pods right now. This one starts in turn, and this card then shows its result.';

/**
 * Template data for cards/diagnosing.json, the placeholder that the diagnosis card replaces: "Diagnosing…" for a
 * first run, "Re-running checks…" for a later one, "Waiting to …" with its place in line when the diagnosis is queued
 * behind others (src/teams/diagnosis-queue.ts).
 */
export function diagnosingCardData(target: DiagnosisTarget, run: number, sandbox: boolean, position?: number): object {
  const what = targetText(target);
  if (position !== undefined) {
    const heading = run > 1 ? `⏳ Waiting to re-run checks for ${what}… (run ${run}, number ${position} in line)` : `⏳ Waiting to diagnose ${what}… (number ${position} in line)`;
    return { sandbox, heading, detail: WAITING };
  }
  const heading = run > 1 ? `⏳ Re-running checks for ${what}… (run ${run})` : `⏳ Diagnosing ${what}…`;
  return { sandbox, heading, detail: RUNNING };
}
