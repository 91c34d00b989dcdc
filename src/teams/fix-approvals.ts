import { isPullDoctorError, PullDoctorError } from '../errors/index.js';
import { describeFixRequest, type FixApprovals, type FixRequest, type ResumeReport } from '../fixes/index.js';
import type { Logger } from '../logging/index.js';
import type { DocumentStore } from '../store/index.js';
import type { TeamsTransport } from './bot-framework.js';
import { type AdaptiveCardJson } from './cards.js';
import type { CardAction, CardActionInvoke, CardActionOutcome, FixDecisionHandler } from './card-actions.js';
import type { ConversationAddress } from './conversations.js';
import type { FixRequestReceipt, TeamsFixRequest } from './fix-card-data.js';
import { formatUtc } from '../diagnosis/format-utc.js';

// The fix approval flow in Teams: Request fix, the approval card, Approve / Reject, and the cards of resumed requests.

/** The store collection that keeps, per fix request id, where its approval card was posted. */
export const APPROVAL_CARDS_COLLECTION = 'fix-approval-cards';
/** Fix requests whose approval card Teams refused to update: the periodic pass tries again. */
export const STALE_APPROVAL_CARDS_COLLECTION = 'fix-approval-stale-cards';
/** A card still stale after this long is given up on (the audit and `pulldoctor audit` keep the truth). */
export const STALE_CARD_GIVE_UP_MS = 24 * 3_600_000;
/** At most this many stale cards are retried per pass. */
const STALE_CARDS_PER_PASS = 50;

const ENTRA_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const NO_TENANT =
  'Request fix is not offered here: this conversation has no Microsoft Entra tenant id, and a fix is requested and ' +
  "approved within one tenant. The Agents Playground's built-in configuration has none: run it with this project's " +
  '.m365agentsplayground.yml (npm start does).';

/**
 * Why **Request fix** is not offered in a conversation of this tenant, or undefined when it is. A fix request is
 * recorded with the Microsoft Entra tenant it comes from, and decided only from that tenant: a conversation without a
 * tenant id gets no button, and this reason on the card instead. Teams always gives one; the Agents Playground's
 * built-in configuration gives `00000000-0000-0000-0000-0000000000001`, which is not a tenant id (docs/approvals.md).
 * Nothing of the claimed id is echoed: it is whatever the client sent.
 */
export function fixRequestUnavailableIn(tenantId: string | undefined): string | undefined {
  return tenantId !== undefined && ENTRA_ID.test(tenantId) ? undefined : NO_TENANT;
}

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
    return documents.map((d) => ({
      fixRequestId: d.id,
      since: typeof d.value?.since === 'string' ? d.value.since : new Date(0).toISOString(),
    }));
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

export interface TeamsFixApprovalsOptions {
  /** The transport-neutral approval flow (src/fixes): it decides, executes and audits. */
  approvals: FixApprovals;
  /** The bot's store: where each request's approval card was posted is kept there. */
  documents: DocumentStore;
  /** The cards (with the bot's label) and the proactive sender. */
  teams: Pick<TeamsTransport, 'cards' | 'sender'>;
  /** Who can approve, in words, for the cards ("Sandbox approvers: Megan Bowen, …", "2 people listed in APPROVERS"). */
  approvers: string;
  /**
   * Presses are not authenticated (local mode with LOCAL_MODE=true, outside the sandbox): who pressed is only what the
   * request says, so every approval is logged as a warning.
   */
  unauthenticated: boolean;
  now?: (() => Date) | undefined;
}

/**
 * The Teams side of the fix approval flow:
 *
 * - **Request fix** (`requestFix`, the card action handler): stores the request with `approvals.request` — the fix
 *   exactly as the stored card action has it, the requester as Teams identifies them (`from.aadObjectId`,
 *   `from.name`), the tenant and the conversation the press came from — answers with a receipt, and then (after the
 *   HTTP answer) posts the approval card in the same conversation and records its message id.
 * - **Approve / Reject** (`decideFix`): `approvals.decide` with the press's actor, tenant and conversation, in strict
 *   mode (the card's data is `{ id }` and nothing else). A refusal answers the person who pressed and changes nothing.
 *   An approval is answered at once with the "applying" card; the fix is executed afterwards and the approval card
 *   updated for everyone with the outcome. A rejection, or a press that finds the request expired, updates it for
 *   everyone too.
 * - `refreshCards` updates the cards of what `approvals.resumeInterrupted()` resumed or expired.
 */
