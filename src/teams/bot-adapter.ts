import {
  ActivityTypes,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type Activity,
  type ConfigurationBotFrameworkAuthenticationOptions,
  type InvokeResponse,
  type TurnContext,
} from 'botbuilder';
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

/** What the Bot Framework's authentication says of an inbound request it accepted (claims, caller, connector). */
export type AuthenticatedRequest = Awaited<ReturnType<ConfigurationBotFrameworkAuthentication['authenticateRequest']>>;

/**
 * The CloudAdapter, with authentication and the turn as two steps, so that the endpoint tells a refused token (401,
 * src/teams/bot-endpoint.ts) from a failed turn. `CloudAdapter.process` answers both itself, with the library's
 * internal reason in the body and a `console.error` of the stack.
 */
export class BotAdapter extends CloudAdapter {
  constructor(private readonly authentication: ConfigurationBotFrameworkAuthentication) {
    super(authentication);
  }

  /** The Bot Framework's validation of the request's JWT (issuer, audience, signing keys, endorsements); throws if refused. */
  authenticate(activity: Activity, authorization: string): Promise<AuthenticatedRequest> {
    return this.authentication.authenticateRequest(activity, authorization);
  }

  /** Runs the turn of an activity `authenticate` accepted; resolves with the invoke answer, if any. */
  runTurn(request: AuthenticatedRequest, activity: Activity, logic: (context: TurnContext) => Promise<void>): Promise<InvokeResponse | undefined> {
    return this.processActivity(request, activity, logic);
  }
}

/**
 * The Bot Framework adapter. With an app id, every inbound request's JWT is validated by the Bot Framework's own
 * ConfigurationBotFrameworkAuthentication (issuer, audience, signing keys, endorsements) before the bot sees it.
 * A turn that throws is logged and, for a message, answered with an error card (never a stack trace).
 */
export function createBotAdapter(auth: BotAuth, cards: TeamsCards, log: Logger): BotAdapter {
  const adapter = new BotAdapter(new ConfigurationBotFrameworkAuthentication(botFrameworkSettings(auth)));
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
