import type { AlertView } from '../alerts/alert-view.js';
import { summarize } from '../alerts/pull-failure-detector.js';
import type { ClusterConnections } from '../clusters/cluster-connections.js';
import { formatUtc } from '../diagnosis/format-utc.js';
import { diagnosePod } from '../diagnosis/diagnose-pod.js';
import type { Cause, Diagnosis, Fix, PodEventSummary } from '../diagnosis/types.js';
import { describeError, PullDoctorError } from '../errors/index.js';
import type { Logger } from '../logging/index.js';
import type { TeamsCards } from './bot-framework.js';
import { truncateMiddle, type AdaptiveCardJson } from './cards.js';
import type { CardActionHandlers, CardActionStore, CardSubject } from './card-actions.js';
import { errorSuggestions, EVENTS_CARD_LIMIT, retryIsPointless, type CardStatus } from './diagnosis-card-data.js';
import { fixRequestUnavailableIn } from './fix-approvals.js';
import type { DiagnosisTarget } from '../diagnosis/types.js';

// A diagnosis in Teams: run it (in its turn), and turn its outcome into a card whose buttons are stored server-side.

/**
 * How the bot diagnoses: the engine over the configured clusters (diagnoseOnClusters). Failures are PullDoctorErrors
 * (POD_NOT_FOUND with similar names in `facts.suggestions`, NAMESPACE_NOT_FOUND, KUBE_*, INVALID_INPUT for a cluster
 * the bot does not know), shown as an error card through `describeError`; anything else becomes INTERNAL.
 */
export type Diagnose = (target: DiagnosisTarget, log: Logger) => Promise<Diagnosis>;

/**
 * The engine over the clusters' clients (built once per process); each diagnosis logs through the turn's logger,
 * and names its cluster on the card even when the question did not: on-call engineers juggle several.
 */
export function diagnoseOnClusters(clusters: ClusterConnections): Diagnose {
  return async (target, log) => {
    const { connection, dependencies } = await clusters.connect(target.cluster);
    const cluster = target.cluster ?? (connection.name || clusters.names[0]);
    return diagnosePod({ pod: target.pod, namespace: target.namespace, ...(cluster ? { cluster } : {}) }, { ...dependencies, log });
  };
}

/** What the bot answers when it was started without a cluster to diagnose. */
function noClusterConfigured(): PullDoctorError {
  return new PullDoctorError('CONFIG_INVALID', 'No cluster is configured for this bot, so there is nothing to diagnose yet.', {
    advice: 'Start Pull Doctor with a cluster (KUBECONFIG and KUBE_CONTEXT) or with the bundled sandbox, then ask again.',
  });
}

/** How many diagnoses asked from Teams run at once in this process, and how many may wait for a place. */
export interface DiagnosisLimits {
  running: number;
  waiting: number;
}

/**
 * Each diagnosis opens a few connections (the API server, ARM, registries): 500 at once opened 2,960 files. Eight at
 * a time answer a busy on-call channel within seconds; forty waiting is a few minutes of work at worst.
 */
export const DIAGNOSIS_LIMITS: DiagnosisLimits = { running: 8, waiting: 40 };

/** Where a diagnosis asked for now would stand: started at once, or `position` in line (1: next). */
export type DiagnosisOutlook = { queued: false } | { queued: true; position: number } | { full: true };

/**
 * The per-process bound on diagnoses asked from Teams (messages and Re-run / Diagnose buttons). Beyond `running`
 * they wait in line — the "Diagnosing…" card says so — and beyond `waiting` they are not started: the person is
 * told the bot is busy and offered Try again, rather than left on "Diagnosing…" forever.
 */
export class DiagnosisQueue {
  private running = 0;
  private readonly line: Array<() => void> = [];

  constructor(private readonly limits: DiagnosisLimits = DIAGNOSIS_LIMITS) {}

