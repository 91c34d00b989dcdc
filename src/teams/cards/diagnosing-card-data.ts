import type { DiagnoseRequest } from '../diagnoser.js';
import { targetText } from './target-text.js';

/** Template data for cards/diagnosing.json, the placeholder that the diagnosis card replaces. */
export function diagnosingCardData(target: DiagnoseRequest, sandbox: boolean): object {
  return { sandbox, target: targetText(target) };
}
