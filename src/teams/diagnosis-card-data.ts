import type { Diagnosis, DiagnosisTarget, Finding, PodEventSummary, PodProblem } from '../diagnosis/types.js';
import { invalidNameReason } from '../clients/kubernetes/kubernetes-names.js';
import { describeError, isPullDoctorError } from '../errors/index.js';
import { explainVerdict, inertText, isPullProblem, TEXT_LIMITS, truncate } from './cards.js';
import { formatUtc } from '../diagnosis/format-utc.js';
import { goneStoryOf } from '../diagnosis/events.js';

// The template data of the cards about one pod: diagnosing (the placeholder), diagnosis, events, error, and help.

/** A pod worth asking about (the sandbox's scenarios), listed on the welcome and help cards with what it shows. */
export interface SamplePod {
  pod: string;
  namespace: string;
  title: string;
}

/** One entry of the chat command registry (`CHAT_COMMANDS` in src/chat/command-registry.ts), as the help card shows it. */
export interface ChatCommandDescription {
  id: string;
  title: string;
  description: string;
  examples: readonly string[];
}

/** `shop/web-7d4c9` (and ` on cluster shop-aks` when one is named), made inert. */
export function targetText(target: DiagnosisTarget): string {
  const cluster = target.cluster ? ` on cluster ${inertText(target.cluster, TEXT_LIMITS.name)}` : '';
  return `${inertText(target.namespace, TEXT_LIMITS.name)}/${inertText(target.pod, TEXT_LIMITS.name)}${cluster}`;
}

/** How many similar names a card shows, and how many of them get a button. */
export const SUGGESTION_LIMITS = { shown: 5, buttons: 5 } as const;

/**
 * The similar pod names a POD_NOT_FOUND error (or the pods to choose from of a POD_AMBIGUOUS one) carries in `facts.suggestions` (comma- or whitespace-separated, best
 * first): only valid pod names (they come from the cluster, and a button will diagnose them), without duplicates, at
 * most `SUGGESTION_LIMITS.shown`.
 */
export function podSuggestions(error: unknown): string[] {
  if (!isPullDoctorError(error) || (error.code !== 'POD_NOT_FOUND' && error.code !== 'POD_AMBIGUOUS')) return [];
  const raw = error.facts.suggestions;
  if (typeof raw !== 'string') return [];
  const names = raw.split(/[\s,]+/).filter((n) => n !== '' && invalidNameReason('pod', n) === undefined);
  return [...new Set(names)].slice(0, SUGGESTION_LIMITS.shown);
}

const RUNNING = 'Checking the pod, its image, the registry and the identity that pulls. This usually takes a few seconds.';
const WAITING = 'Pull Doctor is diagnosing other pods right now. This one starts in turn, and this card then shows its result.';

/**
 * Template data for cards/diagnosing.json, the placeholder that the diagnosis card replaces: "Diagnosing…" for a
 * first run, "Re-running checks…" for a later one, "Waiting to …" with its place in line when the diagnosis is queued
 * behind others (src/teams/diagnosis-queue.ts).
 */
export function diagnosingCardData(target: DiagnosisTarget, run: number, sandbox: boolean, position?: number): object {
  const what = targetText(target);
  if (position !== undefined) {
    const heading =
      run > 1
        ? `⏳ Waiting to re-run checks for ${what}… (run ${run}, number ${position} in line)`
        : `⏳ Waiting to diagnose ${what}… (number ${position} in line)`;
    return { sandbox, heading, detail: WAITING };
  }
  const heading = run > 1 ? `⏳ Re-running checks for ${what}… (run ${run})` : `⏳ Diagnosing ${what}…`;
  return { sandbox, heading, detail: RUNNING };
}

/** One line under a card's title, in our words (names in it are made inert): where a fix request stands, a re-run. */
export interface CardStatus {
  text: string;
  tone?: 'default' | 'good' | 'warning' | 'attention';
}

const TONE_STYLE: Record<NonNullable<CardStatus['tone']>, string> = {
  default: 'emphasis',
  good: 'good',
  warning: 'warning',
  attention: 'attention',
};

/** Template data of a card's status line (`mark`, a band under the title): empty text when there is none. */
export function cardStatusData(status: CardStatus | undefined): { text: string; style: string } {
  return { text: status ? inertText(status.text, TEXT_LIMITS.summary) : '', style: TONE_STYLE[status?.tone ?? 'default'] };
}

export interface DiagnosisCardInput {
  diagnosis: Diagnosis;
  /** 1 for the first diagnosis of a card, +1 per re-run. */
  run: number;
  sandbox: boolean;
  /**
   * Opaque card action ids; `requestFixId` only when a fix can be requested (the button is hidden otherwise), and
   * `fixNotOffered` saying why not when there is a fix but this conversation cannot request it.
   */
  actions: { rerunId: string; eventsId: string; requestFixId?: string; fixNotOffered?: string };
  /** A line under the title: where a fix requested from this card stands. */
  status?: CardStatus;
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
    facts.push({
      title: 'Pulls as',
      value: `kubelet identity, object id ${inertText(e.kubeletIdentity.principalId, TEXT_LIMITS.name)}${client}`,
    });
  }
  if (e.keyEvent) {
    const k = e.keyEvent;
    const times = k.count > 1 ? ` ×${k.count}` : '';
    facts.push({
      title: 'Key event',
      value: `${inertText(k.reason, TEXT_LIMITS.name)}${times}: ${inertText(k.message, TEXT_LIMITS.message, 'middle')}`,
    });
  }
  return facts;
}