  /** What a diagnosis asked for now would meet (for the card shown while it waits). */
  outlook(): DiagnosisOutlook {
    if (this.running < this.limits.running) return { queued: false };
    if (this.line.length < this.limits.waiting) return { queued: true, position: this.line.length + 1 };
    return { full: true };
  }

  /** Runs `work` once a place is free; throws the busy error when the line is full. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.limits.running) {
      if (this.line.length >= this.limits.waiting) throw this.busy();
      await new Promise<void>((resolve) => this.line.push(resolve));
    } else {
      this.running++;
    }
    try {
      return await work();
    } finally {
      const next = this.line.shift();
      // The place passes to the next in line as it is; otherwise it is freed.
      if (next) next();
      else this.running--;
    }
  }

  /** Why a diagnosis was not started. */
  busy(): PullDoctorError {
    return new PullDoctorError(
      'BUSY',
      `Pull Doctor is running ${this.limits.running} diagnoses and ${this.limits.waiting} more are waiting, so this one was not started.`,
      {
        advice: 'Try again in a minute or two.',
      },
    );
  }
}

/** What the buttons of a card about one diagnosis act on (the diagnosis card, an alert card). */
export interface DiagnosisActionsInput {
  conversationId: string;
  /** The conversation's Entra tenant (Teams' `conversation.tenantId`): **Request fix** needs one. */
  tenantId?: string | undefined;
  target: DiagnosisTarget;
  run: number;
  events: readonly PodEventSummary[];
  /** How many events the diagnosis saw (the card shows the newest EVENTS_CARD_LIMIT). */
  eventCount: number;
  diagnosedAt: string;
  fix: Fix | null;
  cause: Cause | null;
  /** The cluster the fix applies to, for the approval card and the re-diagnosis after the change. */
  cluster?: { name?: string; resourceId?: string };
  /** The root cause in one sentence, for the approval card's "Why". */
  headline?: string | undefined;
  /** Why the fix is proposed, in a few lines for the approval card. */
  evidence?: string[];
  /** What the card shows, so that its Request fix (and an alert's Re-run checks) can draw it again in place. */
  card?: CardSubject;
}

/** Where a card goes: the conversation, and its Entra tenant as Teams says it. */
export interface CardConversation {
  id: string;
  tenantId?: string | undefined;
}

export interface DiagnosisActionIds {
  rerunId: string;
  eventsId: string;
  requestFixId?: string;
  /** Why there is a fix but no **Request fix** in this conversation (fixRequestUnavailableIn), for the card. */
  fixNotOffered?: string;
}

/**
 * Stores the card actions of **Re-run checks**, **Show events** and — when there is a fix and fix requests are
 * enabled — **Request fix**, and returns their opaque ids for the card. The stored actions carry everything the
 * buttons act on (server-side), so a forged card cannot change what is diagnosed or fixed.
 */
export async function storeDiagnosisActions(
  cardActions: CardActionStore,
  input: DiagnosisActionsInput,
  fixRequestsEnabled: boolean,
): Promise<DiagnosisActionIds> {
  const base = { conversationId: input.conversationId, target: input.target, run: input.run };
  // An alert card stays an alert when its checks are re-run.
  const rerunId = await cardActions.put({ verb: 'rerun', ...base, ...(input.card?.kind === 'alert' ? { alert: input.card.view } : {}) });
  const eventsId = await cardActions.put({
    verb: 'events',
    ...base,
    events: input.events.slice(0, EVENTS_CARD_LIMIT),
    eventCount: input.eventCount,
    diagnosedAt: input.diagnosedAt,
    rerunId,
  });
  if (!fixRequestsEnabled || input.fix === null) return { rerunId, eventsId };
  const fixNotOffered = fixRequestUnavailableIn(input.tenantId);
  if (fixNotOffered !== undefined) return { rerunId, eventsId, fixNotOffered };
  const requestFixId = await cardActions.put({
    verb: 'requestFix',
    ...base,
    fix: input.fix,
    cause: input.cause,
    diagnosedAt: input.diagnosedAt,
    ...(input.cluster ? { cluster: input.cluster } : {}),
    ...(input.headline ? { headline: input.headline } : {}),
    ...(input.evidence ? { evidence: input.evidence } : {}),
    ...(input.card ? { card: { subject: input.card, actions: { rerunId, eventsId } } } : {}),
  });
  return { rerunId, eventsId, requestFixId };
}

