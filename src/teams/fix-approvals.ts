import { describeError, isPullDoctorError, PullDoctorError } from '../errors/index.js';
import {
  describeFixRequest,
  type ApproverCheck,
  type FixActor,
  type FixApprovals,
  type FixDecisionResult,
  type FixRequest,
  type ResumeReport,
} from '../fixes/index.js';
import type { Logger } from '../logging/index.js';
import { updateWithRetry, type DocumentStore } from '../store/index.js';
import type { TeamsTransport } from './bot-framework.js';
import type { AdaptiveCardJson } from './cards.js';
import type { CardAction, CardActionInvoke, CardActionOutcome, CardRedraw, FixCardHandler } from './card-actions.js';
import type { ConversationAddress } from './conversations.js';
import type { CardStatus } from './diagnosis-card-data.js';
import { originMark, type FixCardVerb, type Mention } from './fix-card-data.js';
import { isGuid } from '../clients/azure/resource-id.js';

// The fix approval flow in Teams: Request fix (the card it came from marked in place, the approval card the one new
// message), Approve / Reject / Withdraw / Re-run checks on the approval card, and the cards of resumed requests.

/** The store collection that keeps, per fix request id, where its approval card was posted and what it came from. */
export const APPROVAL_CARDS_COLLECTION = 'fix-approval-cards';
/** Fix requests whose approval card Teams refused to update: the periodic pass tries again. */
export const STALE_APPROVAL_CARDS_COLLECTION = 'fix-approval-stale-cards';
/** A card still stale after this long is given up on (the audit and `pulldoctor audit` keep the truth). */
export const STALE_CARD_GIVE_UP_MS = 24 * 3_600_000;
/** At most this many stale cards are retried per pass. */
const STALE_CARDS_PER_PASS = 50;
/** Members of a conversation read to find the approvers to mention, and how many of them are asked about at once. */
const MENTION_CANDIDATES = 50;
const MENTION_CHECKS_AT_ONCE = 5;

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
  return tenantId !== undefined && isGuid(tenantId) ? undefined : NO_TENANT;
}

/** What is kept per fix request for its cards. */
interface ApprovalCardRecord {
  /** Where the approval card is posted. */
  address: ConversationAddress;
  /** The approvers the card mentions (read once, when it is first posted). */
  mentions?: Mention[];
  /** The diagnosis card the request came from, to mark it in place as the request moves on. */
  origin?: { messageId: string; card: CardRedraw };
}

const isText = (value: unknown, max = 2048): value is string => typeof value === 'string' && value !== '' && value.length <= max;
const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object';

/** A stored value is data read back from a shared store: check its shape before posting anywhere with it. */
function isApprovalCardRecord(value: unknown): value is ApprovalCardRecord {
  if (!isObject(value)) return false;
  const a = value.address;
  const addressOk =
    isObject(a) &&
    isText(a.serviceUrl) &&
    typeof a.channelId === 'string' &&
    isObject(a.conversation) &&
    isText(a.conversation.id) &&
    isObject(a.bot) &&
    typeof a.bot.id === 'string';
  const mentionsOk =
    value.mentions === undefined ||
    (Array.isArray(value.mentions) && value.mentions.every((m) => isObject(m) && isText(m.id, 200) && isText(m.name, 200)));
  const o = value.origin;
  const originOk =
    o === undefined ||
    (isObject(o) && isText(o.messageId, 512) && isObject(o.card) && isObject(o.card.subject) && isObject(o.card.actions));
  return addressOk && mentionsOk && originOk;
}

/**
 * Per fix request, where its approval card lives (the conversation address: Bot Connector URL, conversation, bot),
 * whom it mentions, and the card the request came from — kept in the bot's store next to the request, so that any
 * replica, and the periodic resume after a restart, can update the cards. The approval card's message id is the
 * request's own `approvalCardMessageId`.
 */
export class ApprovalCards {
  constructor(private readonly documents: DocumentStore) {}

  async put(fixRequestId: string, record: ApprovalCardRecord): Promise<void> {
    await this.documents.create<ApprovalCardRecord>(APPROVAL_CARDS_COLLECTION, fixRequestId, record);
  }