function problemLine(p: PodProblem): string {
  // A pod-level problem (unschedulable, evicted) has no container or image: its reason and the scheduler's words.
  if (p.container === '')
    return `• ${inertText(p.reason, TEXT_LIMITS.name)}${p.message ? ` — ${inertText(p.message, TEXT_LIMITS.summary)}` : ''}`;
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
    mark: cardStatusData(input.status),
    cause: explainVerdict(d),
    evidence: evidence(d),
    problems: shownProblems.map((p) => ({ text: problemLine(p) })),
    moreProblems: hiddenProblems > 0 ? `…and ${hiddenProblems} more failing container${hiddenProblems === 1 ? '' : 's'}` : '',
    checks: shownChecks.map(checkEntry),
    moreChecks:
      hiddenChecks > 0
        ? `…and ${hiddenChecks} more check${hiddenChecks === 1 ? '' : 's'} that need${hiddenChecks === 1 ? 's' : ''} attention (\`pulldoctor diagnose\` lists them all)`
        : '',
    tally: tally(d.findings),
    footer: `Run ${input.run} · checked at ${formatUtc(d.diagnosedAt)}`,
    rerunId: input.actions.rerunId,
    eventsId: input.actions.eventsId,
    requestFixId: input.actions.requestFixId ?? '',
    fixNotOffered: input.actions.fixNotOffered ?? '',
  };
}

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

/** One event as the events card and the gone pod's not-found card show it: reason, repeats, time, message (inert). */
function eventItem(e: PodEventSummary): { heading: string; color: string; message: string } {
  const warning = e.type === 'Warning';
  const times = e.count > 1 ? ` ×${e.count}` : '';
  const when = e.lastSeen ? ` · last ${formatUtc(e.lastSeen)}` : '';
  return {
    heading: `${warning ? '⚠️' : 'ℹ️'} ${inertText(e.reason, TEXT_LIMITS.name)}${times}${when}`,
    color: warning ? 'Attention' : 'Default',
    message: inertText(e.message, TEXT_LIMITS.message, 'middle'),
  };
}

/** A not-found card shows this many of a gone pod's events (its story: diagnosis/events.ts's gonePodStory). */
export const GONE_POD_CARD_EVENTS = 5;

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
    events: shown.map(eventItem),
    more:
      hidden > 0
        ? `…and ${hidden} older events. All of them: \`kubectl get events -n ${namespace} --field-selector involvedObject.name=${pod}\``
        : '',
    rerunId: input.rerunId,
  };
}

export interface ErrorCardInput {
  error: unknown;
  target?: DiagnosisTarget;
  sandbox: boolean;
  /** A card action id that retries (re-runs the diagnosis); no button without it. */
  retryId?: string;
  /** "Diagnose NAME" buttons for similar pod names (POD_NOT_FOUND), with their card action ids. */
  suggested?: ReadonlyArray<{ pod: string; diagnoseId: string }>;
}

/** Whether `text` names `pod` as a whole name (not as a part of a longer one). */
function namesPod(text: string, pod: string): boolean {
  const escaped = pod.replace(/[.]/g, '\\.');
  return new RegExp(`(?<![a-z0-9.-])${escaped}(?![a-z0-9-]|\\.[a-z0-9])`).test(text);
}

/** Similar pod names from POD_NOT_FOUND's `facts.suggestions`, unless the message already names them all. */
function suggestions(error: unknown, message: string): string {
  const names = podSuggestions(error);
  if (names.length === 0 || names.every((n) => namesPod(message, n))) return '';
  return `Did you mean: ${names.map((n) => inertText(n, TEXT_LIMITS.name)).join(', ')}?`;
}

/**
 * Template data for cards/error.json, from `describeError` (never a stack trace). The message and advice may carry
 * names from the cluster or the request, so they are made inert like cluster text.
 */
export function errorCardData(input: ErrorCardInput): object {
  const advice = describeError(input.error);
  return {
    sandbox: input.sandbox,
    title: inertText(advice.title, TEXT_LIMITS.short),
    target: input.target ? `Pod ${targetText(input.target)}` : '',
    message: inertText(advice.message, 600),
    suggestions: suggestions(input.error, advice.message),
    // A pod that is gone but whose events remain: the newest of them, under the message that says it is gone.
    goneEvents: (goneStoryOf(input.error)?.events ?? []).slice(0, GONE_POD_CARD_EVENTS).map(eventItem),
    advice: inertText(advice.advice, 600),
    code: advice.code,
    retryId: input.retryId ?? '',
    // Valid pod names only (podSuggestions): plain text in a button title.
    suggested: (input.suggested ?? []).map((s) => ({ title: `Diagnose ${truncate(s.pod, TEXT_LIMITS.name)}`, id: s.diagnoseId })),
  };
}

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
    tryThis: first
      ? `Ask for example: why is pod ${inertText(first.pod, TEXT_LIMITS.name)} failing in ${inertText(first.namespace, TEXT_LIMITS.name)}`
      : '',
    samplePods: samples.map((p) => ({ text: `• **${inertText(p.pod, TEXT_LIMITS.name)}** — ${inertText(p.title, TEXT_LIMITS.summary)}` })),
  };
}