/** The fix approval core keeps evidence lines of at most this many characters (cut at the end). */
const MAX_LINE = 300;
const MAX_FAILED_CHECKS = 4;

/**
 * Why a fix is proposed, in a few lines for the approval card: the image, the key event and the failed checks.
 * Runtime messages carry their verdict at the end ("… 401 Unauthorized"), so long lines are cut in the middle here,
 * before the core would cut their end. Cluster text: the card makes it inert, the core redacts secret-looking parts.
 */
export function fixEvidenceLines(d: Diagnosis): string[] {
  const lines: string[] = [];
  if (d.evidence.image) lines.push(`Image ${d.evidence.image}`);
  const k = d.evidence.keyEvent;
  if (k) lines.push(`${k.reason}${k.count > 1 ? ` ×${k.count}` : ''}: ${k.message}`);
  for (const f of d.findings.filter((f) => f.status === 'fail').slice(0, MAX_FAILED_CHECKS)) lines.push(f.summary);
  return lines.map((l) => truncateMiddle(l.replace(/\s+/g, ' ').trim(), MAX_LINE)).filter((l) => l !== '');
}

/** What a re-run of an alert card's checks found, for the line under its title. */
function rerunStatus(view: AlertView, d: Diagnosis): CardStatus {
  const at = `Re-checked at ${formatUtc(d.diagnosedAt)}`;
  if (d.verdict === 'healthy')
    return {
      text: `${at}: ${d.pod} is healthy now; the alert resolves once every pod of ${view.workload.kind} ${view.workload.name} has recovered`,
      tone: 'good',
    };
  if (d.verdict === 'unknown') return { text: `${at}: no verdict, some checks could not run`, tone: 'warning' };
  return { text: `${at}: still failing. ${d.headline}`, tone: 'attention' };
}

/**
 * The alert with the diagnosis part of a re-run: the newer evidence, fix and events of a pod still failing. The alert
 * itself (workload, pods, times, firing or resolved, its cause) stays as the alerts keep it.
 */
function alertAfterRerun(view: AlertView, d: Diagnosis): AlertView {
  if (d.verdict !== 'problem') return view;
  const s = summarize(d, view.evidence.image ?? '');
  const evidence: AlertView['evidence'] = {};
  if (s.image) evidence.image = s.image;
  if (s.registry) evidence.registry = s.registry;
  if (s.keyEvent) evidence.keyEvent = s.keyEvent;
  return {
    ...view,
    evidence,
    fixProposed: s.fix !== null,
    diagnosis: { pod: s.pod, diagnosedAt: s.diagnosedAt, fix: s.fix, events: s.events },
  };
}

export interface DiagnosisCardMakerOptions {
  /** Undefined when no cluster is configured: every diagnosis then answers with an error card saying so. */
  diagnose: Diagnose | undefined;
  cardActions: CardActionStore;
  cards: TeamsCards;
  /** Whether diagnosis cards offer **Request fix** (the fix approval flow is wired in). */
  fixRequestsEnabled: boolean;
  /** The process's bound on diagnoses running at once, and on those waiting (default DIAGNOSIS_LIMITS). */
  limits?: DiagnosisLimits | undefined;
}

/**
 * Runs a diagnosis — in its turn: the queue bounds how many run at once — and turns the outcome into the card to
 * show: the diagnosis card with its buttons (their ids stored server-side), or an error card with a **Try again**
 * button (and, for a pod that does not exist, a **Diagnose NAME** button per similar name). Never throws for a
 * failed diagnosis; one the queue had no room for is answered "busy", with Try again.
 */
