import { randomBytes } from 'node:crypto';
import type { DocumentStore } from '../store/index.js';
import { updateWithRetry } from '../store/index.js';
import { PullDoctorError } from '../errors/index.js';
import { silentLogger, type Logger } from '../logging/index.js';
import type { AlertBook } from './alert-book.js';
import { isoTime, type AlertMetrics, type Clock } from './machinery.js';
import { ALERT_COLLECTIONS, type AlertRecord } from './alert-record.js';
import { alertView, cardFingerprint, summaryView, type AlertCard } from './alert-view.js';
import type { ConversationRegistry, StoredConversation } from './routing.js';
import {
  isDeliveryState,
  summariesListing,
  withAllocation,
  withClaim,
  withoutClaim,
  withSent,
  type DeliveryState,
  type DeliveryTarget,
  type FloodRule,
} from './delivery-state.js';
import type { SendItem } from './sending.js';

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

export interface AlertDeliveryOptions {
  store: DocumentStore;
  book: AlertBook;
  conversations: ConversationRegistry;
  channel: AlertChannel;
  clock: Clock;
  flood: FloodRule;
  /** This replica's identity, written into message claims. */
  instanceId: string;
  /** Waits until an operation towards the conversation may go (rate limits, Retry-After); false when stopping. */
  waitForTurn: (conversationId: string, signal: AbortSignal) => Promise<boolean>;
  /** Asks for an item to be brought up to date later (after a claim by another replica expires, or a summary change). */
  enqueue: (conversationId: string, item: SendItem, delayMs?: number) => void;
  metrics: AlertMetrics;
  log?: Logger | undefined;
  /** A claim older than this is taken to be from a replica that died mid-post (default 60 s). */
  claimTimeoutMs?: number | undefined;
}

class Stopped extends Error {}

/**
 * Brings one conversation's view of one alert (or one summary) up to date: allocates the alert a message of its
 * own or a place in the summary (the flood rule, delivery-state.ts), claims the message before posting it so that
 * two replicas never both post it, posts or updates the card, and records the message id and what was shown.
 * Everything it decides is in the store, so a restart or a new leader picks up where it stopped.
 */
export class AlertDelivery {
  private readonly log: Logger;
  private readonly claimTimeoutMs: number;

  constructor(private readonly options: AlertDeliveryOptions) {
    this.log = (options.log ?? silentLogger()).child({ component: 'alert-delivery' });
    this.claimTimeoutMs = options.claimTimeoutMs ?? 60_000;
  }

  async process(conversationId: string, item: SendItem, signal: AbortSignal): Promise<void> {
    try {
      if (item.kind === 'alert') await this.processAlert(conversationId, item.key, signal);
      else await this.processSummary(conversationId, item.id, signal);
    } catch (error) {
      if (error instanceof Stopped) return;
      throw error;
    }
  }

  private async processAlert(conversationId: string, key: string, signal: AbortSignal): Promise<void> {
    const record = await this.options.book.get(key);
    if (!record) return;
    const conversation = await this.conversation(conversationId, record);
    if (!conversation) return;
    const now = isoTime(this.options.clock.now());
    const allocated = await this.update(conversationId, (current) =>
      withAllocation(current, conversationId, record, now, this.options.flood, newSummaryId()),
    );
    const state = allocated ?? (await this.state(conversationId));
    if (!state) return;
    for (const id of summariesListing(state, key)) this.options.enqueue(conversationId, { kind: 'summary', id });
    const card = state.cards[key];
    if (!card) return;
    if (card.mode === 'card') await this.bringUpToDate(conversation, { kind: 'card', key }, card, alertView(record), signal);
    // The message of the generation before keeps how it ended (resolved), even if that change had not been sent yet.
    const previous = card.previousMessage;
    if (previous && record.previous?.generation === previous.generation)
      await this.bringUpToDate(conversation, { kind: 'previous', key }, previous, alertView(record.previous), signal);
  }

  private async processSummary(conversationId: string, summaryId: string, signal: AbortSignal): Promise<void> {
    const state = await this.state(conversationId);
    const summary = state?.summaries[summaryId];
    if (!summary) return;
    const records = (await Promise.all(summary.alertKeys.map((k) => this.options.book.get(k))))
      .filter((r): r is AlertRecord => r !== null)
      .map((r) => generationListed(r, summary.generations?.[r.key]));
    if (records.length === 0) return;
    const conversation = await this.conversation(conversationId, records[0]!);
    if (!conversation) return;
    await this.bringUpToDate(conversation, { kind: 'summary', id: summaryId }, summary, summaryView(summary, records), signal);
  }