export class TeamsFixApprovals {
  private readonly now: () => Date;
  private readonly addresses: ApprovalCardAddresses;
  private readonly teams: Pick<TeamsTransport, 'cards' | 'sender'>;

  constructor(private readonly options: TeamsFixApprovalsOptions) {
    this.now = options.now ?? (() => new Date());
    this.addresses = new ApprovalCardAddresses(options.documents);
    this.teams = options.teams;
  }

  /**
   * The **Request fix** button. The fix, cause and target come from the stored action; who pressed, and where, from
   * the invoke. The request's conversation is the one the press came from (checked to be the action's, or a thread
   * of its channel): the approval card is posted there, so its Approve / Reject presses come from there too. An alert
   * posted to a channel stores the channel, but its buttons are pressed in the thread the card started.
   */
  readonly requestFix = async (
    action: Extract<CardAction, { verb: 'requestFix' }>,
    invoke: CardActionInvoke,
    log: Logger,
  ): Promise<CardActionOutcome> => {
    const { cards } = this.teams;
    const request: TeamsFixRequest = {
      target: action.target,
      fix: action.fix,
      cause: action.cause,
      diagnosedAt: action.diagnosedAt,
      ...(action.cluster ? { cluster: action.cluster } : {}),
      ...(action.evidence ? { evidence: action.evidence } : {}),
      requestedBy: invoke.user,
      conversationId: invoke.conversationId,
      ...(invoke.tenantId ? { tenantId: invoke.tenantId } : {}),
      conversation: invoke.conversation,
    };
    try {
      const receipt = await this.receive(request, log);
      log.info('fix requested', { reference: receipt.reference, pod: action.target.pod, namespace: action.target.namespace });
      return { card: cards.fixRequested(request, receipt), ...(receipt.followUp ? { afterAnswer: receipt.followUp } : {}) };
    } catch (error) {
      log.warn('fix request failed', { error });
      return { card: cards.error({ error, target: action.target }) };
    }
  };

  /** **Approve** / **Reject** on an approval card: the card's data is the fix request's id, checked by the flow. */
  readonly decideFix: FixDecisionHandler = async (decision, invoke, log) => {
    try {
      return await this.decide(decision, invoke, log);
    } catch (error) {
      log.error('fix decision failed', { error, decision });
      return { card: this.teams.cards.error({ error }) };
    }
  };

  private async receive(request: TeamsFixRequest, log: Logger): Promise<FixRequestReceipt> {
    if (request.tenantId === undefined || !ENTRA_ID.test(request.tenantId)) {
      // A card from before, or a forged press: the reason the card gives instead of the button.
      throw new PullDoctorError(
        'FIX_REFUSED',
        'This conversation belongs to no Microsoft Entra tenant, so the fix cannot be requested here.',
        {
          advice: NO_TENANT,
        },
      );
    }
    const objectId = request.requestedBy.aadObjectId;
    if (!objectId || !ENTRA_ID.test(objectId)) {
      throw new PullDoctorError(
        'FIX_REFUSED',
        'Teams did not say who you are (no Entra object id came with your press), so the fix cannot be requested.',
        {
          advice: 'Request the fix from Microsoft Teams, signed in with your work account.',
        },
      );
    }
    const stored = await this.options.approvals.request({
      fix: request.fix,
      cluster: request.cluster ?? (request.target.cluster ? { name: request.target.cluster } : {}),
      pod: { namespace: request.target.namespace, name: request.target.pod },
      requester: { objectId, displayName: request.requestedBy.name ?? '' },
      tenantId: request.tenantId,
      conversationId: request.conversationId,
      evidence: { cause: request.cause, lines: request.evidence ?? [] },
    });
    await this.addresses.put(stored.id, request.conversation);
    log.info('fix request stored; the approval card follows', { fixRequestId: stored.id, expiresAt: stored.expiresAt });
    const personal = request.conversation.conversation.conversationType === 'personal';
    return {
      reference: stored.id,
      nextStep:
        `An approval card follows in this conversation. ${this.options.approvers} can approve it until ${formatUtc(stored.expiresAt)}; ` +
        'nobody approves their own request.' +
        (personal
          ? ' This is a personal chat: only you see the card here. Request the fix where an approver can see it (a channel or group chat).'
          : ''),
      followUp: async () => void (await this.postApprovalCard(stored, request.conversation, log)),
    };
  }

