import { randomUUID } from 'node:crypto';

/**
 * Inbound activities shaped like the ones Teams (and the Agents Playground, which mimics it) sends to a bot:
 * ids, channelData.tenant, conversation.conversationType, clientInfo entity, etc.
 */
export const TENANT_ID = '7c2f9a41-3e8b-4d6a-9f15-2b0c8e7d6a53';
export const BOT = { id: '28:00000000-0000-0000-0000-00000000000011', name: 'Pull Doctor' };
export const USER: TeamsAccount = { id: '29:1a2b3c4d-alex', name: 'Alex Wilber', aadObjectId: '4e1d7c2a-9b3f-4a8e-8c6d-5f0a1b2c3d4e' };

/** A Teams user as `from` carries them: the Teams id (`29:…`), the display name and the Entra object id. */
export interface TeamsAccount {
  id: string;
  name: string;
  aadObjectId: string;
}

export type Conversation = { id: string; conversationType: 'personal' | 'channel' | 'groupChat'; tenantId: string };

export const personalChat = (id = `a:${randomUUID()}`, tenantId = TENANT_ID): Conversation => ({
  id,
  conversationType: 'personal',
  tenantId,
});
/** A group chat (`19:…@thread.v2`): several people see the bot's cards, as approvers must. */
export const groupChat = (id = `19:${randomUUID().replace(/-/g, '')}@thread.v2`, tenantId = TENANT_ID): Conversation => ({
  id,
  conversationType: 'groupChat',
  tenantId,
});
export const channelThread = (
  id = `19:${randomUUID().replace(/-/g, '')}@thread.tacv2;messageid=1795735129931`,
  tenantId = TENANT_ID,
): Conversation => ({
  id,
  conversationType: 'channel',
  tenantId,
});

function base(serviceUrl: string, conversation: Conversation, from: TeamsAccount = USER) {
  const now = new Date().toISOString();
  return {
    id: randomUUID(),
    timestamp: now,
    localTimestamp: now,
    localTimezone: 'UTC',
    serviceUrl,
    channelId: 'msteams',
    from,
    conversation,
    recipient: BOT,
    locale: 'en-US',
    entities: [{ type: 'clientInfo', locale: 'en-US', country: 'US', platform: 'Web', timezone: 'UTC' }],
    channelData: { tenant: { id: conversation.tenantId } },
  };
}

export function messageActivity(serviceUrl: string, conversation: Conversation, text: string, from: TeamsAccount = USER) {
  return { ...base(serviceUrl, conversation, from), type: 'message', text, textFormat: 'plain' };
}

/** The invoke Teams sends when `from` presses an `Action.Execute` button on the card with id `replyToId`. */
export function cardActionInvoke(
  serviceUrl: string,
  conversation: Conversation,
  replyToId: string,
  action: { verb: unknown; data: unknown; title?: string },
  from: TeamsAccount = USER,
) {
  return {
    ...base(serviceUrl, conversation, from),
    type: 'invoke',
    name: 'adaptiveCard/action',
    replyToId,
    channelData: { source: { name: 'message' }, tenant: { id: conversation.tenantId } },
    value: { action: { type: 'Action.Execute', title: action.title ?? 'button', verb: action.verb, data: action.data } },
  };
}

/** The conversationUpdate sent when the bot is installed in a conversation. */
export function botAddedActivity(serviceUrl: string, conversation: Conversation) {
  return { ...base(serviceUrl, conversation), type: 'conversationUpdate', membersAdded: [{ id: BOT.id }] };
}

/** The conversationUpdate sent when the bot is removed from a conversation. */
export function botRemovedActivity(serviceUrl: string, conversation: Conversation) {
  return { ...base(serviceUrl, conversation), type: 'conversationUpdate', membersRemoved: [{ id: BOT.id }] };
}

/** The installationUpdate Teams sends when the app is added to (`add`) or removed from (`remove`) a conversation. */
export function installationUpdateActivity(serviceUrl: string, conversation: Conversation, action: 'add' | 'remove') {
  return { ...base(serviceUrl, conversation), type: 'installationUpdate', action };
}

export interface PostResult {
  status: number;
  body: unknown;
}

/** POSTs an activity to the bot's `/api/messages` as the Bot Connector service would. */
export async function postActivity(botUrl: string, activity: object, headers: Record<string, string> = {}): Promise<PostResult> {
  const response = await fetch(`${botUrl}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(activity),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, body };
}
