import { ActivityTypes, TeamsActivityHandler, type InvokeResponse, type TurnContext } from 'botbuilder';
import type { Logger } from '../logging/index.js';
import { PullDoctorError } from '../errors/index.js';
import type { CardActionStore } from './card-action-store.js';
import type { ChatCommandDescription } from './chat-command.js';
import type { CommandParser } from './command-parser.js';
import type { DiagnoseRequest, Diagnoser } from './diagnoser.js';
import type { FixRequestHandler, TeamsUser } from './fix-request-handler.js';
import type { TeamsCards } from './cards/teams-cards.js';
import type { AdaptiveCardJson } from './cards/render-card.js';
import { inertText, TEXT_LIMITS } from './cards/inert-text.js';
import { cardInvokeResponse, cardMessage } from './activity-cards.js';
import { DiagnosisCardMaker } from './diagnosis-card-maker.js';
import { CardActionHandler } from './card-action-handler.js';
import { beginTurnLog, turnLog } from './turn-log.js';

export interface PullDoctorBotOptions {
  /** Absent when no cluster is configured: diagnoses answer with an error card saying so. */
  diagnoser?: Diagnoser;
  parseCommand: CommandParser;
  /** The chat command registry (`CHAT_COMMANDS`), for the help card. */
  commands: readonly ChatCommandDescription[];
  cardActions: CardActionStore;
  cards: TeamsCards;
  /** Extension point for the approval flow; without it no card offers **Request fix**. */
  fixRequests?: FixRequestHandler;
  /** Namespace when the message names none. Default `default`, as kubectl. */
  defaultNamespace?: string;
  log: Logger;
}

const WELCOME = 'Hi! I tell you why a pod is failing (above all why it cannot pull its image) and what to do about it.';

/**
 * The Teams bot. A diagnose request gets a typing indicator (personal chats only: channel threads do not show it
 * well), a "Diagnosing…" card, then that same message updated in place with the diagnosis card. The card's buttons
 * come back as `adaptiveCard/action` invokes handled by CardActionHandler.
 */
export class PullDoctorBot extends TeamsActivityHandler {
  private readonly diagnosisCards: DiagnosisCardMaker;
  private readonly cardActionHandler: CardActionHandler;

  constructor(private readonly options: PullDoctorBotOptions) {
    super();
    this.diagnosisCards = new DiagnosisCardMaker({
      ...(options.diagnoser ? { diagnoser: options.diagnoser } : {}),
      cardActions: options.cardActions,
      cards: options.cards,
      fixRequestsEnabled: options.fixRequests !== undefined,
    });
    this.cardActionHandler = new CardActionHandler({
      cardActions: options.cardActions,
      cards: options.cards,
      diagnosisCards: this.diagnosisCards,
      ...(options.fixRequests ? { fixRequests: options.fixRequests } : {}),
    });

    this.onMessage(async (context, next) => {
      await this.answerMessage(context, turnLog(context, options.log));
      await next();
    });

    this.onMembersAdded(async (context, next) => {
      const botId = context.activity.recipient?.id;
      if ((context.activity.membersAdded ?? []).some((m) => m.id === botId)) {
        await context.sendActivity(cardMessage(options.cards.help({ commands: options.commands, intro: WELCOME })));
      }
      await next();
    });
  }

  /** Every turn runs with its own child logger (turn id, conversation id, activity id). */
  override async run(context: TurnContext): Promise<void> {
    const log = beginTurnLog(context, this.options.log);
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
    const log = turnLog(context, this.options.log);
    const action = (context.activity.value as { action?: { type?: unknown; verb?: unknown; data?: unknown } } | undefined)?.action;
    const outcome = await this.cardActionHandler.handle(
      { verb: action?.type === 'Action.Execute' ? action.verb : undefined, data: action?.data, conversationId: context.activity.conversation.id, user: userOf(context) },
      log,
    );
    const replyToId = context.activity.replyToId;
    if (outcome.updateMessage && replyToId) await this.replaceMessage(context, replyToId, outcome.card, log, false);
    return { status: 200, body: cardInvokeResponse(outcome.card) };
  }

  private async answerMessage(context: TurnContext, log: Logger): Promise<void> {
    const text = context.activity.text ?? '';
    const command = this.options.parseCommand(text);
    log.info('message', { command: command.kind });
    const { cards, commands } = this.options;
    switch (command.kind) {
      case 'help':
        await context.sendActivity(cardMessage(cards.help({ commands })));
        return;
      case 'unknown': {
        const said = inertText(command.text, TEXT_LIMITS.short);
        const intro = said === '' ? WELCOME : `I did not understand “${said}”.`;
        await context.sendActivity(cardMessage(cards.help({ commands, intro })));
        return;
      }
      case 'invalid':
        await context.sendActivity(cardMessage(cards.error({ error: new PullDoctorError('INVALID_INPUT', command.reason) })));
        return;
      case 'diagnose': {
        const target: DiagnoseRequest = { pod: command.pod, namespace: command.namespace ?? this.options.defaultNamespace ?? 'default' };
        if (command.cluster !== undefined) target.cluster = command.cluster;
        await this.diagnose(context, target, log);
        return;
      }
    }
  }

  private async diagnose(context: TurnContext, target: DiagnoseRequest, log: Logger): Promise<void> {
    if (context.activity.conversation.conversationType === 'personal') await context.sendActivity({ type: ActivityTypes.Typing });
    const placeholder = await context.sendActivity(cardMessage(this.options.cards.diagnosing(target)));
    const card = await this.diagnosisCards.make(target, 1, context.activity.conversation.id, log);
    if (placeholder?.id) await this.replaceMessage(context, placeholder.id, card, log, true);
    else await context.sendActivity(cardMessage(card));
  }

  /** Updates a message in place; if Teams refuses, optionally sends the card as a new message instead. */
  private async replaceMessage(context: TurnContext, messageId: string, card: AdaptiveCardJson, log: Logger, sendIfRefused: boolean): Promise<void> {
    try {
      await context.updateActivity({ ...cardMessage(card), id: messageId });
    } catch (error) {
      log.warn('could not update the card in place', { error, messageId });
      if (sendIfRefused) await context.sendActivity(cardMessage(card));
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
