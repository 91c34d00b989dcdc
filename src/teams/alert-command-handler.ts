import type { Logger } from '../logging/index.js';
import type { ConversationAddress } from './conversation-address.js';
import type { TeamsUser } from './fix-request-handler.js';

/** An `alerts on|off|status` chat command, with where it was typed (alerts are posted there). */
export interface AlertCommand {
  action: 'on' | 'off' | 'status';
  /** Only failing pods of this namespace (all namespaces when absent). Validated as a DNS-1123 label. */
  namespace?: string;
  /** Only this cluster (the default one when absent). */
  cluster?: string;
  /** The conversation to post alerts to: store it to send proactively (see ProactiveSender). */
  conversation: ConversationAddress;
  requestedBy: TeamsUser;
}

/** What the bot shows in answer: a one-line summary and a few detail lines (shown as plain text). */
export interface AlertCommandResult {
  summary: string;
  details?: string[];
}

/**
 * Extension point for alerts (another task): when the bot is given a handler, `alerts …` commands are passed to it
 * and its result is shown on an alerts card; without one, the bot answers those commands with the help card (which
 * then does not list them). Throw PullDoctorError (e.g. INVALID_INPUT for an unknown cluster) to show an error card.
 * Answer within a few seconds: the user is waiting for the reply.
 */
export interface AlertCommandHandler {
  handle(command: AlertCommand, log: Logger): Promise<AlertCommandResult>;
}
