import { teamsSendFailed, type AlertChannel } from '../../src/alerts/alert-delivery.js';
import type { AlertCard } from '../../src/alerts/alert-view.js';
import type { Clock } from '../../src/alerts/machinery.js';
import type { StoredConversation } from '../../src/alerts/routing.js';
import { TEAMS_PER_CONVERSATION_LIMITS } from '../../src/alerts/sending.js';

export interface RecordedSend {
  op: 'post' | 'update';
  conversationId: string;
  messageId: string;
  card: AlertCard;
  at: number;
}

/**
 * A test double for the Teams transport (not one of our modules): it keeps messages per conversation as Teams would,
 * and answers like Teams does when asked too much. Every call is recorded, refused ones too:
 *   - more than Teams' per-thread limits (7/1 s, 8/2 s, 60/30 s, 1800/h, counted on the injected clock) → 429 with
 *     Retry-After: 1, counted in `limitViolations` (a correct sender never sees one);
 *   - `throttleNext(n, seconds)` → the next n calls answer 429 with that Retry-After (injected);
 *   - `removeBot(conversationId)` → every later call there answers 403, as after the bot was uninstalled;
 *   - an update of a message it never posted answers 400.
 */
export class RecordingAlertChannel implements AlertChannel {
  readonly sends: RecordedSend[] = [];
  readonly refusals: Array<{ op: 'post' | 'update'; conversationId: string; status: number; injected: boolean; at: number }> = [];
  limitViolations = 0;
  private readonly messages = new Map<string, { conversationId: string; card: AlertCard }>();
  private readonly accepted = new Map<string, number[]>();
  private readonly removed = new Set<string>();
  private throttles: Array<{ remaining: number; retryAfter: number | string }> = [];
  private seq = 0;

  constructor(private readonly clock: Clock) {}

  get posts(): RecordedSend[] {
    return this.sends.filter((s) => s.op === 'post');
  }

  get updates(): RecordedSend[] {
    return this.sends.filter((s) => s.op === 'update');
  }

  /** What each message of a conversation shows now, in the order they were posted. */
  messagesIn(conversationId: string): Array<{ messageId: string; card: AlertCard }> {
    return [...this.messages].filter(([, m]) => m.conversationId === conversationId).map(([messageId, m]) => ({ messageId, card: m.card }));
  }

  throttleNext(count: number, retryAfter: number | string): void {
    this.throttles.push({ remaining: count, retryAfter });
  }

  removeBot(conversationId: string): void {
    this.removed.add(conversationId);
  }

  async post(conversation: StoredConversation, card: AlertCard): Promise<{ messageId: string }> {
    await Promise.resolve();
    this.admit('post', conversation.conversationId);
    const messageId = `1772${String(++this.seq).padStart(9, '0')}`;
    this.messages.set(messageId, { conversationId: conversation.conversationId, card: structuredClone(card) });
    this.sends.push({
      op: 'post',
      conversationId: conversation.conversationId,
      messageId,
      card: structuredClone(card),
      at: this.clock.now(),
    });
    return { messageId };
  }

  async update(conversation: StoredConversation, messageId: string, card: AlertCard): Promise<void> {
    await Promise.resolve();
    this.admit('update', conversation.conversationId);
    const message = this.messages.get(messageId);
    if (!message || message.conversationId !== conversation.conversationId) {
      this.refusals.push({ op: 'update', conversationId: conversation.conversationId, status: 400, injected: false, at: this.clock.now() });
      throw teamsSendFailed(400, `Activity ${messageId} was not found in this conversation`);
    }
    message.card = structuredClone(card);
    this.sends.push({
      op: 'update',
      conversationId: conversation.conversationId,
      messageId,
      card: structuredClone(card),
      at: this.clock.now(),
    });
  }

  private admit(op: 'post' | 'update', conversationId: string): void {
    const now = this.clock.now();
    const refuse = (status: number, injected: boolean, retryAfter?: number | string) => {
      this.refusals.push({ op, conversationId, status, injected, at: now });
      return teamsSendFailed(status, status === 429 ? 'Too Many Requests' : 'The bot is not part of the conversation roster', retryAfter);
    };
    if (this.removed.has(conversationId)) throw refuse(403, false);
    const throttle = this.throttles[0];
    if (throttle) {
      throttle.remaining -= 1;
      if (throttle.remaining <= 0) this.throttles.shift();
      throw refuse(429, true, throttle.retryAfter);
    }
    const times = (this.accepted.get(conversationId) ?? []).filter((t) => t > now - 3_600_000);
    for (const w of TEAMS_PER_CONVERSATION_LIMITS) {
      if (times.filter((t) => t > now - w.periodMs).length >= w.max) {
        this.limitViolations += 1;
        throw refuse(429, false, 1);
      }
    }
    times.push(now);
    this.accepted.set(conversationId, times);
  }
}
