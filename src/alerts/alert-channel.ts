import { isPullDoctorError, PullDoctorError } from '../errors/index.js';
import type { AlertCard } from './alert-view.js';
import type { StoredConversation } from './conversation-registry.js';

/**
 * How alert cards reach a conversation. The Teams layer implements it with proactive messages (continueConversation
 * + sendActivity / updateActivity). Failures are PullDoctorError TEAMS_SEND_FAILED with `facts.status` (the HTTP
 * status) and, for 429, `facts.retryAfter` (the Retry-After header: seconds, or an HTTP date).
 */
export interface AlertChannel {
  post(conversation: StoredConversation, card: AlertCard): Promise<{ messageId: string }>;
  update(conversation: StoredConversation, messageId: string, card: AlertCard): Promise<void>;
}

/** The error an AlertChannel throws when Teams refuses a send. */
export function teamsSendFailed(status: number, message: string, retryAfter?: number | string): PullDoctorError {
  const facts: Record<string, string | number> = { status };
  if (retryAfter !== undefined) facts.retryAfter = retryAfter;
  return new PullDoctorError('TEAMS_SEND_FAILED', message, { facts });
}

export type SendFailure =
  /** 429: wait (Retry-After when given), then try again. */
  | { kind: 'throttled'; retryAfterMs?: number }
  /** 403/404: the bot was removed from the conversation (or it was deleted): forget it. */
  | { kind: 'gone'; status: number }
  /** Anything else (412, 5xx, network, the store): try again after a back-off. */
  | { kind: 'transient'; status?: number };

/** Retry-After as seconds or an HTTP date, in milliseconds from `now`; undefined when absent or unreadable. */
export function retryAfterMs(value: unknown, now: number): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value * 1000;
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export function classifySendFailure(error: unknown, now: number): SendFailure {
  if (isPullDoctorError(error) && error.code === 'TEAMS_SEND_FAILED') {
    const status = typeof error.facts.status === 'number' ? error.facts.status : Number(error.facts.status);
    if (status === 429) {
      const wait = retryAfterMs(error.facts.retryAfter, now);
      return wait === undefined ? { kind: 'throttled' } : { kind: 'throttled', retryAfterMs: wait };
    }
    if (status === 403 || status === 404) return { kind: 'gone', status };
    return Number.isFinite(status) ? { kind: 'transient', status } : { kind: 'transient' };
  }
  return { kind: 'transient' };
}
