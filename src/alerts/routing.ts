import { conversationsForRoute, type AlertRoute } from '../config/alert-routes.js';
import { PullDoctorError } from '../errors/index.js';
import { updateWithRetry, type DocumentStore } from '../store/index.js';
import { ALERT_COLLECTIONS } from './alert-record.js';
import { isoTime, systemClock, type Clock } from './machinery.js';

/**
 * Where alerts go: the conversations the bot can post to (their stored references), the `alerts on` subscriptions
 * made in chat, and the router that adds both to the static routes (ALERT_ROUTES). All of it lives in the store, so
 * every replica routes alike.
 */

/** Teams conversation types (`conversation.conversationType` of an activity). */
export type ConversationType = 'personal' | 'groupChat' | 'channel';

/** What the Teams layer hands over when the bot is installed in (or hears from) a conversation. */
export interface ConversationReferenceInput {
  conversationId: string;
  conversationType: ConversationType;
  tenantId?: string;
  /** The team's id (channels only). */
  teamId?: string;
  /** The channel's id (channels only). */
  channelId?: string;
  /** botbuilder's ConversationReference, kept as opaque JSON for proactive messages. */
  reference: unknown;
}

export interface StoredConversation extends ConversationReferenceInput {
  rememberedAt: string;
}

const MAX_REFERENCE_BYTES = 16 * 1024;
const ID = /^[^\u0000-\u001f\u007f]{1,256}$/;
const TYPES: readonly string[] = ['personal', 'groupChat', 'channel'];

function invalid(message: string): PullDoctorError {
  return new PullDoctorError('INVALID_INPUT', message);
}

function optionalId(value: unknown, field: string): void {
  if (value !== undefined && (typeof value !== 'string' || !ID.test(value)))
    throw invalid(`conversation ${field} must be a string of 1 to 256 printable characters`);
}

/**
 * Where alerts can go: conversation references, persisted in the store (collection `conversations`) so that they
 * survive restarts and are shared by replicas. Forgetting a conversation (the bot was removed) also drops its
 * subscription and what was sent there.
 */
export class ConversationRegistry {
  constructor(
    private readonly store: DocumentStore,
    private readonly clock: Clock = systemClock,
  ) {}

  async remember(input: ConversationReferenceInput): Promise<StoredConversation> {
    if (input === null || typeof input !== 'object') throw invalid('a conversation reference must be an object');
    if (typeof input.conversationId !== 'string' || !ID.test(input.conversationId))
      throw invalid('conversationId must be a string of 1 to 256 printable characters');
    if (!TYPES.includes(input.conversationType)) throw invalid(`conversationType must be one of ${TYPES.join(', ')}`);
    optionalId(input.tenantId, 'tenantId');
    optionalId(input.teamId, 'teamId');
    optionalId(input.channelId, 'channelId');
    let json: string | undefined;
    try {
      json = JSON.stringify(input.reference);
    } catch {
      throw invalid('the conversation reference must be plain JSON');
    }
    if (json === undefined || Buffer.byteLength(json) > MAX_REFERENCE_BYTES)
      throw invalid(`the conversation reference must be JSON of at most ${MAX_REFERENCE_BYTES} bytes`);
    const stored: StoredConversation = {
      conversationId: input.conversationId,
      conversationType: input.conversationType,
      reference: JSON.parse(json) as unknown,
      rememberedAt: isoTime(this.clock.now()),
    };
    if (input.tenantId !== undefined) stored.tenantId = input.tenantId;
    if (input.teamId !== undefined) stored.teamId = input.teamId;
    if (input.channelId !== undefined) stored.channelId = input.channelId;
    // Last writer wins: a reference is replaced as a whole by a newer one of the same conversation.
    await updateWithRetry<StoredConversation>(this.store, ALERT_COLLECTIONS.conversations, input.conversationId, () => stored);
    return stored;
  }

  async get(conversationId: string): Promise<StoredConversation | null> {
    if (!ID.test(conversationId)) return null;
    const doc = await this.store.get<StoredConversation>(ALERT_COLLECTIONS.conversations, conversationId);
    return doc && typeof doc.value?.conversationId === 'string' ? doc.value : null;
  }

  async list(): Promise<StoredConversation[]> {
    return (await this.store.list<StoredConversation>(ALERT_COLLECTIONS.conversations)).map((d) => d.value);
  }

  /** Forgets the conversation, its subscription and its delivery state. Returns whether it was known. */
  async forget(conversationId: string): Promise<boolean> {
    if (!ID.test(conversationId)) return false;
    const known = await this.store.delete(ALERT_COLLECTIONS.conversations, conversationId);
    await this.store.delete(ALERT_COLLECTIONS.subscriptions, conversationId);
    await this.store.delete(ALERT_COLLECTIONS.deliveries, conversationId);
    return known;
  }
}

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

const MAX_SCOPES_PER_CONVERSATION = 50;

const sameScope = (a: SubscriptionScope, b: SubscriptionScope) =>
  (a.namespace ?? '') === (b.namespace ?? '') && (a.cluster ?? '') === (b.cluster ?? '');
const isEverything = (s: SubscriptionScope) => s.namespace === undefined && s.cluster === undefined;

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
    const result = await updateWithRetry<SubscriptionDocument>(
      this.options.store,
      ALERT_COLLECTIONS.subscriptions,
      conversationId,
      (current) => {
        const scopes = current?.scopes ?? [];
        if (scopes.some((s) => sameScope(s, wanted) || isEverything(s))) return undefined;
        const next = isEverything(wanted) ? [wanted] : [...scopes, wanted];
        if (next.length > MAX_SCOPES_PER_CONVERSATION) {
          throw new PullDoctorError(
            'INVALID_INPUT',
            `A conversation can have at most ${MAX_SCOPES_PER_CONVERSATION} alert subscriptions; turn some off first (alerts off for namespace X).`,
          );
        }
        const doc: SubscriptionDocument = { schema: 1, conversationId, scopes: next, updatedAt: now };
        if (by) doc.updatedBy = by.name === undefined ? { id: by.id } : { id: by.id, name: by.name };
        return doc;
      },
    );
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
      const result = await updateWithRetry<SubscriptionDocument>(
        this.options.store,
        ALERT_COLLECTIONS.subscriptions,
        conversationId,
        (current) => {
          if (!current || !current.scopes.some((s) => sameScope(s, unwanted))) return undefined;
          return { ...current, scopes: current.scopes.filter((s) => !sameScope(s, unwanted)), updatedAt: now };
        },
      );
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
      staticRoutes: this.options.routes
        .filter((r) => r.conversations.includes(conversationId))
        .map((r) => ({ cluster: r.cluster, namespace: r.namespace })),
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

function scopeCovers(scope: SubscriptionScope, cluster: string, namespace: string): boolean {
  return (scope.cluster === undefined || scope.cluster === cluster) && (scope.namespace === undefined || scope.namespace === namespace);
}

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
    const subscribed = this.cache.entries
      .filter((e) => e.scopes.some((s) => scopeCovers(s, cluster, namespace)))
      .map((e) => e.conversationId);
    return [...new Set([...conversationsForRoute(this.options.routes, cluster, namespace), ...subscribed])];
  }

  /** Drops the cached subscriptions (after a change made by this process). */
  invalidate(): void {
    this.cache = undefined;
  }
}
