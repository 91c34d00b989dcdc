import { ActivityTypes, TeamsActivityHandler, type InvokeResponse, type TurnContext } from 'botbuilder';
import { CHAT_COMMANDS } from '../chat/command-words.js';
import { parseChatCommand, type ParsedCommand } from '../chat/parse-command.js';
import { PullDoctorError } from '../errors/index.js';
import type { Logger } from '../logging/index.js';
import type { AlertsInTeams, ConversationInstallEvent } from './alerts.js';
import { turnLog, beginTurnLog, type FollowUps, type TeamsCards, type TeamsTransport } from './bot-framework.js';
import { cardInvokeResponse, cardMessage, inertText, TEXT_LIMITS, type AdaptiveCardJson } from './cards.js';
import { CardActionRouter, invokeAnswer, showEventsInThread, type CardActionHandlers, type CardActionStore } from './card-actions.js';
import { conversationAddressOf, type ConversationAddress, type ProactiveSender } from './conversations.js';
import type { DiagnosisTarget } from '../diagnosis/types.js';
import type { ChatCommandDescription } from './diagnosis-card-data.js';
import { DiagnosisCardMaker, type Diagnose, type DiagnosisLimits } from './diagnosis-cards.js';
import type { TeamsFixApprovals } from './fix-approvals.js';
import type { TeamsUser } from './fix-card-data.js';

// The bot: what a message asks for (the chat grammar of src/chat), the buttons' invokes, and install events.

export interface PullDoctorBotOptions {
  /** The adapter, the sender, the cards (with their label: the default namespace too) and the follow-ups. */
  teams: TeamsTransport;
  /** Undefined when no cluster is configured: diagnoses answer with an error card saying so. */
  diagnose: Diagnose | undefined;
  cardActions: CardActionStore;
  /** The fix approval flow; without it no card offers **Request fix**. */
  fixes: TeamsFixApprovals | undefined;
  /** Alerts; without them `alerts …` commands get the help card (which does not list them). */
  alerts: AlertsInTeams | undefined;
  /** Diagnoses running at once and waiting (default DIAGNOSIS_LIMITS). */
  diagnosisLimits?: DiagnosisLimits | undefined;
  log: Logger;
}

/** The answer to **Request fix** when the fix approval flow is not wired in (a card older than the configuration). */
const fixesNotEnabled =
  (cards: TeamsCards): CardActionHandlers['requestFix'] =>
  async (action, _invoke, log) => {
    log.warn('card action refused: fix requests are not enabled');
    const error = new PullDoctorError('FIX_REFUSED', 'Fix requests are not enabled on this bot.', {
      advice: 'Apply the fix by hand; the diagnosis card says how.',
    });
    return { card: cards.error({ error, target: action.target }) };
  };

const WELCOME = 'Hi! I tell you why a pod is failing (above all why it cannot pull its image) and what to do about it.';
const ALERTS_NOT_ENABLED = 'Alerts are not enabled on this bot, so I cannot post failing pods here. This is what I can do:';
/** The registry id of the alerts command: hidden from the help card when alerts are off. */
const ALERTS_COMMAND_ID = 'alerts';

/**
 * The Teams bot. A diagnose request gets a typing indicator (personal chats only: channel threads do not show it
 * well) and a "Diagnosing…" card at once; once the HTTP answer is out, the diagnosis runs and its card replaces that
 * message. The card's buttons come back as `adaptiveCard/action` invokes, checked and routed by CardActionRouter.
 */
export class PullDoctorBot extends TeamsActivityHandler {
  private readonly diagnosisCards: DiagnosisCardMaker;
  private readonly cardActions: CardActionRouter;
  private readonly helpCommands: readonly ChatCommandDescription[];
  private readonly cards: TeamsCards;
  private readonly sender: ProactiveSender;
  private readonly followUps: FollowUps;
  private readonly log: Logger;

