import type { Cause, Diagnosis, DiagnosisTarget, Evidence, Finding, PodEventSummary } from '../diagnosis/types.js';
import { invalidNameReason } from '../clients/kubernetes/kubernetes-names.js';
import { describeError, isPullDoctorError, type PullDoctorError } from '../errors/index.js';
import { codeText, inertText, plainText, TEXT_LIMITS, truncate } from './cards.js';
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
 * The pod names a POD_NOT_FOUND (similar names) or POD_AMBIGUOUS (the candidates) error carries in
 * `facts.suggestions` (comma- or whitespace-separated, best first): only valid pod names (they come from the cluster, and a button will diagnose them), without duplicates, at
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
    return { sandbox, summary: heading, heading, detail: WAITING };
  }
  const heading = run > 1 ? `⏳ Re-running checks for ${what}… (run ${run})` : `⏳ Diagnosing ${what}…`;
  return { sandbox, summary: heading, heading, detail: RUNNING };
}

/**
 * One line under a card's title that marks it in place: where a fix requested from it stands ("Fix requested by Dana
 * Oncall — waiting for approval"), what a re-run of an alert's checks found. Raw text: the card makes it plain.
 * `tone` colours it.
 */
export interface CardStatus {
  text: string;
  tone?: 'default' | 'good' | 'warning' | 'attention';
}

/** Template data of a card's status line (diagnosis and alert cards): empty text when there is none. */
export function cardStatusData(status: CardStatus | undefined): { text: string; color: string } {
  return { text: plainText(status?.text ?? '', TEXT_LIMITS.summary), color: TONE_COLOR[status?.tone ?? 'default'] };
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
  status?: CardStatus | undefined;
}

/** How many entries of each part of the details a card shows; the rest is counted ("and 12 more"). */
export const DIAGNOSIS_CARD_LIMITS = { facts: 6, commands: 4, checks: 12, events: 5 } as const;

const STATUS_ORDER: Record<Finding['status'], number> = { fail: 0, error: 1, warn: 2, pass: 3, skip: 4 };
const STATUS_ICON: Record<Finding['status'], string> = { fail: '❌', error: '❗', warn: '⚠️', pass: '✅', skip: '⏭️' };
const TONE_COLOR: Record<NonNullable<CardStatus['tone']>, string> = {
  default: 'Default',
  good: 'Good',
  warning: 'Warning',
  attention: 'Attention',
};

/** The cause label as a small badge next to the title: what kind of failure, in two or three words. */
const CAUSE_BADGE: Record<Cause, string> = {
  'image-not-found': 'Image not found',
  unauthorized: 'Unauthorized (401)',
  forbidden: 'Forbidden (403)',
  dns: 'DNS',
  'network-timeout': 'Network',
  tls: 'TLS',
  'rate-limited': 'Rate limited (429)',
  'platform-mismatch': 'Wrong platform',
  'invalid-reference': 'Invalid image name',
  policy: 'Policy',
  other: 'Pull error',
};

/** The cause label of a badge (diagnosis and alert cards). */
export function causeBadge(cause: Cause): string {
  return CAUSE_BADGE[cause];
}

function badge(d: Diagnosis): { text: string; style: string } {
  if (d.verdict === 'healthy') return { text: 'Healthy', style: 'good' };
  if (d.verdict === 'unknown') return { text: 'No verdict', style: 'warning' };
  if (d.cause !== null) return { text: CAUSE_BADGE[d.cause], style: 'attention' };
  return { text: inertText(d.problems[0]?.reason ?? 'Failing', 40), style: 'attention' };
}

/** The title line, plain: the activity's summary (toasts, the feed), and what the card's title says. */
function titleLine(d: Diagnosis): string {
  const icon = d.verdict === 'healthy' ? '✅' : d.verdict === 'unknown' ? '❔' : '❌';
  return `${icon} ${plainText(d.headline, TEXT_LIMITS.summary)}`;
}

