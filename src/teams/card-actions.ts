import { randomBytes } from 'node:crypto';
import type { AlertView } from '../alerts/alert-view.js';
import type { Cause, Diagnosis, Fix, PodEventSummary } from '../diagnosis/types.js';
import { isPullDoctorError, PullDoctorError } from '../errors/index.js';
import type { Logger } from '../logging/index.js';
import type { DocumentStore } from '../store/index.js';
import type { TeamsTransport } from './bot-framework.js';
import { cardInvokeResponse, type AdaptiveCardJson } from './cards.js';
import { sameConversation, type ConversationAddress } from './conversations.js';
import type { DiagnosisTarget } from '../diagnosis/types.js';
import { FIX_CARD_VERBS, type FixCardVerb, type TeamsUser } from './fix-card-data.js';

// The cards' buttons: what an opaque card action id stands for (kept in the bot's store), and the invoke plumbing
// that checks a press against it and hands it to the handler of its verb.

/**
 * The verbs of the cards' `Action.Execute` buttons: `rerun` (diagnose the card's pod again), `events`, `requestFix`,
 * and `diagnose` (a pod the card suggests, e.g. a similar name when the pod asked about does not exist).
 */
export const CARD_ACTION_VERBS = ['rerun', 'events', 'requestFix', 'diagnose'] as const;
export type CardActionVerb = (typeof CARD_ACTION_VERBS)[number];

/**
 * What a card with the diagnosis buttons shows: a diagnosis (and its run), or an alert. Kept server-side with the
 * card's Request fix (and an alert card's Re-run checks), so that a press draws the same card again in place —
 * marked "Fix requested by Dana — waiting for approval", or with the re-run's result — instead of replacing it with
 * another kind of card. Plain JSON, read back from the store: the card builders make its text inert.
 */
export type CardSubject = { kind: 'diagnosis'; diagnosis: Diagnosis; run: number } | { kind: 'alert'; view: AlertView };

/** A card as it can be drawn again: its subject and the ids of its buttons (Request fix's while one can be asked for). */
export interface CardRedraw {
  subject: CardSubject;
  actions: { rerunId: string; eventsId: string; requestFixId?: string };
}

interface CardActionBase {
  /** The conversation the card was sent to: an id is only honoured there. */
  conversationId: string;
  target: DiagnosisTarget;
  /** The run counter of the card that carries the button (1 for the first diagnosis). */
  run: number;
}

/**
 * What an opaque card action id stands for. Cards carry only `{ id }`; everything an action relies on is kept here,
 * server-side, so a forged or replayed card cannot change what is diagnosed or fixed. Plain JSON data, so that the
 * store keeps it as it is.
 */
export type CardAction =
  /** `alert`: the button is on an alert card, which a re-run keeps an alert (absent on a diagnosis card). */
  | (CardActionBase & { verb: 'rerun'; alert?: AlertView })
  /**
   * `target` is the suggested pod; `run` is 0 (its diagnosis will be run 1). `list`: the button is on a list of failing
   * pods (this scope), which stays; the diagnosis comes as a new message.
   */
  | (CardActionBase & { verb: 'diagnose'; list?: { namespace?: string; cluster?: string } })
  /** `events` holds the newest ones a card shows; `eventCount` how many the diagnosis saw. */
  | (CardActionBase & { verb: 'events'; events: PodEventSummary[]; eventCount: number; diagnosedAt: string; rerunId: string })
  /**
   * `cluster`, `headline` (the root cause in a sentence) and `evidence` (key lines for the approval card) come from the
   * diagnosis; `card` draws the card the button is on again, marked. Each may be absent in older actions.
   */
  | (CardActionBase & {
      verb: 'requestFix';
      fix: Fix;
      cause: Cause | null;
      diagnosedAt: string;
      cluster?: { name?: string; resourceId?: string };
      headline?: string;
      evidence?: string[];
      card?: CardRedraw;
    });

/** How long a card action id stays valid: 7 days (a card stays in the chat; its buttons should keep working a while). */
export const DEFAULT_CARD_ACTION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

/** A pressed `Action.Execute` button as the invoke carries it: untrusted input. */
export interface CardActionInvoke {
  verb: unknown;
  data: unknown;
  conversationId: string;
  user: TeamsUser;
  /** The Entra tenant of the conversation, as the activity says. */
  tenantId?: string;
  /** Where to post in this conversation later. */
  conversation: ConversationAddress;
  /** The message the button was on (`replyToId`). */
  messageId?: string;
}

/**
 * The answer to an invoke, at once: a card that replaces the one the button was on, for the user who pressed it; or a
 * line of text shown under the card, which stays as it was (Teams and the Agents Playground show it to that user).
 */
export type CardActionAnswer = { card: AdaptiveCardJson } | { message: string };

