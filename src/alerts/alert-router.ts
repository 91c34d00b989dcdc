import { conversationsForRoute, type AlertRoute } from '../config/alert-routes.js';
import type { Clock } from './machinery.js';
import { scopeCovers, type SubscriptionScope, type SubscriptionService } from './subscription-service.js';

export interface AlertRouterOptions {
  routes: readonly AlertRoute[];
  subscriptions: SubscriptionService;
  clock: Clock;
  /** How long the subscription list is reused (default 10 s); other replicas' `alerts on` shows up within it. */
  cacheMs?: number;
}

/**
 * Where an alert about a cluster and namespace goes: the most specific static route (ALERT_ROUTES) plus every
 * conversation whose `alerts on` covers it, without duplicates.
 */
export class AlertRouter {
  private cache: { at: number; entries: Array<{ conversationId: string; scopes: SubscriptionScope[] }> } | undefined;

  constructor(private readonly options: AlertRouterOptions) {}

  async conversationsFor(cluster: string, namespace: string): Promise<string[]> {
    const now = this.options.clock.now();
    if (!this.cache || now - this.cache.at > (this.options.cacheMs ?? 10_000)) {
      this.cache = { at: now, entries: await this.options.subscriptions.all() };
    }
    const subscribed = this.cache.entries.filter((e) => e.scopes.some((s) => scopeCovers(s, cluster, namespace))).map((e) => e.conversationId);
    return [...new Set([...conversationsForRoute(this.options.routes, cluster, namespace), ...subscribed])];
  }

  /** Drops the cached subscriptions (after a change made by this process). */
  invalidate(): void {
    this.cache = undefined;
  }
}
