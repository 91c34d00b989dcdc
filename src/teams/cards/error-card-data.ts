import { describeError } from '../../errors/index.js';
import { isPullDoctorError } from '../../errors/index.js';
import type { DiagnoseRequest } from '../diagnoser.js';
import { inertText, TEXT_LIMITS } from './inert-text.js';
import { targetText } from './target-text.js';

export interface ErrorCardInput {
  error: unknown;
  target?: DiagnoseRequest;
  sandbox: boolean;
  /** A card action id that retries (re-runs the diagnosis); no button without it. */
  retryId?: string;
}

/** Similar pod names from POD_NOT_FOUND's `facts.suggestions` (comma- or whitespace-separated), at most five. */
function suggestions(error: unknown): string {
  if (!isPullDoctorError(error)) return '';
  const raw = error.facts.suggestions;
  if (typeof raw !== 'string' || raw.trim() === '') return '';
  const names = raw.split(/[\s,]+/).filter((n) => n !== '').slice(0, 5);
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
    suggestions: suggestions(input.error),
    advice: inertText(advice.advice, 600),
    code: advice.code,
    retryId: input.retryId ?? '',
  };
}
