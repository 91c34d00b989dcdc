import assert from 'node:assert/strict';
import { ConnectorServer, type ConnectorCall } from '../support/connector-server.js';
import { startBotUnderTest, type BotUnderTest, type BotUnderTestOptions } from '../support/bot-under-test.js';
import { FixtureDiagnoser } from '../support/fixture-diagnoser.js';
import { adaptiveCardProblems } from '../support/adaptive-card-validator.js';
import { cardTexts, executeActions } from '../support/card-text.js';
import {
  botAddedActivity,
  cardActionInvoke,
  channelThread,
  messageActivity,
  personalChat,
  postActivity,
  USER,
  type Conversation,
} from '../support/teams-activities.js';
import { crashLoop, healthy, missingAcrPull } from '../fixtures/diagnoses/index.js';
import type { FixRequest, FixRequestHandler } from '../../src/teams/fix-request-handler.js';
import type { Logger } from '../../src/logging/index.js';

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

class RecordingFixRequests implements FixRequestHandler {
  readonly requests: FixRequest[] = [];
  async requestFix(request: FixRequest, _log: Logger) {
    this.requests.push(request);
    return { reference: `FR-${this.requests.length}`, nextStep: 'An approver has been asked in the approvals channel.' };
  }
}

describe('the Teams bot over /api/messages', () => {
  let connector: ConnectorServer;
  let bot: BotUnderTest;
  let diagnoser: FixtureDiagnoser;

  async function start(options: BotUnderTestOptions = {}): Promise<void> {
    diagnoser = new FixtureDiagnoser([missingAcrPull, healthy, crashLoop]);
    bot = await startBotUnderTest({ diagnoser, ...options });
  }

  /** Sends "why is pod … failing in …" and returns the diagnosis card message (after its in-place update). */
  async function askAbout(conversation: Conversation, text: string): Promise<{ messageId: string; card: Card }> {
    const result = await postActivity(bot.url, messageActivity(connector.serviceUrl, conversation, text));
    assert.equal(result.status, 200);
    const update = await connector.waitFor((c) => c.operation === 'update' && c.conversationId === conversation.id);
    return { messageId: update.activityId!, card: cardOf(update) };
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
    const { messageId, card } = await askAbout(chat, 'why is pod web-7d4c9 failing in shop');

    const [typing, placeholder, update] = connector.activities(chat.id);
    assert.equal(typing!.activity!.type, 'typing');
    assert.equal(placeholder!.operation, 'reply', 'the placeholder replies to the user message');
    assert.deepEqual(cardTexts(cardOf(placeholder!)).slice(0, 1), ['⏳ Diagnosing shop/web-7d4c9…']);
    assert.equal(update!.operation, 'update');
    assert.equal(messageId, placeholder!.resultId, 'the diagnosis replaces the placeholder message');

    const texts = cardTexts(card);
    assert.equal(texts[0], '❌ web-7d4c9 cannot pull its image');
    assert.ok(texts.includes('The registry refused the credentials the node pulled with: the cluster is not allowed to pull from this registry.'));
    assert.deepEqual(adaptiveCardProblems(card), []);
    assert.deepEqual(diagnoser.requests, [{ pod: 'web-7d4c9', namespace: 'shop' }]);
  });

  it('does not send a typing indicator in a channel thread', async () => {
    await start();
    const thread = channelThread();
    await askAbout(thread, 'diagnose web-7d4c9 -n shop');
    assert.deepEqual(connector.activities(thread.id).map((c) => [c.operation, c.activity!.type]), [
      ['reply', 'message'],
      ['update', 'message'],
    ]);
  });

  it('re-runs the checks from the card: a new diagnosis, the message updated and the refreshed card returned', async () => {
    await start();
    const chat = personalChat();
    const { messageId, card } = await askAbout(chat, 'why is pod web-7d4c9 failing in shop');
    assert.ok(cardTexts(card).some((t) => t.startsWith('Run 1 · checked at')));
    const rerun = executeActions(card).find((a) => a.verb === 'rerun')!;

    const result = await postActivity(bot.url, cardActionInvoke(connector.serviceUrl, chat, messageId, rerun));
    assert.equal(result.status, 200);
    const refreshed = invokeCard(result.body);
    assert.ok(cardTexts(refreshed).some((t) => t.startsWith('Run 2 · checked at')));
    assert.equal(diagnoser.requests.length, 2);

    const updates = connector.calls.filter((c) => c.operation === 'update' && c.activityId === messageId);
    assert.equal(updates.length, 2, 'the message is updated for everyone, not only in the invoke response');
    assert.ok(cardTexts(cardOf(updates[1]!)).some((t) => t.startsWith('Run 2 · ')));
    assert.notEqual(executeActions(refreshed).find((a) => a.verb === 'rerun')!.data.id, rerun.data.id, 'the new card has new ids');
  });

  it('shows the events of the diagnosis the card came from, with a way back to the checks', async () => {
    await start();
    const chat = personalChat();
    const { messageId, card } = await askAbout(chat, 'why is pod web-7d4c9 failing in shop');
    const events = executeActions(card).find((a) => a.verb === 'events')!;
    const result = await postActivity(bot.url, cardActionInvoke(connector.serviceUrl, chat, messageId, events));
    const eventsCard = invokeCard(result.body);
    const texts = cardTexts(eventsCard);
    assert.equal(texts[0], 'Events for shop/web-7d4c9');
    assert.ok(texts.includes('ℹ️ BackOff ×41 · last 2026-11-26 23:14:02 UTC'));
    assert.deepEqual(executeActions(eventsCard).map((a) => a.verb), ['rerun']);
    assert.deepEqual(adaptiveCardProblems(eventsCard), []);
    assert.equal(diagnoser.requests.length, 1, 'showing events does not diagnose again');
  });

  it('offers no Request fix button when no fix request handler is configured', async () => {
    await start();
    const { card } = await askAbout(personalChat(), 'why is pod web-7d4c9 failing in shop');
    assert.deepEqual(executeActions(card).map((a) => a.title), ['Re-run checks', 'Show events']);
  });

  it('records a fix request with the fix stored server-side and the user who pressed the button', async () => {
    const fixRequests = new RecordingFixRequests();
    await start({ fixRequests });
    const chat = personalChat();
    const { messageId, card } = await askAbout(chat, 'why is pod web-7d4c9 failing in shop');
    const requestFix = executeActions(card).find((a) => a.verb === 'requestFix');
    assert.ok(requestFix, 'the button is shown when the diagnosis has a fix and a handler is configured');
    assert.equal(requestFix.title, 'Request fix');

    const result = await postActivity(bot.url, cardActionInvoke(connector.serviceUrl, chat, messageId, requestFix));
    const texts = cardTexts(invokeCard(result.body));
    assert.ok(texts.includes('Fix requested for shop/web-7d4c9'));
    assert.ok(texts.includes('**Reference:** FR-1'));
    assert.deepEqual(fixRequests.requests, [
      {
        target: { pod: 'web-7d4c9', namespace: 'shop' },
        fix: missingAcrPull.fix,
        cause: 'unauthorized',
        diagnosedAt: fixRequests.requests[0]!.diagnosedAt,
        requestedBy: { id: USER.id, name: USER.name, aadObjectId: USER.aadObjectId },
        conversationId: chat.id,
      },
    ]);
  });

  it('never offers Request fix for a diagnosis without a fix', async () => {
    await start({ fixRequests: new RecordingFixRequests() });
    const { card } = await askAbout(personalChat(), 'why is pod worker-6c9d7b5f4-8kz2m failing in shop');
    assert.deepEqual(executeActions(card).map((a) => a.verb), ['rerun', 'events']);
  });

  it('refuses a card action id that is made up, used with another verb, or replayed in another conversation', async () => {
    const fixRequests = new RecordingFixRequests();
    await start({ fixRequests });
    const chat = personalChat();
    const { messageId, card } = await askAbout(chat, 'why is pod web-7d4c9 failing in shop');
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
    assert.equal(fixRequests.requests.length, 0);
    assert.ok(bot.logs.some((r) => r.msg === 'card action refused' && r.reason === 'verb or conversation mismatch'));
  });

  it('turns a pod that does not exist into an error card with similar names and a Try again button', async () => {
    await start();
    const chat = personalChat();
    const { messageId, card } = await askAbout(chat, 'why is pod web-7d4c9b failing in shop');
    const texts = cardTexts(card);
    assert.equal(texts[0], 'Pod not found');
    assert.ok(texts.includes('Did you mean: web-7d4c9?'));
    assert.deepEqual(adaptiveCardProblems(card), []);
    const retry = executeActions(card);
    assert.deepEqual(retry.map((a) => [a.title, a.verb]), [['Try again', 'rerun']]);
    const again = await postActivity(bot.url, cardActionInvoke(connector.serviceUrl, chat, messageId, retry[0]!));
    assert.equal(cardTexts(invokeCard(again.body))[0], 'Pod not found');
    assert.deepEqual(diagnoser.requests.at(-1), { pod: 'web-7d4c9b', namespace: 'shop' });
  });

  it('says that no cluster is configured when started without a diagnoser', async () => {
    bot = await startBotUnderTest({});
    const chat = personalChat();
    await postActivity(bot.url, messageActivity(connector.serviceUrl, chat, 'why is pod web-7d4c9 failing in shop'));
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
    assert.ok(help!.includes('why is pod web-7d4c9 failing in shop'));
    assert.equal(unknown![0], 'I did not understand “make me a \\*\\*sandwich\\*\\*”.');
    assert.equal(diagnoser.requests.length, 0);
  });

  it('explains an invalid request instead of diagnosing', async () => {
    await start();
    const chat = personalChat();
    await postActivity(bot.url, messageActivity(connector.serviceUrl, chat, 'diagnose Web_Pod!'));
    const texts = cardTexts(cardOf(await connector.waitFor((c) => c.conversationId === chat.id)));
    assert.equal(texts[0], 'That request is not valid');
    assert.ok(texts.includes('"Web\\_Pod\\!" is not a valid pod name.'));
  });

  it('sends the diagnosis as a new message when Teams refuses to update the placeholder', async () => {
    await start();
    connector.failUpdatesWith = 400;
    const chat = personalChat();
    await postActivity(bot.url, messageActivity(connector.serviceUrl, chat, 'why is pod web-7d4c9 failing in shop'));
    const messages = connector.activities(chat.id).filter((c) => c.activity!.type === 'message');
    assert.equal(messages.length, 2);
    assert.equal(cardTexts(cardOf(messages[1]!))[0], '❌ web-7d4c9 cannot pull its image');
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
    await askAbout(chat, 'why is pod web-7d4c9 failing in shop');
    for (const call of connector.activities(chat.id).filter((c) => c.activity!.type === 'message')) {
      assert.ok(cardTexts(cardOf(call)).some((t) => t.includes('**Sandbox**')));
    }
  });

  it('logs each turn with its own turn id, the conversation id and the activity id', async () => {
    await start();
    const chat = personalChat();
    const first = messageActivity(connector.serviceUrl, chat, 'why is pod web-7d4c9 failing in shop');
    const second = messageActivity(connector.serviceUrl, chat, 'help');
    await postActivity(bot.url, first);
    await postActivity(bot.url, second);
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
      env: { MicrosoftAppId: '3f8a2c1e-5b7d-4e9f-a1c3-0d2e4f6a8b9c', MicrosoftAppType: 'UserAssignedMsi', MicrosoftAppTenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47' },
    });
    const result = await postActivity(bot.url, messageActivity(connector.serviceUrl, personalChat(), 'why is pod web-7d4c9 failing in shop'));
    assert.equal(result.status, 401);
    assert.equal(diagnoser.requests.length, 0);
    assert.equal(connector.calls.length, 0);
  });
});
