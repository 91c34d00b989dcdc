/**
 * The chat commands Pull Doctor understands. The Teams app manifest's `commandLists` and the help card are built
 * from this list, so titles stay within Teams' 32 characters and descriptions within 128 (checked in tests).
 * Every example must parse to its own command (also checked), so the help card never shows a phrase the bot
 * does not understand.
 */

export type CommandId = 'diagnose' | 'help' | 'alerts';

export interface ChatCommandSpec {
  id: CommandId;
  title: string;
  description: string;
  examples: string[];
}

export const CHAT_COMMANDS: readonly ChatCommandSpec[] = [
  {
    id: 'diagnose',
    title: 'diagnose',
    description: 'Find out why a pod is failing, above all why it cannot pull its image. Add -n NAMESPACE and --cluster NAME.',
    examples: [
      'why is pod web-7d4c9 failing in shop',
      "what's wrong with pod web-7d4c9 in namespace shop",
      'diagnose web-7d4c9 -n shop',
      'diagnose shop/web-7d4c9',
      'check pod web-7d4c9 in namespace shop on cluster prod',
    ],
  },
  {
    id: 'alerts',
    title: 'alerts',
    description: 'Post failing pods to this conversation as they happen: alerts on, alerts off, alerts status.',
    examples: ['alerts on', 'alerts on for namespace shop on cluster prod', 'alerts off', 'alerts status'],
  },
  {
    id: 'help',
    title: 'help',
    description: 'Show what Pull Doctor understands, with examples.',
    examples: ['help', '?'],
  },
];