export type CardActionOutcome = CardActionAnswer & {
  /**
   * Work that takes longer than Teams waits for an invoke answer (a diagnosis): it makes the card that then replaces
   * the message for everyone. `card` says meanwhile that the work is under way.
   */
  followUp?: () => Promise<AdaptiveCardJson>;
  /** Other work for after the answer (the fix flow's: post or update its own cards). */
  afterAnswer?: () => Promise<void>;
};

/** The HTTP body of the answer to an `adaptiveCard/action` invoke: a card, or a message (its `value` is the text). */
export function invokeAnswer(answer: CardActionAnswer): { statusCode: number; type: string; value: unknown } {
  if ('card' in answer) return cardInvokeResponse(answer.card);
  return { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: answer.message };
}

/** The handler of each verb: a stored action (checked against the press) and the press itself. */
export type CardActionHandlers = {
  [V in CardActionVerb]: (action: Extract<CardAction, { verb: V }>, invoke: CardActionInvoke, log: Logger) => Promise<CardActionOutcome>;
};

/**
 * The approval card's buttons (Approve, Reject, Withdraw, Re-run checks, and the sandbox's Approve as …): they carry a
 * fix request id, not a card action id (the fix flow checks it).
 */
export type FixCardHandler = (verb: FixCardVerb, invoke: CardActionInvoke, log: Logger) => Promise<CardActionOutcome>;

/**
 * **Show events**, answered in the thread: the events card as a new message, the card pressed left as it was (the
 * diagnosis stays), and a line under it saying where the events went. Only stored data: answered within the invoke.
 */
export function showEventsInThread(teams: Pick<TeamsTransport, 'cards' | 'sender'>): CardActionHandlers['events'] {
  return async (action, invoke, log) => {
    const card = teams.cards.events({
      target: action.target,
      events: action.events,
      eventCount: action.eventCount,
      diagnosedAt: action.diagnosedAt,
      rerunId: action.rerunId,
    });
    return {
      message: action.events.length === 0 ? 'The diagnosis saw no events for this pod.' : 'The events are in a new message below.',
      ...(action.events.length === 0
        ? {}
        : {
            afterAnswer: async () => {
              await teams.sender.sendCard(invoke.conversation, card, log);
            },
          }),
    };
  };
}

/** The store collection card actions are kept in. */
export const CARD_ACTIONS_COLLECTION = 'card-actions';

/** What a document of the collection holds. */
interface StoredCardAction {
  action: CardAction;
  /** Milliseconds since the epoch. */
  expiresAt: number;
}

export interface CardActionStoreOptions {
  /** How long an id stays valid. Default: DEFAULT_CARD_ACTION_TTL_MS. */
  ttlMs?: number;
  now?: () => number;
}

/**
 * Ids are `<expiry in base 36, 9 digits>.<128 random bits, base64url>`: unguessable, and in expiry order when the
 * store lists a collection (ascending ids), so that expired actions are found without reading the others.
 */
const ID = /^[0-9a-z]{9}\.[A-Za-z0-9_-]{22}$/;

function newId(expiresAt: number): string {
  return `${expiresAt.toString(36).padStart(9, '0')}.${randomBytes(16).toString('base64url')}`;
}

function expiryOf(id: string): number {
  return Number.parseInt(id.slice(0, 9), 36);
}

function isString(value: unknown): value is string {
  return typeof value === 'string';
}

/** A stored value is data read back from a shared store: check its shape before the bot acts on it. */
function isStoredCardAction(value: unknown): value is StoredCardAction {
  const v = value as Partial<StoredCardAction> | null;
  if (v === null || typeof v !== 'object' || typeof v.expiresAt !== 'number') return false;
  const a = v.action as Partial<CardAction> | undefined;
  if (a === undefined || a === null || typeof a !== 'object') return false;
  return (
    (CARD_ACTION_VERBS as readonly unknown[]).includes(a.verb) &&
    isString(a.conversationId) &&
    typeof a.run === 'number' &&
    typeof a.target === 'object' &&
    a.target !== null &&
    isString(a.target.pod) &&
    isString(a.target.namespace)
  );
}

/**
 * Card actions in the bot's store (SQLite locally, a blob container on Azure): buttons keep working after a restart
 * and whichever replica receives the invoke. Expiry is enforced on read; `deleteExpired` removes old documents.
 * Store failures are PullDoctorError STORE_UNAVAILABLE (the bot shows an error card).
 */
export class CardActionStore {
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(
    private readonly documents: DocumentStore,
    options: CardActionStoreOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? DEFAULT_CARD_ACTION_TTL_MS;
    this.now = options.now ?? Date.now;
  }

