import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConnectorServer, type ConnectorCall } from '../support/connector-server.js';
import { startBot, type BotUnderTest, type StartBotOptions } from '../support/bot.js';
import { FixtureDiagnoser } from '../support/fixture-diagnoser.js';
import { HeldDiagnoser, recording, SANDBOX_PODS, startSandboxDiagnoser, type SandboxDiagnoser } from '../support/sandbox-diagnoser.js';
import { adaptiveCardProblems } from '../support/adaptive-card-validator.js';
import { cardBytes, cardTexts, executeActions } from '../support/card-text.js';
import {
  BOT,
  botAddedActivity,
  botRemovedActivity,
  cardActionInvoke,
  installationUpdateActivity,
  channelThread,
  messageActivity,
  personalChat,
  postActivity,
  TENANT_ID,
  USER,
  type Conversation,
} from '../support/teams-activities.js';
import { hostile, manyContainers } from '../fixtures/diagnoses/index.js';
import { CHAT_COMMANDS } from '../../src/chat/command-words.js';
import type { Diagnosis } from '../../src/diagnosis/types.js';
import type { DiagnosisTarget } from '../../src/diagnosis/types.js';
import type { Diagnose } from '../../src/teams/diagnosis-cards.js';
import { channelOf, type ConversationAddress } from '../../src/teams/conversations.js';
import { silentLogger, type Logger } from '../../src/logging/index.js';

type Card = Record<string, unknown>;

function cardOf(call: ConnectorCall): Card {
  const attachments = call.activity?.attachments as Array<{ contentType: string; content: Card }> | undefined;
  assert.ok(attachments && attachments.length === 1, `expected one attachment in ${JSON.stringify(call.activity)}`);
  assert.equal(attachments[0]!.contentType, 'application/vnd.microsoft.card.adaptive');
  return attachments[0]!.content;
}

function invokeCard(body: unknown): Card {
  const response = body as { statusCode: number; type: string; value: Card };
  assert.equal(response.statusCode, 200);
  assert.equal(response.type, 'application/vnd.microsoft.card.adaptive');
  return response.value;
}

