import { teamsSendFailed, type AlertChannel } from '../alerts/alert-delivery.js';
import type { AlertCard, AlertView } from '../alerts/alert-view.js';
import type { Alerts } from '../alerts/alerts-assembly.js';
import type { FailingNow } from '../alerts/failing-now.js';
import type { ConversationReferenceInput, ConversationType, StoredConversation } from '../alerts/routing.js';
import type { SubscriptionScope, SubscriptionStatus } from '../alerts/routing.js';
import { isPullDoctorError, PullDoctorError } from '../errors/index.js';
import type { Logger } from '../logging/index.js';
import type { TeamsTransport } from './bot-framework.js';
import { inertText, TEXT_LIMITS, type AdaptiveCardJson } from './cards.js';
import type { CardActionStore } from './card-actions.js';
import { channelOf, type ConversationAddress } from './conversations.js';
import { alertsDetailLines, type AlertCommandResult } from './alert-card-data.js';
import type { TeamsCards } from './bot-framework.js';
import type { FailingPodsCards } from './failing-pods.js';
import type { DiagnosisTarget } from '../diagnosis/types.js';
import { storeDiagnosisActions } from './diagnosis-cards.js';
import type { TeamsUser } from './fix-card-data.js';

// Alerts in Teams: the channel alert cards go through, `alerts on|off|status`, and where the bot is installed.

/** An `alerts on|off|status` chat command, with where it was typed (alerts are posted there). */
export interface AlertCommand {
  action: 'on' | 'off' | 'status';
  /** Only failing pods of this namespace (all namespaces when absent). Validated as a DNS-1123 label. */
  namespace?: string;
  /** Only this cluster (the default one when absent). */
  cluster?: string;
  /** The conversation to post alerts to: stored to send proactively. */
  conversation: ConversationAddress;
  requestedBy: TeamsUser;
}

/** The bot was added to a conversation, or removed from it, or addressed in it. */
export interface ConversationInstallEvent {
  conversation: ConversationAddress;
  /** Who installed or removed the app, when Teams says. */
  by?: TeamsUser;
  /** `installationUpdate` (the app), `conversationUpdate` (the bot as a member), or `message` (the bot was addressed). */
  source: 'installationUpdate' | 'conversationUpdate' | 'message';
}

const TYPES: readonly string[] = ['personal', 'groupChat', 'channel'];

/**
 * What the alerts core remembers for a conversation: its id (a channel's, never a thread's: alerts start their own
 * threads) and, as the opaque `reference`, the ConversationAddress to post to — without the user who happened to
 * speak (not needed to post, and it would make every speaker rewrite the reference). Undefined when Teams did not say
 * what kind of conversation it is.
 */
export function alertReferenceOf(address: ConversationAddress): ConversationReferenceInput | undefined {
  const type = address.conversation.conversationType;
  if (type === undefined || !TYPES.includes(type) || address.conversation.id === '' || address.serviceUrl === '') return undefined;
  const conversationId = channelOf(address.conversation.id);
  const reference: ConversationAddress = {
    serviceUrl: address.serviceUrl,
    channelId: address.channelId,
    conversation: { ...address.conversation, id: conversationId },
    bot: { ...address.bot },
    ...(address.locale ? { locale: address.locale } : {}),
  };
  const input: ConversationReferenceInput = { conversationId, conversationType: type as ConversationType, reference };
  if (address.conversation.tenantId !== undefined) input.tenantId = address.conversation.tenantId;
  if (type === 'channel') input.channelId = conversationId;
  return input;
}

function isString(v: unknown): v is string {
  return typeof v === 'string' && v !== '';
}

/** The address to post to, read back from the store (shared JSON: checked before use); undefined when unusable. */
export function storedAddress(conversation: StoredConversation): ConversationAddress | undefined {
  const r = conversation.reference as Partial<ConversationAddress> | null;
  if (r === null || typeof r !== 'object') return undefined;
  if (!isString(r.serviceUrl) || !isString(r.channelId) || !isString(r.conversation?.id) || !isString(r.bot?.id)) return undefined;
  if (r.conversation.id !== conversation.conversationId) return undefined;
  return r as ConversationAddress;
}