  async put(action: CardAction): Promise<string> {
    const expiresAt = this.now() + this.ttlMs;
    const id = newId(expiresAt);
    await this.documents.create<StoredCardAction>(CARD_ACTIONS_COLLECTION, id, { action, expiresAt });
    return id;
  }

  async get(id: string): Promise<CardAction | undefined> {
    if (!ID.test(id)) return undefined;
    const document = await this.documents.get<unknown>(CARD_ACTIONS_COLLECTION, id);
    if (document === null || !isStoredCardAction(document.value)) return undefined;
    if (document.value.expiresAt <= this.now()) {
      await this.documents.delete(CARD_ACTIONS_COLLECTION, id, document.etag).catch(() => false);
      return undefined;
    }
    return document.value.action;
  }

  /**
   * Deletes expired card actions, oldest first, reading at most `limit` documents; returns how many it deleted.
   * Safe to run on several replicas at once.
   */
  async deleteExpired(limit = 500): Promise<number> {
    const now = this.now();
    const oldest = await this.documents.list<unknown>(CARD_ACTIONS_COLLECTION, { limit });
    let deleted = 0;
    for (const document of oldest) {
      const expiresAt = ID.test(document.id) ? expiryOf(document.id) : 0;
      if (expiresAt > now) break;
      try {
        if (await this.documents.delete(CARD_ACTIONS_COLLECTION, document.id, document.etag)) deleted++;
      } catch (error) {
        // Someone else changed or deleted it meanwhile.
        if (!isPullDoctorError(error) || error.code !== 'STORE_CONFLICT') throw error;
      }
    }
    return deleted;
  }
}

function isVerb(value: unknown): value is CardActionVerb {
  return typeof value === 'string' && (CARD_ACTION_VERBS as readonly string[]).includes(value);
}

function fixVerbOf(verb: unknown): FixCardVerb | undefined {
  return (Object.keys(FIX_CARD_VERBS) as FixCardVerb[]).find((key) => FIX_CARD_VERBS[key] === verb);
}

/** Why a press is refused: one answer for an id that is unknown, expired, of another verb or of another conversation. */
export function expiredCard(): PullDoctorError {
  return new PullDoctorError('INVALID_INPUT', 'This card has expired or does not belong to this conversation.', {
    advice: 'Ask again, e.g. "why is pod NAME failing in NAMESPACE", to get a fresh card.',
  });
}

/**
 * Answers the cards' buttons. The card carries only `{ id }`; the id must have been issued for this verb and this
 * conversation (any thread of the channel it was issued in: an alert posted to a channel comes back from its own
 * thread), and everything else comes from the stored action, handed to the handler of its verb. The approval card's
 * buttons go to the fix card handler, which checks their fix request id itself. A refused press is answered with
 * `refused` (an error card) and changes nothing.
 */
export class CardActionRouter {
  constructor(
    private readonly options: {
      store: CardActionStore;
      handlers: CardActionHandlers;
      /** Without it, the approval card's presses are refused as unknown buttons. */
      fixCard: FixCardHandler | undefined;
      /** The error card of a refused press. */
      refused: (error: unknown) => AdaptiveCardJson;
    },
  ) {}

  async handle(invoke: CardActionInvoke, log: Logger): Promise<CardActionOutcome> {
    const { refused, fixCard } = this.options;
    const fixVerb = fixVerbOf(invoke.verb);
    if (fixVerb !== undefined) {
      if (fixCard !== undefined) return fixCard(fixVerb, invoke, log);
      log.warn('card action refused: fix requests are not enabled', { verb: fixVerb });
      return { card: refused(expiredCard()) };
    }
    const id = typeof invoke.data === 'object' && invoke.data !== null ? (invoke.data as { id?: unknown }).id : undefined;
    if (!isVerb(invoke.verb) || typeof id !== 'string' || id === '' || id.length > 200) {
      log.warn('card action refused: malformed', { verb: typeof invoke.verb === 'string' ? invoke.verb.slice(0, 40) : typeof invoke.verb });
      return { card: refused(expiredCard()) };
    }
    let action: CardAction | undefined;
    try {
      action = await this.options.store.get(id);
    } catch (error) {
      log.error('card action store failed', { error });
      return { card: refused(error) };
    }
    if (action === undefined || action.verb !== invoke.verb || !sameConversation(action.conversationId, invoke.conversationId)) {
      log.warn('card action refused', {
        verb: invoke.verb,
        reason: action === undefined ? 'unknown or expired id' : 'verb or conversation mismatch',
      });
      return { card: refused(expiredCard()) };
    }
    log.info('card action', { verb: action.verb, pod: action.target.pod, namespace: action.target.namespace, run: action.run });
    const handler = this.options.handlers[action.verb] as (
      action: CardAction,
      invoke: CardActionInvoke,
      log: Logger,
    ) => Promise<CardActionOutcome>;
    return handler(action, invoke, log);
  }
}
