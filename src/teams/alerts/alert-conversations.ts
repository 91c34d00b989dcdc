import type { ConversationRegistry } from '../../alerts/routing.js';
import type { Logger } from '../../logging/index.js';
import { channelOf } from '../conversation-id.js';
import type { ConversationAddress } from '../conversation-address.js';
import type { ConversationInstallEvent, ConversationInstallListener } from '../conversation-install-listener.js';
import { alertReferenceOf } from './alert-address.js';

/**
 * Keeps the alerts core's ConversationRegistry in step with where the bot is: remembered when the bot is installed
 * (`installationUpdate` add, `conversationUpdate` bot added) or addressed in a message, forgotten — with the
 * conversation's subscription and delivery state — when it is removed. References live in the store, so they survive
 * restarts and are shared by replicas. Idempotent: Teams sends two events for one installation.
 */
export class AlertConversations implements ConversationInstallListener {
  constructor(private readonly registry: ConversationRegistry) {}

  async installed(event: ConversationInstallEvent, log: Logger): Promise<void> {
    const remembered = await this.remember(event.conversation, log, false);
    if (remembered) log.info('conversation remembered for alerts', { conversationId: remembered, source: event.source });
  }

  async uninstalled(event: ConversationInstallEvent, log: Logger): Promise<void> {
    const conversationId = channelOf(event.conversation.conversation.id);
    const known = await this.registry.forget(conversationId);
    log.info('conversation forgotten for alerts', { conversationId, known, source: event.source });
  }

  async addressed(event: ConversationInstallEvent, log: Logger): Promise<void> {
    const remembered = await this.remember(event.conversation, log, true);
    if (remembered) log.info('conversation remembered for alerts', { conversationId: remembered, source: event.source });
  }

  /**
   * Stores the conversation's address; with `onlyIfChanged`, only when it differs from the stored one (a message costs
   * one store read). Returns the conversation id when something was written.
   */
  async remember(address: ConversationAddress, log: Logger, onlyIfChanged: boolean): Promise<string | undefined> {
    const input = alertReferenceOf(address);
    if (input === undefined) {
      log.warn('conversation not remembered for alerts: Teams did not say what kind of conversation it is', { conversationType: address.conversation.conversationType });
      return undefined;
    }
    if (onlyIfChanged) {
      const stored = await this.registry.get(input.conversationId);
      if (stored && JSON.stringify(stored.reference) === JSON.stringify(input.reference) && stored.tenantId === input.tenantId) return undefined;
    }
    await this.registry.remember(input);
    return input.conversationId;
  }
}
