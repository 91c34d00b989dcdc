import type { AlertSummaryView } from '../../alerts/alert-view.js';
import type { AlertCommandResult } from '../alert-command-handler.js';
import type { FixRequest, FixRequestReceipt } from '../fix-request-handler.js';
import type { SamplePod } from '../sample-pod.js';
import { renderCard, type AdaptiveCardJson, type CardTemplates } from './render-card.js';
import { alertsCardData } from './alerts-card-data.js';
import { alertCardData, type AlertCardInput } from './alert-card-data.js';
import { alertSummaryCardData } from './alert-summary-card-data.js';
import { diagnosingCardData } from './diagnosing-card-data.js';
import { diagnosisCardData, type DiagnosisCardInput } from './diagnosis-card-data.js';
import { eventsCardData, type EventsCardInput } from './events-card-data.js';
import { errorCardData, type ErrorCardInput } from './error-card-data.js';
import { helpCardData, type HelpCardInput } from './help-card-data.js';
import { fixRequestedCardData } from './fix-requested-card-data.js';
import { fixApprovalCardData, type FixApprovalCardInput } from './fix-approval-card-data.js';
import { fixRefusedCardData } from './fix-refused-card-data.js';
import type { FixRefusal } from '../../fixes/index.js';
import type { DiagnosisTarget } from '../../diagnosis/types.js';

type WithoutSandbox<T> = Omit<T, 'sandbox'>;

/**
 * Every card the bot sends, rendered from the templates. `sandbox` marks each card as coming from the bundled
 * sandbox cluster; `samplePods` are listed on the help (and welcome) card.
 */
export class TeamsCards {
  constructor(
    private readonly templates: CardTemplates,
    private readonly sandbox: boolean,
    private readonly samplePods: readonly SamplePod[] = [],
  ) {}

  /**
   * The placeholder a diagnosis replaces: "Diagnosing…" for run 1, "Re-running checks…" after; with `position`, that
   * it waits in line behind other diagnoses.
   */
  diagnosing(target: DiagnosisTarget, run = 1, position?: number): AdaptiveCardJson {
    return renderCard(this.templates.diagnosing, diagnosingCardData(target, run, this.sandbox, position));
  }

  diagnosis(input: WithoutSandbox<DiagnosisCardInput>): AdaptiveCardJson {
    return renderCard(this.templates.diagnosis, diagnosisCardData({ ...input, sandbox: this.sandbox }));
  }

  events(input: WithoutSandbox<EventsCardInput>): AdaptiveCardJson {
    return renderCard(this.templates.events, eventsCardData({ ...input, sandbox: this.sandbox }));
  }

  error(input: WithoutSandbox<ErrorCardInput>): AdaptiveCardJson {
    return renderCard(this.templates.error, errorCardData({ ...input, sandbox: this.sandbox }));
  }

  help(input: Omit<HelpCardInput, 'sandbox' | 'samplePods'>): AdaptiveCardJson {
    return renderCard(this.templates.help, helpCardData({ ...input, sandbox: this.sandbox, samplePods: this.samplePods }));
  }

  fixRequested(request: FixRequest, receipt: FixRequestReceipt): AdaptiveCardJson {
    return renderCard(this.templates['fix-requested'], fixRequestedCardData(request, receipt, this.sandbox));
  }

  /** The approval card of a fix request (Approve / Reject while it is pending), with a refusal notice for one person. */
  fixApproval(input: WithoutSandbox<FixApprovalCardInput>): AdaptiveCardJson {
    return renderCard(this.templates['fix-approval'], fixApprovalCardData({ ...input, sandbox: this.sandbox }));
  }

  /** A refused Approve / Reject press that shows no request (unknown id, another conversation or tenant, altered data). */
  fixRefused(refusal: FixRefusal): AdaptiveCardJson {
    return renderCard(this.templates['fix-refused'], fixRefusedCardData(refusal, this.sandbox));
  }

  alerts(result: AlertCommandResult): AdaptiveCardJson {
    return renderCard(this.templates.alerts, alertsCardData(result, this.sandbox));
  }

  /** A proactive alert: one workload that cannot pull its image, with the diagnosis card's buttons. */
  alert(input: WithoutSandbox<AlertCardInput>): AdaptiveCardJson {
    return renderCard(this.templates.alert, alertCardData({ ...input, sandbox: this.sandbox }));
  }

  /** Many alerts at once, in one card (the flood rule of docs/alerts.md). */
  alertSummary(view: AlertSummaryView): AdaptiveCardJson {
    return renderCard(this.templates['alert-summary'], alertSummaryCardData({ view, sandbox: this.sandbox }));
  }
}
