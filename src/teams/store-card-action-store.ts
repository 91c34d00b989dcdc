import { randomBytes } from 'node:crypto';
import { isPullDoctorError } from '../errors/index.js';
import type { DocumentStore } from '../store/index.js';
import { CARD_ACTION_VERBS, type CardAction, type CardActionStore } from './card-action-store.js';
import { DEFAULT_CARD_ACTION_TTL_MS } from './memory-card-action-store.js';

/** The store collection card actions are kept in. */
export const CARD_ACTIONS_COLLECTION = 'card-actions';

/** What a document of the collection holds. */
interface StoredCardAction {
  action: CardAction;
  /** Milliseconds since the epoch. */
  expiresAt: number;
}

export interface StoreCardActionStoreOptions {
  /** How long an id stays valid. Default: 7 days, like the memory store. */
  ttlMs?: number;
  now?: () => number;
}

/**
 * Ids are `<expiry in base 36, 9 digits>.<128 random bits, base64url>`: unguessable, and in expiry order when the
 * store lists a collection (ascending ids), so that expired actions are found without reading the others.
 */
const ID = /^[0-9a-z]{9}\.[A-Za-z0-9_-]{22}$/;

function newId(expiresAt: number): string {
  return `${expiresAt.toString(36).padStart(9, '0')}.${randomBytes(16).toString('base64url')}`;
}

function expiryOf(id: string): number {
  return Number.parseInt(id.slice(0, 9), 36);
}

function isString(value: unknown): value is string {
  return typeof value === 'string';
}

/** A stored value is data read back from a shared store: check its shape before the bot acts on it. */
function isStoredCardAction(value: unknown): value is StoredCardAction {
  const v = value as Partial<StoredCardAction> | null;
  if (v === null || typeof v !== 'object' || typeof v.expiresAt !== 'number') return false;
  const a = v.action as Partial<CardAction> | undefined;
  if (a === undefined || a === null || typeof a !== 'object') return false;
  return (
    (CARD_ACTION_VERBS as readonly unknown[]).includes(a.verb) &&
    isString(a.conversationId) &&
    typeof a.run === 'number' &&
    typeof a.target === 'object' &&
    a.target !== null &&
    isString(a.target.pod) &&
    isString(a.target.namespace)
  );
}

/**
 * Card actions in the bot's store (SQLite locally, a blob container on Azure): buttons keep working after a restart
 * and whichever replica receives the invoke. Expiry is enforced on read; `deleteExpired` removes old documents.
 * Store failures are PullDoctorError STORE_UNAVAILABLE (the bot shows an error card).
 */
export class StoreCardActionStore implements CardActionStore {
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(
    private readonly documents: DocumentStore,
    options: StoreCardActionStoreOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? DEFAULT_CARD_ACTION_TTL_MS;
    this.now = options.now ?? Date.now;
  }

  async put(action: CardAction): Promise<string> {
    const expiresAt = this.now() + this.ttlMs;
    const id = newId(expiresAt);
    await this.documents.create<StoredCardAction>(CARD_ACTIONS_COLLECTION, id, { action, expiresAt });
    return id;
  }

  async get(id: string): Promise<CardAction | undefined> {
    if (!ID.test(id)) return undefined;
    const document = await this.documents.get<unknown>(CARD_ACTIONS_COLLECTION, id);
    if (document === null || !isStoredCardAction(document.value)) return undefined;
    if (document.value.expiresAt <= this.now()) {
      await this.documents.delete(CARD_ACTIONS_COLLECTION, id, document.etag).catch(() => false);
      return undefined;
    }
    return document.value.action;
  }

  /**
   * Deletes expired card actions, oldest first, reading at most `limit` documents; returns how many it deleted.
   * Safe to run on several replicas at once.
   */
  async deleteExpired(limit = 500): Promise<number> {
    const now = this.now();
    const oldest = await this.documents.list<unknown>(CARD_ACTIONS_COLLECTION, { limit });
    let deleted = 0;
    for (const document of oldest) {
      const expiresAt = ID.test(document.id) ? expiryOf(document.id) : 0;
      if (expiresAt > now) break;
      try {
        if (await this.documents.delete(CARD_ACTIONS_COLLECTION, document.id, document.etag)) deleted++;
      } catch (error) {
        // Someone else changed or deleted it meanwhile.
        if (!isPullDoctorError(error) || error.code !== 'STORE_CONFLICT') throw error;
      }
    }
    return deleted;
  }
}
