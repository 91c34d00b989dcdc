import type { BotAuth } from '../config/bot.js';
import type { Logger } from '../logging/index.js';
import type { CardActionStore } from './card-action-store.js';
import type { ChatCommandDescription } from './chat-command.js';
import type { CommandParser } from './command-parser.js';
import type { Diagnoser } from './diagnoser.js';
import type { FixRequestHandler } from './fix-request-handler.js';
import { MemoryCardActionStore } from './memory-card-action-store.js';
import { loadCardTemplates, type CardTemplates } from './cards/render-card.js';
import { TeamsCards } from './cards/teams-cards.js';
import { createBotAdapter } from './bot-adapter.js';
import { createBotEndpoint, type BotEndpoint } from './bot-endpoint.js';
import { PullDoctorBot } from './pull-doctor-bot.js';

export interface TeamsBotOptions {
  auth: BotAuth;
  /** Absent when no cluster is configured: the bot then answers diagnoses with an error card saying so. */
  diagnoser?: Diagnoser;
  parseCommand: CommandParser;
  /** The chat command registry (`CHAT_COMMANDS` from src/chat/command-registry.ts). */
  commands: readonly ChatCommandDescription[];
  /** Default: in memory (single replica, lost on restart). */
  cardActions?: CardActionStore;
  /** Extension point for the approval flow: without it no card offers **Request fix**. */
  fixRequests?: FixRequestHandler;
  /** Diagnoses come from the bundled sandbox cluster: every card says "Sandbox". */
  sandbox?: boolean;
  defaultNamespace?: string;
  cardTemplates?: CardTemplates;
  log: Logger;
}

/** Assembles the Teams side: cards, card action store, the bot, the Bot Framework adapter, and the HTTP endpoint. */
export function createTeamsBot(options: TeamsBotOptions): BotEndpoint {
  const log = options.log.child({ component: 'teams' });
  const cards = new TeamsCards(options.cardTemplates ?? loadCardTemplates(), options.sandbox ?? false);
  const bot = new PullDoctorBot({
    ...(options.diagnoser ? { diagnoser: options.diagnoser } : {}),
    ...(options.fixRequests ? { fixRequests: options.fixRequests } : {}),
    ...(options.defaultNamespace ? { defaultNamespace: options.defaultNamespace } : {}),
    parseCommand: options.parseCommand,
    commands: options.commands,
    cardActions: options.cardActions ?? new MemoryCardActionStore(),
    cards,
    log,
  });
  const adapter = createBotAdapter(options.auth, cards, log);
  return createBotEndpoint({ adapter, bot, localMode: options.auth.mode === 'local', log });
}