  /** The record, or undefined when none was kept (or what is kept is not one). */
  async get(fixRequestId: string): Promise<ApprovalCardRecord | undefined> {
    const document = await this.documents.get<unknown>(APPROVAL_CARDS_COLLECTION, fixRequestId);
    return document !== null && isApprovalCardRecord(document.value) ? document.value : undefined;
  }

  async setMentions(fixRequestId: string, mentions: Mention[]): Promise<void> {
    await updateWithRetry<unknown>(this.documents, APPROVAL_CARDS_COLLECTION, fixRequestId, (current) =>
      isApprovalCardRecord(current) ? { ...current, mentions } : undefined,
    );
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
}

/** A person by Entra object id and name. */
export interface KnownPerson {
  objectId: string;
  name: string;
}

/** Who can approve, for the cards. */
export interface ApproversForCards {
  /** In words ("Sandbox approvers: Megan Bowen, …", "2 people listed in APPROVERS"). */
  text: string;
  /** Whether an object id is an approver: which members of a conversation the approval card mentions. */
  check: ApproverCheck;
  /** Approvers known by name, mentioned by object id when Teams does not list the conversation's members. */
  named?: readonly KnownPerson[] | undefined;
}

export interface TeamsFixApprovalsOptions {
  /** The transport-neutral approval flow (src/fixes): it decides, executes and audits. */
  approvals: FixApprovals;
  /** The bot's store: where each request's approval card was posted is kept there. */
  documents: DocumentStore;
  /** The cards (with the bot's label) and the proactive sender. */
  teams: Pick<TeamsTransport, 'cards' | 'sender'>;
  approvers: ApproversForCards;
  /**
   * The sandbox only: approvers a one-press "Approve as …" stands in for (the Agents Playground plays one user). A bot
   * without them offers no such button and refuses its press.
   */
  standIns?: readonly KnownPerson[] | undefined;
  /**
   * Presses are not authenticated (local mode with LOCAL_MODE=true, outside the sandbox): who pressed is only what the
   * request says, so every approval is logged as a warning.
   */
  unauthenticated: boolean;
  now?: (() => Date) | undefined;
}

type Place = { address: ConversationAddress; messageId?: string };

/**
 * The Teams side of the fix approval flow:
 *
 * - **Request fix** (`requestFix`, the card action handler): stores the request with `approvals.request` — the fix
 *   exactly as the stored card action has it, the requester as Teams identifies them (`from.aadObjectId`,
 *   `from.name`), the tenant and the conversation the press came from. The card pressed is drawn again in place,
 *   marked "Fix requested by Dana — waiting for approval" (for everyone), and the approval card is the one new
 *   message, mentioning the approvers of the conversation. A press that finds the same grant already under way gets
 *   the card marked with that request instead, and no second approval card.
 * - The approval card's buttons (`fixCard`): **Approve** / **Reject** by an approver, **Withdraw** by the requester
 *   (`approvals.decide`, strict: the data is `{ id }` and nothing else); **Re-run checks** once applied; the
 *   sandbox's **Approve as …**. A refusal answers the person who pressed and changes nothing. An approval is answered
 *   at once with the "applying" card; the fix is executed afterwards and the approval card (and the card the request
 *   came from) updated for everyone with the outcome.
 * - `refreshCards` updates the cards of what `approvals.resumeInterrupted()` resumed or expired.
 */
export class TeamsFixApprovals {
  private readonly now: () => Date;
  private readonly records: ApprovalCards;
  private readonly teams: Pick<TeamsTransport, 'cards' | 'sender'>;

  constructor(private readonly options: TeamsFixApprovalsOptions) {
    this.now = options.now ?? (() => new Date());
    this.records = new ApprovalCards(options.documents);
    this.teams = options.teams;
  }

