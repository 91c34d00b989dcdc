/**
 * What has been sent to one conversation, stored in the `alert-deliveries` collection under its conversation id:
 * the message of each alert (or the summary it went into), the recent individual posts that the flood rule
 * counts, and the summaries. Decisions are pure functions of this state, applied with compare-and-swap.
 *
 * The flood rule: an alert due a new message is posted on its own while fewer than `threshold` alerts were posted
 * on their own in the last `floodWindowMs`; otherwise it goes into the conversation's summary card (opened with
 * the alerts of that window, so the summary lists the whole incident). The summary stays open — taking every new
 * alert — until no alert joined it for `floodWindowMs`. Hence at most `threshold + 1` new messages per
 * conversation in any window of `floodWindowMs`.
 */

export interface MessageClaim {
  /** Instance that is posting right now (a replica's identity). */
  by: string;
  at: string;
}

export interface CardDelivery {
  /** The alert generation this entry is for; a higher generation is due a new message. */
  generation: number;
  mode: 'card' | 'summary';
  summaryId?: string;
  messageId?: string;
  /** Fingerprint of the card as last sent. */
  renderedHash?: string;
  postedAt?: string;
  claim?: MessageClaim;
  /** The message of the generation before, to be left showing how that generation ended (alert-record.ts `previous`). */
  previousMessage?: PreviousMessage;
}

export interface PreviousMessage {
  generation: number;
  messageId: string;
  renderedHash?: string;
}

export interface SummaryDelivery {
  id: string;
  startedAt: string;
  /** When the newest alert joined; the summary closes `floodWindowMs` after that. */
  lastAddedAt: string;
  alertKeys: string[];
  /** The generation of each alert listed, as it joined: a later generation of the alert is a message of its own. */
  generations?: Record<string, number>;
  messageId?: string;
  renderedHash?: string;
  postedAt?: string;
  claim?: MessageClaim;
}

export interface DeliveryState {
  schema: 1;
  conversationId: string;
  cards: Record<string, CardDelivery>;
  /** Alerts posted on their own, newest last; entries older than the flood window are dropped. */
  recentPosts: Array<{ at: string; key: string }>;
  summaries: Record<string, SummaryDelivery>;
  activeSummaryId?: string;
}

export interface FloodRule {
  threshold: number;
  floodWindowMs: number;
}

function emptyDeliveryState(conversationId: string): DeliveryState {
  return { schema: 1, conversationId, cards: {}, recentPosts: [], summaries: {} };
}

export function isDeliveryState(value: unknown): value is DeliveryState {
  const v = value as Partial<DeliveryState> | null;
  return (
    v !== null &&
    typeof v === 'object' &&
    v.schema === 1 &&
    typeof v.cards === 'object' &&
    Array.isArray(v.recentPosts) &&
    typeof v.summaries === 'object'
  );
}

const ms = (iso: string) => Date.parse(iso);

/** The open summary, if alerts joined it within the flood window. */
export function activeSummary(state: DeliveryState, now: string, rule: FloodRule): SummaryDelivery | undefined {
  const id = state.activeSummaryId;
  const summary = id === undefined ? undefined : state.summaries[id];
  return summary && ms(now) - ms(summary.lastAddedAt) < rule.floodWindowMs ? summary : undefined;
}

/**
 * Makes sure the alert has an entry for its generation: decides, for a generation not seen yet, between a message
 * of its own and the summary. Returns undefined when nothing changes. `newSummaryId` is used if a summary opens.
 */
