import type { DocumentStore } from '../store/index.js';
import type { ConversationAddress } from './conversation-address.js';

/** The store collection that keeps, per fix request id, where its approval card was posted. */
export const APPROVAL_CARDS_COLLECTION = 'fix-approval-cards';

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

  /** The address, or undefined when none was kept (or what is kept is not an address). */
  async get(fixRequestId: string): Promise<ConversationAddress | undefined> {
    const document = await this.documents.get<unknown>(APPROVAL_CARDS_COLLECTION, fixRequestId);
    return document !== null && isStoredAddress(document.value) ? document.value.address : undefined;
  }
}
