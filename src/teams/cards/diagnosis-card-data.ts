import type { Diagnosis, Finding, PodProblem } from '../../diagnosis/types.js';
import { inertText, TEXT_LIMITS } from './inert-text.js';
import { explainVerdict, isPullProblem } from './plain-words.js';
import { formatUtc } from '../../diagnosis/format-utc.js';

export interface DiagnosisCardInput {
  diagnosis: Diagnosis;
  /** 1 for the first diagnosis of a card, +1 per re-run. */
  run: number;
  sandbox: boolean;
  /** Opaque card action ids; `requestFixId` only when a fix can be requested (the button is hidden otherwise). */
  actions: { rerunId: string; eventsId: string; requestFixId?: string };
}

/** How many entries of each list a card shows; the rest is counted ("and 12 more"). */
export const DIAGNOSIS_CARD_LIMITS = { checks: 6, problems: 5 } as const;

const ATTENTION_ORDER: Record<Finding['status'], number> = { fail: 0, error: 1, warn: 2, pass: 3, skip: 4 };
/**
 * Within a status, the checks that pinpoint the cause (a missing role, a missing tag, an unknown host…) come before
 * the ones that restate the symptom: the classification of the kubelet's message, the pod's state (the failing
 * containers are listed above) and the event summary.
 */
const SYMPTOM_ORDER: Record<string, number> = { 'pull-error': 1, 'pod-state': 2, events: 3 };
/** A finding's detail keeps at most this many of its lines (events list one per line). */
const DETAIL_LINES = 4;
const STATUS_ICON: Record<Finding['status'], string> = { fail: '❌', error: '❗', warn: '⚠️', pass: '✅', skip: '⏭️' };

function banner(d: Diagnosis, pod: string): { style: string; title: string; subtitle: string } {
  const where = `Pod ${inertText(d.namespace, TEXT_LIMITS.name)}/${pod}${d.cluster ? ` · cluster ${inertText(d.cluster, TEXT_LIMITS.name)}` : ''}`;
  if (d.verdict === 'healthy') return { style: 'good', title: `✅ ${pod} looks healthy`, subtitle: where };
  if (d.verdict === 'unknown') return { style: 'warning', title: `❔ No verdict for ${pod}`, subtitle: where };
  if (isPullProblem(d)) return { style: 'attention', title: `❌ ${pod} cannot pull its image`, subtitle: where };
  const reason = d.problems[0]?.reason;
  return { style: 'attention', title: `❌ ${pod} is failing${reason ? `: ${inertText(reason, TEXT_LIMITS.short)}` : ''}`, subtitle: where };
}

function evidence(d: Diagnosis): Array<{ title: string; value: string }> {
  const facts: Array<{ title: string; value: string }> = [];
  const e = d.evidence;
  if (e.image) facts.push({ title: 'Image', value: inertText(e.image, TEXT_LIMITS.image) });
  if (e.registryHost) facts.push({ title: 'Registry', value: inertText(e.registryHost, TEXT_LIMITS.name) });
  if (e.kubeletIdentity) {
    const client = e.kubeletIdentity.clientId ? ` (client id ${inertText(e.kubeletIdentity.clientId, TEXT_LIMITS.name)})` : '';
    facts.push({ title: 'Pulls as', value: `kubelet identity, object id ${inertText(e.kubeletIdentity.principalId, TEXT_LIMITS.name)}${client}` });
  }
  if (e.keyEvent) {
    const k = e.keyEvent;
    const times = k.count > 1 ? ` ×${k.count}` : '';
    facts.push({ title: 'Key event', value: `${inertText(k.reason, TEXT_LIMITS.name)}${times}: ${inertText(k.message, TEXT_LIMITS.message, 'middle')}` });
  }
  return facts;
}

