import type { ChatCommandDescription } from './chat-command.js';
import type { ParsedCommand } from './command-parser.js';

/**
 * PROVISIONAL — stands in for src/chat/command-registry.ts (`CHAT_COMMANDS`) and src/chat/parse-command.ts, which
 * are being written on another branch. When they land, import those in src/server/main.ts,
 * scripts/package-app.ts and test/app-package/manifest.test.ts, and delete this file.
 */
export const PROVISIONAL_CHAT_COMMANDS: readonly ChatCommandDescription[] = [
  {
    id: 'diagnose',
    title: 'diagnose',
    description: 'Explain why a pod is failing (above all why it cannot pull its image) and what to do about it.',
    examples: ['why is pod web-7d4c9 failing in shop', 'diagnose web-7d4c9 -n shop'],
  },
  { id: 'help', title: 'help', description: 'List what Pull Doctor understands.', examples: ['help'] },
];

const NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

/** Just enough grammar for the examples above. */
export function parseProvisionalCommand(text: string): ParsedCommand {
  const t = text.trim().replace(/\s+/g, ' ');
  if (/^(help|\?)$/i.test(t)) return { kind: 'help' };
  const why = t.match(/^why is (?:pod )?(\S+) (?:failing|broken|not running)(?: in (?:namespace )?(\S+?))?\??$/i);
  const diagnose = t.match(/^diagnose(?: (\S+))?(?: (?:-n|--namespace|in) (\S+))?$/i);
  const match = why ?? diagnose;
  if (!match) return { kind: 'unknown', text };
  const [, pod, namespace] = match;
  if (pod === undefined) return { kind: 'invalid', reason: 'Which pod? For example: diagnose web-7d4c9 -n shop' };
  if (!NAME.test(pod)) return { kind: 'invalid', reason: `"${pod.slice(0, 80)}" is not a valid pod name.` };
  if (namespace !== undefined && !NAME.test(namespace)) return { kind: 'invalid', reason: `"${namespace.slice(0, 80)}" is not a valid namespace name.` };
  return namespace === undefined ? { kind: 'diagnose', pod } : { kind: 'diagnose', pod, namespace };
}
