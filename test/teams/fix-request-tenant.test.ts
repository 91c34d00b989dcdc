import assert from 'node:assert/strict';
import { TeamsCards } from '../../src/teams/bot-framework.js';
import { CARD_ACTIONS_COLLECTION } from '../../src/teams/card-actions.js';
import { loadCardTemplates } from '../../src/teams/cards.js';
import { fixRequestUnavailableIn } from '../../src/teams/fix-approvals.js';
import { PLAYGROUND_DEFAULT_TENANT_ID, PLAYGROUND_TENANT_ID } from '../../src/sandbox/playground.js';
import { adaptiveCardProblems } from '../support/adaptive-card-validator.js';
import { cardTexts, executeActions } from '../support/card-text.js';
import { button, cardOf, DANA, diagnose, isApprovalCard, press, startFixBotWorld, type FixBotWorld } from '../support/fix-approvals-bot.js';
import { groupChat, personalChat } from '../support/teams-activities.js';
import { firingAlert } from '../fixtures/alerts/index.js';
import { missingAcrPull } from '../fixtures/diagnoses/index.js';

/** Dana as the Agents Playground's built-in configuration has its current user: an object id that is not a GUID. */
const BUILT_IN_USER = { id: 'user-id-0', name: 'Alex Wilber', aadObjectId: '00000000-0000-0000-0000-0000000000020' };

