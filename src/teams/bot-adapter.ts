import { ActivityTypes, CloudAdapter, ConfigurationBotFrameworkAuthentication, type ConfigurationBotFrameworkAuthenticationOptions } from 'botbuilder';
import type { BotAuth } from '../config/bot.js';
import type { Logger } from '../logging/index.js';
import type { TeamsCards } from './cards/teams-cards.js';
import { cardMessage } from './activity-cards.js';
import { turnLog } from './turn-log.js';

/** The Bot Framework settings for an identity, as ConfigurationBotFrameworkAuthentication reads them. */
export function botFrameworkSettings(auth: BotAuth): ConfigurationBotFrameworkAuthenticationOptions {
  switch (auth.mode) {
    case 'local':
      // No app id: inbound requests are not authenticated and replies carry no token (Agents Playground only).
      return {};
    case 'UserAssignedMsi':
      return { MicrosoftAppId: auth.appId, MicrosoftAppType: 'UserAssignedMsi', MicrosoftAppTenantId: auth.tenantId };
    case 'SingleTenant':
      return { MicrosoftAppId: auth.appId, MicrosoftAppType: 'SingleTenant', MicrosoftAppTenantId: auth.tenantId, MicrosoftAppPassword: auth.password };
  }
}

/**
 * The Bot Framework adapter. With an app id, every inbound request's JWT is validated by the Bot Framework's own
 * ConfigurationBotFrameworkAuthentication (issuer, audience, signing keys, endorsements) before the bot sees it.
 * A turn that throws is logged and, for a message, answered with an error card (never a stack trace).
 */
export function createBotAdapter(auth: BotAuth, cards: TeamsCards, log: Logger): CloudAdapter {
  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication(botFrameworkSettings(auth)));
  adapter.onTurnError = async (context, error) => {
    turnLog(context, log).error('unhandled error in turn', { error });
    if (context.activity.type !== ActivityTypes.Message) return;
    try {
      await context.sendActivity(cardMessage(cards.error({ error })));
    } catch (sendError) {
      turnLog(context, log).error('could not send the error card', { error: sendError });
    }
  };
  return adapter;
}
