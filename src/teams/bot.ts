import { ActivityTypes, TeamsActivityHandler, type InvokeResponse, type TurnContext } from 'botbuilder';
import { CHAT_COMMANDS } from '../chat/command-words.js';
import { parseChatCommand, type ParsedCommand } from '../chat/parse-command.js';
import { PullDoctorError } from '../errors/index.js';
import type { Logger } from '../logging/index.js';
import type { AlertsInTeams, ConversationInstallEvent } from './alerts.js';
import { turnLog, beginTurnLog, type FollowUps, type TeamsCards, type TeamsTransport } from './bot-framework.js';
import { cardInvokeResponse, cardMessage, inertText, TEXT_LIMITS, type AdaptiveCardJson } from './cards.js';
import {
  CardActionRouter,
  invokeAnswer,
  showEventsInThread,
  type CardAction,
  type CardActionHandlers,
  type CardActionInvoke,
  type CardActionOutcome,
  type CardActionStore,
} from './card-actions.js';
import { conversationAddressOf, type ConversationAddress, type ProactiveSender } from './conversations.js';
import type { DiagnosisTarget } from '../diagnosis/types.js';
import type { ChatCommandDescription } from './diagnosis-card-data.js';
import { DiagnosisCardMaker, type Diagnose, type DiagnosisLimits } from './diagnosis-cards.js';
import { FailingPodsCards, type ListFailingPods } from './failing-pods.js';
import type { TeamsFixApprovals } from './fix-approvals.js';
import type { TeamsUser } from './fix-card-data.js';

// The bot: what a message asks for (the chat grammar of src/chat), the buttons' invokes, and install events.