describe('Request fix needs a conversation of a Microsoft Entra tenant', () => {
  describe('which tenant ids count', () => {
    it("offers it for a GUID, the sandbox's tenant and Teams' tenants alike, in either case", () => {
      for (const tenant of [PLAYGROUND_TENANT_ID, '72f988bf-86f1-41af-91ab-2d7cd011db47', '72F988BF-86F1-41AF-91AB-2D7CD011DB47'])
        assert.equal(fixRequestUnavailableIn(tenant), undefined, tenant);
    });

    it("does not offer it for the Playground's built-in tenant, none, or anything else a client may send, and never echoes it", () => {
      const hostile = [
        PLAYGROUND_DEFAULT_TENANT_ID,
        undefined,
        '',
        ' 72f988bf-86f1-41af-91ab-2d7cd011db47',
        '72f988bf-86f1-41af-91ab-2d7cd011db47\n',
        '72f988bf86f141af91ab2d7cd011db47',
        '{72f988bf-86f1-41af-91ab-2d7cd011db47}',
        '[click](https://evil.example.com)',
        '<at>Megan</at>',
        'x'.repeat(100_000),
      ];
      for (const tenant of hostile) {
        const reason = fixRequestUnavailableIn(tenant);
        assert.ok(
          reason?.startsWith('Request fix is not offered here: this conversation has no Microsoft Entra tenant id'),
          String(tenant),
        );
        if (tenant) assert.ok(!reason?.includes(tenant.trim()), 'the claimed id is not shown');
      }
    });
  });

  describe('on the cards', () => {
    const cards = new TeamsCards(loadCardTemplates(), true);
    const reason = fixRequestUnavailableIn(PLAYGROUND_DEFAULT_TENANT_ID)!;
    const ids = { rerunId: 'r-1', eventsId: 'e-1' };

    it('the diagnosis card says why in place of the button, and stays a valid card', () => {
      const card = cards.diagnosis({ diagnosis: missingAcrPull, run: 1, actions: { ...ids, fixNotOffered: reason } });
      assert.ok(cardTexts(card).includes(reason));
      assert.deepEqual(
        executeActions(card).map((a) => a.title),
        ['Re-run checks', 'Show events'],
      );
      assert.deepEqual(adaptiveCardProblems(card), []);
      const offered = cards.diagnosis({ diagnosis: missingAcrPull, run: 1, actions: { ...ids, requestFixId: 'f-1' } });
      assert.ok(!cardTexts(offered).some((t) => t.startsWith('Request fix is not offered')), 'nothing said when it is offered');
    });

    it('the alert card does the same', () => {
      const card = cards.alert({ view: firingAlert, actions: { ...ids, fixNotOffered: reason } });
      assert.ok(cardTexts(card).includes(reason));
      assert.ok(!executeActions(card).some((a) => a.verb === 'requestFix'));
      assert.deepEqual(adaptiveCardProblems(card), []);
    });
  });

  describe('through the bot on the sandbox (its endpoint, the Bot Connector, the real approval flow)', function () {
    this.timeout(30_000);
    let world: FixBotWorld;
    beforeEach(async () => {
      world = await startFixBotWorld();
    });
    afterEach(async () => {
      await world.close();
    });

    it("offers no Request fix in a chat of the Playground's built-in tenant, says why, and offers it in a chat of a GUID tenant", async () => {
      const bot = await world.start();
      const builtIn = await diagnose(bot, world.connector, personalChat(undefined, PLAYGROUND_DEFAULT_TENANT_ID), BUILT_IN_USER);
      const texts = cardTexts(cardOf(builtIn));
      assert.ok(texts.includes(fixRequestUnavailableIn(PLAYGROUND_DEFAULT_TENANT_ID)!), JSON.stringify(texts));
      assert.ok(!executeActions(cardOf(builtIn)).some((a) => a.verb === 'requestFix'));
      const requestFixActions = async () =>
        (await bot.app.store.documents.list<{ action: { verb: string } }>(CARD_ACTIONS_COLLECTION)).filter(
          (d) => d.value.action.verb === 'requestFix',
        );
      assert.deepEqual(await requestFixActions(), [], 'no Request fix action is stored either');

      const configured = await diagnose(bot, world.connector, groupChat(undefined, PLAYGROUND_TENANT_ID));
      assert.ok(button(cardOf(configured), 'Request fix'));
      assert.ok(!cardTexts(cardOf(configured)).some((t) => t.startsWith('Request fix is not offered')));
      assert.equal((await requestFixActions()).length, 1);
    });

    it('refuses a Request fix pressed from a conversation without a tenant id (an older card, a forged invoke) with the reason, and stores nothing', async () => {
      const bot = await world.start();
      const chat = groupChat(undefined, PLAYGROUND_TENANT_ID);
      const diagnosis = await diagnose(bot, world.connector, chat);
      const requestFix = button(cardOf(diagnosis), 'Request fix');
      for (const tenantId of [PLAYGROUND_DEFAULT_TENANT_ID, 'not-a-tenant']) {
        const answer = await press(bot, world.connector, { ...chat, tenantId }, diagnosis.activityId!, requestFix, DANA);
        const texts = cardTexts(answer);
        assert.ok(
          texts.some((t) => t.includes('This conversation belongs to no Microsoft Entra tenant, so the fix cannot be requested here.')),
          JSON.stringify(texts),
        );
        assert.ok(!texts.some((t) => /spelling/i.test(t)), 'no advice about something the user never typed');
      }
      assert.deepEqual(await bot.app.store.documents.list('fix-requests'), []);
      assert.equal(world.connector.calls.filter((c) => c.activity?.type === 'message' && isApprovalCard(cardOf(c))).length, 0);
    });

    it("refuses a requester whose object id is not an Entra object id (the Playground's built-in users), and stores nothing", async () => {
      const bot = await world.start();
      const chat = groupChat(undefined, PLAYGROUND_TENANT_ID);
      const diagnosis = await diagnose(bot, world.connector, chat);
      const answer = await press(
        bot,
        world.connector,
        chat,
        diagnosis.activityId!,
        button(cardOf(diagnosis), 'Request fix'),
        BUILT_IN_USER,
      );
      assert.ok(
        cardTexts(answer).some((t) => t.includes('Teams did not say who you are')),
        JSON.stringify(cardTexts(answer)),
      );
      assert.deepEqual(await bot.app.store.documents.list('fix-requests'), []);
    });
  });
});
