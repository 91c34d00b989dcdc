/** One entry of the chat command registry (`CHAT_COMMANDS` in src/chat/command-registry.ts), as the help card shows it. */
export interface ChatCommandDescription {
  id: string;
  title: string;
  description: string;
  examples: readonly string[];
}