  private async bringUpToDate(
    conversation: StoredConversation,
    target: DeliveryTarget,
    entry: { messageId?: string; renderedHash?: string; claim?: { by: string; at: string } },
    card: AlertCard,
    signal: AbortSignal,
  ): Promise<void> {
    const conversationId = conversation.conversationId;
    const hash = cardFingerprint(card);
    if (entry.messageId !== undefined) {
      if (entry.renderedHash === hash) return;
      await this.turn(conversationId, signal);
      await this.options.channel.update(conversation, entry.messageId, card);
      this.options.metrics.inc('alert_messages_updated_total', { card: card.kind });
      await this.update(conversationId, (current) =>
        withSent(current, target, { renderedHash: hash, at: isoTime(this.options.clock.now()) }),
      );
      return;
    }
    if (
      entry.claim &&
      entry.claim.by !== this.options.instanceId &&
      this.options.clock.now() - Date.parse(entry.claim.at) < this.claimTimeoutMs
    ) {
      // Another replica is posting it (or died doing so): look again once its claim would have expired.
      this.options.enqueue(conversationId, itemFor(target), this.claimTimeoutMs);
      return;
    }
    await this.turn(conversationId, signal);
    const now = isoTime(this.options.clock.now());
    const claimed = await this.update(conversationId, (current) =>
      withClaim(current, target, this.options.instanceId, now, this.claimTimeoutMs),
    );
    if (!claimed) return;
    let messageId: string;
    try {
      ({ messageId } = await this.options.channel.post(conversation, card));
    } catch (error) {
      await this.update(conversationId, (current) => withoutClaim(current, target, this.options.instanceId)).catch(() => undefined);
      throw error;
    }
    this.options.metrics.inc('alert_messages_posted_total', { card: card.kind });
    this.log.info('alert card posted', {
      conversationId,
      card: card.kind,
      id: card.kind === 'alert' ? card.alertId : card.summaryId,
      messageId,
    });
    await this.update(conversationId, (current) =>
      withSent(current, target, { messageId, renderedHash: hash, at: isoTime(this.options.clock.now()) }),
    );
  }

  private async turn(conversationId: string, signal: AbortSignal): Promise<void> {
    if (!(await this.options.waitForTurn(conversationId, signal))) throw new Stopped();
  }

  private async conversation(conversationId: string, record: AlertRecord): Promise<StoredConversation | null> {
    const conversation = await this.options.conversations.get(conversationId);
    if (!conversation) {
      this.options.metrics.inc('alert_undeliverable_total');
      this.log.warn('alert not delivered: the bot has no reference for this conversation (not installed there, or removed)', {
        conversationId,
        alertId: record.key,
        namespace: record.namespace,
        workload: `${record.workload.kind}/${record.workload.name}`,
      });
    }
    return conversation;
  }

  private async state(conversationId: string): Promise<DeliveryState | null> {
    const doc = await this.options.store.get<unknown>(ALERT_COLLECTIONS.deliveries, conversationId);
    return doc && isDeliveryState(doc.value) ? doc.value : null;
  }

  private async update(
    conversationId: string,
    mutate: (current: DeliveryState | null) => DeliveryState | undefined,
  ): Promise<DeliveryState | undefined> {
    const result = await updateWithRetry<DeliveryState>(this.options.store, ALERT_COLLECTIONS.deliveries, conversationId, (current) =>
      mutate(current !== null && isDeliveryState(current) ? current : null),
    );
    return result?.changed ? result.value : undefined;
  }
}

function itemFor(target: DeliveryTarget): SendItem {
  return target.kind === 'summary' ? { kind: 'summary', id: target.id } : { kind: 'alert', key: target.key };
}

/**
 * The alert as a summary shows it: the generation that joined the summary. When the workload has failed again since,
 * it has a message of its own, and the summary keeps showing how that earlier generation ended.
 */
function generationListed(record: AlertRecord, generation: number | undefined): AlertRecord {
  if (generation === undefined || generation >= record.generation) return record;
  return record.previous?.generation === generation ? record.previous : record;
}

function newSummaryId(): string {
  return `s-${randomBytes(8).toString('hex')}`;
}
