import type { DiagnosisTarget, PodEventSummary } from '../../diagnosis/types.js';
import { inertText, TEXT_LIMITS } from './inert-text.js';
import { formatUtc } from '../../diagnosis/format-utc.js';
import { targetText } from './target-text.js';

export interface EventsCardInput {
  target: DiagnosisTarget;
  events: readonly PodEventSummary[];
  /** How many events there were in all, when `events` holds only the newest. Default: `events.length`. */
  eventCount?: number;
  diagnosedAt: string;
  sandbox: boolean;
  rerunId: string;
}

export const EVENTS_CARD_LIMIT = 15;

/** Template data for cards/events.json: newest first, capped, each message made inert. */
export function eventsCardData(input: EventsCardInput): object {
  const shown = input.events.slice(0, EVENTS_CARD_LIMIT);
  const hidden = Math.max(input.eventCount ?? input.events.length, input.events.length) - shown.length;
  const pod = inertText(input.target.pod, TEXT_LIMITS.name);
  const namespace = inertText(input.target.namespace, TEXT_LIMITS.name);
  return {
    sandbox: input.sandbox,
    target: targetText(input.target),
    subtitle: `Newest first, as recorded at ${formatUtc(input.diagnosedAt)}`,
    events: shown.map((e) => {
      const warning = e.type === 'Warning';
      const times = e.count > 1 ? ` ×${e.count}` : '';
      const when = e.lastSeen ? ` · last ${formatUtc(e.lastSeen)}` : '';
      return {
        heading: `${warning ? '⚠️' : 'ℹ️'} ${inertText(e.reason, TEXT_LIMITS.name)}${times}${when}`,
        color: warning ? 'Attention' : 'Default',
        message: inertText(e.message, TEXT_LIMITS.message, 'middle'),
      };
    }),
    more:
      hidden > 0
        ? `…and ${hidden} older events. All of them: \`kubectl get events -n ${namespace} --field-selector involvedObject.name=${pod}\``
        : '',
    rerunId: input.rerunId,
  };
}