/** "shopacr (resource group rg-shop)" from an ACR resource id, or the host when that is all there is. */
function registryFact(e: Evidence): string | undefined {
  const id = e.registryResourceId?.match(/\/resourceGroups\/([^/]+)\/providers\/Microsoft\.ContainerRegistry\/registries\/([^/]+)$/i);
  if (id) return `${id[2]} (resource group ${id[1]})`;
  return e.registryHost;
}

/** At most six facts: where the pod is, what it runs, what fails, and who pulls from where. */
function facts(d: Diagnosis): Array<{ title: string; value: string }> {
  const out: Array<{ title: string; value: string }> = [];
  const add = (title: string, value: string | undefined, max: number = TEXT_LIMITS.name) => {
    if (value) out.push({ title, value: inertText(value, max) });
  };
  add('Pod', `${d.namespace}/${d.pod}`, TEXT_LIMITS.name * 2);
  add('Cluster', d.cluster);
  const first = d.problems[0];
  const more = d.problems.length - 1;
  const others = more > 0 ? ` (and ${more} more failing container${more === 1 ? '' : 's'})` : '';
  if (first && first.container !== '') {
    add('Container', `${first.container}${first.initContainer ? ' (init)' : ''} — ${first.reason}${others}`, TEXT_LIMITS.short);
    add('Image', first.image || d.evidence.image, TEXT_LIMITS.image);
  } else {
    if (first) add('State', first.reason);
    add('Image', d.evidence.image, TEXT_LIMITS.image);
  }
  if (d.evidence.kubeletIdentity) add('Pulls as', `kubelet identity ${d.evidence.kubeletIdentity.principalId}`);
  add('Registry', registryFact(d.evidence));
  return out.slice(0, DIAGNOSIS_CARD_LIMITS.facts);
}

/** The Fix block: one sentence and the exact commands (a CodeBlock each), or nothing when there is nothing to do. */
function fixBlock(d: Diagnosis): { shown: boolean; text: string; commands: Array<{ command: string }> } {
  if (!d.remedy) return { shown: false, text: '', commands: [] };
  const commands = d.remedy.commands
    .map(codeText)
    .filter((c) => c !== '')
    .slice(0, DIAGNOSIS_CARD_LIMITS.commands)
    .map((command) => ({ command }));
  return { shown: d.remedy.text !== '' || commands.length > 0, text: plainText(d.remedy.text, TEXT_LIMITS.remediation), commands };
}

/** One line per check, what failed first; our words and the checks' summaries (cluster text: plain TextRuns). */
function checkLines(d: Diagnosis): Array<{ text: string }> {
  const ordered = d.findings
    .map((f, i) => ({ f, i }))
    .sort((a, b) => STATUS_ORDER[a.f.status] - STATUS_ORDER[b.f.status] || a.i - b.i)
    .map(({ f }) => f);
  const shown = ordered.slice(0, DIAGNOSIS_CARD_LIMITS.checks).map((f) => {
    const summary = plainText(f.summary, TEXT_LIMITS.summary);
    return { text: `${STATUS_ICON[f.status]} ${f.status === 'error' ? `Could not check: ${summary}` : summary}` };
  });
  const hidden = ordered.length - shown.length;
  if (hidden > 0) shown.push({ text: `…and ${hidden} more check${hidden === 1 ? '' : 's'}` });
  return shown;
}

const sameEvent = (a: PodEventSummary, b: PodEventSummary) => a.reason === b.reason && a.message === b.message && a.type === b.type;

function eventHeading(e: PodEventSummary): string {
  const times = e.count > 1 ? ` ×${e.count}` : '';
  const when = e.lastSeen ? ` · ${formatUtc(e.lastSeen)}` : '';
  return `${e.type === 'Warning' ? '⚠️' : 'ℹ️'} ${plainText(e.reason, TEXT_LIMITS.name)}${times}${when}`;
}

