import { randomUUID } from 'node:crypto';
import {
  ActivityTypes,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type Activity,
  type ConfigurationBotFrameworkAuthenticationOptions,
  type InvokeResponse,
  type TurnContext,
} from 'botbuilder';
import type { AlertSummaryView } from '../alerts/alert-view.js';
import type { BotAuth } from '../config/bot.js';
import type { DiagnosisTarget } from '../diagnosis/types.js';
import type { FixRefusal } from '../fixes/index.js';
import type { Logger } from '../logging/index.js';
import { alertCardData, alertsCardData, alertSummaryCardData, type AlertCardInput, type AlertCommandResult } from './alert-card-data.js';
import { cardMessage, loadCardTemplates, renderCard, type AdaptiveCardJson, type CardTemplates } from './cards.js';
import { ProactiveSender } from './conversations.js';
import {
  diagnosingCardData,
  diagnosisCardData,
  errorCardData,
  eventsCardData,
  helpCardData,
  type DiagnosisCardInput,
  type ErrorCardInput,
  type EventsCardInput,
  type HelpCardInput,
  type SamplePod,
} from './diagnosis-card-data.js';
import { failingPodsCardData, podChoiceCardData, type FailingPodsCardInput, type PodChoiceCardInput } from './failing-pods-card-data.js';
import { fixApprovalCardData, fixRefusedCardData, type FixApprovalCardInput } from './fix-card-data.js';

// The Bot Framework plumbing: the adapter (authentication and the turn apart), a turn's logger, the work a turn
// leaves for after its answer, and the transport every Teams room posts through (adapter, sender, cards).

/** How every card is labelled: the bundled sandbox's say so, list its pods, and default to its namespace. */
export interface CardLabel {
  /** Diagnoses come from the bundled sandbox cluster: every card says "Sandbox". */
  sandbox: boolean;
  /** Pods the welcome and help cards suggest asking about (the sandbox's). */
  samplePods: readonly SamplePod[];
  /** Namespace when a message names none (default `default`, as kubectl). */
  defaultNamespace?: string | undefined;
}

/** What every Teams room posts through: the adapter, the proactive sender, the cards, and the turns' follow-ups. */
export interface TeamsTransport {
  auth: BotAuth;
  adapter: BotAdapter;
  /** Posts to a conversation outside a turn (follow-ups, alerts, approval cards), authenticated as the bot. */
  sender: ProactiveSender;
  /** The cards, with this bot's label. */
  cards: TeamsCards;
  followUps: FollowUps;
  label: CardLabel;
}

/** The adapter, the sender and the cards of one bot identity (`auth`), labelled. */
export function createTeamsTransport(
  auth: BotAuth,
  label: CardLabel,
  log: Logger,
  templates: CardTemplates = loadCardTemplates(),
): TeamsTransport {
  const cards = new TeamsCards(templates, label.sandbox, label.samplePods);
  const adapter = createBotAdapter(auth, cards, log.child({ component: 'teams' }));
  return { auth, adapter, sender: new ProactiveSender(adapter, auth), cards, followUps: new FollowUps(new BackgroundWork()), label };
}

/** The Bot Framework settings for an identity, as ConfigurationBotFrameworkAuthentication reads them. */
export function botFrameworkSettings(auth: BotAuth): ConfigurationBotFrameworkAuthenticationOptions {
  switch (auth.mode) {
    case 'local':
      // No app id: inbound requests are not authenticated and replies carry no token (Agents Playground only).
      return {};
    case 'UserAssignedMsi':
      return { MicrosoftAppId: auth.appId, MicrosoftAppType: 'UserAssignedMsi', MicrosoftAppTenantId: auth.tenantId };
    case 'SingleTenant':
      return {
        MicrosoftAppId: auth.appId,
        MicrosoftAppType: 'SingleTenant',
        MicrosoftAppTenantId: auth.tenantId,
        MicrosoftAppPassword: auth.password,
      };
  }
}

/** What the Bot Framework's authentication says of an inbound request it accepted (claims, caller, connector). */
export type AuthenticatedRequest = Awaited<ReturnType<ConfigurationBotFrameworkAuthentication['authenticateRequest']>>;

/**
 * The CloudAdapter, with authentication and the turn as two steps, so that the endpoint tells a refused token (401,
 * src/teams/bot-endpoint.ts) from a failed turn. `CloudAdapter.process` answers both itself, with the library's
 * internal reason in the body and a `console.error` of the stack.
 */
export class BotAdapter extends CloudAdapter {
  constructor(private readonly authentication: ConfigurationBotFrameworkAuthentication) {
    super(authentication);
  }

  /** The Bot Framework's validation of the request's JWT (issuer, audience, signing keys, endorsements); throws if refused. */
  authenticate(activity: Activity, authorization: string): Promise<AuthenticatedRequest> {
    return this.authentication.authenticateRequest(activity, authorization);
  }

