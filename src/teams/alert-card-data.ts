import type { AlertSummaryView, AlertSummaryWorkload, AlertView } from '../alerts/alert-view.js';
import type { FailingNow } from '../alerts/failing-now.js';
import { inertText, TEXT_LIMITS } from './cards.js';
import { cardStatusData, type CardStatus } from './diagnosis-card-data.js';
import { formatUtc } from '../diagnosis/format-utc.js';

// The template data of the alerts' cards: one workload's alert, the flood summary, and the answer to `alerts …`.

/** What the bot shows in answer to `alerts on|off|status`: a one-line summary and a few detail lines (plain text). */
export interface AlertCommandResult {
  summary: string;
  details?: string[];
  /** What is failing now where the conversation's alerts come from (`alerts on`, `alerts status`), per cluster. */
  failing?: FailingNow[];
}

export interface AlertCardInput {
  view: AlertView;
  sandbox: boolean;
  /** Opaque card action ids, stored like the diagnosis card's; `requestFixId` only when a fix can be requested, else `fixNotOffered` may say why. */
  actions: { rerunId: string; eventsId: string; requestFixId?: string; fixNotOffered?: string };
  /** A line under the title: where a fix requested from this card stands, or what a re-run of its checks found. */
  status?: CardStatus;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

function banner(view: AlertView): { style: string; title: string; subtitle: string } {
  const workload = `${inertText(view.workload.kind, TEXT_LIMITS.name)} ${inertText(view.workload.name, TEXT_LIMITS.name)}`;
  const subtitle = `Namespace ${inertText(view.namespace, TEXT_LIMITS.name)} · cluster ${inertText(view.cluster, TEXT_LIMITS.name)}`;
  if (view.status === 'resolved') return { style: 'good', title: `✅ Resolved: ${workload}`, subtitle };
  return { style: 'attention', title: `🔔 ${workload} cannot pull its image`, subtitle };
}

function status(view: AlertView): string {
  if (view.status === 'resolved') return `Resolved at ${formatUtc(view.resolvedAt)} · failing since ${formatUtc(view.firstSeen)}`;
  return `Firing since ${formatUtc(view.firstSeen)} · last failure ${formatUtc(view.lastSeen)}`;
}

function pods(view: AlertView): string {
  const now = view.pods.failing === 0 ? 'none failing now' : `${view.pods.failing} failing now`;
  return `**${plural(view.pods.affected, 'pod', 'pods')} affected** (${now}) · newest ${inertText(view.pods.newest, TEXT_LIMITS.name)}`;
}

function evidence(view: AlertView): Array<{ title: string; value: string }> {
  const facts: Array<{ title: string; value: string }> = [];
  if (view.evidence.image) facts.push({ title: 'Image', value: inertText(view.evidence.image, TEXT_LIMITS.image) });
  if (view.evidence.registry) facts.push({ title: 'Registry', value: inertText(view.evidence.registry, TEXT_LIMITS.name) });
  if (view.evidence.keyEvent) facts.push({ title: 'Key event', value: inertText(view.evidence.keyEvent, TEXT_LIMITS.message, 'middle') });
  facts.push({
    title: 'Diagnosed',
    value: `pod ${inertText(view.diagnosis.pod, TEXT_LIMITS.name)} at ${formatUtc(view.diagnosis.diagnosedAt)}`,
  });
  return facts;
}

/**
 * Template data for cards/alert.json: one workload that cannot pull its image — which one, how many pods, the cause
 * in plain words, the evidence, firing or resolved with times — and the diagnosis card's buttons. Every
 * cluster-sourced value is made inert here; the cause's title and explanation are our own words.
 */
export function alertCardData(input: AlertCardInput): object {
  const { view } = input;
  return {
    sandbox: input.sandbox,
    banner: banner(view),
    mark: cardStatusData(input.status),
    status: status(view),
    pods: pods(view),
    cause: { title: view.causeTitle, explanation: view.causeExplanation },
    diagnosisError: view.diagnosis.error
      ? `**The diagnosis could not finish:** ${inertText(view.diagnosis.error, TEXT_LIMITS.summary)}`
      : '',
    evidence: evidence(view),
    footer: `${view.source === 'alertmanager' ? 'Reported by Alertmanager' : 'Seen by the pod watcher'} · this message is updated as pods fail and recover`,
    rerunId: input.actions.rerunId,
    eventsId: input.actions.eventsId,
    requestFixId: input.actions.requestFixId ?? '',
    fixNotOffered: input.actions.fixNotOffered ?? '',
  };
}

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
      title: resolved
        ? `✅ All ${plural(t.workloads, 'workload', 'workloads')} recovered`
        : `🚨 ${t.firing === 1 ? '1 workload cannot pull its image' : `${t.firing} workloads cannot pull their images`}`,
      subtitle: `Started ${formatUtc(view.startedAt)} · updated ${formatUtc(view.updatedAt)}`,
    },
    totals: `**${plural(t.workloads, 'workload', 'workloads')}** · ${t.firing} firing · ${t.resolved} resolved · ${plural(t.podsAffected, 'pod', 'pods')} affected`,
    groups,
    footer:
      'Many workloads failed at once, so they are listed here rather than one card each. Ask “why is pod NAME failing in NAMESPACE” for any of them.',
  };
}

/** At most this many detail lines are shown. */
export const ALERTS_CARD_DETAILS = 15;

/** The answer's detail lines as shown: inert, at most ALERTS_CARD_DETAILS, then "…and N more". */
export function alertsDetailLines(result: AlertCommandResult): string[] {
  const details = result.details ?? [];
  const shown = details.slice(0, ALERTS_CARD_DETAILS).map((d) => inertText(d, TEXT_LIMITS.summary));
  if (details.length > shown.length) shown.push(`…and ${details.length - shown.length} more`);
  return shown;
}

/** Template data for cards/alerts.json: the alert command handler's answer, shown as plain text. */
export function alertsCardData(result: AlertCommandResult, sandbox: boolean): object {
  return { sandbox, summary: inertText(result.summary, TEXT_LIMITS.summary), details: alertsDetailLines(result).map((text) => ({ text })) };
}