  /**
   * The **Request fix** button. The fix, cause and target come from the stored action; who pressed, and where, from
   * the invoke. The request's conversation is the one the press came from (checked to be the action's, or a thread
   * of its channel): the approval card is posted there, so its presses come from there too. An alert posted to a
   * channel stores the channel, but its buttons are pressed in the thread the card started.
   */
  readonly requestFix = async (
    action: Extract<CardAction, { verb: 'requestFix' }>,
    invoke: CardActionInvoke,
    log: Logger,
  ): Promise<CardActionOutcome> => {
    // The card pressed, as it can be drawn again: its Request fix is the button pressed (the router checked its id).
    const pressed = (invoke.data as { id: string }).id;
    const card = action.card && { ...action.card, actions: { ...action.card.actions, requestFixId: pressed } };
    let result: { request: FixRequest; alreadyPending: boolean };
    try {
      result = await this.request(action, card, invoke, log);
    } catch (error) {
      log.warn('fix request failed', { error });
      const why = describeError(error);
      const status: CardStatus = { text: `Could not request the fix: ${why.message} ${why.advice}`, tone: 'attention' };
      // The card stays as it was for everyone; the person who pressed sees why next to it.
      return card ? { card: this.redraw(card, status, true) } : { message: status.text };
    }
    const { request, alreadyPending } = result;
    // In a personal chat nobody else sees the approval card: said, unless a stand-in can approve there (the sandbox).
    const personal = invoke.conversation.conversation.conversationType === 'personal' && (this.options.standIns ?? []).length === 0;
    const { offerRequestFix, ...status } = originMark(describeFixRequest(request, this.now()), {
      again: alreadyPending,
      here: request.conversationId === invoke.conversationId,
      personal,
    });
    const marked = card && this.redraw(card, status, offerRequestFix);
    const afterAnswer = async () => {
      if (marked && invoke.messageId) await this.updateOrigin({ address: invoke.conversation, messageId: invoke.messageId }, marked, log);
      if (!alreadyPending) await this.postApprovalCard(request, invoke.conversation, log);
    };
    return marked ? { card: marked, afterAnswer } : { message: status.text, afterAnswer };
  };

  /** The approval card's buttons: the card's data is the fix request's id, checked by the flow. */
  readonly fixCard: FixCardHandler = async (verb, invoke, log) => {
    try {
      return await this.press(verb, invoke, log);
    } catch (error) {
      log.error('fix card press failed', { error, verb });
      return { card: this.teams.cards.error({ error }) };
    }
  };

  private async request(
    action: Extract<CardAction, { verb: 'requestFix' }>,
    card: CardRedraw | undefined,
    invoke: CardActionInvoke,
    log: Logger,
  ) {
    const objectId = invoke.user.aadObjectId;
    if (invoke.tenantId === undefined || !isGuid(invoke.tenantId)) {
      // A card from before, or a forged press: the reason the card gives instead of the button.
      throw new PullDoctorError(
        'FIX_REFUSED',
        'This conversation belongs to no Microsoft Entra tenant, so the fix cannot be requested here.',
        {
          advice: NO_TENANT,
        },
      );
    }
    if (!objectId || !isGuid(objectId)) {
      throw new PullDoctorError(
        'FIX_REFUSED',
        'Teams did not say who you are (no Entra object id came with your press), so the fix cannot be requested.',
        { advice: 'Request the fix from Microsoft Teams, signed in with your work account.' },
      );
    }
    const { target } = action;
    const result = await this.options.approvals.request({
      fix: action.fix,
      cluster: action.cluster ?? (target.cluster ? { name: target.cluster } : {}),
      pod: { namespace: target.namespace, name: target.pod },
      requester: { objectId, displayName: invoke.user.name ?? '' },
      tenantId: invoke.tenantId,
      conversationId: invoke.conversationId,
      evidence: { cause: action.cause, headline: action.headline, lines: action.evidence ?? [] },
    });
    if (result.alreadyPending) return result;
    const origin = card && invoke.messageId ? { origin: { messageId: invoke.messageId, card } } : {};
    await this.records.put(result.request.id, { address: invoke.conversation, ...origin });
    log.info('fix requested; the approval card follows', { fixRequestId: result.request.id, expiresAt: result.request.expiresAt });
    return result;
  }

  private async press(verb: FixCardVerb, invoke: CardActionInvoke, log: Logger): Promise<CardActionOutcome> {
    if (verb === 'recheck') return this.recheck(invoke, log);
    const actor = { objectId: invoke.user.aadObjectId ?? '', displayName: invoke.user.name ?? '' };
    if (verb !== 'approveAs') return this.decide(verb, actor, undefined, invoke, log);
    const standIn = await this.standInFor(invoke);
    if (standIn === undefined) {
      log.warn('refused an "Approve as" press: this bot has no stand-in approvers (sandbox only)');
      return { card: this.teams.cards.fixRefused({ reason: 'altered-card', message: 'This bot offers no such button.' }) };
    }
    log.info('sandbox: approving as a stand-in approver', { standIn: standIn.objectId, pressedBy: actor.objectId });
    return this.decide('approve', standIn, actor, invoke, log);
  }

