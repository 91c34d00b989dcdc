import type { BotAuth } from '../config/bot.js';
import type { Logger } from '../logging/index.js';
import type { AlertCommandHandler } from './alert-command-handler.js';
import type { CardActionStore } from './card-action-store.js';
import type { ChatCommandDescription } from './chat-command.js';
import type { CommandParser } from './command-parser.js';
import type { ConversationInstallListener } from './conversation-install-listener.js';
import type { Diagnoser } from './diagnoser.js';
import type { DiagnosisLimits } from './diagnosis-queue.js';
import type { FixRequestHandler } from './fix-request-handler.js';
import type { SamplePod } from './sample-pod.js';
import { loadCardTemplates, type CardTemplates } from './cards/render-card.js';
import { TeamsCards } from './cards/teams-cards.js';
import { createBotAdapter } from './bot-adapter.js';
import { createBotEndpoint, type BotEndpoint } from './bot-endpoint.js';
import { BackgroundWork } from './background-work.js';
import { FollowUps } from './follow-ups.js';
import { AdapterProactiveSender, type ProactiveSender } from './proactive-sender.js';
import { PullDoctorBot } from './pull-doctor-bot.js';

export interface TeamsBotOptions {
  auth: BotAuth;
  /** Absent when no cluster is configured: the bot then answers diagnoses with an error card saying so. */
  diagnoser?: Diagnoser;
  /** `parseChatCommand` from src/chat. */
  parseCommand: CommandParser;
  /** The chat command registry (`CHAT_COMMANDS` from src/chat/command-registry.ts). */
  commands: readonly ChatCommandDescription[];
  /**
   * What the cards' button ids stand for. StoreCardActionStore over the bot's store (buttons keep working across
   * restarts and replicas); MemoryCardActionStore for a single short-lived process (tests).
   */
  cardActions: CardActionStore;
  /** Extension point for the approval flow: without it no card offers **Request fix**. */
  fixRequests?: FixRequestHandler;
  /** Extension point for alerts: `alerts on|off|status` commands. */
  alerts?: AlertCommandHandler;
  /** Extension point for alerts: installation and removal of the bot in conversations. */
  conversations?: ConversationInstallListener;
  /** Diagnoses come from the bundled sandbox cluster: every card says "Sandbox". */
  sandbox?: boolean;
  /** Pods the welcome and help cards suggest asking about (the sandbox's). */
  samplePods?: readonly SamplePod[];
  defaultNamespace?: string;
  /** Diagnoses running at once and waiting in this process (default DIAGNOSIS_LIMITS of diagnosis-queue.ts). */
  diagnosisLimits?: DiagnosisLimits;
  cardTemplates?: CardTemplates;
  log: Logger;
}

/** The Teams side of Pull Doctor, assembled. */
export interface TeamsBot {
  /** `POST /api/messages`. */
  endpoint: BotEndpoint;
  /** Posts to a conversation outside a turn (for alerts), authenticated as the bot. */
  sender: ProactiveSender;
  /** The cards, with this bot's sandbox label (for alerts to render theirs alike). */
  cards: TeamsCards;
}

/** Assembles the Teams side: cards, the bot, the Bot Framework adapter, proactive sending and the HTTP endpoint. */
export function createTeamsBot(options: TeamsBotOptions): TeamsBot {
  const log = options.log.child({ component: 'teams' });
  const cards = new TeamsCards(options.cardTemplates ?? loadCardTemplates(), options.sandbox ?? false, options.samplePods ?? []);
  const adapter = createBotAdapter(options.auth, cards, log);
  const sender = new AdapterProactiveSender(adapter, options.auth);
  const followUps = new FollowUps(new BackgroundWork());
  const bot = new PullDoctorBot({
    ...(options.diagnoser ? { diagnoser: options.diagnoser } : {}),
    ...(options.fixRequests ? { fixRequests: options.fixRequests } : {}),
    ...(options.alerts ? { alerts: options.alerts } : {}),
    ...(options.conversations ? { conversations: options.conversations } : {}),
    ...(options.defaultNamespace ? { defaultNamespace: options.defaultNamespace } : {}),
    ...(options.diagnosisLimits ? { diagnosisLimits: options.diagnosisLimits } : {}),
    parseCommand: options.parseCommand,
    commands: options.commands,
    cardActions: options.cardActions,
    cards,
    sender,
    followUps,
    log,
  });
  const endpoint = createBotEndpoint({ adapter, bot, followUps, auth: options.auth, log });
  return { endpoint, sender, cards };
}
