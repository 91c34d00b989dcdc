import { invalidNameReason } from '../chat/index.js';
import { isPullDoctorError } from '../errors/index.js';

/** How many similar names a card shows, and how many of them get a button. */
export const SUGGESTION_LIMITS = { shown: 5, buttons: 3 } as const;

/**
 * The similar pod names a POD_NOT_FOUND error carries in `facts.suggestions` (comma- or whitespace-separated, best
 * first): only valid pod names (they come from the cluster, and a button will diagnose them), without duplicates, at
 * most `SUGGESTION_LIMITS.shown`.
 */
export function podSuggestions(error: unknown): string[] {
  if (!isPullDoctorError(error) || error.code !== 'POD_NOT_FOUND') return [];
  const raw = error.facts.suggestions;
  if (typeof raw !== 'string') return [];
  const names = raw.split(/[\s,]+/).filter((n) => n !== '' && invalidNameReason('pod', n) === undefined);
  return [...new Set(names)].slice(0, SUGGESTION_LIMITS.shown);
}