/** A diagnoser that holds every diagnosis until the test opens it, counting how many run at once. */
class GatedDiagnoser {
  running = 0;
  mostAtOnce = 0;
  started = 0;
  private opened = false;
  private waiting: Array<() => void> = [];
  constructor(private readonly inner: Diagnose) {}
  readonly diagnose = async (request: DiagnosisTarget, log: Logger): Promise<Diagnosis> => {
    this.started++;
    this.running++;
    this.mostAtOnce = Math.max(this.mostAtOnce, this.running);
    try {
      if (!this.opened) await new Promise<void>((resolve) => this.waiting.push(resolve));
      return await this.inner(request, log);
    } finally {
      this.running--;
    }
  };
  open(): void {
    this.opened = true;
    for (const go of this.waiting.splice(0)) go();
  }
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 300 && !condition(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(condition(), `condition not met: ${condition.toString()}`);
}

const WEB = SANDBOX_PODS.missingAcrPull;
/** The diagnosis card's title line (and summary) for it: the root cause in its own terms. */
const WEB_TITLE = '❌ Kubelet identity of shop-aks has no AcrPull on shopacr';

describe('the Teams bot over /api/messages (the real engine on the sandbox)', function () {
  this.timeout(20_000);
  let sandbox: SandboxDiagnoser;
  let connector: ConnectorServer;
  let bot: BotUnderTest;
  let diagnoser: ReturnType<typeof recording>;

  /** The bot with no cluster configured, diagnosing the sandbox through `diagnose` (recording what it asks). */
  async function start(options: StartBotOptions = {}): Promise<void> {
    diagnoser = recording(sandbox.engine);
    bot = await startBot({ diagnose: diagnoser, ...options });
  }

  /** Fix requests wired in: approvers, and the sandbox's identity and Resource Manager to grant with. */
  const withFixes = (): StartBotOptions => ({
    env: { APPROVERS: '0f0e0d0c-0b0a-4909-8807-060504030201', AZURE_RESOURCE_MANAGER_ENDPOINT: sandbox.world.arm.url, LOCAL_MODE: 'true' },
    azureCredential: sandbox.world.credential,
  });

  before(async () => {
    sandbox = await startSandboxDiagnoser();
  });

  after(async () => {
    await sandbox?.close();
  });

  /** Sends "why is pod … failing in …" and returns the diagnosis card message (after its in-place update). */
  async function askAbout(conversation: Conversation, text: string): Promise<{ messageId: string; card: Card }> {
    const result = await postActivity(bot.url, messageActivity(connector.serviceUrl, conversation, text));
    assert.equal(result.status, 200);
    const update = await connector.waitFor((c) => c.operation === 'update' && c.conversationId === conversation.id);
    return { messageId: update.activityId!, card: cardOf(update) };
  }

  /** The events card Show events posts as a new message in the conversation. */
  function eventsPosted(conversationId: string) {
    return connector.waitFor(
      (c) =>
        c.operation !== 'update' &&
        c.conversationId === conversationId &&
        c.activity?.type === 'message' &&
        cardTexts(cardOf(c))[0]?.startsWith('Events for ') === true,
    );
  }

  beforeEach(async () => {
    connector = await ConnectorServer.start();
  });

  afterEach(async () => {
    await bot?.stop();
    await connector.stop();
  });

  it('answers a diagnose request in a personal chat with typing, a "Diagnosing" card, then that card updated in place', async () => {
    await start();
    const chat = personalChat();
    const { messageId, card } = await askAbout(chat, `why is pod ${WEB} failing in shop`);

    const [typing, placeholder, update] = connector.activities(chat.id);
    assert.equal(typing!.activity!.type, 'typing');
    assert.equal(placeholder!.operation, 'reply', 'the placeholder replies to the user message');
    assert.deepEqual(cardTexts(cardOf(placeholder!)).slice(0, 1), [`⏳ Diagnosing shop/${WEB}…`]);
    assert.equal(update!.operation, 'update');
    assert.equal(messageId, placeholder!.resultId, 'the diagnosis replaces the placeholder message');

    assert.equal(card.fallbackText, WEB_TITLE, 'the root cause in the title and the summary');
    assert.equal(update!.activity!.summary, WEB_TITLE, 'the updated message says it in its summary');
    assert.equal(placeholder!.activity!.summary, `⏳ Diagnosing shop/${WEB}…`);
    assert.deepEqual(adaptiveCardProblems(card), []);
    assert.deepEqual(diagnoser.requests, [{ pod: WEB, namespace: 'shop' }]);
  });

  it('does not send a typing indicator in a channel thread', async () => {
    await start();
    const thread = channelThread();
    await askAbout(thread, `diagnose ${WEB} -n shop`);
    assert.deepEqual(
      connector.activities(thread.id).map((c) => [c.operation, c.activity!.type]),
      [
        ['reply', 'message'],
        ['update', 'message'],
      ],
    );
  });

  it('re-runs the checks from the card: answers at once with "Re-running checks", then updates the message with the new diagnosis', async () => {
    await start();
    const chat = personalChat();
    const { messageId, card } = await askAbout(chat, `why is pod ${WEB} failing in shop`);
    assert.ok(cardTexts(card).some((t) => t.startsWith('Run 1 · checked at')));
    const rerun = executeActions(card).find((a) => a.verb === 'rerun')!;

    const result = await postActivity(bot.url, cardActionInvoke(connector.serviceUrl, chat, messageId, rerun));
    assert.equal(result.status, 200);
    const answer = invokeCard(result.body);
    assert.equal(cardTexts(answer)[0], `⏳ Re-running checks for shop/${WEB}… (run 2)`);
    assert.deepEqual(adaptiveCardProblems(answer), []);

    const update = await connector.waitFor(
      (c) => c.operation === 'update' && c.activityId === messageId && cardTexts(cardOf(c)).some((t) => t.startsWith('Run 2 · ')),
    );
    assert.equal(diagnoser.requests.length, 2);
    const refreshed = cardOf(update);
    assert.equal(refreshed.fallbackText, WEB_TITLE);
    assert.notEqual(executeActions(refreshed).find((a) => a.verb === 'rerun')!.data.id, rerun.data.id, 'the new card has new ids');
  });

  it('starts the re-run only once the invoke is answered, so the "Re-running" answer can never overwrite the result', async () => {
    const held = new HeldDiagnoser(sandbox.engine);
    bot = await startBot({ diagnose: held.diagnose });
    const chat = personalChat();
    await postActivity(bot.url, messageActivity(connector.serviceUrl, chat, `why is pod ${WEB} failing in shop`));
    await until(() => held.started === 1);
    held.release();
    const first = await connector.waitFor((c) => c.operation === 'update');
    const rerun = executeActions(cardOf(first)).find((a) => a.verb === 'rerun')!;

    const answered = await postActivity(bot.url, cardActionInvoke(connector.serviceUrl, chat, first.activityId!, rerun));
    assert.equal(cardTexts(invokeCard(answered.body))[0], `⏳ Re-running checks for shop/${WEB}… (run 2)`);
    await until(() => held.started === 2);
    assert.equal(connector.calls.filter((c) => c.operation === 'update').length, 1, 'nothing updated before the diagnosis finished');
    held.release();
    const second = await connector.waitFor((c) => c.operation === 'update' && cardTexts(cardOf(c)).some((t) => t.startsWith('Run 2 · ')));
    assert.equal(second.activityId, first.activityId);
  });

  it('shows the events of the diagnosis in a new message, leaving the diagnosis card as it was', async () => {
    await start();
    const chat = personalChat();
    const { messageId, card } = await askAbout(chat, `why is pod ${WEB} failing in shop`);
    const events = executeActions(card).find((a) => a.verb === 'events')!;
    const updatesBefore = connector.calls.filter((c) => c.operation === 'update').length;
    const result = await postActivity(bot.url, cardActionInvoke(connector.serviceUrl, chat, messageId, events));
    assert.deepEqual(result.body, {
      statusCode: 200,
      type: 'application/vnd.microsoft.activity.message',
      value: 'The events are in a new message below.',
    });
    const eventsCard = cardOf(await eventsPosted(chat.id));
    const texts = cardTexts(eventsCard);
    assert.equal(texts[0], `Events for shop/${WEB}`);
    assert.ok(
      texts.some((t) => /^ℹ️ BackOff ×\d+ · last \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/.test(t)),
      JSON.stringify(texts),
    );
    assert.ok(texts.some((t) => t.includes('401 Unauthorized')));
    assert.deepEqual(
      executeActions(eventsCard).map((a) => a.verb),
      ['rerun'],
    );
    assert.deepEqual(adaptiveCardProblems(eventsCard), []);
    assert.equal(diagnoser.requests.length, 1, 'showing events does not diagnose again');
    assert.equal(connector.calls.filter((c) => c.operation === 'update').length, updatesBefore, 'the diagnosis card was not replaced');
  });

  it('offers no Request fix button when no fix request handler is configured', async () => {
    await start();
    const { card } = await askAbout(personalChat(), `why is pod ${WEB} failing in shop`);
    assert.deepEqual(
      executeActions(card).map((a) => a.title),
      ['Re-run checks', 'Show events'],
    );
  });

  it('records a fix request with the fix stored server-side and the user who pressed the button, and marks the card in place', async () => {
    await start(withFixes());
    const chat = personalChat();
    const { messageId, card } = await askAbout(chat, `why is pod ${WEB} failing in shop`);
    const requestFix = executeActions(card).find((a) => a.verb === 'requestFix');
    assert.ok(requestFix, 'the button is shown when the diagnosis has a fix and fix requests are wired in');
    assert.equal(requestFix.title, 'Request fix');

    const result = await postActivity(bot.url, cardActionInvoke(connector.serviceUrl, chat, messageId, requestFix));
    // The answer is the diagnosis card itself, marked: the cause stays, Request fix goes.
    const marked = invokeCard(result.body);
    const texts = cardTexts(marked);
    assert.equal(
      texts.find((t) => t.startsWith('❌')),
      cardTexts(card).find((t) => t.startsWith('❌')),
      'the same title',
    );
    assert.ok(
      texts.some((t) => t.startsWith(`Fix requested by ${USER.name} — waiting for approval`)),
      JSON.stringify(texts),
    );
    assert.deepEqual(
      executeActions(marked).map((a) => a.verb),
      ['rerun', 'events'],
    );
    const [document] = await bot.app.store.documents.list('fix-requests');
    const stored = await bot.app.fixes!.approvals.get(document!.id);
    assert.ok(stored, `the request ${document!.id} is stored`);
    assert.deepEqual(
      {
        fix: stored.fix,
        cluster: stored.cluster,
        pod: stored.pod,
        requester: stored.requester,
        tenantId: stored.tenantId,
        conversationId: stored.conversationId,
      },
      {
        fix: {
          kind: 'assign-acr-pull',
          principalId: sandbox.world.ids.kubeletObjectId,
          scope: sandbox.world.ids.registryIds.shopacr,
          roleDefinitionId: `/subscriptions/${sandbox.world.ids.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/7f951dda-4ed3-4680-a7ca-43fe172d538d`,
        },
        cluster: { name: 'shop-aks', resourceId: sandbox.world.ids.clusterId },
        pod: { namespace: 'shop', name: WEB },
        requester: { objectId: USER.aadObjectId, displayName: USER.name },
        tenantId: TENANT_ID,
        conversationId: chat.id,
      },
    );
    assert.equal(stored.evidence.cause, 'unauthorized');
    const evidence = stored.evidence.lines;
    assert.equal(evidence[0], 'Image shopacr.azurecr.io/shop/web:2.4.1');
    assert.ok(
      evidence[1]!.startsWith('Failed ×') && evidence[1]!.endsWith('401 Unauthorized'),
      'the key event is cut in the middle: its verdict stays',
    );
    assert.ok(evidence.every((l) => l.length <= 300));
    assert.ok(evidence.includes('The kubelet identity of shop-aks has no role that lets it pull from shopacr.'));
    // The approval card follows in the conversation the press came from.
    const approval = await connector.waitFor(
      (c) =>
        c.conversationId === chat.id &&
        c.activity?.type === 'message' &&
        c.operation !== 'update' &&
        cardTexts(cardOf(c)).includes('Fix approval'),
    );
    assert.equal(approval.conversationId, chat.id);
    // Everyone's diagnosis card is marked too; the approval card is the one new message.
    const update = await connector.waitFor(
      (c) => c.operation === 'update' && c.activityId === messageId && cardTexts(cardOf(c)).some((t) => t.startsWith('Fix requested by')),
    );
    assert.deepEqual(cardOf(update), marked);
    assert.equal(
      connector.calls.filter((c) => c.operation !== 'update' && c.activity?.type === 'message' && c.conversationId === chat.id).length,
      2,
      'the "Diagnosing" message and the approval card',
    );
  });

  it('never offers Request fix for a diagnosis without a fix', async () => {
    await start(withFixes());
    const { card } = await askAbout(personalChat(), `why is pod ${SANDBOX_PODS.crashLoop} failing in shop`);
    assert.deepEqual(
      executeActions(card).map((a) => a.verb),
      ['rerun', 'events'],
    );
  });

  it('refuses a card action id that is made up, used with another verb, or replayed in another conversation', async () => {
    await start(withFixes());
    const chat = personalChat();
    const { messageId, card } = await askAbout(chat, `why is pod ${WEB} failing in shop`);
    const eventsId = executeActions(card).find((a) => a.verb === 'events')!.data.id;
    const attempts = [
      { conversation: chat, action: { verb: 'rerun', data: { id: 'made-up' } } },
      { conversation: chat, action: { verb: 'requestFix', data: { id: eventsId } } },
      { conversation: personalChat(), action: { verb: 'events', data: { id: eventsId } } },
      { conversation: chat, action: { verb: 'rerun', data: 'not an object' } },
      { conversation: chat, action: { verb: 'deleteCluster', data: { id: eventsId } } },
    ];
    for (const { conversation, action } of attempts) {
      const result = await postActivity(bot.url, cardActionInvoke(connector.serviceUrl, conversation, messageId, action));
      assert.equal(result.status, 200);
      assert.equal(cardTexts(invokeCard(result.body))[0], 'That request is not valid', JSON.stringify(action));
      assert.ok(cardTexts(invokeCard(result.body)).includes('This card has expired or does not belong to this conversation.'));
    }
    assert.equal(diagnoser.requests.length, 1);
    assert.deepEqual(await bot.app.store.documents.list('fix-requests'), [], 'no fix was requested');
    assert.ok(bot.logs.some((r) => r.msg === 'card action refused' && r.reason === 'verb or conversation mismatch'));
  });

  it('turns a pod that does not exist into an error card naming similar pods, with a button for each and Try again', async () => {
    await start();
    const chat = personalChat();
    const { messageId, card } = await askAbout(chat, 'why is pod web-7d4c9c failing in shop');
    const texts = cardTexts(card);
    assert.equal(texts[0], 'Pod not found');
    assert.ok(texts.includes(`No pod "web-7d4c9c" in namespace "shop". Did you mean: ${WEB}?`), JSON.stringify(texts));
    assert.ok(!texts.some((t) => t.startsWith('Did you mean')), 'the names are not repeated');
    assert.deepEqual(adaptiveCardProblems(card), []);
    const buttons = executeActions(card);
    assert.deepEqual(
      buttons.map((a) => [a.title, a.verb]),
      [
        [`Diagnose ${WEB}`, 'diagnose'],
        ['Try again', 'rerun'],
      ],
    );

    const again = await postActivity(bot.url, cardActionInvoke(connector.serviceUrl, chat, messageId, buttons[1]!));
    assert.equal(cardTexts(invokeCard(again.body))[0], '⏳ Re-running checks for shop/web-7d4c9c… (run 2)');
    await connector.waitFor(
      (c) => c.operation === 'update' && c.activityId === messageId && cardTexts(cardOf(c)).includes('Pod shop/web-7d4c9c'),
    );
    assert.deepEqual(diagnoser.requests.at(-1), { pod: 'web-7d4c9c', namespace: 'shop' });
  });

  it('diagnoses a suggested pod from its button, replacing the "not found" card with that diagnosis', async () => {
    await start();
    const chat = personalChat();
    const { messageId, card } = await askAbout(chat, 'why is pod web-7d4c9c failing in shop');
    const suggestion = executeActions(card).find((a) => a.verb === 'diagnose')!;
    const answer = await postActivity(bot.url, cardActionInvoke(connector.serviceUrl, chat, messageId, suggestion));
    assert.equal(cardTexts(invokeCard(answer.body))[0], `⏳ Diagnosing shop/${WEB}…`);
    const update = await connector.waitFor(
      (c) => c.operation === 'update' && c.activityId === messageId && cardOf(c).fallbackText === WEB_TITLE,
    );
    assert.ok(cardTexts(cardOf(update)).some((t) => t.startsWith('Run 1 · checked at')));
    assert.deepEqual(diagnoser.requests.at(-1), { pod: WEB, namespace: 'shop' });
  });

  it('keeps hostile and huge diagnoses inert and small on their way to Teams (stored diagnoses no cluster would give)', async () => {
    bot = await startBot({ diagnose: new FixtureDiagnoser([{ ...hostile, pod: 'pwn-1' }, manyContainers]).diagnose });
    const chat = personalChat();
    const { card: hostileCard } = await askAbout(chat, 'why is pod pwn-1 failing in shop');
    const shown = JSON.stringify({ ...hostileCard, $schema: undefined });
    for (const forbidden of ['://', '<at>', 'eyJ', '{{', '<script>']) assert.ok(!shown.includes(forbidden), forbidden);
    assert.deepEqual(adaptiveCardProblems(hostileCard), []);

    const other = personalChat();
    const { messageId, card: bigCard } = await askAbout(other, 'diagnose batch-ingest-28436102-zx9vq -n batch');
    assert.ok(cardBytes(bigCard) < 28_000, `${cardBytes(bigCard)} bytes`);
    const events = executeActions(bigCard).find((a) => a.verb === 'events')!;
    await postActivity(bot.url, cardActionInvoke(connector.serviceUrl, other, messageId, events));
    const eventsCard = cardOf(await eventsPosted(other.id));
    assert.ok(cardBytes(eventsCard) < 28_000, `${cardBytes(eventsCard)} bytes`);
    assert.ok(cardTexts(eventsCard).some((t) => t.startsWith('…and 185 older events')));
  });

  it('says that no cluster is configured when started without one', async () => {
    bot = await startBot();
    const chat = personalChat();
    await postActivity(bot.url, messageActivity(connector.serviceUrl, chat, `why is pod ${WEB} failing in shop`));
    const update = await connector.waitFor((c) => c.operation === 'update');
    const texts = cardTexts(cardOf(update));
    assert.equal(texts[0], 'The configuration is invalid');
    assert.ok(texts.includes('No cluster is configured for this bot, so there is nothing to diagnose yet.'));
  });

  it('answers help with the command list, and text it does not understand with the list and what it heard', async () => {
    await start();
    const chat = personalChat();
    await postActivity(bot.url, messageActivity(connector.serviceUrl, chat, 'help'));
    await postActivity(bot.url, messageActivity(connector.serviceUrl, chat, 'make me a **sandwich**'));
    const [help, unknown] = connector.activities(chat.id).map((c) => cardTexts(cardOf(c)));
    assert.ok(help!.includes('What Pull Doctor understands'));
    for (const example of CHAT_COMMANDS.find((c) => c.id === 'diagnose')!.examples.slice(0, 3)) assert.ok(help!.includes(example), example);
    assert.equal(unknown![0], 'I did not understand “make me a ∗∗sandwich∗∗”');
    assert.ok(!unknown!.includes('What Pull Doctor understands'), 'a short answer, not the whole help card');
    assert.equal(diagnoser.requests.length, 0);
  });

  it('understands the chat grammar with a Teams mention and HTML, and diagnoses the pod it names', async () => {
    await start();
    const thread = channelThread();
    await askAbout(thread, `<at>Pull Doctor</at> why is pod <b>${WEB}</b>&nbsp;failing in namespace shop?<br>`);
    assert.deepEqual(diagnoser.requests, [{ pod: WEB, namespace: 'shop' }]);
  });

  it('explains an invalid request instead of diagnosing', async () => {
    await start();
    const chat = personalChat();
    await postActivity(bot.url, messageActivity(connector.serviceUrl, chat, 'diagnose Web_Pod!'));
    const texts = cardTexts(cardOf(await connector.waitFor((c) => c.conversationId === chat.id)));
    assert.equal(texts[0], 'That request is not valid');
    assert.ok(texts.includes("Pod name 'Web_Pod' may only contain lower-case letters, digits, '-' and '.'."), JSON.stringify(texts));
    assert.equal(diagnoser.requests.length, 0);
  });

  it('runs a bounded number of diagnoses at once: the next wait in line, saying so, and past the line the answer is busy', async () => {
    const gated = new GatedDiagnoser(sandbox.engine);
    bot = await startBot({ diagnose: gated.diagnose, tuning: { diagnosisLimits: { running: 2, waiting: 2 } } });
    const chats = Array.from({ length: 5 }, () => personalChat());
    for (const chat of chats)
      assert.equal(
        (await postActivity(bot.url, messageActivity(connector.serviceUrl, chat, `why is pod ${WEB} failing in shop`))).status,
        200,
      );
    const firstCard = (chat: Conversation) => cardTexts(cardOf(connector.activities(chat.id).find((c) => c.activity?.type === 'message')!));

    assert.equal(gated.started, 2, 'two diagnoses run');
    assert.deepEqual(
      chats.slice(0, 4).map((chat) => firstCard(chat)[0]),
      [
        `⏳ Diagnosing shop/${WEB}…`,
        `⏳ Diagnosing shop/${WEB}…`,
        `⏳ Waiting to diagnose shop/${WEB}… (number 1 in line)`,
        `⏳ Waiting to diagnose shop/${WEB}… (number 2 in line)`,
      ],
    );
    const busy = connector.activities(chats[4]!.id).find((c) => c.activity?.type === 'message')!;
    assert.equal(cardTexts(cardOf(busy))[0], 'Pull Doctor is busy');
    assert.ok(cardTexts(cardOf(busy)).includes('Try again in a minute or two.'), JSON.stringify(cardTexts(cardOf(busy))));

    gated.open();
    for (const chat of chats.slice(0, 4)) {
      const update = await connector.waitFor((c) => c.operation === 'update' && c.conversationId === chat.id);
      assert.equal(cardOf(update).fallbackText, WEB_TITLE, 'a diagnosis that waited completes too');
    }
    assert.equal(gated.mostAtOnce, 2, 'never more than two at once');

    const tryAgain = executeActions(cardOf(busy)).find((a) => a.title === 'Try again')!;
    const answer = await postActivity(bot.url, cardActionInvoke(connector.serviceUrl, chats[4]!, busy.resultId!, tryAgain));
    assert.equal(cardTexts(invokeCard(answer.body))[0], `⏳ Re-running checks for shop/${WEB}… (run 2)`);
    const update = await connector.waitFor((c) => c.operation === 'update' && c.conversationId === chats[4]!.id);
    assert.equal(cardOf(update).fallbackText, WEB_TITLE);
  });

  it('sends the diagnosis as a new message when Teams refuses to update the placeholder', async () => {
    await start();
    connector.failUpdatesWith = 400;
    const chat = personalChat();
    await postActivity(bot.url, messageActivity(connector.serviceUrl, chat, `why is pod ${WEB} failing in shop`));
    await connector.waitFor((c) => c.conversationId === chat.id && c.activity?.type === 'message' && cardOf(c).fallbackText === WEB_TITLE);
    const messages = connector.activities(chat.id).filter((c) => c.activity!.type === 'message');
    assert.equal(messages.length, 2);
    assert.equal(cardOf(messages[1]!).fallbackText, WEB_TITLE);
    assert.ok(bot.logs.some((r) => r.msg === 'could not update the card in place' && r.level === 'warn'));
  });

  it('welcomes the team or user when it is installed', async () => {
    await start();
    const chat = personalChat();
    await postActivity(bot.url, botAddedActivity(connector.serviceUrl, chat));
    const texts = cardTexts(cardOf(await connector.waitFor((c) => c.conversationId === chat.id)));
    assert.match(texts[0]!, /^Hi! I tell you why a pod is failing/);
  });

  it('marks every card "Sandbox" when the diagnoses come from the bundled sandbox', async () => {
    await start({ sandbox: true });
    const chat = personalChat();
    await askAbout(chat, `why is pod ${WEB} failing in shop`);
    for (const call of connector.activities(chat.id).filter((c) => c.activity!.type === 'message')) {
      assert.ok(cardTexts(cardOf(call)).some((t) => t.includes('**Sandbox**')));
    }
  });

  it('logs each turn with its own turn id, the conversation id and the activity id', async () => {
    await start();
    const chat = personalChat();
    const first = messageActivity(connector.serviceUrl, chat, `why is pod ${WEB} failing in shop`);
    const second = messageActivity(connector.serviceUrl, chat, 'help');
    await postActivity(bot.url, first);
    await postActivity(bot.url, second);
    await connector.waitFor((c) => c.operation === 'update');
    await until(() => bot.logs.some((r) => r.msg === 'diagnosis finished'));
    const byActivity = (id: string) => bot.logs.filter((r) => r.activityId === id);
    assert.ok(byActivity(first.id).some((r) => r.msg === 'diagnosis finished' && r.verdict === 'problem'));
    const firstTurns = new Set(byActivity(first.id).map((r) => r.turnId));
    const secondTurns = new Set(byActivity(second.id).map((r) => r.turnId));
    assert.equal(firstTurns.size, 1);
    assert.equal(secondTurns.size, 1);
    assert.notDeepEqual(firstTurns, secondTurns);
    assert.ok(byActivity(first.id).every((r) => r.conversationId === chat.id));
  });

  it('in local mode, refuses activities whose serviceUrl is not on this machine and sends nothing there', async () => {
    await start();
    const result = await postActivity(bot.url, messageActivity('https://smba.trafficmanager.net/emea/', personalChat(), 'help'));
    assert.equal(result.status, 403);
    assert.equal(diagnoser.requests.length, 0);
  });

  it('with an app id, rejects requests without a Bot Framework token before the bot sees them', async () => {
    await start({
      env: {
        MicrosoftAppId: '3f8a2c1e-5b7d-4e9f-a1c3-0d2e4f6a8b9c',
        MicrosoftAppType: 'UserAssignedMsi',
        MicrosoftAppTenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
      },
    });
    const result = await postActivity(bot.url, messageActivity(connector.serviceUrl, personalChat(), `why is pod ${WEB} failing in shop`));
    assert.equal(result.status, 401);
    assert.equal(diagnoser.requests.length, 0);
    assert.equal(connector.calls.length, 0);
  });

  it("keeps its buttons working across a restart: card actions are in the bot's store", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pulldoctor-bot-restart-'));
    try {
      await start({ dir });
      const chat = personalChat();
      const { messageId, card } = await askAbout(chat, `why is pod ${WEB} failing in shop`);
      await bot.stop();

      await start({ dir });
      const events = executeActions(card).find((a) => a.verb === 'events')!;
      await postActivity(bot.url, cardActionInvoke(connector.serviceUrl, chat, messageId, events));
      assert.equal(cardTexts(cardOf(await eventsPosted(chat.id)))[0], `Events for shop/${WEB}`);
      const rerun = executeActions(card).find((a) => a.verb === 'rerun')!;
      await postActivity(bot.url, cardActionInvoke(connector.serviceUrl, chat, messageId, rerun));
      await connector.waitFor((c) => c.operation === 'update' && cardTexts(cardOf(c)).some((t) => t.startsWith('Run 2 · ')));
      await bot.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('alerts commands', () => {
    it('without alerts, answer with the help card saying alerts are not enabled, and do not list them', async () => {
      await start();
      const chat = personalChat();
      await postActivity(bot.url, messageActivity(connector.serviceUrl, chat, 'alerts on for namespace shop'));
      await postActivity(bot.url, messageActivity(connector.serviceUrl, chat, 'help'));
      const [alerts, help] = connector.activities(chat.id).map((c) => cardTexts(cardOf(c)));
      assert.equal(alerts![0], 'Alerts are not enabled on this bot, so I cannot post failing pods here. This is what I can do:');
      assert.ok(alerts!.includes('What Pull Doctor understands'));
      for (const texts of [alerts!, help!]) {
        assert.ok(texts.some((t) => t.startsWith('**diagnose**')));
        assert.ok(!texts.some((t) => t.startsWith('**alerts**')), 'the help card lists only what works');
      }
    });

    it('with alerts on (the sandbox), turn them on for the conversation the command came from, and show the answer', async () => {
      bot = await startBot({ sandbox: true });
      const thread = channelThread();
      await postActivity(bot.url, messageActivity(connector.serviceUrl, thread, '<at>Pull Doctor</at> alerts on for namespace shop'));
      const texts = cardTexts(cardOf(await connector.waitFor((c) => c.conversationId === thread.id)));
      assert.ok(texts.includes('🔔 Alerts are on here for namespace shop.'), JSON.stringify(texts));
      const channel = channelOf(thread.id);
      const remembered = await bot.app.alerts!.conversations.get(channel);
      assert.deepEqual(remembered?.reference, {
        serviceUrl: connector.serviceUrl,
        channelId: 'msteams',
        conversation: { id: channel, conversationType: 'channel', tenantId: TENANT_ID },
        bot: { id: BOT.id, name: BOT.name },
        locale: 'en-US',
      });
      assert.deepEqual((await bot.app.alerts!.subscriptions.status(channel)).scopes, [{ namespace: 'shop' }]);
      const chat = personalChat();
      await postActivity(bot.url, messageActivity(connector.serviceUrl, chat, 'help'));
      assert.ok(cardTexts(cardOf(await connector.waitFor((c) => c.conversationId === chat.id))).some((t) => t.startsWith('**alerts**')));
    });

    it('show an error card when the command names a cluster alerts do not watch', async () => {
      bot = await startBot({ sandbox: true });
      const chat = personalChat();
      await postActivity(bot.url, messageActivity(connector.serviceUrl, chat, 'alerts status on cluster prod'));
      const texts = cardTexts(cardOf(await connector.waitFor((c) => c.conversationId === chat.id)));
      assert.ok(texts.includes('That request is not valid'), JSON.stringify(texts));
      assert.ok(texts.includes('Alerts do not watch a cluster named "prod".'), JSON.stringify(texts));
    });
  });

  describe('installation events', () => {
    it('remember where the bot was added for alerts, and forget it where it was removed', async () => {
      bot = await startBot({ sandbox: true });
      const chat = personalChat();
      await postActivity(bot.url, installationUpdateActivity(connector.serviceUrl, chat, 'add'));
      assert.equal((await postActivity(bot.url, botAddedActivity(connector.serviceUrl, chat))).status, 200);
      assert.equal(
        ((await bot.app.alerts!.conversations.get(chat.id))?.reference as ConversationAddress | undefined)?.serviceUrl,
        connector.serviceUrl,
      );
      for (const activity of [
        installationUpdateActivity(connector.serviceUrl, chat, 'remove'),
        botRemovedActivity(connector.serviceUrl, chat),
      ]) {
        assert.equal((await postActivity(bot.url, activity)).status, 200);
      }
      assert.equal(await bot.app.alerts!.conversations.get(chat.id), null);
      assert.deepEqual(
        bot.logs.filter((r) => r.msg.startsWith('bot ')).map((r) => [r.msg, r.source]),
        [
          ['bot installed', 'installationUpdate'],
          ['bot installed', 'conversationUpdate'],
          ['bot uninstalled', 'installationUpdate'],
          ['bot uninstalled', 'conversationUpdate'],
        ],
      );
    });

    it('let alerts post a card to a conversation later, through the proactive sender', async () => {
      bot = await startBot({ sandbox: true });
      const chat = personalChat();
      await postActivity(bot.url, installationUpdateActivity(connector.serviceUrl, chat, 'add'));
      const installed = (await bot.app.alerts!.conversations.get(chat.id))!.reference as ConversationAddress;
      const card = bot.app.teams.cards.alerts({ summary: 'web-7d4c9 in shop cannot pull its image.' });
      const sent = await bot.app.teams.sender.sendCard(installed, card, silentLogger());
      const call = await connector.waitFor(
        (c) => c.conversationId === chat.id && c.activity?.type === 'message' && c.resultId === sent.activityId,
      );
      assert.ok(cardTexts(cardOf(call)).includes('web-7d4c9 in shop cannot pull its image.'));
    });
  });
});