/** Template data for cards/diagnosis.json. Every cluster-sourced value is made inert here. */
export function diagnosisCardData(input: DiagnosisCardInput): object {
  const { diagnosis: d } = input;
  const key = d.evidence.keyEvent;
  // The kubelet's message is shown once, under its own heading: not again in the list of events.
  const events = d.events.filter((e) => !key || !sameEvent(e, key)).slice(0, DIAGNOSIS_CARD_LIMITS.events);
  return {
    sandbox: input.sandbox,
    summary: titleLine(d),
    title: plainText(d.headline, TEXT_LIMITS.summary),
    titleColor: d.verdict === 'healthy' ? 'Good' : 'Default',
    badge: badge(d),
    status: cardStatusData(input.status),
    facts: facts(d),
    fix: fixBlock(d),
    checks: checkLines(d),
    kubelet: key
      ? { shown: true, heading: eventHeading(key), message: plainText(key.message, TEXT_LIMITS.message * 2, 'middle') }
      : { shown: false, heading: '', message: '' },
    events: events.map((e) => ({
      heading: eventHeading(e),
      color: e.type === 'Warning' ? 'Attention' : 'Default',
      message: plainText(e.message, TEXT_LIMITS.summary, 'middle'),
    })),
    tally: tally(d.findings),
    footer: `Run ${input.run} · checked at ${formatUtc(d.diagnosedAt)}`,
    rerunId: input.actions.rerunId,
    eventsId: input.actions.eventsId,
    requestFixId: input.actions.requestFixId ?? '',
    fixNotOffered: plainText(input.actions.fixNotOffered ?? '', TEXT_LIMITS.summary * 2),
  };
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
/** One event of an events card (and of a gone pod's story on the not-found card): plain text in TextRuns. */
function eventItem(e: PodEventSummary): { heading: string; color: string; message: string } {
  const warning = e.type === 'Warning';
  const times = e.count > 1 ? ` ×${e.count}` : '';
  const when = e.lastSeen ? ` · last ${formatUtc(e.lastSeen)}` : '';
  return {
    heading: `${warning ? '⚠️' : 'ℹ️'} ${plainText(e.reason, TEXT_LIMITS.name)}${times}${when}`,
    color: warning ? 'Attention' : 'Default',
    message: plainText(e.message, TEXT_LIMITS.message, 'middle'),
  };
}

/** A not-found card shows this many of a gone pod's events (its story: diagnosis/events.ts's gonePodStory). */
export const GONE_POD_CARD_EVENTS = 5;

export function eventsCardData(input: EventsCardInput): object {
  const shown = input.events.slice(0, EVENTS_CARD_LIMIT);
  const hidden = Math.max(input.eventCount ?? input.events.length, input.events.length) - shown.length;
  const target = targetText(input.target);
  const { pod, namespace } = input.target;
  return {
    sandbox: input.sandbox,
    summary: `Events for ${target}`,
    target,
    subtitle: `Newest first, as recorded at ${formatUtc(input.diagnosedAt)}`,
    events: shown.map(eventItem),
    more: hidden > 0 ? `…and ${hidden} older event${hidden === 1 ? '' : 's'}. All of them:` : '',
    // Names from the request, checked by the chat grammar: the command pastes as it is.
    command: hidden > 0 ? codeText(`kubectl get events -n ${namespace} --field-selector involvedObject.name=${pod}`) : '',
    rerunId: input.rerunId,
  };
}

export interface ErrorCardInput {
  error: unknown;
  target?: DiagnosisTarget;
  sandbox: boolean;
  /** A card action id that retries (re-runs the diagnosis); no button without it. */
  retryId?: string;
  /** Buttons for what the error suggests (errorSuggestions), each with its stored `diagnose` card action id. */
  suggested?: ReadonlyArray<{ label: string; diagnoseId: string }>;
}

/** A diagnosis an error card offers as a button: a similar pod, the pod in another namespace, another cluster. */
export interface SuggestedDiagnosis {
  label: string;
  target: DiagnosisTarget;
}

/** Names from an error's facts (comma-separated), valid for their kind, without duplicates. */
function namesIn(error: PullDoctorError, fact: string, kind: 'pod' | 'namespace' | 'cluster'): string[] {
  const raw = error.facts[fact];
  if (typeof raw !== 'string') return [];
  return [...new Set(raw.split(/[\s,]+/).filter((n) => n !== '' && invalidNameReason(kind, n) === undefined))];
}

/**
 * Every "did you mean" of an error, as diagnoses a button can start: for a pod not found, each similar name in the
 * namespace asked and each other namespace that has a pod of that very name; for a cluster the bot does not know,
 * each cluster it knows. Only valid names (they come from the cluster or the configuration, and a button will act on
 * them), at most SUGGESTION_LIMITS.buttons.
 */
export function errorSuggestions(error: unknown, target: DiagnosisTarget | undefined): SuggestedDiagnosis[] {
  if (!isPullDoctorError(error) || target === undefined) return [];
  const out: SuggestedDiagnosis[] = [];
  if (error.code === 'POD_NOT_FOUND' || error.code === 'POD_AMBIGUOUS') {
    for (const pod of podSuggestions(error)) out.push({ label: `Diagnose ${pod}`, target: { ...target, pod } });
    for (const namespace of namesIn(error, 'elsewhere', 'namespace'))
      if (namespace !== target.namespace) out.push({ label: `Diagnose in ${namespace}`, target: { ...target, namespace } });
  }
  if (error.code === 'INVALID_INPUT' && typeof error.facts.knownClusters === 'string') {
    for (const cluster of namesIn(error, 'knownClusters', 'cluster'))
      if (cluster !== target.cluster) out.push({ label: `Diagnose on ${cluster}`, target: { ...target, cluster } });
  }
  return out.slice(0, SUGGESTION_LIMITS.buttons);
}

/** Whether an error means asking again would fail the same way (a cluster the bot does not know): no Try again. */
export function retryIsPointless(error: unknown): boolean {
  return isPullDoctorError(error) && error.code === 'INVALID_INPUT' && typeof error.facts.knownClusters === 'string';
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
  return `Did you mean: ${names.join(', ')}?`;
}

/** Commands that look into the error, with the real names filled in (never a NAMESPACE placeholder). */
function errorCommands(error: unknown, target: DiagnosisTarget | undefined): string[] {
  if (!isPullDoctorError(error)) return [];
  if ((error.code === 'POD_NOT_FOUND' || error.code === 'POD_AMBIGUOUS') && target) return [`kubectl get pods -n ${target.namespace}`];
  if (error.code === 'NAMESPACE_NOT_FOUND') return ['kubectl get namespaces'];
  return [];
}

/**
 * Template data for cards/error.json, from `describeError` (never a stack trace). The message and advice may carry
 * names from the cluster or the request: they go in TextRuns, plain.
 */
export function errorCardData(input: ErrorCardInput): object {
  const advice = describeError(input.error);
  // An unknown cluster is INVALID_INPUT ("That request is not valid"): the title says what is wrong instead.
  const title = retryIsPointless(input.error) ? 'Unknown cluster' : advice.title;
  const target = input.target
    ? `Pod ${input.target.namespace}/${input.target.pod}${input.target.cluster ? ` on cluster ${input.target.cluster}` : ''}`
    : '';
  return {
    sandbox: input.sandbox,
    summary: plainText(`⚠️ ${title}${target ? `: ${target}` : ''}`, TEXT_LIMITS.summary),
    title: inertText(title, TEXT_LIMITS.short),
    target: plainText(target, TEXT_LIMITS.short),
    message: plainText(advice.message, 600),
    suggestions: plainText(suggestions(input.error, advice.message), 600),
    // A pod that is gone but whose events remain: the newest of them, under the message that says it is gone.
    goneEvents: (goneStoryOf(input.error)?.events ?? []).slice(0, GONE_POD_CARD_EVENTS).map(eventItem),
    advice: plainText(advice.advice, 600),
    commands: errorCommands(input.error, input.target).map((c) => ({ command: codeText(c) })),
    code: advice.code,
    retryId: input.retryId ?? '',
    // Names checked by errorSuggestions: plain text in a button title.
    suggested: (input.suggested ?? []).map((s) => ({ title: truncate(s.label, TEXT_LIMITS.name), id: s.diagnoseId })),
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
    summary: input.intro ? plainText(input.intro, TEXT_LIMITS.summary) : 'What Pull Doctor understands',
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