export interface TeamsAlertChannelOptions {
  /** The bot's proactive sender (posts as the bot, outside a turn) and cards (the same templates and label). */
  teams: Pick<TeamsTransport, 'cards' | 'sender'>;
  /** The bot's card action store: the alert card's buttons are stored exactly as the diagnosis card's. */
  cardActions: CardActionStore;
  /** Whether the fix approval flow is wired in (then a firing alert with a proposed fix offers **Request fix**). */
  fixRequestsEnabled: boolean;
  /**
   * The name the bot's diagnosis knows an alert's cluster by, for **Re-run checks**; undefined for the default
   * cluster. Default: the alert's cluster name as it is.
   */
  diagnoserCluster?: ((alertCluster: string) => string | undefined) | undefined;
  log: Logger;
}

/**
 * The alerts core's AlertChannel over the bot's ProactiveSender: renders alert and summary cards (storing the alert
 * card's buttons) and posts or updates them in the stored conversation. Teams' refusals become
 * `teamsSendFailed(status, message, retryAfter)`, so the core waits after a 429, forgets the conversation after a 403
 * or 404, and retries anything else. Errors without an HTTP status (network, the card action store) are passed on
 * as they are: the core retries them.
 */
export class TeamsAlertChannel implements AlertChannel {
  private readonly log: Logger;

  constructor(private readonly options: TeamsAlertChannelOptions) {
    this.log = options.log.child({ component: 'teams-alert-channel' });
  }

  async post(conversation: StoredConversation, card: AlertCard): Promise<{ messageId: string }> {
    const address = this.addressOf(conversation);
    const json = await this.render(conversation, card);
    const sent = await this.send(() => this.options.teams.sender.sendCard(address, json, this.log, { notify: true }));
    if (!sent.activityId) throw teamsSendFailed(502, 'Teams accepted the alert card but returned no message id to update it by.');
    return { messageId: sent.activityId };
  }

  async update(conversation: StoredConversation, messageId: string, card: AlertCard): Promise<void> {
    const address = this.addressOf(conversation);
    const json = await this.render(conversation, card);
    await this.send(() => this.options.teams.sender.updateCard(address, messageId, json, this.log, { notify: true }));
  }

  private addressOf(conversation: StoredConversation): ConversationAddress {
    const address = storedAddress(conversation);
    if (address === undefined) {
      this.log.error('the stored conversation reference cannot be used to post', { conversationId: conversation.conversationId });
      throw new PullDoctorError('INVALID_INPUT', 'The stored conversation reference is not a conversation address.', {
        facts: { conversationId: conversation.conversationId },
      });
    }
    return address;
  }

  private async render(conversation: StoredConversation, card: AlertCard): Promise<AdaptiveCardJson> {
    if (card.kind === 'summary') return this.options.teams.cards.alertSummary(card);
    const actions = await storeDiagnosisActions(
      this.options.cardActions,
      { ...this.actionInput(conversation.conversationId, card), tenantId: conversation.tenantId },
      this.options.fixRequestsEnabled,
    );
    return this.options.teams.cards.alert({ view: card, actions });
  }

  private actionInput(conversationId: string, view: AlertView) {
    const cluster = this.options.diagnoserCluster ? this.options.diagnoserCluster(view.cluster) : view.cluster;
    const target: DiagnosisTarget = { pod: view.diagnosis.pod, namespace: view.namespace, ...(cluster !== undefined ? { cluster } : {}) };
    return {
      conversationId,
      target,
      run: 1,
      events: view.diagnosis.events,
      eventCount: view.diagnosis.events.length,
      diagnosedAt: view.diagnosis.diagnosedAt,
      // A resolved alert needs no fix: no Request fix button on it.
      fix: view.status === 'firing' ? view.diagnosis.fix : null,
      cause: view.cause,
      // Request fix marks the alert in place, and Re-run checks keeps it an alert.
      card: { kind: 'alert' as const, view },
    };
  }