  private async decide(decision: 'approve' | 'reject', press: CardActionInvoke, log: Logger): Promise<CardActionOutcome> {
    const result = await this.options.approvals.decide({
      decision,
      actionData: press.data,
      actor: { objectId: press.user.aadObjectId ?? '', displayName: press.user.name ?? '' },
      tenantId: press.tenantId ?? '',
      conversationId: press.conversationId,
      // The approval card's buttons carry exactly { id }: anything else was not sent by this bot.
      strict: true,
    });
    const fallback = { address: press.conversation, ...(press.messageId ? { messageId: press.messageId } : {}) };
    if (!result.ok) {
      log.info('fix decision refused', { reason: result.refusal.reason, decision });
      const request = result.request;
      // Not shown when the press came from outside the request's tenant or conversation, or names no request.
      if (request === undefined) return { card: this.teams.cards.fixRefused(result.refusal) };
      const card = this.card(request, result.refusal.message);
      // The press found the request expired (and marked it so): everyone's card says so.
      if (result.refusal.reason === 'expired')
        return { card, afterAnswer: async () => void (await this.updateCard(request, log, fallback)) };
      return { card };
    }
    const request = result.request;
    log.info(`fix ${result.decision}`, { fixRequestId: request.id });
    if (this.options.unauthenticated && result.decision === 'approved') {
      log.warn('local mode: a fix was approved by a request nobody authenticated (LOCAL_MODE=true)', {
        fixRequestId: request.id,
        approverObjectId: press.user.aadObjectId ?? null,
      });
    }
    if (result.decision === 'rejected')
      return { card: this.card(request), afterAnswer: async () => void (await this.updateCard(request, log, fallback)) };
    return { card: this.card(request), afterAnswer: () => this.execute(request.id, log, fallback) };
  }

  /**
   * Updates, for everyone, the approval cards of the requests `resumeInterrupted` ran to the end or expired, and
   * tries again the cards Teams refused to update before.
   */
  async refreshCards(report: ResumeReport, log: Logger): Promise<void> {
    await this.retryStaleCards(log);
    for (const { id, execution } of report.resumed) {
      if (execution.kind === 'finished') await this.updateCard(execution.request, log);
      else log.info('resumed fix execution did not finish here', { fixRequestId: id, reason: execution.reason });
    }
    for (const id of report.expired) {
      const request = await this.options.approvals.get(id).catch((error: unknown) => {
        log.warn('could not read an expired fix request', { fixRequestId: id, error });
        return null;
      });
      if (request !== null) await this.updateCard(request, log);
    }
  }

  /** Cards Teams refused before: an approval card never posted (while its request is pending), or an update. */
  private async retryStaleCards(log: Logger): Promise<void> {
    const stale = await this.addresses.stale().catch((error: unknown) => {
      log.warn('could not list the approval cards to update again', { error });
      return [];
    });
    for (const { fixRequestId, since } of stale) {
      const request = await this.options.approvals.get(fixRequestId).catch(() => null);
      const givenUp = this.now().getTime() - Date.parse(since) > STALE_CARD_GIVE_UP_MS;
      if (request === null || givenUp) {
        if (givenUp) log.warn('gave up updating an approval card Teams keeps refusing', { fixRequestId, since });
        await this.addresses.clearStale(fixRequestId).catch(() => undefined);
        continue;
      }
      let done: boolean;
      if (request.approvalCardMessageId !== undefined) done = await this.updateCard(request, log);
      else if (request.status !== 'pending' || Date.parse(request.expiresAt) <= this.now().getTime())
        done = true; // no card, and none is due now
      else {
        const address = await this.addresses.get(request.id).catch(() => undefined);
        done = address !== undefined && (await this.postApprovalCard(request, address, log));
      }
      if (done) await this.addresses.clearStale(fixRequestId).catch(() => undefined);
    }
  }

