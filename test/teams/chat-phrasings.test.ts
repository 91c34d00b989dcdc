import assert from 'node:assert/strict';
import { CHAT_COMMANDS } from '../../src/chat/command-words.js';
import { CardActionStore, type CardAction } from '../../src/teams/card-actions.js';
import { PHRASINGS, type Phrasing } from '../chat/phrasings.js';
import { adaptiveCardProblems } from '../support/adaptive-card-validator.js';
import { startBot, type BotUnderTest } from '../support/bot.js';
import { allExecuteActions, cardTexts } from '../support/card-text.js';
import { ConnectorServer, type ConnectorCall } from '../support/connector-server.js';
import {
  botAddedActivity,
  channelThread,
  groupChat,
  messageActivity,
  personalChat,
  postActivity,
  type Conversation,
} from '../support/teams-activities.js';

type Card = Record<string, unknown>;

const cardOf = (call: ConnectorCall): Card => (call.activity!.attachments as Array<{ content: Card }>)[0]!.content;

/**
 * The answer the bot settles on for a message: the card that replaced "Diagnosing…", or the card it sent. The card
 * actions it stored say, whatever the layout, which pod each button acts on.
 */
async function answerTo(bot: BotUnderTest, connector: ConnectorServer, chat: Conversation, text: string) {
  const before = connector.calls.length;
  const posted = await postActivity(bot.url, messageActivity(connector.serviceUrl, chat, text));
  assert.equal(posted.status, 200);
  const mine = (c: ConnectorCall) =>
    connector.calls.indexOf(c) >= before && c.conversationId === chat.id && Array.isArray(c.activity?.attachments);
  const first = await connector.waitFor(mine, 15_000);
  const placeholder = cardTexts(cardOf(first)).some((t) => t.startsWith('⏳'));
  const settled = placeholder ? await connector.waitFor((c) => mine(c) && c.operation === 'update', 15_000) : first;
  const card = cardOf(settled);
  const store = new CardActionStore(bot.app.store.documents);
  const actions = await Promise.all(
    allExecuteActions(card).map(async (a) => ({ ...a, stored: (await store.get(a.id)) as CardAction | undefined })),
  );
  return { card, texts: cardTexts(card), actions };
}