export class DiagnosisCardMaker {
  private readonly queue: DiagnosisQueue;

  constructor(private readonly options: DiagnosisCardMakerOptions) {
    this.queue = new DiagnosisQueue(options.limits);
  }

  /** Where a diagnosis asked for now would stand, for the card shown meanwhile. */
  outlook(): DiagnosisOutlook {
    return this.queue.outlook();
  }

  /**
   * The buttons of a diagnosis: **Re-run checks** and **Diagnose NAME** answer at once with a "Re-running checks…" /
   * "Diagnosing…" card (or "Waiting…" when the diagnosis queues behind others, or "busy" when the queue is full) and
   * leave the diagnosis as a follow-up. **Re-run checks** on an alert card answers with a line under the card and
   * draws the alert again with what the checks found.
   */
  readonly handlers: Pick<CardActionHandlers, 'rerun' | 'diagnose'> = {
    rerun: (action, invoke, log) => {
      const conversation = { id: action.conversationId, tenantId: invoke.tenantId };
      return action.alert
        ? this.rerunAlert(action.alert, action.target, action.run + 1, conversation, log)
        : this.again(action.target, action.run + 1, conversation, log);
    },
    diagnose: (action, invoke, log) =>
      this.again(action.target, action.run + 1, { id: action.conversationId, tenantId: invoke.tenantId }, log),
  };

  /** The card of a diagnosis for a conversation (its id, and its tenant: Request fix needs one). */
  async make(target: DiagnosisTarget, run: number, conversation: CardConversation, log: Logger): Promise<AdaptiveCardJson> {
    const conversationId = conversation.id;
    const { diagnose } = this.options;
    let started = Date.now();
    let diagnosis: Diagnosis;
    try {
      if (diagnose === undefined) throw noClusterConfigured();
      diagnosis = await this.queue.run(() => {
        started = Date.now();
        return diagnose(target, log);
      });
    } catch (error) {
      return this.errorCard(error, target, run, conversationId, log);
    }
    log.info('diagnosis finished', {
      pod: target.pod,
      namespace: target.namespace,
      run,
      verdict: diagnosis.verdict,
      cause: diagnosis.cause,
      fix: diagnosis.fix !== null,
      durationMs: Date.now() - started,
    });
    const { cards } = this.options;
    // A name that was a workload's or the start of a pod's was resolved to a pod: the buttons act on that pod.
    const diagnosed: DiagnosisTarget = diagnosis.pod === target.pod ? target : { ...target, pod: diagnosis.pod };
    try {
      return cards.diagnosis({ diagnosis, run, actions: await this.storeActions(diagnosis, diagnosed, run, conversation) });
    } catch (error) {
      log.error('card action store failed', { error });
      return cards.error({ error, target });
    }
  }

  /** The answer to a diagnosis not started because the queue is full: busy, with Try again. */
  busy(target: DiagnosisTarget, run: number, conversationId: string, log: Logger): Promise<AdaptiveCardJson> {
    return this.errorCard(this.queue.busy(), target, run, conversationId, log);
  }

  private async again(target: DiagnosisTarget, run: number, conversation: CardConversation, log: Logger) {
    const outlook = this.outlook();
    if ('full' in outlook) return { card: await this.busy(target, run, conversation.id, log) };
    if (outlook.queued) log.info('diagnosis queued', { position: outlook.position });
    return {
      card: this.options.cards.diagnosing(target, run, outlook.queued ? outlook.position : undefined),
      followUp: () => this.make(target, run, conversation, log),
    };
  }

  private async rerunAlert(view: AlertView, target: DiagnosisTarget, run: number, conversation: CardConversation, log: Logger) {
    if ('full' in this.outlook()) return { message: this.queue.busy().message };
    return {
      message: `Re-running the checks of ${target.pod}: this alert shows what they find in a few seconds.`,
      followUp: () => this.makeAlert(view, target, run, conversation, log),
    };
  }

