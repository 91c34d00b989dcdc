import type { ConversationReferenceInput, ConversationType, StoredConversation } from '../../alerts/routing.js';
import type { ConversationAddress } from '../conversation-address.js';
import { channelOf } from '../conversation-id.js';

const TYPES: readonly string[] = ['personal', 'groupChat', 'channel'];

/**
 * What the alerts core remembers for a conversation: its id (a channel's, never a thread's: alerts start their own
 * threads) and, as the opaque `reference`, the ConversationAddress to post to — without the user who happened to
 * speak (not needed to post, and it would make every speaker rewrite the reference). Undefined when Teams did not say
 * what kind of conversation it is.
 */
export function alertReferenceOf(address: ConversationAddress): ConversationReferenceInput | undefined {
  const type = address.conversation.conversationType;
  if (type === undefined || !TYPES.includes(type) || address.conversation.id === '' || address.serviceUrl === '') return undefined;
  const conversationId = channelOf(address.conversation.id);
  const reference: ConversationAddress = {
    serviceUrl: address.serviceUrl,
    channelId: address.channelId,
    conversation: { ...address.conversation, id: conversationId },
    bot: { ...address.bot },
    ...(address.locale ? { locale: address.locale } : {}),
  };
  const input: ConversationReferenceInput = { conversationId, conversationType: type as ConversationType, reference };
  if (address.conversation.tenantId !== undefined) input.tenantId = address.conversation.tenantId;
  if (type === 'channel') input.channelId = conversationId;
  return input;
}

function isString(v: unknown): v is string {
  return typeof v === 'string' && v !== '';
}

/** The address to post to, read back from the store (shared JSON: checked before use); undefined when unusable. */
export function storedAddress(conversation: StoredConversation): ConversationAddress | undefined {
  const r = conversation.reference as Partial<ConversationAddress> | null;
  if (r === null || typeof r !== 'object') return undefined;
  if (!isString(r.serviceUrl) || !isString(r.channelId) || !isString(r.conversation?.id) || !isString(r.bot?.id)) return undefined;
  if (r.conversation.id !== conversation.conversationId) return undefined;
  return r as ConversationAddress;
}
