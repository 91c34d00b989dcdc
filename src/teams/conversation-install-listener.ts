import type { Logger } from '../logging/index.js';
import type { ConversationAddress } from './conversation-address.js';
import type { TeamsUser } from './fix-request-handler.js';

/** The bot was added to a conversation, or removed from it. */
export interface ConversationInstallEvent {
  conversation: ConversationAddress;
  /** Who installed or removed the app, when Teams says. */
  by?: TeamsUser;
  /** `installationUpdate` (the app), `conversationUpdate` (the bot as a member), or `message` (the bot was addressed). */
  source: 'installationUpdate' | 'conversationUpdate' | 'message';
}

/**
 * Extension point for alerts (another task): told when the bot is installed in a conversation (keep its address to
 * post there later) and when it is removed (stop posting there: Teams would answer 403). Teams sends both an
 * `installationUpdate` and a `conversationUpdate` for one installation, so each method may be called twice for the
 * same conversation: implementations must be idempotent. Errors are logged, never shown to users.
 */
export interface ConversationInstallListener {
  installed(event: ConversationInstallEvent, log: Logger): Promise<void>;
  uninstalled(event: ConversationInstallEvent, log: Logger): Promise<void>;
  /**
   * Optional: told on every message to the bot (source `message`), so that a conversation whose install event was
   * missed (the bot was down, or installed before alerts were turned on) is known once someone speaks to the bot. Called
   * before the message is answered: keep it to a store read when nothing changed.
   */
  addressed?(event: ConversationInstallEvent, log: Logger): Promise<void>;
}
