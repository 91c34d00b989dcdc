import { PullDoctorError } from '../errors/index.js';
import type { DocumentStore } from '../store/index.js';
import { updateWithRetry } from '../store/index.js';
import type { AlertRoute } from '../config/alert-routes.js';
import { isoTime, systemClock, type Clock } from './machinery.js';
import { ALERT_COLLECTIONS } from './alert-record.js';

/** What `alerts on` narrowed to; both absent means every alert. */
export interface SubscriptionScope {
  namespace?: string;
  cluster?: string;
}

interface SubscriptionDocument {
  schema: 1;
  conversationId: string;
  scopes: SubscriptionScope[];
  updatedAt: string;
  updatedBy?: { id: string; name?: string };
}

/** Plain data for the chat reply to `alerts on|off|status`. */
export interface SubscriptionStatus {
  conversationId: string;
  /** Whether alerts are turned on in this deployment at all (ALERTS_ENABLED). */
  alertsEnabled: boolean;
  subscribed: boolean;
  /** The conversation's `alerts on` scopes; `{}` is everything. */
  scopes: SubscriptionScope[];
  /** Static routes (ALERT_ROUTES) that send alerts here regardless of `alerts off`. */
  staticRoutes: Array<{ cluster: string; namespace: string }>;
  /** Whether the bot has a conversation reference to post here (it was installed or spoken to). */
  conversationKnown: boolean;
}

export interface SubscriptionChange {
  /** False when the command changed nothing (already on for that scope, or nothing to turn off). */
  changed: boolean;
  status: SubscriptionStatus;
}

export const MAX_SCOPES_PER_CONVERSATION = 50;

const sameScope = (a: SubscriptionScope, b: SubscriptionScope) => (a.namespace ?? '') === (b.namespace ?? '') && (a.cluster ?? '') === (b.cluster ?? '');
const isEverything = (s: SubscriptionScope) => s.namespace === undefined && s.cluster === undefined;
const covers = (scope: SubscriptionScope, cluster: string, namespace: string) =>
  (scope.cluster === undefined || scope.cluster === cluster) && (scope.namespace === undefined || scope.namespace === namespace);

export interface SubscriptionServiceOptions {
  store: DocumentStore;
  routes: readonly AlertRoute[];
  alertsEnabled: boolean;
  clock?: Clock;
  /** Told after every change, so that the router drops its cache. */
  onChange?: () => void;
}

/**
 * Subscriptions from chat, one document per conversation (collection `alert-subscriptions`):
 * `alerts on [for namespace X] [on cluster Y]` adds a scope, `alerts off` removes one (or all), `alerts status`
 * reports them with the static routes that also lead here.
 */
export class SubscriptionService {
  private readonly clock: Clock;

  constructor(private readonly options: SubscriptionServiceOptions) {
    this.clock = options.clock ?? systemClock;
  }

  async subscribe(conversationId: string, scope: SubscriptionScope = {}, by?: { id: string; name?: string }): Promise<SubscriptionChange> {
    const wanted = cleanScope(scope);
    const now = isoTime(this.clock.now());
    const result = await updateWithRetry<SubscriptionDocument>(this.options.store, ALERT_COLLECTIONS.subscriptions, conversationId, (current) => {
      const scopes = current?.scopes ?? [];
      if (scopes.some((s) => sameScope(s, wanted) || isEverything(s))) return undefined;
      const next = isEverything(wanted) ? [wanted] : [...scopes, wanted];
      if (next.length > MAX_SCOPES_PER_CONVERSATION) {
        throw new PullDoctorError('INVALID_INPUT', `A conversation can have at most ${MAX_SCOPES_PER_CONVERSATION} alert subscriptions; turn some off first (alerts off for namespace X).`);
      }
      const doc: SubscriptionDocument = { schema: 1, conversationId, scopes: next, updatedAt: now };
      if (by) doc.updatedBy = by.name === undefined ? { id: by.id } : { id: by.id, name: by.name };
      return doc;
    });
    if (result?.changed) this.options.onChange?.();
    return { changed: result?.changed ?? false, status: await this.status(conversationId) };
  }

  /** Without a scope: every subscription of the conversation; with one: exactly that scope. */
  async unsubscribe(conversationId: string, scope?: SubscriptionScope): Promise<SubscriptionChange> {
    let changed = false;
    if (scope === undefined || isEverything(cleanScope(scope))) {
      changed = await this.options.store.delete(ALERT_COLLECTIONS.subscriptions, conversationId);
    } else {
      const unwanted = cleanScope(scope);
      const now = isoTime(this.clock.now());
      const result = await updateWithRetry<SubscriptionDocument>(this.options.store, ALERT_COLLECTIONS.subscriptions, conversationId, (current) => {
        if (!current || !current.scopes.some((s) => sameScope(s, unwanted))) return undefined;
        return { ...current, scopes: current.scopes.filter((s) => !sameScope(s, unwanted)), updatedAt: now };
      });
      changed = result?.changed ?? false;
    }
    if (changed) this.options.onChange?.();
    return { changed, status: await this.status(conversationId) };
  }

  async status(conversationId: string): Promise<SubscriptionStatus> {
    const [doc, conversation] = await Promise.all([
      this.options.store.get<SubscriptionDocument>(ALERT_COLLECTIONS.subscriptions, conversationId),
      this.options.store.get(ALERT_COLLECTIONS.conversations, conversationId),
    ]);
    const scopes = doc?.value.scopes ?? [];
    return {
      conversationId,
      alertsEnabled: this.options.alertsEnabled,
      subscribed: scopes.length > 0,
      scopes: scopes.map((s) => ({ ...s })),
      staticRoutes: this.options.routes.filter((r) => r.conversations.includes(conversationId)).map((r) => ({ cluster: r.cluster, namespace: r.namespace })),
      conversationKnown: conversation !== null,
    };
  }

  /** Every subscription, for the router's cache. */
  async all(): Promise<Array<{ conversationId: string; scopes: SubscriptionScope[] }>> {
    const docs = await this.options.store.list<SubscriptionDocument>(ALERT_COLLECTIONS.subscriptions);
    return docs.filter((d) => Array.isArray(d.value?.scopes)).map((d) => ({ conversationId: d.id, scopes: d.value.scopes }));
  }
}

function cleanScope(scope: SubscriptionScope): SubscriptionScope {
  const out: SubscriptionScope = {};
  if (scope.namespace !== undefined && scope.namespace !== '') out.namespace = scope.namespace;
  if (scope.cluster !== undefined && scope.cluster !== '') out.cluster = scope.cluster;
  return out;
}

export function scopeCovers(scope: SubscriptionScope, cluster: string, namespace: string): boolean {
  return covers(scope, cluster, namespace);
}
