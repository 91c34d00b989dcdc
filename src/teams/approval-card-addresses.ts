import { isPullDoctorError } from '../errors/index.js';
import type { DocumentStore } from '../store/index.js';
import type { ConversationAddress } from './conversation-address.js';

/** The store collection that keeps, per fix request id, where its approval card was posted. */
export const APPROVAL_CARDS_COLLECTION = 'fix-approval-cards';
/** Fix requests whose approval card Teams refused to update: the periodic pass tries again. */
export const STALE_APPROVAL_CARDS_COLLECTION = 'fix-approval-stale-cards';
/** A card still stale after this long is given up on (the audit and `pulldoctor audit` keep the truth). */
export const STALE_CARD_GIVE_UP_MS = 24 * 3_600_000;
/** At most this many stale cards are retried per pass. */
const STALE_CARDS_PER_PASS = 50;

interface StoredAddress {
  address: ConversationAddress;
}

const isText = (value: unknown, max = 2048): value is string => typeof value === 'string' && value !== '' && value.length <= max;

/** A stored value is data read back from a shared store: check its shape before posting anywhere with it. */
function isStoredAddress(value: unknown): value is StoredAddress {
  const a = (value as Partial<StoredAddress> | null)?.address;
  return (
    a !== undefined &&
    a !== null &&
    typeof a === 'object' &&
    isText(a.serviceUrl) &&
    typeof a.channelId === 'string' &&
    typeof a.conversation === 'object' &&
    a.conversation !== null &&
    isText(a.conversation.id) &&
    typeof a.bot === 'object' &&
    a.bot !== null &&
    typeof a.bot.id === 'string'
  );
}

/**
 * Where each fix request's approval card lives: the conversation address (Bot Connector URL, conversation, bot),
 * kept in the bot's store next to the request, so that any replica — and the periodic resume after a restart — can
 * update the card. The card's message id is the request's own `approvalCardMessageId`.
 */
export class ApprovalCardAddresses {
  constructor(private readonly documents: DocumentStore) {}

  async put(fixRequestId: string, address: ConversationAddress): Promise<void> {
    await this.documents.create<StoredAddress>(APPROVAL_CARDS_COLLECTION, fixRequestId, { address });
  }

  /** Remembers that the request's card shows an old state (Teams refused the update); idempotent. */
  async markStale(fixRequestId: string, at: Date): Promise<void> {
    const existing = await this.documents.get<unknown>(STALE_APPROVAL_CARDS_COLLECTION, fixRequestId);
    if (existing !== null) return;
    await this.documents.create(STALE_APPROVAL_CARDS_COLLECTION, fixRequestId, { since: at.toISOString() }).catch((error: unknown) => {
      // Another replica marked it first: the same fact.
      if (!(isPullDoctorError(error) && error.code === 'STORE_CONFLICT')) throw error;
    });
  }

  /** The requests whose card is stale, oldest id first, with since when. */
  async stale(): Promise<Array<{ fixRequestId: string; since: string }>> {
    const documents = await this.documents.list<{ since?: unknown }>(STALE_APPROVAL_CARDS_COLLECTION, { limit: STALE_CARDS_PER_PASS });
    return documents.map((d) => ({ fixRequestId: d.id, since: typeof d.value?.since === 'string' ? d.value.since : new Date(0).toISOString() }));
  }

  async clearStale(fixRequestId: string): Promise<void> {
    await this.documents.delete(STALE_APPROVAL_CARDS_COLLECTION, fixRequestId);
  }

  /** The address, or undefined when none was kept (or what is kept is not an address). */
  async get(fixRequestId: string): Promise<ConversationAddress | undefined> {
    const document = await this.documents.get<unknown>(APPROVAL_CARDS_COLLECTION, fixRequestId);
    return document !== null && isStoredAddress(document.value) ? document.value.address : undefined;
  }
}
