import type { AlertSummaryView, AlertSummaryWorkload } from '../../alerts/alert-view.js';
import { inertText, TEXT_LIMITS } from './inert-text.js';
import { formatUtc } from '../../diagnosis/format-utc.js';

export interface AlertSummaryCardInput {
  view: AlertSummaryView;
  sandbox: boolean;
}

/**
 * Characters of workload lines a summary card lists at most (besides the core's 100 workloads): with names at their
 * longest (63-character namespaces, workloads and clusters) the card still stays well under Teams' 28 KB.
 */
export const SUMMARY_TEXT_BUDGET = 12_000;
const NAME = 63;

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

function workloadLine(w: AlertSummaryWorkload): string {
  const icon = w.status === 'firing' ? '🔴' : '✅';
  const where = `${inertText(w.kind, NAME)} ${inertText(w.namespace, NAME)}/${inertText(w.name, NAME)} on ${inertText(w.cluster, NAME)}`;
  const state = w.status === 'firing' ? `${w.podsFailing} failing, ${w.podsAffected} affected` : `resolved, ${w.podsAffected} affected`;
  return `${icon} ${where} — ${state}`;
}

/**
 * Template data for cards/alert-summary.json: many workloads failing at once (a registry outage, an expired secret
 * used everywhere), grouped by registry and cause, largest group first, with "…and N more" past the budget.
 */
export function alertSummaryCardData(input: AlertSummaryCardInput): object {
  const { view } = input;
  let budget = SUMMARY_TEXT_BUDGET;
  const groups = view.groups.map((group) => {
    const lines: Array<{ text: string }> = [];
    let hidden = group.omitted;
    for (const w of group.workloads) {
      const text = workloadLine(w);
      if (budget - text.length < 0) {
        hidden += 1;
        continue;
      }
      budget -= text.length;
      lines.push({ text });
    }
    const count = group.workloads.length + group.omitted;
    return {
      heading: `${inertText(group.registry, TEXT_LIMITS.name)} — ${group.causeTitle} (${plural(count, 'workload', 'workloads')})`,
      workloads: lines,
      more: hidden > 0 ? `…and ${hidden} more` : '',
    };
  });
  const t = view.totals;
  const resolved = view.status === 'resolved';
  return {
    sandbox: input.sandbox,
    banner: {
      style: resolved ? 'good' : 'attention',
      title: resolved ? `✅ All ${plural(t.workloads, 'workload', 'workloads')} recovered` : `🚨 ${t.firing === 1 ? '1 workload cannot pull its image' : `${t.firing} workloads cannot pull their images`}`,
      subtitle: `Started ${formatUtc(view.startedAt)} · updated ${formatUtc(view.updatedAt)}`,
    },
    totals: `**${plural(t.workloads, 'workload', 'workloads')}** · ${t.firing} firing · ${t.resolved} resolved · ${plural(t.podsAffected, 'pod', 'pods')} affected`,
    groups,
    footer: 'Many workloads failed at once, so they are listed here rather than one card each. Ask “why is pod NAME failing in NAMESPACE” for any of them.',
  };
}