  private async send<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (isPullDoctorError(error) && error.code === 'TEAMS_SEND_FAILED' && typeof error.facts.status === 'number') {
        const retryAfter = error.facts.retryAfter;
        throw teamsSendFailed(
          error.facts.status,
          error.message,
          typeof retryAfter === 'string' || typeof retryAfter === 'number' ? retryAfter : undefined,
        );
      }
      throw error;
    }
  }
}

function duration(ms: number): string {
  if (ms % 60_000 === 0 && ms >= 60_000) return ms === 60_000 ? '1 minute' : `${ms / 60_000} minutes`;
  const s = Math.round(ms / 1000);
  return s === 1 ? '1 second' : `${s} seconds`;
}

/**
 * `alerts on [for namespace X] [on cluster Y]`, `alerts off [...]` and `alerts status` over the alerts core's
 * SubscriptionService, answered in plain words for the alerts card. Subscriptions are kept per conversation — per
 * channel, when typed in a thread: alerts start their own threads in the channel. `alerts on` also remembers the
 * conversation, so the bot can post there even if its install event was missed. Without a namespace or cluster a
 * subscription covers everything; an unknown cluster is refused (INVALID_INPUT).
 *
 * It also keeps the alerts core's ConversationRegistry in step with where the bot is: remembered when the bot is installed
 * (`installationUpdate` add, `conversationUpdate` bot added) or addressed in a message, forgotten — with the
 * conversation's subscription and delivery state — when it is removed. References live in the store, so they survive
 * restarts and are shared by replicas. Idempotent: Teams sends two events for one installation.
 */
export class AlertsInTeams {
  constructor(
    private readonly alerts: Pick<Alerts, 'subscriptions' | 'conversations' | 'clusters' | 'clusterNamed' | 'gracePeriodMs' | 'failingNow'>,
    /** More lines for the answer to `alerts on` (the sandbox says which pod it is about to break). */
    private readonly onAlertsOn: (() => string[]) | undefined,
  ) {}

  /**
   * The answer to `alerts …` as one card. When pods are failing where the conversation's alerts come from, it is the
   * failing-pods card — the answer's first line above it, the pods grouped by workload with a Diagnose button each
   * (pressing one keeps the list and posts the diagnosis below), the other lines small underneath; with several
   * clusters failing, the one with the most failing pods is listed and the lines say the others. Otherwise it is the
   * alerts card.
   */
  async answerCard(
    result: AlertCommandResult,
    conversationId: string,
    makers: { cards: Pick<TeamsCards, 'alerts'>; failingPods: Pick<FailingPodsCards, 'card'> },
  ): Promise<AdaptiveCardJson> {
    const [listed] = (result.failing ?? [])
      .filter((f) => (f.report?.failingCount ?? 0) > 0)
      .sort((a, b) => b.report!.failingCount - a.report!.failingCount);
    if (listed === undefined) return makers.cards.alerts(result);
    return makers.failingPods.card(listed.report!, conversationId, {
      // The name the bot's diagnosis knows the cluster by (undefined: its default cluster).
      cluster: this.alerts.clusterNamed(listed.cluster)?.connectAs,
      intro: inertText(result.summary, TEXT_LIMITS.summary),
      tips: alertsDetailLines(result),
    });
  }