  constructor(private readonly options: PullDoctorBotOptions) {
    super();
    const { teams, fixes } = options;
    this.cards = teams.cards;
    this.sender = teams.sender;
    this.followUps = teams.followUps;
    this.log = options.log.child({ component: 'teams' });
    this.diagnosisCards = new DiagnosisCardMaker({
      diagnose: options.diagnose,
      cardActions: options.cardActions,
      cards: teams.cards,
      fixRequestsEnabled: fixes !== undefined,
      limits: options.diagnosisLimits,
    });
    this.cardActions = new CardActionRouter({
      store: options.cardActions,
      handlers: {
        ...this.diagnosisCards.handlers,
        events: showEventsInThread(teams),
        requestFix: fixes?.requestFix ?? fixesNotEnabled(teams.cards),
      },
      fixCard: fixes?.fixCard,
      refused: (error) => teams.cards.error({ error }),
    });
    this.helpCommands = options.alerts ? CHAT_COMMANDS : CHAT_COMMANDS.filter((c) => c.id !== ALERTS_COMMAND_ID);

    this.onMessage(async (context, next) => {
      const log = turnLog(context, this.log);
      await this.tellAddressed(context, log);
      await this.answerMessage(context, log);
      await next();
    });

    this.onMembersAdded(async (context, next) => {
      if (this.concernsBot(context, context.activity.membersAdded)) {
        await context.sendActivity(cardMessage(this.cards.help({ commands: this.helpCommands, intro: WELCOME })));
        await this.tellInstallListener(context, 'installed', 'conversationUpdate');
      }
      await next();
    });

    this.onMembersRemoved(async (context, next) => {
      if (this.concernsBot(context, context.activity.membersRemoved))
        await this.tellInstallListener(context, 'uninstalled', 'conversationUpdate');
      await next();
    });

    this.onInstallationUpdateAdd(async (context, next) => {
      await this.tellInstallListener(context, 'installed', 'installationUpdate');
      await next();
    });

    this.onInstallationUpdateRemove(async (context, next) => {
      await this.tellInstallListener(context, 'uninstalled', 'installationUpdate');
      await next();
    });
  }

  /** Every turn runs with its own child logger (turn id, conversation id, activity id). */
  override async run(context: TurnContext): Promise<void> {
    const log = beginTurnLog(context, this.log);
    log.debug('turn started');
    try {
      await super.run(context);
      log.debug('turn finished');
    } catch (error) {
      log.error('turn failed', { error });
      throw error;
    }
  }

  protected override async onInvokeActivity(context: TurnContext): Promise<InvokeResponse> {
    if (context.activity.name !== 'adaptiveCard/action') return super.onInvokeActivity(context);
    const log = turnLog(context, this.log);
    const action = (context.activity.value as { action?: { type?: unknown; verb?: unknown; data?: unknown } } | undefined)?.action;
    const address = conversationAddressOf(context.activity);
    const messageId = context.activity.replyToId;
    const outcome = await this.cardActions.handle(
      {
        verb: action?.type === 'Action.Execute' ? action.verb : undefined,
        data: action?.data,
        conversationId: context.activity.conversation.id,
        user: userOf(context),
        ...(address.conversation.tenantId ? { tenantId: address.conversation.tenantId } : {}),
        conversation: address,
        ...(messageId ? { messageId } : {}),
      },
      log,
    );
    const { followUp, afterAnswer } = outcome;
    if (afterAnswer !== undefined) this.followUps.defer(context, 'card action follow-up', afterAnswer, log);
    if (followUp === undefined) return { status: 200, body: invokeAnswer(outcome) };
    // Without the id of the message the button was on there is nothing to update later: answer with the result.
    if (!messageId) return { status: 200, body: cardInvokeResponse(await followUp()) };
    this.followUps.defer(context, 'card action', async () => this.deliver(address, messageId, await followUp(), log, false), log);
    return { status: 200, body: invokeAnswer(outcome) };
  }

  private async answerMessage(context: TurnContext, log: Logger): Promise<void> {
    const command = parseChatCommand(context.activity.text ?? '');
    log.info('message', { command: command.kind });
    const { cards } = this;
    switch (command.kind) {
      case 'help':
        await context.sendActivity(cardMessage(cards.help({ commands: this.helpCommands })));
        return;
      case 'unknown': {
        const said = inertText(command.text, TEXT_LIMITS.short);
        const intro = said === '' ? WELCOME : `I did not understand “${said}”.`;
        await context.sendActivity(cardMessage(cards.help({ commands: this.helpCommands, intro })));
        return;
      }
      case 'invalid':
        await context.sendActivity(cardMessage(cards.error({ error: new PullDoctorError('INVALID_INPUT', command.reason) })));
        return;
      case 'alerts':
        await this.answerAlerts(context, command, log);
        return;
      case 'diagnose': {
        const target: DiagnosisTarget = {
          pod: command.pod,
          namespace: command.namespace ?? this.options.teams.label.defaultNamespace ?? 'default',
        };
        if (command.cluster !== undefined) target.cluster = command.cluster;
        await this.diagnose(context, target, log);
        return;
      }
    }
  }

