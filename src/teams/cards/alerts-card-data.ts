import type { AlertCommandResult } from '../alert-command-handler.js';
import { inertText, TEXT_LIMITS } from './inert-text.js';

/** At most this many detail lines are shown. */
export const ALERTS_CARD_DETAILS = 15;

/** Template data for cards/alerts.json: the alert command handler's answer, shown as plain text. */
export function alertsCardData(result: AlertCommandResult, sandbox: boolean): object {
  const details = result.details ?? [];
  const shown = details.slice(0, ALERTS_CARD_DETAILS).map((d) => ({ text: inertText(d, TEXT_LIMITS.summary) }));
  if (details.length > shown.length) shown.push({ text: `…and ${details.length - shown.length} more` });
  return { sandbox, summary: inertText(result.summary, TEXT_LIMITS.summary), details: shown };
}