  async handle(command: AlertCommand, log: Logger): Promise<AlertCommandResult> {
    const { subscriptions } = this.alerts;
    const conversationId = channelOf(command.conversation.conversation.id);
    const scope = this.scopeOf(command);
    switch (command.action) {
      case 'on': {
        await this.remember(command.conversation, log, true);
        const by =
          command.requestedBy.name === undefined
            ? { id: command.requestedBy.id }
            : { id: command.requestedBy.id, name: command.requestedBy.name };
        const change = await subscriptions.subscribe(conversationId, scope, by);
        log.info('alerts on', { conversationId, changed: change.changed, namespace: scope.namespace, cluster: scope.cluster });
        const summary = change.changed
          ? `🔔 Alerts are on here for ${this.scopeText(scope)}.`
          : `Alerts were already on here for ${this.scopeText(scope)}.`;
        const extra = this.onAlertsOn?.() ?? [];
        const failing = await this.failingNow(change.status, log);
        return {
          summary,
          details: [...this.failingLines(failing), ...this.howItWorks(), ...this.statusLines(change.status), ...extra],
          failing,
        };
      }
      case 'off': {
        const narrowed = scope.namespace !== undefined || scope.cluster !== undefined;
        const change = await subscriptions.unsubscribe(conversationId, narrowed ? scope : undefined);
        log.info('alerts off', { conversationId, changed: change.changed, namespace: scope.namespace, cluster: scope.cluster });
        const what = narrowed ? ` for ${this.scopeText(scope)}` : '';
        const summary = change.changed ? `🔕 Alerts are off here${what}.` : `Alerts were not on here${what}.`;
        return { summary, details: this.statusLines(change.status) };
      }
      case 'status': {
        const status = await subscriptions.status(conversationId);
        const summary = status.subscribed
          ? '🔔 Alerts are on here.'
          : status.staticRoutes.length > 0
            ? 'Alerts come here from the configured routes.'
            : 'Alerts are off here.';
        const failing = await this.failingNow(status, log);
        return {
          summary,
          details: [
            ...this.failingLines(failing),
            ...this.statusLines(status),
            ...(status.subscribed || status.staticRoutes.length > 0 ? [] : ['Say "alerts on" to get them here.']),
          ],
          failing,
        };
      }
    }
  }

  /** What is failing now where this conversation's alerts come from (nothing when none come here). */
  private async failingNow(status: SubscriptionStatus, log: Logger): Promise<FailingNow[]> {
    const failing = await this.alerts.failingNow(status);
    for (const listed of failing) {
      if (listed.error) log.warn('could not list what is failing now', { cluster: listed.cluster, code: listed.error.code });
    }
    log.info('failing now', { clusters: failing.map((f) => ({ cluster: f.cluster, failing: f.report?.failingCount })) });
    return failing;
  }

  /**
   * What is failing now, in words, first in the answer: alerts being on must never read as "all clear" while pods
   * are broken. The pods themselves are listed on the failing-pods card, with a Diagnose button each.
   */
  private failingLines(failing: readonly FailingNow[]): string[] {
    const several = this.alerts.clusters.length > 1;
    const lines: string[] = [];
    for (const listed of failing) {
      const where = this.listedWhere(listed, several);
      if (listed.error) {
        lines.push(`⚠️ I could not list what is failing now ${where}: ${listed.error.title}. ${listed.error.message}`);
      } else if (listed.report) {
        const { failingCount, groups, omitted } = listed.report;
        const pulling = groups.flatMap((g) => g.pods).filter((p) => p.pullFailure).length;
        const pods = failingCount === 1 ? '1 pod is' : `${failingCount} pods are`;
        if (failingCount === 0) lines.push(`✅ Nothing is failing now ${where}.`);
        else if (pulling === failingCount)
          lines.push(
            `🔴 ${failingCount === 1 ? '1 pod cannot pull its image' : `${failingCount} pods cannot pull their images`} now ${where}.`,
          );
        else if (pulling === 0 && omitted === 0)
          lines.push(
            `🔴 ${pods} failing now ${where}, none because of its image: alert cards are only about images that cannot be pulled.`,
          );
        else lines.push(`🔴 ${pods} failing now ${where}; ${omitted > 0 ? 'at least ' : ''}${pulling} of them cannot pull their image.`);
      }
      if (listed.unwatched.length > 0) {
        const names = listed.unwatched.join(', ');
        lines.push(
          `Alerts do not watch ${listed.unwatched.length === 1 ? 'namespace' : 'namespaces'} ${names}${several ? ` on cluster ${listed.cluster}` : ''}, so no alert comes from there (ALERT_NAMESPACES).`,
        );
      }
    }
    return lines;
  }

