import { PullDoctorError } from '../errors/index.js';
import { describeFixRequest, type FixApprovals, type FixRequest as StoredFixRequest, type ResumeReport } from '../fixes/index.js';
import type { Logger } from '../logging/index.js';
import { STALE_CARD_GIVE_UP_MS, type ApprovalCardAddresses } from './approval-card-addresses.js';
import type { ConversationAddress } from './conversation-address.js';
import type { FixDecisionAnswer, FixDecisionPress, FixRequest, FixRequestHandler, FixRequestReceipt, TeamsOutlet } from './fix-request-handler.js';
import type { AdaptiveCardJson } from './cards/render-card.js';
import { formatUtc } from '../diagnosis/format-utc.js';

export interface TeamsFixApprovalsOptions {
  /** The transport-neutral approval flow (src/fixes): it decides, executes and audits. */
  approvals: FixApprovals;
  /** Where each request's approval card was posted. */
  addresses: ApprovalCardAddresses;
  /** Who can approve, in words, for the cards ("Sandbox approvers: Megan Bowen, …", "2 people listed in APPROVERS"). */
  approvers: string;
  /**
   * Presses are not authenticated (local mode with LOCAL_MODE=true, outside the sandbox): who pressed is only what the
   * request says, so every approval is logged as a warning.
   */
  unauthenticated?: boolean;
  now?: () => Date;
}

/**
 * The Teams side of the fix approval flow (the `FixRequestHandler` the bot is given):
 *
 * - **Request fix**: stores the request with `approvals.request` — the fix exactly as the stored card action has it,
 *   the requester as Teams identifies them (`from.aadObjectId`, `from.name`), the tenant and the conversation —
 *   answers with a receipt, and then (after the HTTP answer) posts the approval card in the same conversation and
 *   records its message id.
 * - **Approve / Reject**: `approvals.decide` with the press's actor, tenant and conversation, in strict mode (the card's
 *   data is `{ id }` and nothing else). A refusal answers the person who pressed and changes nothing. An approval is
 *   answered at once with the "applying" card; the fix is executed afterwards and the approval card updated for
 *   everyone with the outcome. A rejection, or a press that finds the request expired, updates it for everyone too.
 * - `refreshCards` updates the cards of what `approvals.resumeInterrupted()` resumed or expired.
 */
export class TeamsFixApprovals implements FixRequestHandler {
  private readonly now: () => Date;

  constructor(private readonly options: TeamsFixApprovalsOptions) {
    this.now = options.now ?? (() => new Date());
  }

