import type { Diagnosis, DiagnosisTarget } from '../diagnosis/types.js';
import type { Logger } from '../logging/index.js';
import type { CardActionStore } from './card-action-store.js';
import type { Diagnoser } from './diagnoser.js';
import type { DiagnosisOutlook, DiagnosisQueue } from './diagnosis-queue.js';
import type { TeamsCards } from './cards/teams-cards.js';
import type { AdaptiveCardJson } from './cards/render-card.js';
import { storeDiagnosisActions } from './diagnosis-card-actions.js';
import { noClusterConfigured } from './no-cluster-error.js';
import { fixEvidenceLines } from './fix-evidence.js';
import { podSuggestions, SUGGESTION_LIMITS } from './pod-suggestions.js';

export interface DiagnosisCardMakerOptions {
  /** Absent when no cluster is configured: every diagnosis then answers with an error card saying so. */
  diagnoser?: Diagnoser;
  cardActions: CardActionStore;
  cards: TeamsCards;
  /** Whether diagnosis cards offer **Request fix** (a FixRequestHandler is configured). */
  fixRequestsEnabled: boolean;
  /** The process's bound on diagnoses running at once, and on those waiting. */
  queue: DiagnosisQueue;
}

/**
 * Runs a diagnosis — in its turn: the queue bounds how many run at once — and turns the outcome into the card to
 * show: the diagnosis card with its buttons (their ids stored server-side), or an error card with a **Try again**
 * button (and, for a pod that does not exist, a **Diagnose NAME** button per similar name). Never throws for a
 * failed diagnosis; one the queue had no room for is answered "busy", with Try again.
 */
export class DiagnosisCardMaker {
  constructor(private readonly options: DiagnosisCardMakerOptions) {}

  /** Where a diagnosis asked for now would stand, for the card shown meanwhile. */
  outlook(): DiagnosisOutlook {
    return this.options.queue.outlook();
  }

  async make(target: DiagnosisTarget, run: number, conversationId: string, log: Logger): Promise<AdaptiveCardJson> {
    const { diagnoser, queue } = this.options;
    let started = Date.now();
    let diagnosis: Diagnosis;
    try {
      if (diagnoser === undefined) throw noClusterConfigured();
      diagnosis = await queue.run(() => {
        started = Date.now();
        return diagnoser.diagnose(target, log);
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
    try {
      return cards.diagnosis({ diagnosis, run, actions: await this.storeActions(diagnosis, target, run, conversationId) });
    } catch (error) {
      log.error('card action store failed', { error });
      return cards.error({ error, target });
    }
  }

  /** The answer to a diagnosis not started because the queue is full: busy, with Try again. */
  busy(target: DiagnosisTarget, run: number, conversationId: string, log: Logger): Promise<AdaptiveCardJson> {
    return this.errorCard(this.options.queue.busy(), target, run, conversationId, log);
  }

  private async errorCard(error: unknown, target: DiagnosisTarget, run: number, conversationId: string, log: Logger): Promise<AdaptiveCardJson> {
    const { cards, cardActions } = this.options;
    log.warn('diagnosis failed', { error, pod: target.pod, namespace: target.namespace, run });
    try {
      const retryId = await cardActions.put({ verb: 'rerun', conversationId, target, run });
      const suggested = await this.storeSuggestions(error, target, conversationId);
      return cards.error({ error, target, retryId, suggested });
    } catch (storeError) {
      log.error('card action store failed', { error: storeError });
      return cards.error({ error, target });
    }
  }

  /** A "Diagnose NAME" button for each of the first similar pod names of a POD_NOT_FOUND error. */
  private async storeSuggestions(error: unknown, target: DiagnosisTarget, conversationId: string) {
    const names = podSuggestions(error).slice(0, SUGGESTION_LIMITS.buttons);
    return Promise.all(
      names.map(async (pod) => {
        const suggestion: DiagnosisTarget = { ...target, pod };
        return { pod, diagnoseId: await this.options.cardActions.put({ verb: 'diagnose', conversationId, target: suggestion, run: 0 }) };
      }),
    );
  }

  private storeActions(d: Diagnosis, target: DiagnosisTarget, run: number, conversationId: string) {
    return storeDiagnosisActions(
      this.options.cardActions,
      {
        conversationId,
        target,
        run,
        events: d.events,
        eventCount: d.events.length,
        diagnosedAt: d.diagnosedAt,
        fix: d.fix,
        cause: d.cause,
        cluster: { ...(d.cluster ? { name: d.cluster } : {}), ...(d.evidence.clusterResourceId ? { resourceId: d.evidence.clusterResourceId } : {}) },
        evidence: fixEvidenceLines(d),
      },
      this.options.fixRequestsEnabled,
    );
  }
}
