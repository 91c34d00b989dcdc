// Conversations: where the bot can post later (an address it can store), channels and their threads, and the
// proactive sender that posts and updates cards outside a turn.
import { TeamsInfo, TurnContext, type Activity, type CloudAdapter, type ConversationReference } from 'botbuilder';
import { isLoopbackUrl } from '../clients/loopback.js';
import type { BotAuth } from '../config/bot.js';
import { PullDoctorError } from '../errors/index.js';
import type { Logger } from '../logging/index.js';
import { cardMessage, type AdaptiveCardJson } from './cards.js';

/**
 * Where the bot can post in a conversation later, without a user message to answer (proactive messages: alerts,
 * follow-ups after a turn has ended). Plain JSON, so that it can be stored as it is; built from an activity that
 * reached the bot (authenticated, unless the bot runs in local mode). Holds no secret: Teams ids and the Bot
 * Connector URL of the tenant's region.
 */
export interface ConversationAddress {
  /** The Bot Connector endpoint for this conversation (e.g. `https://smba.trafficmanager.net/emea/...`). */
  serviceUrl: string;
  /** `msteams` in Teams. */
  channelId: string;
  conversation: {
    /** For a channel thread, the channel id with `;messageid=…` of the thread's first message. */
    id: string;
    /** `personal`, `groupChat` or `channel`. */
    conversationType?: string;
    tenantId?: string;
  };
  /** The bot's account in this conversation (`28:<app id>`). */
  bot: { id: string; name?: string };
  /** The user whose activity the address came from. */
  user?: { id: string; name?: string; aadObjectId?: string };
  locale?: string;
}

function account(
  a: { id?: string; name?: string; aadObjectId?: string } | undefined,
): { id: string; name?: string; aadObjectId?: string } | undefined {
  if (a?.id === undefined) return undefined;
  return { id: a.id, ...(a.name ? { name: a.name } : {}), ...(a.aadObjectId ? { aadObjectId: a.aadObjectId } : {}) };
}

/** A member of a conversation, as the Bot Connector lists them. */
export interface ConversationMember {
  /** The Teams id (`29:…`). */
  id: string;
  name: string;
  aadObjectId?: string;
}

/** The address of the conversation an inbound activity came from. */
export function conversationAddressOf(activity: Partial<Activity>): ConversationAddress {
  const reference = TurnContext.getConversationReference(activity);
  const conversation = reference.conversation ?? ({} as Partial<ConversationReference['conversation']>);
  const tenantId = conversation.tenantId ?? (activity.channelData as { tenant?: { id?: string } } | undefined)?.tenant?.id;
  const bot = account(reference.bot) ?? { id: '' };
  const user = account(reference.user);
  return {
    serviceUrl: reference.serviceUrl ?? '',
    channelId: reference.channelId ?? '',
    conversation: {
      id: conversation.id ?? '',
      ...(conversation.conversationType ? { conversationType: conversation.conversationType } : {}),
      ...(tenantId ? { tenantId } : {}),
    },
    bot: { id: bot.id, ...(bot.name ? { name: bot.name } : {}) },
    ...(user ? { user } : {}),
    ...(reference.locale ? { locale: reference.locale } : {}),
  };
}

/** The botbuilder ConversationReference for an address (to continue the conversation proactively). */
export function conversationReferenceOf(address: ConversationAddress): Partial<ConversationReference> {
  return {
    serviceUrl: address.serviceUrl,
    channelId: address.channelId,
    conversation: {
      id: address.conversation.id,
      isGroup: address.conversation.conversationType !== undefined && address.conversation.conversationType !== 'personal',
      name: '',
      conversationType: address.conversation.conversationType ?? '',
      ...(address.conversation.tenantId ? { tenantId: address.conversation.tenantId } : {}),
    },
    bot: { id: address.bot.id, name: address.bot.name ?? '' },
    ...(address.user
      ? {
          user: {
            id: address.user.id,
            name: address.user.name ?? '',
            ...(address.user.aadObjectId ? { aadObjectId: address.user.aadObjectId } : {}),
          },
        }
      : {}),
    ...(address.locale ? { locale: address.locale } : {}),
  };
}

/**
 * Teams gives a channel thread the channel's conversation id plus `;messageid=<id of the thread's first message>`
 * (`19:abc@thread.tacv2;messageid=1795735129931`). The channel is the conversation alerts are remembered, subscribed
 * and posted under (a post to the bare id starts a new thread), and a card posted there comes back from its own thread.
 */
export function channelOf(conversationId: string): string {
  const at = conversationId.toLowerCase().indexOf(';messageid=');
  return at < 0 ? conversationId : conversationId.slice(0, at);
}

/** Whether two conversation ids are the same conversation, or threads of the same channel. */
export function sameConversation(a: string, b: string): boolean {
  return channelOf(a) === channelOf(b);
}

