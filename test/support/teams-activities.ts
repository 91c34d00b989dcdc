import { randomUUID } from 'node:crypto';

/**
 * Inbound activities shaped like the ones Teams (and the Agents Playground, which mimics it) sends to a bot:
 * ids, channelData.tenant, conversation.conversationType, clientInfo entity, etc.
 */
export const TENANT_ID = '00000000-0000-0000-0000-0000000000001';
export const BOT = { id: '28:00000000-0000-0000-0000-00000000000011', name: 'Pull Doctor' };
export const USER = { id: '29:1a2b3c4d-alex', name: 'Alex Wilber', aadObjectId: '00000000-0000-0000-0000-0000000000020' };

export type Conversation = { id: string; conversationType: 'personal' | 'channel' | 'groupChat'; tenantId: string };

export const personalChat = (id = `a:${randomUUID()}`): Conversation => ({ id, conversationType: 'personal', tenantId: TENANT_ID });
export const channelThread = (id = `19:${randomUUID().replace(/-/g, '')}@thread.tacv2;messageid=1795735129931`): Conversation => ({
  id,
  conversationType: 'channel',
  tenantId: TENANT_ID,
});

function base(serviceUrl: string, conversation: Conversation) {
  const now = new Date().toISOString();
  return {
    id: randomUUID(),
    timestamp: now,
    localTimestamp: now,
    localTimezone: 'UTC',
    serviceUrl,
    channelId: 'msteams',
    from: USER,
    conversation,
    recipient: BOT,
    locale: 'en-US',
    entities: [{ type: 'clientInfo', locale: 'en-US', country: 'US', platform: 'Web', timezone: 'UTC' }],
    channelData: { tenant: { id: TENANT_ID } },
  };
}

export function messageActivity(serviceUrl: string, conversation: Conversation, text: string) {
  return { ...base(serviceUrl, conversation), type: 'message', text, textFormat: 'plain' };
}

/** The invoke Teams sends when an `Action.Execute` button is pressed on the card with id `replyToId`. */
export function cardActionInvoke(serviceUrl: string, conversation: Conversation, replyToId: string, action: { verb: unknown; data: unknown; title?: string }) {
  return {
    ...base(serviceUrl, conversation),
    type: 'invoke',
    name: 'adaptiveCard/action',
    replyToId,
    channelData: { source: { name: 'message' }, tenant: { id: TENANT_ID } },
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