  private listedWhere(listed: FailingNow, several: boolean): string {
    const on = several ? ` on cluster ${listed.cluster}` : '';
    if (listed.namespaces === 'all') return several ? `on cluster ${listed.cluster}` : 'in all namespaces';
    const names = listed.namespaces.join(', ');
    return `in ${listed.namespaces.length === 1 ? 'namespace' : 'namespaces'} ${names}${on}`;
  }

  private scopeOf(command: AlertCommand): SubscriptionScope {
    const scope: SubscriptionScope = {};
    if (command.namespace !== undefined) scope.namespace = command.namespace;
    if (command.cluster !== undefined) {
      const cluster = this.alerts.clusterNamed(command.cluster)?.name;
      if (cluster === undefined) {
        throw new PullDoctorError('INVALID_INPUT', `Alerts do not watch a cluster named "${command.cluster}".`, {
          advice: `Alerts watch ${this.alerts.clusters.map((c) => c.name).join(', ')}: name one of them, or leave the cluster out for all.`,
          facts: { cluster: command.cluster },
        });
      }
      scope.cluster = cluster;
    }
    return scope;
  }

  private scopeText(scope: SubscriptionScope): string {
    const several = this.alerts.clusters.length > 1;
    const namespace = scope.namespace === undefined ? 'every namespace' : `namespace ${scope.namespace}`;
    if (scope.cluster !== undefined) return `${namespace} ${scope.namespace === undefined ? 'of' : 'on'} cluster ${scope.cluster}`;
    return several ? `${namespace} ${scope.namespace === undefined ? 'of every cluster' : 'on every cluster'}` : namespace;
  }

  private howItWorks(): string[] {
    return [
      `I post a card here when a pod keeps failing to pull its image for ${duration(this.alerts.gracePeriodMs)}: one card per workload, updated as more pods fail and when they recover.`,
    ];
  }

  private statusLines(status: SubscriptionStatus): string[] {
    const lines: string[] = [];
    if (status.scopes.length > 0) lines.push(`Subscribed here: ${status.scopes.map((s) => this.scopeText(s)).join('; ')}.`);
    if (status.staticRoutes.length > 0) {
      lines.push(
        `Configured routes also send alerts here, set by an administrator: ${status.staticRoutes.map((r) => `${r.cluster}/${r.namespace}`).join(', ')}.`,
      );
    }
    if ((status.subscribed || status.staticRoutes.length > 0) && !status.conversationKnown) {
      lines.push('I cannot post here yet: add me to this conversation (or say anything to me here) so that I know where it is.');
    }
    return lines;
  }

  async installed(event: ConversationInstallEvent, log: Logger): Promise<void> {
    const remembered = await this.remember(event.conversation, log, false);
    if (remembered) log.info('conversation remembered for alerts', { conversationId: remembered, source: event.source });
  }

  async uninstalled(event: ConversationInstallEvent, log: Logger): Promise<void> {
    const conversationId = channelOf(event.conversation.conversation.id);
    const known = await this.alerts.conversations.forget(conversationId);
    log.info('conversation forgotten for alerts', { conversationId, known, source: event.source });
  }

  async addressed(event: ConversationInstallEvent, log: Logger): Promise<void> {
    const remembered = await this.remember(event.conversation, log, true);
    if (remembered) log.info('conversation remembered for alerts', { conversationId: remembered, source: event.source });
  }

  /**
   * Stores the conversation's address; with `onlyIfChanged`, only when it differs from the stored one (a message costs
   * one store read). Returns the conversation id when something was written.
   */
  async remember(address: ConversationAddress, log: Logger, onlyIfChanged: boolean): Promise<string | undefined> {
    const input = alertReferenceOf(address);
    if (input === undefined) {
      log.warn('conversation not remembered for alerts: Teams did not say what kind of conversation it is', {
        conversationType: address.conversation.conversationType,
      });
      return undefined;
    }
    if (onlyIfChanged) {
      const stored = await this.alerts.conversations.get(input.conversationId);
      if (stored && JSON.stringify(stored.reference) === JSON.stringify(input.reference) && stored.tenantId === input.tenantId)
        return undefined;
    }
    await this.alerts.conversations.remember(input);
    return input.conversationId;
  }
}