function problemLine(p: PodProblem): string {
  // A pod-level problem (unschedulable, evicted) has no container or image: its reason and the scheduler's words.
  if (p.container === '') return `• ${inertText(p.reason, TEXT_LIMITS.name)}${p.message ? ` — ${inertText(p.message, TEXT_LIMITS.summary)}` : ''}`;
  const init = p.initContainer ? ' (init)' : '';
  return `• ${inertText(p.container, TEXT_LIMITS.name)}${init} — ${inertText(p.reason, TEXT_LIMITS.name)} — ${inertText(p.image, TEXT_LIMITS.image)}`;
}

function detailLines(detail: string | undefined): Array<{ text: string }> {
  const lines = (detail ?? '').split(/\r\n|\r|\n|\u2028|\u2029/).filter((l) => l.trim() !== '');
  const shown = lines.slice(0, DETAIL_LINES).map((l) => ({ text: inertText(l, TEXT_LIMITS.summary, 'middle') }));
  if (lines.length > DETAIL_LINES) shown.push({ text: `…and ${lines.length - DETAIL_LINES} more lines` });
  return shown;
}

function checkEntry(f: Finding): { title: string; details: Array<{ text: string }>; todo: string } {
  const summary = inertText(f.summary, TEXT_LIMITS.summary);
  const title = f.status === 'error' ? `${STATUS_ICON.error} Could not check: ${summary}` : `${STATUS_ICON[f.status]} ${summary}`;
  const todo = f.remediation
    ? `**What to do:** ${inertText(f.remediation, TEXT_LIMITS.remediation)}`
    : f.status === 'error'
      ? '**What to do:** re-run the checks; if this keeps failing, check what Pull Doctor is allowed to read.'
      : '';
  return { title, details: detailLines(f.detail), todo };
}

function tally(findings: Finding[]): string {
  const counts = new Map<Finding['status'], number>();
  for (const f of findings) counts.set(f.status, (counts.get(f.status) ?? 0) + 1);
  const parts = (
    [
      ['fail', 'failed'],
      ['error', 'could not run'],
      ['warn', 'warned'],
      ['pass', 'passed'],
      ['skip', 'skipped'],
    ] as const
  )
    .filter(([status]) => counts.has(status))
    .map(([status, label]) => `${counts.get(status)} ${label}`);
  return `Checks: ${parts.length > 0 ? parts.join(' · ') : 'none ran'}`;
}

/** Template data for cards/diagnosis.json. Every cluster-sourced value is made inert here. */
export function diagnosisCardData(input: DiagnosisCardInput): object {
  const { diagnosis: d } = input;
  const pod = inertText(d.pod, TEXT_LIMITS.name);
  const attention = d.findings
    .filter((f) => f.status === 'fail' || f.status === 'error' || f.status === 'warn')
    .sort((a, b) => ATTENTION_ORDER[a.status] - ATTENTION_ORDER[b.status] || (SYMPTOM_ORDER[a.check] ?? 0) - (SYMPTOM_ORDER[b.check] ?? 0));
  const shownChecks = attention.slice(0, DIAGNOSIS_CARD_LIMITS.checks);
  const hiddenChecks = attention.length - shownChecks.length;
  const shownProblems = d.problems.slice(0, DIAGNOSIS_CARD_LIMITS.problems);
  const hiddenProblems = d.problems.length - shownProblems.length;
  return {
    sandbox: input.sandbox,
    banner: banner(d, pod),
    cause: explainVerdict(d),
    evidence: evidence(d),
    problems: shownProblems.map((p) => ({ text: problemLine(p) })),
    moreProblems: hiddenProblems > 0 ? `…and ${hiddenProblems} more failing container${hiddenProblems === 1 ? '' : 's'}` : '',
    checks: shownChecks.map(checkEntry),
    moreChecks: hiddenChecks > 0 ? `…and ${hiddenChecks} more check${hiddenChecks === 1 ? '' : 's'} that need${hiddenChecks === 1 ? 's' : ''} attention (\`pulldoctor diagnose\` lists them all)` : '',
    tally: tally(d.findings),
    footer: `Run ${input.run} · checked at ${formatUtc(d.diagnosedAt)}`,
    rerunId: input.actions.rerunId,
    eventsId: input.actions.eventsId,
    requestFixId: input.actions.requestFixId ?? '',
  };
}