export function withAllocation(
  current: DeliveryState | null,
  conversationId: string,
  alert: { key: string; generation: number },
  now: string,
  rule: FloodRule,
  newSummaryId: string,
): DeliveryState | undefined {
  const existing = current?.cards[alert.key];
  if (existing && existing.generation >= alert.generation) return undefined;
  const state: DeliveryState = current ? structuredClone(current) : emptyDeliveryState(conversationId);
  state.recentPosts = state.recentPosts.filter((p) => ms(now) - ms(p.at) < rule.floodWindowMs);
  const allocate = (entry: CardDelivery) => {
    if (existing?.messageId !== undefined) {
      entry.previousMessage = { generation: existing.generation, messageId: existing.messageId };
      if (existing.renderedHash !== undefined) entry.previousMessage.renderedHash = existing.renderedHash;
    }
    state.cards[alert.key] = entry;
    return state;
  };
  const open = activeSummary(state, now, rule);
  if (open) {
    if (!open.alertKeys.includes(alert.key)) open.alertKeys.push(alert.key);
    open.generations = { ...open.generations, [alert.key]: alert.generation };
    open.lastAddedAt = now;
    return allocate({ generation: alert.generation, mode: 'summary', summaryId: open.id });
  }
  if (state.recentPosts.length >= rule.threshold) {
    const keys = [...new Set([...state.recentPosts.map((p) => p.key), alert.key])];
    const generations: Record<string, number> = {};
    for (const key of keys) generations[key] = key === alert.key ? alert.generation : (state.cards[key]?.generation ?? 1);
    state.summaries[newSummaryId] = { id: newSummaryId, startedAt: now, lastAddedAt: now, alertKeys: keys, generations };
    state.activeSummaryId = newSummaryId;
    return allocate({ generation: alert.generation, mode: 'summary', summaryId: newSummaryId });
  }
  state.recentPosts.push({ at: now, key: alert.key });
  return allocate({ generation: alert.generation, mode: 'card' });
}

/** The summaries (open or closed) that list this alert. */
export function summariesListing(state: DeliveryState, key: string): string[] {
  return Object.values(state.summaries)
    .filter((s) => s.alertKeys.includes(key))
    .map((s) => s.id);
}

/** A message of a conversation: an alert's card, the card of its previous generation, or a summary. */
type Target = { kind: 'card'; key: string } | { kind: 'previous'; key: string } | { kind: 'summary'; id: string };

function entryOf(
  state: DeliveryState,
  target: Target,
): { messageId?: string; claim?: MessageClaim; renderedHash?: string; postedAt?: string } | undefined {
  if (target.kind === 'card') return state.cards[target.key];
  if (target.kind === 'previous') return state.cards[target.key]?.previousMessage;
  return state.summaries[target.id];
}

/**
 * Claims the right to post the message of a card or summary: granted when it has no message yet and no other
 * instance claimed it less than `claimTimeoutMs` ago. Returns undefined when the claim is refused.
 */
export function withClaim(
  current: DeliveryState | null,
  target: Target,
  by: string,
  now: string,
  claimTimeoutMs: number,
): DeliveryState | undefined {
  if (!current) return undefined;
  const entry = entryOf(current, target);
  if (!entry || entry.messageId !== undefined) return undefined;
  if (entry.claim && entry.claim.by !== by && ms(now) - ms(entry.claim.at) < claimTimeoutMs) return undefined;
  const state = structuredClone(current);
  entryOf(state, target)!.claim = { by, at: now };
  return state;
}

/** Records the posted message (clearing the claim), or a new fingerprint after an update. */
export function withSent(
  current: DeliveryState | null,
  target: Target,
  sent: { messageId?: string; renderedHash: string; at: string },
): DeliveryState | undefined {
  if (!current) return undefined;
  const state = structuredClone(current);
  const entry = entryOf(state, target);
  if (!entry) return undefined;
  if (sent.messageId !== undefined) {
    entry.messageId = sent.messageId;
    entry.postedAt = sent.at;
  }
  entry.renderedHash = sent.renderedHash;
  delete entry.claim;
  return state;
}

/** Gives a claim back after a failed post, so that the retry (here or elsewhere) may post. */
export function withoutClaim(current: DeliveryState | null, target: Target, by: string): DeliveryState | undefined {
  if (!current) return undefined;
  const entry = entryOf(current, target);
  if (!entry?.claim || entry.claim.by !== by) return undefined;
  const state = structuredClone(current);
  delete entryOf(state, target)!.claim;
  return state;
}

/** Drops what no longer matters: messages of alerts gone from the store and summaries older than `retentionMs`. */
export function withoutStale(
  current: DeliveryState | null,
  liveKeys: ReadonlySet<string>,
  now: string,
  retentionMs: number,
): DeliveryState | undefined {
  if (!current) return undefined;
  const state = structuredClone(current);
  let changed = false;
  for (const key of Object.keys(state.cards)) {
    if (!liveKeys.has(key)) {
      delete state.cards[key];
      changed = true;
    }
  }
  for (const [id, summary] of Object.entries(state.summaries)) {
    if (ms(now) - ms(summary.lastAddedAt) > retentionMs) {
      delete state.summaries[id];
      if (state.activeSummaryId === id) delete state.activeSummaryId;
      changed = true;
    }
  }
  return changed ? state : undefined;
}

export type DeliveryTarget = Target;