  /** The alert card again, with what a re-run of its pod's checks found (the alert stays an alert). */
  private async makeAlert(view: AlertView, target: DiagnosisTarget, run: number, conversation: CardConversation, log: Logger) {
    const { diagnose, cards } = this.options;
    let next = view;
    let status: CardStatus;
    try {
      if (diagnose === undefined) throw noClusterConfigured();
      const diagnosis = await this.queue.run(() => diagnose(target, log));
      log.info('alert re-run finished', { pod: target.pod, namespace: target.namespace, run, verdict: diagnosis.verdict });
      next = alertAfterRerun(view, diagnosis);
      status = rerunStatus(view, diagnosis);
    } catch (error) {
      log.warn('alert re-run failed', { error, pod: target.pod, namespace: target.namespace, run });
      status = { text: `Re-checked at ${formatUtc(new Date())}: ${describeError(error).message}`, tone: 'attention' };
    }
    try {
      const actions = await storeDiagnosisActions(
        this.options.cardActions,
        {
          conversationId: conversation.id,
          tenantId: conversation.tenantId,
          target,
          run,
          events: next.diagnosis.events,
          eventCount: next.diagnosis.events.length,
          diagnosedAt: next.diagnosis.diagnosedAt,
          fix: next.status === 'firing' ? next.diagnosis.fix : null,
          cause: next.cause,
          card: { kind: 'alert', view: next },
        },
        this.options.fixRequestsEnabled,
      );
      return cards.alert({ view: next, actions, status });
    } catch (error) {
      log.error('card action store failed', { error });
      return cards.error({ error, target });
    }
  }

  private async errorCard(
    error: unknown,
    target: DiagnosisTarget,
    run: number,
    conversationId: string,
    log: Logger,
  ): Promise<AdaptiveCardJson> {
    const { cards, cardActions } = this.options;
    log.warn('diagnosis failed', { error, pod: target.pod, namespace: target.namespace, run });
    try {
      // Asking again on a cluster the bot does not know fails the same way: its buttons name the ones it knows.
      const retryId = retryIsPointless(error) ? undefined : await cardActions.put({ verb: 'rerun', conversationId, target, run });
      const suggested = await this.storeSuggestions(error, target, conversationId);
      return cards.error({ error, target, suggested, ...(retryId ? { retryId } : {}) });
    } catch (storeError) {
      log.error('card action store failed', { error: storeError });
      return cards.error({ error, target });
    }
  }

  /** A stored `diagnose` action for each diagnosis the error suggests (a similar pod, another namespace or cluster). */
  private async storeSuggestions(error: unknown, target: DiagnosisTarget, conversationId: string) {
    return Promise.all(
      errorSuggestions(error, target).map(async (s) => ({
        label: s.label,
        diagnoseId: await this.options.cardActions.put({ verb: 'diagnose', conversationId, target: s.target, run: 0 }),
      })),
    );
  }

  private storeActions(d: Diagnosis, target: DiagnosisTarget, run: number, conversation: CardConversation) {
    return storeDiagnosisActions(
      this.options.cardActions,
      {
        conversationId: conversation.id,
        tenantId: conversation.tenantId,
        target,
        run,
        events: d.events,
        eventCount: d.events.length,
        diagnosedAt: d.diagnosedAt,
        fix: d.fix,
        cause: d.cause,
        cluster: {
          ...(d.cluster ? { name: d.cluster } : {}),
          ...(d.evidence.clusterResourceId ? { resourceId: d.evidence.clusterResourceId } : {}),
        },
        headline: d.headline,
        evidence: fixEvidenceLines(d),
        card: { kind: 'diagnosis', diagnosis: d, run },
      },
      this.options.fixRequestsEnabled,
    );
  }
}