/** The Retry-After header of a refused request (botframework-connector's RestError keeps the response), if any. */
function retryAfterOf(error: unknown): string | undefined {
  const headers = (error as { response?: { headers?: unknown } } | undefined)?.response?.headers;
  let value: unknown;
  if (headers !== null && typeof headers === 'object') {
    const get = (headers as { get?: unknown }).get;
    value =
      typeof get === 'function'
        ? (get as (name: string) => unknown).call(headers, 'retry-after')
        : (headers as Record<string, unknown>)['retry-after'];
  }
  return typeof value === 'string' && value.trim() !== '' && value.length <= 64 ? value.trim() : undefined;
}

function sendFailed(what: string, error: unknown): PullDoctorError {
  const status = (error as { statusCode?: unknown } | undefined)?.statusCode;
  const facts: Record<string, string | number> = {};
  if (typeof status === 'number') facts.status = status;
  const retryAfter = retryAfterOf(error);
  if (retryAfter !== undefined) facts.retryAfter = retryAfter;
  return new PullDoctorError(
    'TEAMS_SEND_FAILED',
    `Teams did not accept the ${what}${typeof status === 'number' ? ` (HTTP ${status})` : ''}.`,
    { cause: error, facts },
  );
}

/**
 * Posts to a conversation outside a turn (no user message to answer): the follow-up that replaces a "Diagnosing…"
 * card, and — for alerts — a card sent when a pod starts failing. Failures are PullDoctorError TEAMS_SEND_FAILED
 * with `facts.status`, the Bot Connector's HTTP status when there was one (403: the bot was removed from the
 * conversation; 404: the conversation or message is gone) and, when Teams sent one (429), `facts.retryAfter`: the
 * Retry-After header as given (seconds or an HTTP date).
 *
 * Over the Bot Framework adapter (`continueConversationAsync`, authenticated as the bot's app id). In local mode the
 * bot has no identity and only posts to loopback service URLs, as it only answers them.
 */
export class ProactiveSender {
  constructor(
    private readonly adapter: CloudAdapter,
    private readonly auth: BotAuth,
  ) {}

  /**
   * Sends a new message with the card; resolves with the id Teams gave it. `notify`: the message also carries the
   * card's summary as its text, for messages nobody asked for (alerts), which people learn of from the feed.
   */
  async sendCard(
    to: ConversationAddress,
    card: AdaptiveCardJson,
    log: Logger,
    options: { notify?: boolean } = {},
  ): Promise<{ activityId?: string }> {
    const sent = await this.continueIn(to, 'message', (context) => context.sendActivity(cardMessage(card, this.local(options))));
    log.debug('proactive message sent', { conversationId: to.conversation.id, activityId: sent?.id });
    return sent?.id ? { activityId: sent.id } : {};
  }

  /**
   * The conversation's members as Teams lists them (one page of at most `limit`; a channel's are its team's): their
   * Teams id, name and Entra object id. For mentioning people who are there.
   */
  async members(to: ConversationAddress, limit: number, log: Logger): Promise<ConversationMember[]> {
    const conversation = { ...to, conversation: { ...to.conversation, id: channelOf(to.conversation.id) } };
    const page = await this.continueIn(conversation, 'members list', (context) => TeamsInfo.getPagedMembers(context, limit));
    const members = (page.members ?? [])
      .slice(0, limit)
      .flatMap((m): ConversationMember[] =>
        typeof m.id === 'string' && m.id !== ''
          ? [{ id: m.id, name: typeof m.name === 'string' ? m.name : '', ...(m.aadObjectId ? { aadObjectId: m.aadObjectId } : {}) }]
          : [],
      );
    log.debug('conversation members listed', { conversationId: conversation.conversation.id, members: members.length });
    return members;
  }

  /** Replaces the card of a message the bot sent earlier (for everyone in the conversation); `notify` as sendCard's. */
  async updateCard(
    to: ConversationAddress,
    activityId: string,
    card: AdaptiveCardJson,
    log: Logger,
    options: { notify?: boolean } = {},
  ): Promise<void> {
    await this.continueIn(to, 'update', (context) => context.updateActivity({ ...cardMessage(card, this.local(options)), id: activityId }));
    log.debug('message updated', { conversationId: to.conversation.id, activityId });
  }

  /**
   * In local mode (the Agents Playground) a card goes without `notify`'s text: the Playground splits a message with a
   * text and a card into two messages and answers 202 with neither id, so an alert could never be updated, and the
   * alerts' send queue, taking the missing id for a failure, would post the card again at every retry.
   */
  private local(options: { notify?: boolean }): { notify?: boolean } {
    return this.auth.mode === 'local' ? { ...options, notify: false } : options;
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
