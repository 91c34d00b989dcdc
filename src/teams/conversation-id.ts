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
