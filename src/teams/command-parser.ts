import type { ParsedCommand } from '../chat/index.js';

/**
 * What the bot needs from chat text parsing: `parseChatCommand` from src/chat, which owns the grammar. The bot passes
 * the activity's text as Teams sends it (HTML, with the `<at>…</at>` mention in channels); the parser normalizes it.
 */
export type { ParsedCommand };
export type CommandParser = (text: string) => ParsedCommand;
