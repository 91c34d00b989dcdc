import type { AlertSummaryView, AlertSummaryWorkload, AlertView } from '../alerts/alert-view.js';
import type { FailingNow } from '../alerts/failing-now.js';
import { codeText, inertText, plainText, plural, TEXT_LIMITS } from './cards.js';
import { cardStatusData, causeBadge, type CardStatus } from './diagnosis-card-data.js';
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

/** How long something lasted, in the units a person says: "under a minute", "12 min", "2 h 5 min", "3 days 4 h". */
export function formatDuration(ms: number): string {
  const minutes = Math.floor(Math.max(0, ms) / 60_000);
  if (minutes < 1) return 'under a minute';
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
  const days = Math.floor(hours / 24);
  return hours % 24 === 0 ? plural(days, 'day', 'days') : `${plural(days, 'day', 'days')} ${hours % 24} h`;
}

function failedFor(view: AlertView): string {
  return formatDuration(Date.parse(view.resolvedAt ?? view.lastSeen) - Date.parse(view.firstSeen));
}

/** The workload as people name it: "Deployment storefront". */
function workloadName(view: AlertView): string {
  return `${view.workload.kind} ${view.workload.name}`;
}

/** The title line, plain: the activity's summary and text (the feed and toasts say what broke, or that it recovered). */
function titleLine(view: AlertView): string {
  const where = `${workloadName(view)} (${view.namespace} on ${view.cluster})`;
  if (view.status === 'resolved') return plainText(`✅ Resolved after ${failedFor(view)}: ${where}`, TEXT_LIMITS.summary);
  return plainText(`🔔 ${where}: ${view.headline}`, TEXT_LIMITS.summary);
}

function facts(view: AlertView): Array<{ title: string; value: string }> {
  const out: Array<{ title: string; value: string }> = [];
  const add = (title: string, value: string | undefined, max: number = TEXT_LIMITS.name) => {
    if (value) out.push({ title, value: inertText(value, max) });
  };
  add('Workload', workloadName(view), TEXT_LIMITS.name * 2);
  add('Namespace', view.namespace);
  add('Cluster', view.cluster);
  add('Image', view.evidence.image, TEXT_LIMITS.image);
  const now = view.pods.failing === 0 ? 'none failing now' : `${view.pods.failing} failing now`;
  add('Pods', `${plural(view.pods.affected, 'pod', 'pods')} affected, ${now} · newest ${view.pods.newest}`, TEXT_LIMITS.short);
  if (view.status === 'resolved') add('Failed', `${formatUtc(view.firstSeen)} to ${formatUtc(view.resolvedAt)} (${failedFor(view)})`);
  else add('Failing since', `${formatUtc(view.firstSeen)} · last failure ${formatUtc(view.lastSeen)}`);
  return out;
}

/**
 * Template data for cards/alert.json: the diagnosis card's layout for one workload that cannot pull its image — the
 * root cause first (or, resolved, that it recovered and how long it failed), the cause as a badge, a few facts, the
 * Fix block while it fires, the kubelet's message behind Show details — and the diagnosis card's buttons. Every
 * cluster-sourced value is made inert here.
 */
export function alertCardData(input: AlertCardInput): object {
  const { view } = input;
  const resolved = view.status === 'resolved';
  const remedy = resolved ? null : view.remedy;
  const commands = (remedy?.commands ?? [])
    .map(codeText)
    .filter((c) => c !== '')
    .slice(0, 4)
    .map((command) => ({ command }));
  return {
    sandbox: input.sandbox,
    summary: titleLine(view),
    badge: resolved ? { text: '✅ Resolved', style: 'good' } : { text: `🔔 ${causeBadge(view.cause)}`, style: 'attention' },
    title: resolved
      ? plainText(`${workloadName(view)} recovered after ${failedFor(view)}`, TEXT_LIMITS.summary)
      : plainText(view.headline, TEXT_LIMITS.summary),
    status: resolved
      ? plainText(`It failed because: ${view.headline}`, TEXT_LIMITS.summary)
      : plainText(`${workloadName(view)} in ${view.namespace} cannot pull its image`, TEXT_LIMITS.summary),
    mark: cardStatusData(input.status),
    facts: facts(view),
    fix: {
      shown: remedy !== null && (remedy.text !== '' || commands.length > 0),
      text: plainText(remedy?.text ?? '', TEXT_LIMITS.remediation),
      commands,
    },
    diagnosisError: view.diagnosis.error ? plainText(`The diagnosis could not finish: ${view.diagnosis.error}`, TEXT_LIMITS.summary) : '',
    kubelet: view.evidence.keyEvent
      ? { shown: true, message: plainText(view.evidence.keyEvent, TEXT_LIMITS.message * 2, 'middle') }
      : { shown: false, message: '' },
    diagnosed: plainText(`Diagnosed pod ${view.diagnosis.pod} at ${formatUtc(view.diagnosis.diagnosedAt)}.`, TEXT_LIMITS.summary),
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
  const title = resolved
    ? `✅ All ${plural(t.workloads, 'workload', 'workloads')} recovered`
    : `🚨 ${t.firing === 1 ? '1 workload cannot pull its image' : `${t.firing} workloads cannot pull their images`}`;
  return {
    sandbox: input.sandbox,
    summary: title,
    banner: {
      style: resolved ? 'good' : 'attention',
      title,
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
  return {
    sandbox,
    summary: plainText(result.summary, TEXT_LIMITS.summary),
    text: inertText(result.summary, TEXT_LIMITS.summary),
    details: alertsDetailLines(result).map((text) => ({ text })),
  };
}