  /** The first stand-in who is not the requester (the sandbox's "Approve as Megan Bowen"). */
  private async standInFor(invoke: CardActionInvoke): Promise<FixActor | undefined> {
    const standIns = this.options.standIns ?? [];
    if (standIns.length === 0) return undefined;
    const id = (invoke.data as { id?: unknown } | null)?.id;
    const request = typeof id === 'string' ? await this.options.approvals.get(id) : null;
    const requester = request?.requester.objectId.toLowerCase();
    const chosen = standIns.find((p) => p.objectId.toLowerCase() !== requester) ?? standIns[0]!;
    return { objectId: chosen.objectId, displayName: chosen.name };
  }

  /** The stand-in a card offers for a request ("Approve as …"), when this bot has stand-ins. */
  private standInName(request: FixRequest): string | undefined {
    const requester = request.requester.objectId.toLowerCase();
    return (this.options.standIns ?? []).find((p) => p.objectId.toLowerCase() !== requester)?.name;
  }

  private async decide(
    decision: 'approve' | 'reject' | 'withdraw',
    actor: FixActor,
    pressedBy: FixActor | undefined,
    press: CardActionInvoke,
    log: Logger,
  ): Promise<CardActionOutcome> {
    const result: FixDecisionResult = await this.options.approvals.decide({
      decision,
      actionData: press.data,
      actor,
      pressedBy,
      tenantId: press.tenantId ?? '',
      conversationId: press.conversationId,
      // The approval card's buttons carry exactly { id }: anything else was not sent by this bot.
      strict: true,
    });
    const fallback: Place = { address: press.conversation, ...(press.messageId ? { messageId: press.messageId } : {}) };
    if (!result.ok) {
      log.info('fix card press refused', { reason: result.refusal.reason, decision });
      const request = result.request;
      // Not shown when the press came from outside the request's tenant or conversation, or names no request.
      if (request === undefined) return { card: this.teams.cards.fixRefused(result.refusal) };
      const card = await this.card(request, result.refusal.message);
      // The press found the request expired (and marked it so): everyone's card says so.
      if (result.refusal.reason === 'expired') return { card, afterAnswer: () => this.updateCards(request, log, fallback) };
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
    const card = await this.card(request);
    if (result.decision !== 'approved') return { card, afterAnswer: () => this.updateCards(request, log, fallback) };
    return {
      card,
      afterAnswer: async () => {
        await this.updateOriginOf(request, log);
        await this.execute(request.id, log, fallback);
      },
    };
  }

  /**
   * **Re-run checks** on an applied fix's card: answered at once (the card stays), then the card shows the new
   * diagnosis, for everyone. A refused press answers the person who pressed.
   */
  private async recheck(press: CardActionInvoke, log: Logger): Promise<CardActionOutcome> {
    const result = await this.options.approvals.recheck({
      actionData: press.data,
      actor: { objectId: press.user.aadObjectId ?? '', displayName: press.user.name ?? '' },
      tenantId: press.tenantId ?? '',
      conversationId: press.conversationId,
    });
    if (!result.ok) {
      log.info('fix re-check refused', { reason: result.refusal.reason });
      return result.request === undefined
        ? { card: this.teams.cards.fixRefused(result.refusal) }
        : { card: await this.card(result.request, result.refusal.message) };
    }
    return {
      message: 'Re-running the checks: this card shows what they say in a few seconds.',
      followUp: async () => this.card(await result.rediagnose()),
    };
  }

  /**
   * Updates, for everyone, the approval cards of the requests `resumeInterrupted` ran to the end or expired, and
   * tries again the cards Teams refused to update before.
   */
  async refreshCards(report: ResumeReport, log: Logger): Promise<void> {
    await this.retryStaleCards(log);
    for (const { id, execution } of report.resumed) {
      if (execution.kind === 'finished') await this.updateCards(execution.request, log);
      else log.info('resumed fix execution did not finish here', { fixRequestId: id, reason: execution.reason });
    }
    for (const id of report.expired) {
      const request = await this.options.approvals.get(id).catch((error: unknown) => {
        log.warn('could not read an expired fix request', { fixRequestId: id, error });
        return null;
      });
      if (request !== null) await this.updateCards(request, log);
    }
  }

  /** Cards Teams refused before: an approval card never posted (while its request is pending), or an update. */
  private async retryStaleCards(log: Logger): Promise<void> {
    const stale = await this.records.stale().catch((error: unknown) => {
      log.warn('could not list the approval cards to update again', { error });
      return [];
    });
    for (const { fixRequestId, since } of stale) {
      const request = await this.options.approvals.get(fixRequestId).catch(() => null);
      const givenUp = this.now().getTime() - Date.parse(since) > STALE_CARD_GIVE_UP_MS;
      if (request === null || givenUp) {
        if (givenUp) log.warn('gave up updating an approval card Teams keeps refusing', { fixRequestId, since });
        await this.records.clearStale(fixRequestId).catch(() => undefined);
        continue;
      }
      let done: boolean;
      if (request.approvalCardMessageId !== undefined) done = await this.updateCard(request, log);
      else if (request.status !== 'pending' || Date.parse(request.expiresAt) <= this.now().getTime())
        done = true; // no card, and none is due now
      else {
        const record = await this.records.get(request.id).catch(() => undefined);
        done = record !== undefined && (await this.postApprovalCard(request, record.address, log));
      }
      if (done) await this.records.clearStale(fixRequestId).catch(() => undefined);
    }
  }

  private async card(request: FixRequest, notice?: string): Promise<AdaptiveCardJson> {
    const record = await this.records.get(request.id).catch(() => undefined);
    const standIn = this.standInName(request);
    return this.teams.cards.fixApproval({
      view: describeFixRequest(request, this.now()),
      approvers: this.options.approvers.text,
      ...(record?.mentions ? { mentions: record.mentions } : {}),
      ...(notice === undefined ? {} : { notice }),
      ...(standIn === undefined ? {} : { standIn }),
    });
  }

  /**
   * The approval card, in the conversation of the press, mentioning the approvers who are there; its message id is
   * kept for updates. When Teams refuses, the request stays pending and the periodic pass (`refreshCards`) posts the
   * card later.
   */
  private async postApprovalCard(request: FixRequest, to: ConversationAddress, log: Logger): Promise<boolean> {
    const record = await this.records.get(request.id).catch(() => undefined);
    if (record !== undefined && record.mentions === undefined) {
      const mentions = await this.mentions(request, to, log);
      await this.records.setMentions(request.id, mentions).catch((error: unknown) => {
        log.warn('could not keep whom the approval card mentions', { fixRequestId: request.id, error });
      });
    }
    let activityId: string | undefined;
    try {
      ({ activityId } = await this.teams.sender.sendCard(to, await this.card(request), log));
    } catch (error) {
      // Nothing was changed; the request expires unless the card gets through and someone decides on it.
      log.error('could not post the approval card; it is tried again at the next periodic pass', { fixRequestId: request.id, error });
      await this.records
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

  /**
   * The approvers to mention on the approval card: in a channel or group chat, its members (as Teams lists them) who
   * are approvers, never the requester; the approvers known by name when Teams does not list the members. None in a
   * personal chat (nobody else is there).
   */
  private async mentions(request: FixRequest, to: ConversationAddress, log: Logger): Promise<Mention[]> {
    const type = to.conversation.conversationType;
    if (type !== 'channel' && type !== 'groupChat') return [];
    const requester = request.requester.objectId.toLowerCase();
    let candidates: Array<{ objectId: string; mention: Mention }>;
    try {
      const members = await this.teams.sender.members(to, MENTION_CANDIDATES, log);
      candidates = members.flatMap((m) =>
        m.aadObjectId ? [{ objectId: m.aadObjectId.toLowerCase(), mention: { id: m.id, name: m.name || m.aadObjectId } }] : [],
      );
    } catch (error) {
      log.warn('could not list the conversation members to mention the approvers; naming the known ones', { error });
      candidates = (this.options.approvers.named ?? []).map((p) => ({
        objectId: p.objectId.toLowerCase(),
        mention: { id: p.objectId, name: p.name },
      }));
    }
    const others = candidates.filter((c) => c.objectId !== requester).slice(0, MENTION_CANDIDATES);
    const mentions: Mention[] = [];
    for (let i = 0; i < others.length; i += MENTION_CHECKS_AT_ONCE) {
      const batch = others.slice(i, i + MENTION_CHECKS_AT_ONCE);
      const verdicts = await Promise.all(batch.map((c) => this.options.approvers.check(c.objectId).catch(() => ({ approver: false }))));
      batch.forEach((c, j) => verdicts[j]!.approver && mentions.push(c.mention));
    }
    log.info('approvers to mention on the approval card', { fixRequestId: request.id, mentions: mentions.length });
    return mentions;
  }

  /** After an approval was answered: execute it, then show everyone how it ended. */
  private async execute(id: string, log: Logger, fallback: Place): Promise<void> {
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
      await this.updateCards(execution.request, log, fallback);
      return;
    }
    // Another executor (a resume on some replica) has it: that one updates the card when it is done.
    log.info('fix execution skipped here', { fixRequestId: id, reason: execution.reason });
  }

  /** The approval card and the card the request came from, for everyone. */
  private async updateCards(request: FixRequest, log: Logger, fallback?: Place): Promise<void> {
    await this.updateCard(request, log, fallback);
    await this.updateOriginOf(request, log);
  }

  /**
   * Replaces the approval card for everyone in the conversation. When Teams refuses, the card is remembered as stale
   * and the periodic pass (`refreshCards`) tries again with the request's state at that time. True when updated.
   */
  private async updateCard(request: FixRequest, log: Logger, fallback?: Place): Promise<boolean> {
    try {
      const address = (await this.records.get(request.id))?.address ?? fallback?.address;
      const messageId = request.approvalCardMessageId ?? fallback?.messageId;
      if (address === undefined || messageId === undefined) {
        log.warn('no approval card to update', { fixRequestId: request.id, status: request.status });
        return false;
      }
      await this.teams.sender.updateCard(address, messageId, await this.card(request), log);
      log.info('approval card updated', { fixRequestId: request.id, status: request.status });
      return true;
    } catch (error) {
      log.warn('could not update the approval card; it is tried again at the next periodic pass', { fixRequestId: request.id, error });
      await this.records
        .markStale(request.id, this.now())
        .catch((markError: unknown) =>
          log.warn('could not remember the approval card to update again', { fixRequestId: request.id, error: markError }),
        );
      return false;
    }
  }

  /**
   * The diagnosis card the request came from, drawn again with where the request stands (approved, applied,
   * rejected, withdrawn, expired), for everyone. An alert card is left to the alerts, which update it as pods fail
   * and recover: it was marked when the fix was requested.
   */
  private async updateOriginOf(request: FixRequest, log: Logger): Promise<void> {
    const record = await this.records.get(request.id).catch(() => undefined);
    const origin = record?.origin;
    if (record === undefined || origin === undefined || origin.card.subject.kind !== 'diagnosis') return;
    const { offerRequestFix, ...status } = originMark(describeFixRequest(request, this.now()), {
      again: false,
      here: true,
      personal: record.address.conversation.conversationType === 'personal' && (this.options.standIns ?? []).length === 0,
    });
    await this.updateOrigin(
      { address: record.address, messageId: origin.messageId },
      this.redraw(origin.card, status, offerRequestFix),
      log,
    );
  }

  /** A best effort: the approval card carries the truth; the card a fix was requested from only reflects it. */
  private async updateOrigin(place: Place, card: AdaptiveCardJson, log: Logger): Promise<void> {
    try {
      await this.teams.sender.updateCard(place.address, place.messageId!, card, log);
    } catch (error) {
      log.warn('could not mark the card the fix was requested from', { messageId: place.messageId, error });
    }
  }

  /** The card a fix was requested from, drawn again under `status`; Request fix only when `offerRequestFix`. */
  private redraw(card: CardRedraw, status: CardStatus, offerRequestFix: boolean): AdaptiveCardJson {
    const { requestFixId, ...ids } = card.actions;
    const actions = offerRequestFix && requestFixId !== undefined ? { ...ids, requestFixId } : ids;
    const { subject } = card;
    return subject.kind === 'diagnosis'
      ? this.teams.cards.diagnosis({ diagnosis: subject.diagnosis, run: subject.run, actions, status })
      : this.teams.cards.alert({ view: subject.view, actions, status });
  }
}