  /** Runs the turn of an activity `authenticate` accepted; resolves with the invoke answer, if any. */
  runTurn(
    request: AuthenticatedRequest,
    activity: Activity,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<InvokeResponse | undefined> {
    return this.processActivity(request, activity, logic);
  }
}

/**
 * The Bot Framework adapter. With an app id, every inbound request's JWT is validated by the Bot Framework's own
 * ConfigurationBotFrameworkAuthentication (issuer, audience, signing keys, endorsements) before the bot sees it.
 * A turn that throws is logged and, for a message, answered with an error card (never a stack trace).
 */
export function createBotAdapter(auth: BotAuth, cards: TeamsCards, log: Logger): BotAdapter {
  const adapter = new BotAdapter(new ConfigurationBotFrameworkAuthentication(botFrameworkSettings(auth)));
  adapter.onTurnError = async (context, error) => {
    turnLog(context, log).error('unhandled error in turn', { error });
    if (context.activity.type !== ActivityTypes.Message) return;
    try {
      await context.sendActivity(cardMessage(cards.error({ error })));
    } catch (sendError) {
      turnLog(context, log).error('could not send the error card', { error: sendError });
    }
  };
  return adapter;
}

const TURN_LOG = Symbol('pull-doctor turn logger');

/** Creates the turn's child logger (turn id, conversation id, activity id and type) and keeps it on the context. */
export function beginTurnLog(context: TurnContext, log: Logger): Logger {
  const a = context.activity;
  const turnLog = log.child({
    turnId: randomUUID(),
    conversationId: a.conversation?.id,
    activityId: a.id,
    activityType: a.type,
    ...(a.name ? { activityName: a.name } : {}),
  });
  context.turnState.set(TURN_LOG, turnLog);
  return turnLog;
}

/** The turn's logger, or `fallback` outside a turn started with `beginTurnLog`. */
export function turnLog(context: TurnContext, fallback: Logger): Logger {
  return (context.turnState.get(TURN_LOG) as Logger | undefined) ?? fallback;
}

interface FollowUp {
  name: string;
  work: () => Promise<void>;
  log: Logger;
}

const PENDING = Symbol('pull-doctor follow-ups');

/**
 * Work a turn leaves for after its HTTP answer: Teams wants the answer to a message or a button within seconds, and
 * a card sent in answer to an invoke must reach Teams before the follow-up replaces it (otherwise the late answer
 * would overwrite the final card). The endpoint collects a turn's follow-ups with `collect` and starts them once the
 * adapter has written the HTTP response.
 */
export class FollowUps {
  constructor(private readonly background: BackgroundWork) {}

  /** Runs `turn` with a fresh list of follow-ups on the context; returns a function that starts them. */
  async collect(context: TurnContext, turn: () => Promise<void>): Promise<() => void> {
    const pending: FollowUp[] = [];
    const start = () => {
      for (const f of pending.splice(0)) this.background.start(f.name, f.work, f.log);
    };
    context.turnState.set(PENDING, pending);
    try {
      await turn();
    } catch (error) {
      // The turn failed after leaving work: do it anyway (the "Diagnosing…" card would otherwise stay).
      start();
      throw error;
    } finally {
      context.turnState.delete(PENDING);
    }
    return start;
  }

  /** Leaves `work` for after the turn's answer (or starts it now when no endpoint collects follow-ups). */
  defer(context: TurnContext, name: string, work: () => Promise<void>, log: Logger): void {
    const pending = context.turnState.get(PENDING) as FollowUp[] | undefined;
    if (pending) pending.push({ name, work, log });
    else this.background.start(name, work, log);
  }

  idle(timeoutMs: number): Promise<boolean> {
    return this.background.idle(timeoutMs);
  }
}

/**
 * Work that goes on after the HTTP answer to Teams (which wants one within seconds): a diagnosis whose card replaces
 * the "Diagnosing…" message when it is done. Tracked so that a graceful shutdown can wait for it; a failure is
 * logged, never thrown at whoever started it.
 */
export class BackgroundWork {
  private readonly running = new Set<Promise<void>>();

  get size(): number {
    return this.running.size;
  }

  start(name: string, work: () => Promise<void>, log: Logger): void {
    const task = (async () => {
      try {
        await work();
      } catch (error) {
        log.error('background work failed', { work: name, error });
      }
    })();
    this.running.add(task);
    void task.finally(() => this.running.delete(task));
  }

  /** Resolves `true` once nothing runs, or `false` when `timeoutMs` passes first. */
  async idle(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.running.size > 0) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        Promise.allSettled([...this.running]).then(() => false),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(true), left);
        }),
      ]);
      clearTimeout(timer);
      if (timedOut) return this.running.size === 0;
    }
    return true;
  }
}

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

  /**
   * The approval card of a fix request (Approve / Reject / Withdraw while it is pending, Re-run checks once applied),
   * with a refusal notice for one person.
   */
  fixApproval(input: WithoutSandbox<FixApprovalCardInput>): AdaptiveCardJson {
    return renderCard(this.templates['fix-approval'], fixApprovalCardData({ ...input, sandbox: this.sandbox }));
  }

  /** A refused press on an approval card that shows no request (unknown id, another conversation or tenant, altered data). */
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

  /** What is failing in a namespace (or the cluster), grouped by workload, a Diagnose button each. */
  failingPods(input: WithoutSandbox<FailingPodsCardInput>): AdaptiveCardJson {
    return renderCard(this.templates['failing-pods'], failingPodsCardData({ ...input, sandbox: this.sandbox }));
  }

  /** A choice of pods, a Diagnose button each; without pods, the short answer to a message not understood. */
  podChoice(input: WithoutSandbox<PodChoiceCardInput>): AdaptiveCardJson {
    return renderCard(this.templates['failing-pods'], podChoiceCardData({ ...input, sandbox: this.sandbox }));
  }
}
