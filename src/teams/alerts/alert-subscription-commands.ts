import type { SubscriptionScope, SubscriptionService, SubscriptionStatus } from '../../alerts/routing.js';
import { PullDoctorError } from '../../errors/index.js';
import type { Logger } from '../../logging/index.js';
import type { AlertCommand, AlertCommandHandler, AlertCommandResult } from '../alert-command-handler.js';
import { channelOf } from '../conversation-id.js';
import type { AlertConversations } from './alert-conversations.js';

export interface AlertSubscriptionCommandsOptions {
  subscriptions: SubscriptionService;
  conversations: AlertConversations;
  /** The clusters alerts watch, by the names alerts and routes use. */
  clusters: readonly string[];
  /** The alert cluster a user's name stands for (a kubeconfig context of the only cluster, say); undefined if none. */
  clusterNamed: (name: string) => string | undefined;
  gracePeriodMs: number;
  /** More lines for the answer to `alerts on` (the sandbox says which pod it is about to break). */
  onSubscribed?: (conversationId: string, log: Logger) => Promise<string[]>;
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
 */
export class AlertSubscriptionCommands implements AlertCommandHandler {
  constructor(private readonly options: AlertSubscriptionCommandsOptions) {}

  async handle(command: AlertCommand, log: Logger): Promise<AlertCommandResult> {
    const { subscriptions } = this.options;
    const conversationId = channelOf(command.conversation.conversation.id);
    const scope = this.scopeOf(command);
    switch (command.action) {
      case 'on': {
        await this.options.conversations.remember(command.conversation, log, true);
        const by = command.requestedBy.name === undefined ? { id: command.requestedBy.id } : { id: command.requestedBy.id, name: command.requestedBy.name };
        const change = await subscriptions.subscribe(conversationId, scope, by);
        log.info('alerts on', { conversationId, changed: change.changed, namespace: scope.namespace, cluster: scope.cluster });
        const summary = change.changed ? `🔔 Alerts are on here for ${this.scopeText(scope)}.` : `Alerts were already on here for ${this.scopeText(scope)}.`;
        const extra = this.options.onSubscribed ? await this.options.onSubscribed(conversationId, log) : [];
        return { summary, details: [...this.howItWorks(), ...this.statusLines(change.status), ...extra] };
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
        const summary = status.subscribed ? '🔔 Alerts are on here.' : status.staticRoutes.length > 0 ? 'Alerts come here from the configured routes.' : 'Alerts are off here.';
        return { summary, details: [...this.statusLines(status), ...(status.subscribed || status.staticRoutes.length > 0 ? [] : ['Say "alerts on" to get them here.'])] };
      }
    }
  }

  private scopeOf(command: AlertCommand): SubscriptionScope {
    const scope: SubscriptionScope = {};
    if (command.namespace !== undefined) scope.namespace = command.namespace;
    if (command.cluster !== undefined) {
      const cluster = this.options.clusterNamed(command.cluster);
      if (cluster === undefined) {
        throw new PullDoctorError('INVALID_INPUT', `Alerts do not watch a cluster named "${command.cluster}".`, {
          advice: `Alerts watch ${this.options.clusters.join(', ')}: name one of them, or leave the cluster out for all.`,
          facts: { cluster: command.cluster },
        });
      }
      scope.cluster = cluster;
    }
    return scope;
  }

  private scopeText(scope: SubscriptionScope): string {
    const several = this.options.clusters.length > 1;
    const namespace = scope.namespace === undefined ? 'every namespace' : `namespace ${scope.namespace}`;
    if (scope.cluster !== undefined) return `${namespace} ${scope.namespace === undefined ? 'of' : 'on'} cluster ${scope.cluster}`;
    return several ? `${namespace} ${scope.namespace === undefined ? 'of every cluster' : 'on every cluster'}` : namespace;
  }

  private howItWorks(): string[] {
    return [
      `I post a card here when a pod keeps failing to pull its image for ${duration(this.options.gracePeriodMs)}: one card per workload, updated as more pods fail and when they recover.`,
    ];
  }

  private statusLines(status: SubscriptionStatus): string[] {
    const lines: string[] = [];
    if (status.scopes.length > 0) lines.push(`Subscribed here: ${status.scopes.map((s) => this.scopeText(s)).join('; ')}.`);
    if (status.staticRoutes.length > 0) {
      lines.push(`Configured routes also send alerts here, set by an administrator: ${status.staticRoutes.map((r) => `${r.cluster}/${r.namespace}`).join(', ')}.`);
    }
    if ((status.subscribed || status.staticRoutes.length > 0) && !status.conversationKnown) {
      lines.push('I cannot post here yet: add me to this conversation (or say anything to me here) so that I know where it is.');
    }
    return lines;
  }
}
