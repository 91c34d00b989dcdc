import { randomBytes } from 'node:crypto';
import type { CardAction, CardActionStore } from './card-action-store.js';

export interface MemoryCardActionStoreOptions {
  /** How long an id stays valid. Default: 7 days (a card stays in the chat; its buttons should keep working a while). */
  ttlMs?: number;
  /** At most this many actions are kept; the oldest go first. Default 10 000. */
  maxEntries?: number;
  now?: () => number;
}

export const DEFAULT_CARD_ACTION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * Card actions in memory, for a single replica (lost on restart: a button then answers "this card has expired").
 * The persistent store replaces it behind the same interface.
 */
export class MemoryCardActionStore implements CardActionStore {
  private readonly entries = new Map<string, { action: CardAction; expiresAt: number }>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(options: MemoryCardActionStoreOptions = {}) {
    this.ttlMs = options.ttlMs ?? DEFAULT_CARD_ACTION_TTL_MS;
    this.maxEntries = options.maxEntries ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  async put(action: CardAction): Promise<string> {
    const id = randomBytes(16).toString('base64url');
    this.evictExpired();
    while (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
    this.entries.set(id, { action: structuredClone(action), expiresAt: this.now() + this.ttlMs });
    return id;
  }

  async get(id: string): Promise<CardAction | undefined> {
    const entry = this.entries.get(id);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(id);
      return undefined;
    }
    return structuredClone(entry.action);
  }

  /** Entries are kept in insertion order with one time to live, so the expired ones are at the front. */
  private evictExpired(): void {
    const now = this.now();
    for (const [id, entry] of this.entries) {
      if (entry.expiresAt > now) break;
      this.entries.delete(id);
    }
  }
}
