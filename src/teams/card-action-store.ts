import type { Cause, DiagnosisTarget, Fix, PodEventSummary } from '../diagnosis/types.js';

/**
 * The verbs of the cards' `Action.Execute` buttons: `rerun` (diagnose the card's pod again), `events`, `requestFix`,
 * and `diagnose` (a pod the card suggests, e.g. a similar name when the pod asked about does not exist).
 */
export const CARD_ACTION_VERBS = ['rerun', 'events', 'requestFix', 'diagnose'] as const;
export type CardActionVerb = (typeof CARD_ACTION_VERBS)[number];

interface CardActionBase {
  /** The conversation the card was sent to: an id is only honoured there. */
  conversationId: string;
  target: DiagnosisTarget;
  /** The run counter of the card that carries the button (1 for the first diagnosis). */
  run: number;
}

/**
 * What an opaque card action id stands for. Cards carry only `{ id }`; everything an action relies on is kept here,
 * server-side, so a forged or replayed card cannot change what is diagnosed or fixed. Plain JSON data, so that a
 * persistent store can keep it as it is.
 */
export type CardAction =
  | (CardActionBase & { verb: 'rerun' })
  /** `target` is the suggested pod; `run` is 0 (its diagnosis will be run 1). */
  | (CardActionBase & { verb: 'diagnose' })
  /** `events` holds the newest ones a card shows; `eventCount` how many the diagnosis saw. */
  | (CardActionBase & { verb: 'events'; events: PodEventSummary[]; eventCount: number; diagnosedAt: string; rerunId: string })
  /** `cluster` and `evidence` (key lines for the approval card) come from the diagnosis; absent in older actions. */
  | (CardActionBase & { verb: 'requestFix'; fix: Fix; cause: Cause | null; diagnosedAt: string; cluster?: { name?: string; resourceId?: string }; evidence?: string[] });

/**
 * Keeps card actions for a while (implementations decide the time to live). `put` returns a new opaque id that is
 * hard to guess; `get` returns a copy of the action, or undefined once it is unknown or expired.
 */
export interface CardActionStore {
  put(action: CardAction): Promise<string>;
  get(id: string): Promise<CardAction | undefined>;
}