export interface PullDoctorBotOptions {
  /** The adapter, the sender, the cards (with their label: the default namespace too) and the follow-ups. */
  teams: TeamsTransport;
  /** Undefined when no cluster is configured: diagnoses answer with an error card saying so. */
  diagnose: Diagnose | undefined;
  /** What is failing ("what's failing in shop"); undefined when no cluster is configured. */
  listFailing: ListFailingPods | undefined;
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
/** How to talk to the bot where others talk too: Teams hands a bot only the messages that @mention it there. */
function addressing(conversationType: string | undefined): string {
  const mention = '@mention me (**@Pull Doctor** why is pod NAME failing): there I only see messages that mention me.';
  return conversationType === 'personal'
    ? `Here, just type. In a channel or a group chat, ${mention}`
    : `In this ${conversationType === 'channel' ? 'channel' : 'chat'}, and in any channel or group chat, ${mention}`;
}
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
  private readonly failingPods: FailingPodsCards;
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
    this.failingPods = new FailingPodsCards({ cards: teams.cards, cardActions: options.cardActions, list: options.listFailing });
    this.cardActions = new CardActionRouter({
      store: options.cardActions,
      handlers: {
        ...this.diagnosisCards.handlers,
        diagnose: (action, invoke, log) => this.diagnoseFromCard(action, invoke, log),
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
        await context.sendActivity(
          cardMessage(
            this.cards.help({
              commands: this.helpCommands,
              intro: `${WELCOME} ${addressing(context.activity.conversation?.conversationType)}`,
            }),
          ),
        );
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
    const conversationId = context.activity.conversation.id;
    const namespace = (asked: string | undefined) => asked ?? this.options.teams.label.defaultNamespace ?? 'default';
    const targets = (pods: readonly string[], scope: { namespace?: string; cluster?: string }): DiagnosisTarget[] =>
      pods.map((pod) => ({
        pod,
        namespace: namespace(scope.namespace),
        ...(scope.cluster !== undefined ? { cluster: scope.cluster } : {}),
      }));
    switch (command.kind) {
      case 'help':
        await context.sendActivity(
          cardMessage(cards.help({ commands: this.helpCommands, intro: addressing(context.activity.conversation.conversationType) })),
        );
        return;
      case 'unknown': {
        const said = inertText(command.text, TEXT_LIMITS.short);
        const intro = said === '' ? '' : `I did not understand “${said}”.`;
        const card =
          command.pods === undefined
            ? cards.podChoice({
                pods: [],
                heading: said === '' ? 'I did not understand that' : `I did not understand “${said}”`,
                tips: this.tips(),
              })
            : await this.failingPods.choice(targets(command.pods, command), conversationId, {
                heading: `Did you mean ${command.pods.length === 1 ? 'this pod' : 'one of these pods'}?`,
                intro,
              });
        await context.sendActivity(cardMessage(card));
        return;
      }
      case 'choose': {
        const card = await this.failingPods.choice(targets(command.pods, command), conversationId, {
          heading: 'Which pod?',
          intro: 'You named several pods: which one should I diagnose?',
        });
        await context.sendActivity(cardMessage(card));
        return;
      }
      case 'invalid':
        await context.sendActivity(cardMessage(cards.error({ error: new PullDoctorError('INVALID_INPUT', command.reason) })));
        return;
      case 'alerts':
        await this.answerAlerts(context, command, log);
        return;
      case 'failing':
        await this.listFailing(context, command, log);
        return;
      case 'diagnose': {
        const target: DiagnosisTarget = { pod: command.pod, namespace: namespace(command.namespace) };
        if (command.cluster !== undefined) target.cluster = command.cluster;
        await this.diagnose(context, target, log);
        return;
      }
    }
  }

  /** What to try after a message that was not understood, with a pod of the sandbox when there is one. */
  private tips(): string[] {
    const sample = this.options.teams.label.samplePods[0];
    const pod = sample ? inertText(sample.pod, TEXT_LIMITS.name) : 'NAME';
    const ns = sample ? inertText(sample.namespace, TEXT_LIMITS.name) : 'NAMESPACE';
    return [
      `Ask why a pod fails: **why is pod ${pod} failing in ${ns}**, or paste a kubectl line or rows of kubectl get pods.`,
      `Ask what is failing: **what's failing in ${ns}**.`,
      'Say **help** for everything I understand.',
    ];
  }

  /** The failing pods of a namespace (or of the cluster), as one card: listed after the answer to Teams, like a diagnosis. */
  private async listFailing(context: TurnContext, command: Extract<ParsedCommand, { kind: 'failing' }>, log: Logger): Promise<void> {
    if (context.activity.conversation.conversationType === 'personal') await context.sendActivity({ type: ActivityTypes.Typing });
    const address = conversationAddressOf(context.activity);
    const scope = {
      ...(command.namespace ? { namespace: command.namespace } : {}),
      ...(command.cluster ? { cluster: command.cluster } : {}),
    };
    const conversationId = context.activity.conversation.id;
    this.followUps.defer(
      context,
      'failing pods',
      async () => this.deliver(address, undefined, await this.failingPods.listing(scope, conversationId, log), log, true),
      log,
    );
  }

  /**
   * **Diagnose** on a card. On a list of failing pods, the list stays (refreshed, saying a diagnosis follows) and the
   * diagnosis comes as a new message, so the next pod is one press away; elsewhere (a choice, a pod not found) the
   * diagnosis replaces the card.
   */
  private async diagnoseFromCard(
    action: Extract<CardAction, { verb: 'diagnose' }>,
    invoke: CardActionInvoke,
    log: Logger,
  ): Promise<CardActionOutcome> {
    if (action.list === undefined || invoke.messageId === undefined) return this.diagnosisCards.handlers.diagnose(action, invoke, log);
    const pod = inertText(action.target.pod, TEXT_LIMITS.name);
    const card = await this.failingPods.listing(action.list, action.conversationId, log, `🔎 Diagnosing ${pod}: the result follows below.`);
    return { card, afterAnswer: () => this.diagnoseInNewMessage(invoke.conversation, action.target, action.conversationId, log) };
  }

  /** A diagnosis posted as a new message ("Diagnosing…", then the diagnosis in its place), outside a turn. */
  private async diagnoseInNewMessage(address: ConversationAddress, target: DiagnosisTarget, conversationId: string, log: Logger) {
    const outlook = this.diagnosisCards.outlook();
    if ('full' in outlook) {
      await this.deliver(address, undefined, await this.diagnosisCards.busy(target, 1, conversationId, log), log, true);
      return;
    }
    let placeholder: { activityId?: string } = {};
    try {
      placeholder = await this.sender.sendCard(
        address,
        this.cards.diagnosing(target, 1, outlook.queued ? outlook.position : undefined),
        log,
      );
    } catch (error) {
      log.warn('could not post the diagnosing card', { error });
    }
    const card = await this.diagnosisCards.make(target, 1, { id: conversationId, tenantId: address.conversation.tenantId }, log);
    await this.deliver(address, placeholder.activityId, card, log, true);
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
      card = await alerts.answerCard(result, context.activity.conversation.id, { cards, failingPods: this.failingPods });
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
      async () => {
        const card = await this.diagnosisCards.make(target, 1, { id: conversationId, tenantId: address.conversation.tenantId }, log);
        await this.deliver(address, placeholder?.id, card, log, true);
      },
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
