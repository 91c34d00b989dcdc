import { PullDoctorError } from '../errors/index.js';
import type { DocumentStore } from '../store/index.js';
import { isoTime, systemClock, type Clock } from './machinery.js';
import { ALERT_COLLECTIONS } from './alert-record.js';

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
  if (value !== undefined && (typeof value !== 'string' || !ID.test(value))) throw invalid(`conversation ${field} must be a string of 1 to 256 printable characters`);
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
    if (typeof input.conversationId !== 'string' || !ID.test(input.conversationId)) throw invalid('conversationId must be a string of 1 to 256 printable characters');
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
    if (json === undefined || Buffer.byteLength(json) > MAX_REFERENCE_BYTES) throw invalid(`the conversation reference must be JSON of at most ${MAX_REFERENCE_BYTES} bytes`);
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
    for (let attempt = 0; ; attempt++) {
      const current = await this.store.get(ALERT_COLLECTIONS.conversations, input.conversationId);
      try {
        if (current) await this.store.replace(ALERT_COLLECTIONS.conversations, input.conversationId, stored, current.etag);
        else await this.store.create(ALERT_COLLECTIONS.conversations, input.conversationId, stored);
        return stored;
      } catch (error) {
        if (!(error instanceof PullDoctorError && error.code === 'STORE_CONFLICT') || attempt >= 4) throw error;
      }
    }
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