  private card(request: FixRequest, notice?: string): AdaptiveCardJson {
    return this.teams.cards.fixApproval({
      view: describeFixRequest(request, this.now()),
      approvers: this.options.approvers,
      ...(notice === undefined ? {} : { notice }),
    });
  }

  /**
   * After the receipt went out: the approval card, in the same conversation; its message id is kept for updates.
   * When Teams refuses, the request stays pending and the periodic pass (`refreshCards`) posts the card later.
   */
  private async postApprovalCard(request: FixRequest, to: ConversationAddress, log: Logger): Promise<boolean> {
    let activityId: string | undefined;
    try {
      ({ activityId } = await this.teams.sender.sendCard(to, this.card(request), log));
    } catch (error) {
      // Nothing was changed; the request expires unless the card gets through and someone decides on it.
      log.error('could not post the approval card; it is tried again at the next periodic pass', { fixRequestId: request.id, error });
      await this.addresses
        .markStale(request.id, this.now())
        .catch((markError: unknown) =>
          log.warn('could not remember the approval card to post again', { fixRequestId: request.id, error: markError }),
        );
      return false;
    }
    if (!activityId) {
      log.warn('Teams gave no id for the approval card: it cannot be updated later', { fixRequestId: request.id });
      return true;
    }
    try {
      await this.options.approvals.setApprovalCardMessageId(request.id, activityId);
      log.info('approval card posted', { fixRequestId: request.id, messageId: activityId });
    } catch (error) {
      // Posted once is enough: not posted again, but its updates fall back to the message pressed.
      log.error('the approval card was posted but its message id could not be kept', {
        fixRequestId: request.id,
        messageId: activityId,
        error,
      });
    }
    return true;
  }

  /** After an approval was answered: execute it, then show everyone how it ended. */
  private async execute(id: string, log: Logger, fallback: { address: ConversationAddress; messageId?: string }): Promise<void> {
    let execution;
    try {
      execution = await this.options.approvals.execute(id);
    } catch (error) {
      // Stored as approved (or with a claim that will go stale): resumeInterrupted() picks it up and updates the card.
      log.error('fix execution failed before it finished; it will be resumed', { fixRequestId: id, error });
      return;
    }
    if (execution.kind === 'finished') {
      log.info('fix executed', { fixRequestId: id, outcome: execution.outcome.kind });
      await this.updateCard(execution.request, log, fallback);
      return;
    }
    // Another executor (a resume on some replica) has it: that one updates the card when it is done.
    log.info('fix execution skipped here', { fixRequestId: id, reason: execution.reason });
  }

  /**
   * Replaces the approval card for everyone in the conversation. When Teams refuses, the card is remembered as stale
   * and the periodic pass (`refreshCards`) tries again with the request's state at that time. True when updated.
   */
  private async updateCard(
    request: FixRequest,
    log: Logger,
    fallback?: { address: ConversationAddress; messageId?: string },
  ): Promise<boolean> {
    try {
      const address = (await this.addresses.get(request.id)) ?? fallback?.address;
      const messageId = request.approvalCardMessageId ?? fallback?.messageId;
      if (address === undefined || messageId === undefined) {
        log.warn('no approval card to update', { fixRequestId: request.id, status: request.status });
        return false;
      }
      await this.teams.sender.updateCard(address, messageId, this.card(request), log);
      log.info('approval card updated', { fixRequestId: request.id, status: request.status });
      return true;
    } catch (error) {
      log.warn('could not update the approval card; it is tried again at the next periodic pass', { fixRequestId: request.id, error });
      await this.addresses
        .markStale(request.id, this.now())
        .catch((markError: unknown) =>
          log.warn('could not remember the approval card to update again', { fixRequestId: request.id, error: markError }),
        );
      return false;
    }
  }
}