  private async answerAlerts(context: TurnContext, command: Extract<ParsedCommand, { kind: 'alerts' }>, log: Logger): Promise<void> {
    const { alerts } = this.options;
    const { cards } = this;
    if (alerts === undefined) {
      log.info('alerts command without an alert handler');
      await context.sendActivity(cardMessage(cards.help({ commands: this.helpCommands, intro: ALERTS_NOT_ENABLED })));
      return;
    }
    let card: AdaptiveCardJson;
    try {
      const result = await alerts.handle(
        {
          action: command.action,
          ...(command.namespace !== undefined ? { namespace: command.namespace } : {}),
          ...(command.cluster !== undefined ? { cluster: command.cluster } : {}),
          conversation: conversationAddressOf(context.activity),
          requestedBy: userOf(context),
        },
        log,
      );
      card = cards.alerts(result);
    } catch (error) {
      log.warn('alert command failed', { error, action: command.action });
      card = cards.error({ error });
    }
    await context.sendActivity(cardMessage(card));
  }

  /**
   * Typing and a "Diagnosing…" card now (or "Waiting to diagnose…" when it queues behind others); the diagnosis
   * replaces that card once Teams has its HTTP answer. When the queue is full, the answer is "busy" at once.
   */
  private async diagnose(context: TurnContext, target: DiagnosisTarget, log: Logger): Promise<void> {
    const conversationId = context.activity.conversation.id;
    const outlook = this.diagnosisCards.outlook();
    if ('full' in outlook) {
      log.warn('diagnosis not started: the queue is full', { pod: target.pod, namespace: target.namespace });
      await context.sendActivity(cardMessage(await this.diagnosisCards.busy(target, 1, conversationId, log)));
      return;
    }
    if (outlook.queued) log.info('diagnosis queued', { position: outlook.position });
    if (context.activity.conversation.conversationType === 'personal') await context.sendActivity({ type: ActivityTypes.Typing });
    const placeholder = await context.sendActivity(
      cardMessage(this.cards.diagnosing(target, 1, outlook.queued ? outlook.position : undefined)),
    );
    const address = conversationAddressOf(context.activity);
    this.followUps.defer(
      context,
      'diagnosis',
      async () => this.deliver(address, placeholder?.id, await this.diagnosisCards.make(target, 1, conversationId, log), log, true),
      log,
    );
  }

  /** Replaces a message's card; if Teams refuses (or there is no message), optionally sends the card as a new one. */
  private async deliver(
    address: ConversationAddress,
    messageId: string | undefined,
    card: AdaptiveCardJson,
    log: Logger,
    sendIfRefused: boolean,
  ): Promise<void> {
    const { sender } = this;
    if (messageId) {
      try {
        await sender.updateCard(address, messageId, card, log);
        return;
      } catch (error) {
        log.warn('could not update the card in place', { error, messageId });
      }
    }
    if (!sendIfRefused) return;
    try {
      await sender.sendCard(address, card, log);
    } catch (error) {
      log.error('could not send the card', { error });
    }
  }

  private concernsBot(context: TurnContext, members: ReadonlyArray<{ id: string }> | undefined): boolean {
    const botId = context.activity.recipient?.id;
    return (members ?? []).some((m) => m.id === botId);
  }

  private async tellAddressed(context: TurnContext, log: Logger): Promise<void> {
    const listener = this.options.alerts;
    if (listener === undefined) return;
    try {
      await listener.addressed({ conversation: conversationAddressOf(context.activity), by: userOf(context), source: 'message' }, log);
    } catch (error) {
      log.error('conversation install listener failed', { error, what: 'addressed' });
    }
  }

  private async tellInstallListener(
    context: TurnContext,
    what: 'installed' | 'uninstalled',
    source: ConversationInstallEvent['source'],
  ): Promise<void> {
    const log = turnLog(context, this.log);
    log.info(`bot ${what}`, { source, conversationType: context.activity.conversation?.conversationType });
    const listener = this.options.alerts;
    if (listener === undefined) return;
    const event: ConversationInstallEvent = { conversation: conversationAddressOf(context.activity), by: userOf(context), source };
    try {
      await (what === 'installed' ? listener.installed(event, log) : listener.uninstalled(event, log));
    } catch (error) {
      log.error('conversation install listener failed', { error, what });
    }
  }
}

function userOf(context: TurnContext): TeamsUser {
  const from = context.activity.from;
  const user: TeamsUser = { id: from?.id ?? 'unknown' };
  if (from?.name) user.name = from.name;
  if (from?.aadObjectId) user.aadObjectId = from.aadObjectId;
  return user;
}