  async requestFix(request: FixRequest, log: Logger, teams: TeamsOutlet): Promise<FixRequestReceipt> {
    const objectId = request.requestedBy.aadObjectId;
    if (!objectId) {
      throw new PullDoctorError('FIX_REFUSED', 'Teams did not say who you are (no Entra object id came with your press), so the fix cannot be requested.', {
        advice: 'Request the fix from Microsoft Teams, signed in with your work account.',
      });
    }
    if (!request.tenantId) {
      throw new PullDoctorError('FIX_REFUSED', 'Teams did not say which organisation this conversation belongs to, so the fix cannot be requested.', {
        advice: 'Request the fix from a Teams chat or channel of your organisation.',
      });
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
    await this.options.addresses.put(stored.id, request.conversation);
    log.info('fix request stored; the approval card follows', { fixRequestId: stored.id, expiresAt: stored.expiresAt });
    const personal = request.conversation.conversation.conversationType === 'personal';
    return {
      reference: stored.id,
      nextStep:
        `An approval card follows in this conversation. ${this.options.approvers} can approve it until ${formatUtc(stored.expiresAt)}; ` +
        'nobody approves their own request.' +
        (personal ? ' This is a personal chat: only you see the card here. Request the fix where an approver can see it (a channel or group chat).' : ''),
      followUp: async () => void (await this.postApprovalCard(stored, request.conversation, teams, log)),
    };
  }

  async decideFix(press: FixDecisionPress, log: Logger, teams: TeamsOutlet): Promise<FixDecisionAnswer> {
    const result = await this.options.approvals.decide({
      decision: press.decision,
      actionData: press.data,
      actor: { objectId: press.user.aadObjectId ?? '', displayName: press.user.name ?? '' },
      tenantId: press.tenantId ?? '',
      conversationId: press.conversationId,
      // The approval card's buttons carry exactly { id }: anything else was not sent by this bot.
      strict: true,
    });
    const fallback = { address: press.conversation, ...(press.messageId ? { messageId: press.messageId } : {}) };
    if (!result.ok) {
      log.info('fix decision refused', { reason: result.refusal.reason, decision: press.decision });
      const request = result.request;
      // Not shown when the press came from outside the request's tenant or conversation, or names no request.
      if (request === undefined) return { card: teams.cards.fixRefused(result.refusal) };
      const card = this.card(teams, request, result.refusal.message);
      // The press found the request expired (and marked it so): everyone's card says so.
      if (result.refusal.reason === 'expired') return { card, followUp: async () => void (await this.updateCard(request, teams, log, fallback)) };
      return { card };
    }
    const request = result.request;
    log.info(`fix ${result.decision}`, { fixRequestId: request.id });
    if (this.options.unauthenticated && result.decision === 'approved') {
      log.warn('local mode: a fix was approved by a request nobody authenticated (LOCAL_MODE=true)', { fixRequestId: request.id, approverObjectId: press.user.aadObjectId ?? null });
    }
    if (result.decision === 'rejected') return { card: this.card(teams, request), followUp: async () => void (await this.updateCard(request, teams, log, fallback)) };
    return { card: this.card(teams, request), followUp: () => this.execute(request.id, teams, log, fallback) };
  }

  /**
   * Updates, for everyone, the approval cards of the requests `resumeInterrupted` ran to the end or expired, and
   * tries again the cards Teams refused to update before.
   */
  async refreshCards(report: ResumeReport, teams: TeamsOutlet, log: Logger): Promise<void> {
    await this.retryStaleCards(teams, log);
    for (const { id, execution } of report.resumed) {
      if (execution.kind === 'finished') await this.updateCard(execution.request, teams, log);
      else log.info('resumed fix execution did not finish here', { fixRequestId: id, reason: execution.reason });
    }
    for (const id of report.expired) {
      const request = await this.options.approvals.get(id).catch((error: unknown) => {
        log.warn('could not read an expired fix request', { fixRequestId: id, error });
        return null;
      });
      if (request !== null) await this.updateCard(request, teams, log);
    }
  }

  /** Cards Teams refused before: an approval card never posted (while its request is pending), or an update. */
  private async retryStaleCards(teams: TeamsOutlet, log: Logger): Promise<void> {
    const stale = await this.options.addresses.stale().catch((error: unknown) => {
      log.warn('could not list the approval cards to update again', { error });
      return [];
    });
    for (const { fixRequestId, since } of stale) {
      const request = await this.options.approvals.get(fixRequestId).catch(() => null);
      const givenUp = this.now().getTime() - Date.parse(since) > STALE_CARD_GIVE_UP_MS;
      if (request === null || givenUp) {
        if (givenUp) log.warn('gave up updating an approval card Teams keeps refusing', { fixRequestId, since });
        await this.options.addresses.clearStale(fixRequestId).catch(() => undefined);
        continue;
      }
      let done: boolean;
      if (request.approvalCardMessageId !== undefined) done = await this.updateCard(request, teams, log);
      else if (request.status !== 'pending' || Date.parse(request.expiresAt) <= this.now().getTime()) done = true; // no card, and none is due now
      else {
        const address = await this.options.addresses.get(request.id).catch(() => undefined);
        done = address !== undefined && (await this.postApprovalCard(request, address, teams, log));
      }
      if (done) await this.options.addresses.clearStale(fixRequestId).catch(() => undefined);
    }
  }

  private card(teams: TeamsOutlet, request: StoredFixRequest, notice?: string): AdaptiveCardJson {
    return teams.cards.fixApproval({ view: describeFixRequest(request, this.now()), approvers: this.options.approvers, ...(notice === undefined ? {} : { notice }) });
  }

  /**
   * After the receipt went out: the approval card, in the same conversation; its message id is kept for updates.
   * When Teams refuses, the request stays pending and the periodic pass (`refreshCards`) posts the card later.
   */
  private async postApprovalCard(request: StoredFixRequest, to: ConversationAddress, teams: TeamsOutlet, log: Logger): Promise<boolean> {
    let activityId: string | undefined;
    try {
      ({ activityId } = await teams.sender.sendCard(to, this.card(teams, request), log));
    } catch (error) {
      // Nothing was changed; the request expires unless the card gets through and someone decides on it.
      log.error('could not post the approval card; it is tried again at the next periodic pass', { fixRequestId: request.id, error });
      await this.options.addresses.markStale(request.id, this.now()).catch((markError: unknown) => log.warn('could not remember the approval card to post again', { fixRequestId: request.id, error: markError }));
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
      log.error('the approval card was posted but its message id could not be kept', { fixRequestId: request.id, messageId: activityId, error });
    }
    return true;
  }

  /** After an approval was answered: execute it, then show everyone how it ended. */
  private async execute(id: string, teams: TeamsOutlet, log: Logger, fallback: { address: ConversationAddress; messageId?: string }): Promise<void> {
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
      await this.updateCard(execution.request, teams, log, fallback);
      return;
    }
    // Another executor (a resume on some replica) has it: that one updates the card when it is done.
    log.info('fix execution skipped here', { fixRequestId: id, reason: execution.reason });
  }

  /**
   * Replaces the approval card for everyone in the conversation. When Teams refuses, the card is remembered as stale
   * and the periodic pass (`refreshCards`) tries again with the request's state at that time. True when updated.
   */
  private async updateCard(request: StoredFixRequest, teams: TeamsOutlet, log: Logger, fallback?: { address: ConversationAddress; messageId?: string }): Promise<boolean> {
    try {
      const address = (await this.options.addresses.get(request.id)) ?? fallback?.address;
      const messageId = request.approvalCardMessageId ?? fallback?.messageId;
      if (address === undefined || messageId === undefined) {
        log.warn('no approval card to update', { fixRequestId: request.id, status: request.status });
        return false;
      }
      await teams.sender.updateCard(address, messageId, this.card(teams, request), log);
      log.info('approval card updated', { fixRequestId: request.id, status: request.status });
      return true;
    } catch (error) {
      log.warn('could not update the approval card; it is tried again at the next periodic pass', { fixRequestId: request.id, error });
      await this.options.addresses.markStale(request.id, this.now()).catch((markError: unknown) => log.warn('could not remember the approval card to update again', { fixRequestId: request.id, error: markError }));
      return false;
    }
  }
}
