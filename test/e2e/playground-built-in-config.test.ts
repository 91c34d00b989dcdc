import assert from 'node:assert/strict';
import { join } from 'node:path';
import { CARD_ACTIONS_COLLECTION } from '../../src/teams/card-actions.js';
import { fixRequestUnavailableIn } from '../../src/teams/fix-approvals.js';
import { PLAYGROUND_DEFAULT_TENANT_ID, type Playground } from '../../src/sandbox/playground.js';
import type { BotUnderTest } from '../support/bot.js';
import type { TestBrowser } from '../support/browser.js';
import type { PlaygroundPage } from '../support/playground-page.js';
import { E2E_ARTIFACTS as ARTIFACTS, startPlaygroundSession, type PlaygroundSession } from '../support/playground-session.js';
/** The sandbox pod whose fix (AcrPull for the kubelet identity) the sandbox proposes. */
const WEB = 'web-7d4c9b6f5-x2k8p';
/** Its root cause, as the diagnosis card's title states it. */
const WEB_CAUSE = 'Kubelet identity of shop-aks has no AcrPull on shopacr';

/**
 * What someone gets who starts the Agents Playground in a folder without this project's .m365agentsplayground.yml
 * (the Agents Toolkit's "Debug in Agents Playground" before the file was committed): its built-in configuration —
 * tenant 00000000-0000-0000-0000-0000000000001, which is not an Entra tenant id, and users whose object ids are not
 * GUIDs — against the bot in local mode on the sandbox. A fix cannot be requested there honestly, so the diagnosis
 * card does not offer **Request fix** and says why (docs/approvals.md). The Playground runs for real, headless chromium
 * clicks in it, and the Playground is kept on this machine by the loopback-only preload.
 */
describe('the Agents Playground on its built-in configuration, against the bot in local mode (end to end)', function () {
  this.timeout(90_000);
  let session: PlaygroundSession;
  let bot: BotUnderTest;
  let playground: Playground;
  let browser: TestBrowser;
  let ui: PlaygroundPage;

  before(async () => {
    session = await startPlaygroundSession({
      name: 'playground-built-in-config',
      // A folder of its own, without a config file: its built-in one applies.
      playground: { subDir: 'playground', config: 'built-in' },
      viewport: { width: 1400, height: 1400 },
    });
    ({ bot, playground, browser, ui } = session);
  });

  after(() => session?.close());

  it('diagnoses the pod but offers no Request fix, and says why on the card', async () => {
    await session.step('built-in-config', async () => {
      assert.equal(playground.configFile, undefined, 'no config file: its built-in one');
      await ui.send(`why is pod ${WEB} failing in shop`);
      const card = ui.card(WEB_CAUSE);
      await card.getByText('Run 1 · checked at').waitFor();
      // The end of the card, where Request fix would be.
      await ui.button(card, 'Re-run checks').scrollIntoViewIfNeeded();
      await browser.page.screenshot({ path: join(ARTIFACTS, '9-built-in-config-no-request-fix.png') });

      const text = await card.innerText();
      assert.ok(text.includes(fixRequestUnavailableIn(PLAYGROUND_DEFAULT_TENANT_ID)!), text);
      // The diagnosis itself is whole: the root cause, the pod, and the Fix block's commands to run by hand.
      assert.equal(
        text.split('\n').find((l) => l.includes('shopacr')),
        WEB_CAUSE,
        'the root cause is the first line that names it',
      );
      assert.match(text, new RegExp(`shop/${WEB}`));
      assert.match(
        text,
        /az role assignment create --assignee-object-id \S+ --assignee-principal-type ServicePrincipal --role AcrPull --scope/,
      );
      assert.equal(await ui.button(card, 'Request fix').count(), 0, 'no Request fix button');
      assert.ok(await ui.button(card, 'Re-run checks').isVisible());
      assert.ok(await ui.button(card, 'Show events').isVisible());

      // It came from the Playground's built-in tenant, and nothing a fix could start from was kept.
      assert.ok(
        bot.logs.some((r) => r.msg === 'diagnosis finished' && r.fix === true),
        'the sandbox proposed a fix for this pod',
      );
      const actions = await bot.app.store.documents.list<{ action: { verb: string } }>(CARD_ACTIONS_COLLECTION);
      assert.ok(actions.length > 0);
      assert.ok(!actions.some((d) => d.value.action.verb === 'requestFix'));
      assert.deepEqual(await bot.app.store.documents.list('fix-requests'), []);
    });
  });
});
