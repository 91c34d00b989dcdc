import type { AlertView } from '../../alerts/alert-view.js';
import { inertText, TEXT_LIMITS } from './inert-text.js';
import { formatUtc } from '../../diagnosis/format-utc.js';

export interface AlertCardInput {
  view: AlertView;
  sandbox: boolean;
  /** Opaque card action ids, stored like the diagnosis card's; `requestFixId` only when a fix can be requested. */
  actions: { rerunId: string; eventsId: string; requestFixId?: string };
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
  facts.push({ title: 'Diagnosed', value: `pod ${inertText(view.diagnosis.pod, TEXT_LIMITS.name)} at ${formatUtc(view.diagnosis.diagnosedAt)}` });
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
    status: status(view),
    pods: pods(view),
    cause: { title: view.causeTitle, explanation: view.causeExplanation },
    diagnosisError: view.diagnosis.error ? `**The diagnosis could not finish:** ${inertText(view.diagnosis.error, TEXT_LIMITS.summary)}` : '',
    evidence: evidence(view),
    footer: `${view.source === 'alertmanager' ? 'Reported by Alertmanager' : 'Seen by the pod watcher'} · this message is updated as pods fail and recover`,
    rerunId: input.actions.rerunId,
    eventsId: input.actions.eventsId,
    requestFixId: input.actions.requestFixId ?? '',
  };
}
