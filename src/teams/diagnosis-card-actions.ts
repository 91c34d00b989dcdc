import type { Cause, DiagnosisTarget, Fix, PodEventSummary } from '../diagnosis/types.js';
import type { CardActionStore } from './card-action-store.js';
import { EVENTS_CARD_LIMIT } from './cards/events-card-data.js';

/** What the buttons of a card about one diagnosis act on (the diagnosis card, an alert card). */
export interface DiagnosisActionsInput {
  conversationId: string;
  target: DiagnosisTarget;
  run: number;
  events: readonly PodEventSummary[];
  /** How many events the diagnosis saw (the card shows the newest EVENTS_CARD_LIMIT). */
  eventCount: number;
  diagnosedAt: string;
  fix: Fix | null;
  cause: Cause | null;
  /** The cluster the fix applies to, for the approval card and the re-diagnosis after the change. */
  cluster?: { name?: string; resourceId?: string };
  /** Why the fix is proposed, in a few lines for the approval card. */
  evidence?: string[];
}

export interface DiagnosisActionIds {
  rerunId: string;
  eventsId: string;
  requestFixId?: string;
}

/**
 * Stores the card actions of **Re-run checks**, **Show events** and — when there is a fix and fix requests are
 * enabled — **Request fix**, and returns their opaque ids for the card. The stored actions carry everything the
 * buttons act on (server-side), so a forged card cannot change what is diagnosed or fixed.
 */
export async function storeDiagnosisActions(cardActions: CardActionStore, input: DiagnosisActionsInput, fixRequestsEnabled: boolean): Promise<DiagnosisActionIds> {
  const base = { conversationId: input.conversationId, target: input.target, run: input.run };
  const rerunId = await cardActions.put({ verb: 'rerun', ...base });
  const eventsId = await cardActions.put({
    verb: 'events',
    ...base,
    events: input.events.slice(0, EVENTS_CARD_LIMIT),
    eventCount: input.eventCount,
    diagnosedAt: input.diagnosedAt,
    rerunId,
  });
  if (!fixRequestsEnabled || input.fix === null) return { rerunId, eventsId };
  const requestFixId = await cardActions.put({
    verb: 'requestFix',
    ...base,
    fix: input.fix,
    cause: input.cause,
    diagnosedAt: input.diagnosedAt,
    ...(input.cluster ? { cluster: input.cluster } : {}),
    ...(input.evidence ? { evidence: input.evidence } : {}),
  });
  return { rerunId, eventsId, requestFixId };
}
