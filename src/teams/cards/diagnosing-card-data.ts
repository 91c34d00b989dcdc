import { targetText } from './target-text.js';
import type { DiagnosisTarget } from '../../diagnosis/types.js';

/**
 * Template data for cards/diagnosing.json, the placeholder that the diagnosis card replaces: "Diagnosing…" for a
 * first run, "Re-running checks…" for a later one.
 */
export function diagnosingCardData(target: DiagnosisTarget, run: number, sandbox: boolean): object {
  const heading = run > 1 ? `⏳ Re-running checks for ${targetText(target)}… (run ${run})` : `⏳ Diagnosing ${targetText(target)}…`;
  return { sandbox, heading };
}
