/**
 * What the bot needs from chat text parsing. src/chat/parse-command.ts owns the grammar; the bot passes the
 * activity's text as Teams sends it (in channels it holds the `<at>…</at>` mention; the parser deals with that).
 */
export type ParsedCommand =
  | { kind: 'diagnose'; pod: string; namespace?: string; cluster?: string }
  | { kind: 'help' }
  | { kind: 'invalid'; reason: string }
  | { kind: 'unknown'; text: string };

export type CommandParser = (text: string) => ParsedCommand;
