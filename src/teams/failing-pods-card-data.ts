import type { FailingPod, FailingPodsReport, FailingWorkload } from '../diagnosis/failing-pods.js';
import { formatUtc } from '../diagnosis/format-utc.js';
import type { DiagnosisTarget } from '../diagnosis/types.js';
import { inertText, plural, TEXT_LIMITS, truncate } from './cards.js';

// The template data of cards/failing-pods.json: what is failing in a namespace (or the cluster), grouped by workload,
// a Diagnose button each; and the same card as a choice of pods (several named, or one named in passing), or as the
// short answer to a message that was not understood.

/** A button's tooltip names its pod, cut short: the row shows the whole name. */
const TOOLTIP_NAME = 60;

/** `namespace/pod`: how a card's Diagnose button ids are looked up. */
export const podKey = (namespace: string, pod: string) => `${namespace}/${pod}`;

export interface FailingPodsCardInput {
  report: FailingPodsReport;
  /** The opaque card action id of each pod's Diagnose button, by podKey. A pod without one gets no button. */
  diagnoseIds: ReadonlyMap<string, string>;
  sandbox: boolean;
  /** Our own words above the list, e.g. that a diagnosis follows below. */
  note?: string | undefined;
  /** Our own words above the heading (alerts: "Alerts are on here"). */
  intro?: string | undefined;
  /** Our own small lines below the list (alerts: how they work, where they come from). */
  tips?: readonly string[] | undefined;
}

function where(report: FailingPodsReport): string {
  return report.namespace === undefined ? 'in any namespace' : `in namespace ${inertText(report.namespace, TEXT_LIMITS.name)}`;
}

function groupTitle(group: FailingWorkload, allNamespaces: boolean): string {
  if (group.workload.kind === 'Pod') return '';
  const name = `${allNamespaces ? `${inertText(group.namespace, TEXT_LIMITS.name)}/` : ''}${inertText(group.workload.name, TEXT_LIMITS.name)}`;
  const shown = group.failing > group.pods.length ? `, ${group.pods.length} shown` : '';
  const count = group.failing > 1 ? ` · ${group.failing} failing${shown}` : '';
  return `${inertText(group.workload.kind, TEXT_LIMITS.name)} ${name}${count}`;
}

function podLine(pod: FailingPod, allNamespaces: boolean): { line: string; cause: string } {
  const name = `${allNamespaces ? `${inertText(pod.namespace, TEXT_LIMITS.name)}/` : ''}${inertText(pod.pod, TEXT_LIMITS.name)}`;
  const restarts = pod.restarts > 0 ? ` · ${plural(pod.restarts, 'restart', 'restarts')}` : '';
  const since = pod.since ? ` · since ${formatUtc(pod.since)}` : '';
  return {
    line: `**${name}** · ${inertText(pod.state, TEXT_LIMITS.name)}${restarts}`,
    cause: `${inertText(pod.likelyCause, TEXT_LIMITS.short)}${since}`,
  };
}

/** Template data for the failing pods of a report: the heading says how many and where, then one group per workload. */
export function failingPodsCardData(input: FailingPodsCardInput): object {
  const { report } = input;
  const all = report.namespace === undefined;
  const cluster = report.cluster ? `Cluster ${inertText(report.cluster, TEXT_LIMITS.name)} · ` : '';
  const subtitle = `${cluster}${plural(report.podCount, 'pod', 'pods')} read at ${formatUtc(report.listedAt)} · the likely cause comes from each pod's status; Diagnose checks it`;
  const failing = report.failingCount;
  const heading =
    failing === 0 ? `✅ Nothing is failing ${where(report)}` : `🔴 ${plural(failing, 'failing pod', 'failing pods')} ${where(report)}`;
  const more =
    report.omitted > 0
      ? `…and ${plural(report.omitted, 'more failing pod', 'more failing pods')}${all ? ': ask about one namespace to see them' : ''}.`
      : '';
  return {
    sandbox: input.sandbox,
    // The feed and the toast: what the card opens with (alerts: "Alerts are on here…", then how many fail where).
    summary: [input.intro, heading].filter((t) => t).join(' '),
    intro: input.intro ?? '',
    heading,
    color: failing === 0 ? 'Good' : 'Attention',
    subtitle,
    note: input.note ?? '',
    groups: report.groups.map((group) => ({
      title: groupTitle(group, all),
      pods: group.pods.flatMap((pod) => {
        const id = input.diagnoseIds.get(podKey(pod.namespace, pod.pod));
        return id === undefined
          ? []
          : [{ ...podLine(pod, all), id, button: 'Diagnose', tooltip: `Diagnose ${truncate(pod.pod, TOOLTIP_NAME)}` }];
      }),
    })),
    more,
    tips: input.tips ?? [],
  };
}

export interface PodChoiceCardInput {
  /** The pods to choose from (valid names), each with its Diagnose button's id. */
  pods: ReadonlyArray<{ target: DiagnosisTarget; id: string }>;
  sandbox: boolean;
  heading: string;
  /** Our own words, or user text made inert. */
  intro?: string;
  tips?: readonly string[];
}

/** Template data for a choice of pods ("Which pod?", "Did you mean…"), or — without pods — a short "not understood". */
export function podChoiceCardData(input: PodChoiceCardInput): object {
  return {
    sandbox: input.sandbox,
    summary: input.heading,
    intro: input.intro ?? '',
    heading: input.heading,
    color: 'Default',
    subtitle: '',
    note: '',
    groups:
      input.pods.length === 0
        ? []
        : [
            {
              title: '',
              pods: input.pods.map(({ target, id }) => ({
                line: `**${inertText(target.pod, TEXT_LIMITS.name)}**`,
                cause: `Namespace ${inertText(target.namespace, TEXT_LIMITS.name)}${target.cluster ? ` · cluster ${inertText(target.cluster, TEXT_LIMITS.name)}` : ''}`,
                id,
                button: 'Diagnose',
                tooltip: `Diagnose ${truncate(target.pod, TOOLTIP_NAME)}`,
              })),
            },
          ],
    more: '',
    tips: input.tips ?? [],
  };
}
