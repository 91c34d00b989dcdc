import { describeError } from '../../errors/index.js';
import { podSuggestions } from '../pod-suggestions.js';
import { inertText, TEXT_LIMITS, truncate } from './inert-text.js';
import { targetText } from './target-text.js';
import type { DiagnosisTarget } from '../../diagnosis/types.js';

export interface ErrorCardInput {
  error: unknown;
  target?: DiagnosisTarget;
  sandbox: boolean;
  /** A card action id that retries (re-runs the diagnosis); no button without it. */
  retryId?: string;
  /** "Diagnose NAME" buttons for similar pod names (POD_NOT_FOUND), with their card action ids. */
  suggested?: ReadonlyArray<{ pod: string; diagnoseId: string }>;
}

/** Whether `text` names `pod` as a whole name (not as a part of a longer one). */
function namesPod(text: string, pod: string): boolean {
  const escaped = pod.replace(/[.]/g, '\\.');
  return new RegExp(`(?<![a-z0-9.-])${escaped}(?![a-z0-9-]|\\.[a-z0-9])`).test(text);
}

/** Similar pod names from POD_NOT_FOUND's `facts.suggestions`, unless the message already names them all. */
function suggestions(error: unknown, message: string): string {
  const names = podSuggestions(error);
  if (names.length === 0 || names.every((n) => namesPod(message, n))) return '';
  return `Did you mean: ${names.map((n) => inertText(n, TEXT_LIMITS.name)).join(', ')}?`;
}

/**
 * Template data for cards/error.json, from `describeError` (never a stack trace). The message and advice may carry
 * names from the cluster or the request, so they are made inert like cluster text.
 */
export function errorCardData(input: ErrorCardInput): object {
  const advice = describeError(input.error);
  return {
    sandbox: input.sandbox,
    title: inertText(advice.title, TEXT_LIMITS.short),
    target: input.target ? `Pod ${targetText(input.target)}` : '',
    message: inertText(advice.message, 600),
    suggestions: suggestions(input.error, advice.message),
    advice: inertText(advice.advice, 600),
    code: advice.code,
    retryId: input.retryId ?? '',
    // Valid pod names only (podSuggestions): plain text in a button title.
    suggested: (input.suggested ?? []).map((s) => ({ title: `Diagnose ${truncate(s.pod, TEXT_LIMITS.name)}`, id: s.diagnoseId })),
  };
}
