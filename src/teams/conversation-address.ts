import { TurnContext, type Activity, type ConversationReference } from 'botbuilder';

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

function account(a: { id?: string; name?: string; aadObjectId?: string } | undefined): { id: string; name?: string; aadObjectId?: string } | undefined {
  if (a?.id === undefined) return undefined;
  return { id: a.id, ...(a.name ? { name: a.name } : {}), ...(a.aadObjectId ? { aadObjectId: a.aadObjectId } : {}) };
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
    ...(address.user ? { user: { id: address.user.id, name: address.user.name ?? '', ...(address.user.aadObjectId ? { aadObjectId: address.user.aadObjectId } : {}) } } : {}),
    ...(address.locale ? { locale: address.locale } : {}),
  };
}
