import type { CloudAdapter, TurnContext } from 'botbuilder';
import type { BotAuth } from '../config/bot.js';
import { PullDoctorError } from '../errors/index.js';
import type { Logger } from '../logging/index.js';
import { cardMessage } from './activity-cards.js';
import { isLoopbackUrl } from './bot-endpoint.js';
import { conversationReferenceOf, type ConversationAddress } from './conversation-address.js';
import type { AdaptiveCardJson } from './cards/render-card.js';

/**
 * Posts to a conversation outside a turn (no user message to answer): the follow-up that replaces a "Diagnosing…"
 * card, and — for alerts — a card sent when a pod starts failing. Failures are PullDoctorError TEAMS_SEND_FAILED
 * with `facts.status`, the Bot Connector's HTTP status when there was one (403: the bot was removed from the
 * conversation; 404: the conversation or message is gone) and, when Teams sent one (429), `facts.retryAfter`: the
 * Retry-After header as given (seconds or an HTTP date).
 */
export interface ProactiveSender {
  /** Sends a new message with the card; resolves with the id Teams gave it. */
  sendCard(to: ConversationAddress, card: AdaptiveCardJson, log: Logger): Promise<{ activityId?: string }>;
  /** Replaces the card of a message the bot sent earlier (for everyone in the conversation). */
  updateCard(to: ConversationAddress, activityId: string, card: AdaptiveCardJson, log: Logger): Promise<void>;
}

/** The Retry-After header of a refused request (botframework-connector's RestError keeps the response), if any. */
function retryAfterOf(error: unknown): string | undefined {
  const headers = (error as { response?: { headers?: unknown } } | undefined)?.response?.headers;
  let value: unknown;
  if (headers !== null && typeof headers === 'object') {
    const get = (headers as { get?: unknown }).get;
    value = typeof get === 'function' ? (get as (name: string) => unknown).call(headers, 'retry-after') : (headers as Record<string, unknown>)['retry-after'];
  }
  return typeof value === 'string' && value.trim() !== '' && value.length <= 64 ? value.trim() : undefined;
}

function sendFailed(what: string, error: unknown): PullDoctorError {
  const status = (error as { statusCode?: unknown } | undefined)?.statusCode;
  const facts: Record<string, string | number> = {};
  if (typeof status === 'number') facts.status = status;
  const retryAfter = retryAfterOf(error);
  if (retryAfter !== undefined) facts.retryAfter = retryAfter;
  return new PullDoctorError('TEAMS_SEND_FAILED', `Teams did not accept the ${what}${typeof status === 'number' ? ` (HTTP ${status})` : ''}.`, { cause: error, facts });
}

/**
 * ProactiveSender over the Bot Framework adapter (`continueConversationAsync`, authenticated as the bot's app id).
 * In local mode the bot has no identity and only posts to loopback service URLs, as it only answers them.
 */
export class AdapterProactiveSender implements ProactiveSender {
  constructor(
    private readonly adapter: CloudAdapter,
    private readonly auth: BotAuth,
  ) {}

  async sendCard(to: ConversationAddress, card: AdaptiveCardJson, log: Logger): Promise<{ activityId?: string }> {
    const sent = await this.continueIn(to, 'message', (context) => context.sendActivity(cardMessage(card)));
    log.debug('proactive message sent', { conversationId: to.conversation.id, activityId: sent?.id });
    return sent?.id ? { activityId: sent.id } : {};
  }

  async updateCard(to: ConversationAddress, activityId: string, card: AdaptiveCardJson, log: Logger): Promise<void> {
    await this.continueIn(to, 'update', (context) => context.updateActivity({ ...cardMessage(card), id: activityId }));
    log.debug('message updated', { conversationId: to.conversation.id, activityId });
  }

  private async continueIn<T>(to: ConversationAddress, what: string, work: (context: TurnContext) => Promise<T>): Promise<T> {
    if (this.auth.mode === 'local' && !isLoopbackUrl(to.serviceUrl)) {
      throw new PullDoctorError('TEAMS_SEND_FAILED', 'In local mode the bot only posts to loopback service URLs.');
    }
    const appId = this.auth.mode === 'local' ? '' : this.auth.appId;
    // The adapter hands errors of the logic to onTurnError and swallows them: keep them to report here.
    let outcome: { ok: true; value: T } | { ok: false; error: unknown } | undefined;
    try {
      await this.adapter.continueConversationAsync(appId, conversationReferenceOf(to), async (context) => {
        try {
          outcome = { ok: true, value: await work(context) };
        } catch (error) {
          outcome = { ok: false, error };
        }
      });
    } catch (error) {
      throw sendFailed(what, error);
    }
    if (outcome === undefined) throw sendFailed(what, new Error('the adapter did not run the continuation'));
    if (!outcome.ok) throw sendFailed(what, outcome.error);
    return outcome.value;
  }
}
