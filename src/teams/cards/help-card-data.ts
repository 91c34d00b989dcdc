import type { ChatCommandDescription } from '../chat-command.js';
import { inertText, TEXT_LIMITS } from './inert-text.js';

export interface HelpCardInput {
  commands: readonly ChatCommandDescription[];
  sandbox: boolean;
  /** Shown above the list, e.g. when the message was not understood. Our own words; user text must be inert. */
  intro?: string;
}

/** Template data for cards/help.json, from the chat command registry. */
export function helpCardData(input: HelpCardInput): object {
  return {
    sandbox: input.sandbox,
    intro: input.intro ?? '',
    commands: input.commands.slice(0, 20).map((c) => ({
      title: inertText(c.title, TEXT_LIMITS.name),
      description: inertText(c.description, TEXT_LIMITS.summary),
      examples: c.examples.slice(0, 3).map((e) => inertText(e, TEXT_LIMITS.short)),
    })),
  };
}
