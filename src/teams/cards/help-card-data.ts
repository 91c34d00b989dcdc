import type { ChatCommandDescription } from '../chat-command.js';
import type { SamplePod } from '../sample-pod.js';
import { inertText, TEXT_LIMITS } from './inert-text.js';

export interface HelpCardInput {
  commands: readonly ChatCommandDescription[];
  sandbox: boolean;
  /** Shown above the list, e.g. when the message was not understood. Our own words; user text must be inert. */
  intro?: string;
  /** Pods to try (the sandbox's), each with what it demonstrates. */
  samplePods?: readonly SamplePod[];
}

/** At most this many sample pods are listed. */
export const HELP_CARD_SAMPLE_PODS = 20;

/** Template data for cards/help.json, from the chat command registry. */
export function helpCardData(input: HelpCardInput): object {
  const samples = (input.samplePods ?? []).slice(0, HELP_CARD_SAMPLE_PODS);
  const first = samples[0];
  return {
    sandbox: input.sandbox,
    intro: input.intro ?? '',
    commands: input.commands.slice(0, 20).map((c) => ({
      title: inertText(c.title, TEXT_LIMITS.name),
      description: inertText(c.description, TEXT_LIMITS.summary),
      examples: c.examples.slice(0, 3).map((e) => inertText(e, TEXT_LIMITS.short)),
    })),
    tryThis: first ? `Ask for example: why is pod ${inertText(first.pod, TEXT_LIMITS.name)} failing in ${inertText(first.namespace, TEXT_LIMITS.name)}` : '',
    samplePods: samples.map((p) => ({ text: `• **${inertText(p.pod, TEXT_LIMITS.name)}** — ${inertText(p.title, TEXT_LIMITS.summary)}` })),
  };
}