describe('what engineers type and paste, through the sandbox bot', function () {
  this.timeout(120_000);
  let bot: BotUnderTest;
  let connector: ConnectorServer;

  before(async () => {
    bot = await startBot({ sandbox: true });
    connector = await ConnectorServer.start();
  });
  after(async () => {
    await bot?.stop();
    await connector?.stop();
  });

  async function check({ typed, answer }: Pick<Phrasing, 'typed' | 'answer'>, chat: Conversation = personalChat()): Promise<void> {
    const { card, texts, actions } = await answerTo(bot, connector, chat, typed);
    assert.deepEqual(adaptiveCardProblems(card), [], typed);
    const shown = JSON.stringify(texts);
    if ('diagnoses' in answer) {
      const rerun = actions.find((a) => a.verb === 'rerun');
      assert.ok(rerun?.stored, `a diagnosis card with Re-run checks for ${typed}: ${shown}`);
      assert.equal(rerun.stored.target.pod, answer.diagnoses, shown);
      assert.equal(rerun.stored.target.namespace, 'shop');
      assert.ok(
        texts.some((t) => t.includes(answer.diagnoses)),
        `the card names ${answer.diagnoses}: ${shown}`,
      );
    } else if ('lists' in answer) {
      const where = answer.lists === '*' ? 'in any namespace' : `in namespace ${answer.lists}`;
      assert.ok(
        texts.some((t) => t.startsWith('🔴') && t.endsWith(where)),
        `a failing-pods card ${where}: ${shown}`,
      );
      const pods = actions.filter((a) => a.verb === 'diagnose').map((a) => a.stored?.target.pod);
      assert.equal(pods.length, 16, 'every failing sandbox pod has a Diagnose button');
      assert.ok(!pods.includes('storefront-7b8c9d0e1-h2i3j'), 'the healthy pod is not listed');
    } else if ('choose' in answer || 'offers' in answer) {
      const pods = 'choose' in answer ? answer.choose : answer.offers;
      assert.deepEqual(
        actions.map((a) => [a.verb, a.stored?.target.pod, a.stored?.target.namespace]),
        pods.map((pod) => ['diagnose', pod, 'shop']),
        shown,
      );
      assert.ok(
        texts.includes('choose' in answer ? 'Which pod?' : `Did you mean ${pods.length === 1 ? 'this pod' : 'one of these pods'}?`),
        shown,
      );
    } else if ('help' in answer) {
      assert.ok(texts.includes('What Pull Doctor understands'), shown);
    } else if ('notUnderstood' in answer) {
      assert.ok(texts.includes(`I did not understand “${typed}”`), shown);
      assert.deepEqual(actions, [], 'no button when nothing in it looks like a pod');
      assert.ok(!texts.includes('What Pull Doctor understands'), 'not the whole help card');
    } else {
      assert.ok(
        texts.some((t) => answer.refuses.test(t)),
        `refused with ${String(answer.refuses)}: ${shown}`,
      );
    }
  }

  for (const phrasing of PHRASINGS) {
    it(`answers ${JSON.stringify(phrasing.typed)} with ${Object.keys(phrasing.answer)[0]} ${JSON.stringify(Object.values(phrasing.answer)[0])}`, () =>
      check(phrasing));
  }

  describe('every example of the help card works as written', () => {
    for (const command of CHAT_COMMANDS) {
      for (const example of command.examples) {
        it(`${command.id}: ${JSON.stringify(example)}`, async () => {
          const chat = personalChat();
          const { texts, actions } = await answerTo(bot, connector, chat, example);
          const shown = JSON.stringify(texts);
          const refusals = [
            'That request is not valid',
            'Pod not found',
            'Namespace not found',
            'Which pod?',
            'The configuration is invalid',
          ];
          assert.ok(!texts.some((t) => refusals.includes(t) || /has no cluster named|do not watch a cluster/.test(t)), shown);
          if (command.id === 'diagnose')
            assert.ok(
              actions.some((a) => a.verb === 'rerun' && a.stored !== undefined),
              shown,
            );
          if (command.id === 'failing') assert.ok(actions.filter((a) => a.verb === 'diagnose').length > 0, shown);
          if (command.id === 'alerts')
            assert.ok(
              texts.some((t) => t.startsWith('🔔 Alerts')),
              shown,
            );
          if (command.id === 'help') assert.ok(texts.includes('What Pull Doctor understands'), shown);
        });
      }
    }
  });

  describe('channels and group chats', () => {
    it('understands an @mention in a channel thread and a group chat as in a personal chat', async () => {
      await check(
        { typed: '<at>Pull Doctor</at> why is pod web-7d4c9 failing in shop', answer: { diagnoses: 'web-7d4c9b6f5-x2k8p' } },
        channelThread(),
      );
      await check({ typed: "<at>Pull Doctor</at> what's failing in shop", answer: { lists: 'shop' } }, groupChat());
    });

    it('says on the help card how to address the bot, in a channel and in a personal chat', async () => {
      const mention = '@mention me (**@Pull Doctor** why is pod NAME failing): there I only see messages that mention me.';
      const inChannel = (await answerTo(bot, connector, channelThread(), '<at>Pull Doctor</at> help')).texts;
      assert.ok(inChannel.includes(`In this channel, and in any channel or group chat, ${mention}`), JSON.stringify(inChannel));
      const inGroup = (await answerTo(bot, connector, groupChat(), '<at>Pull Doctor</at> help')).texts;
      assert.ok(inGroup.includes(`In this chat, and in any channel or group chat, ${mention}`), JSON.stringify(inGroup));
      const personal = (await answerTo(bot, connector, personalChat(), 'help')).texts;
      assert.ok(personal.includes(`Here, just type. In a channel or a group chat, ${mention}`), JSON.stringify(personal));
    });

    it('welcomes a channel with how to address the bot there', async () => {
      const channel = channelThread();
      const before = connector.calls.length;
      await postActivity(bot.url, botAddedActivity(connector.serviceUrl, channel));
      const welcome = await connector.waitFor((c) => connector.calls.indexOf(c) >= before && c.conversationId === channel.id);
      const texts = cardTexts((welcome.activity!.attachments as Array<{ content: unknown }>)[0]!.content);
      assert.ok(
        texts.some(
          (t) =>
            t.startsWith('Hi! I tell you why a pod is failing') &&
            t.includes('In this channel, and in any channel or group chat, @mention me'),
        ),
        JSON.stringify(texts),
      );
    });
  });
});
