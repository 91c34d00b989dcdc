/**
 * What the bot needs from chat text parsing (src/chat/parse-command.ts owns the grammar; mentions and HTML are
 * stripped before the parser sees the text).
 */
export type ParsedCommand =
  | { kind: 'diagnose'; pod: string; namespace?: string; cluster?: string }
  | { kind: 'help' }
  | { kind: 'invalid'; reason: string }
  | { kind: 'unknown'; text: string };

export type CommandParser = (text: string) => ParsedCommand;
