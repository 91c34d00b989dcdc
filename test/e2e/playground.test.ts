import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBotUnderTest, type BotUnderTest } from '../support/bot-under-test.js';
import { FixtureDiagnoser } from '../support/fixture-diagnoser.js';
import { startPlayground, DEFAULT_PLAYGROUND_USER, type Playground } from '../support/playground.js';
import { launchBrowser, type TestBrowser } from '../support/browser.js';
import { PlaygroundPage } from '../support/playground-page.js';
import { missingAcrPull } from '../fixtures/diagnoses/index.js';
import type { FixRequest, FixRequestHandler } from '../../src/teams/fix-request-handler.js';

const ARTIFACTS = join(process.cwd(), 'test-artifacts', 'e2e');

class RecordingFixRequests implements FixRequestHandler {
  readonly requests: FixRequest[] = [];
  async requestFix(request: FixRequest) {
    this.requests.push(request);
    return { reference: 'FR-e2e-1', nextStep: 'An approver has been asked.' };
  }
}

/**
 * End to end through the Microsoft 365 Agents Playground: the real server and bot (with FixtureDiagnoser standing in
 * for the engine), the Playground as a child process, and headless chromium clicking in its UI.
 */
describe('Pull Doctor in the Agents Playground (end to end)', function () {
  this.timeout(60_000);
  let bot: BotUnderTest;
  let playground: Playground;
  let browser: TestBrowser;
  let workDir: string;
  const fixRequests = new RecordingFixRequests();
  const diagnoser = new FixtureDiagnoser([missingAcrPull]);

  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    workDir = mkdtempSync(join(tmpdir(), 'pulldoctor-playground-'));
    bot = await startBotUnderTest({ diagnoser, fixRequests });
    playground = await startPlayground({ botUrl: bot.url, workDir });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await playground?.stop();
    if (playground) copyFileSync(playground.logFile, join(ARTIFACTS, 'playground.log'));
    await bot?.stop();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it('diagnoses a pod from a chat message, then re-runs the checks and updates the card in place', async () => {
    const ui = new PlaygroundPage(browser.page);
    try {
      await ui.open(playground.url);
      await ui.send('why is pod web-7d4c9 failing in shop');

      const card = ui.card('web-7d4c9 cannot pull its image');
      await card.waitFor({ state: 'visible' });
      await card.getByText('Run 1 · checked at').waitFor();
      await browser.page.screenshot({ path: join(ARTIFACTS, '1-diagnosis.png') });
      const text = await card.innerText();
      assert.match(text, /The registry refused the credentials the node pulled with/);
      assert.match(text, /shopacr\.azurecr\.io\/shop\/web:1\.4\.2/);
      assert.match(text, /The kubelet identity has no role on shopacr that allows pulling images/);
      assert.ok(await ui.button(card, 'Request fix').isVisible());
      assert.ok(await ui.button(card, 'Re-run checks').isVisible());
      assert.ok(await ui.button(card, 'Show events').isVisible());
      assert.equal(await ui.cards().filter({ hasText: 'Diagnosing shop/web-7d4c9' }).count(), 0, 'the placeholder was replaced, not kept');

      await ui.button(card, 'Re-run checks').click();
      const rerun = ui.card('Run 2 · checked at');
      await rerun.waitFor({ state: 'visible' });
      await browser.page.screenshot({ path: join(ARTIFACTS, '2-rerun.png') });
      assert.equal(await ui.cards().filter({ hasText: 'web-7d4c9 cannot pull its image' }).count(), 1, 'the same message was updated');
      assert.equal(diagnoser.requests.length, 2);

      await ui.button(rerun, 'Request fix').click();
      const receipt = ui.card('Fix requested for shop/web-7d4c9');
      await receipt.waitFor({ state: 'visible' });
      await browser.page.screenshot({ path: join(ARTIFACTS, '3-fix-requested.png') });
      assert.match(await receipt.innerText(), /FR-e2e-1/);
      assert.equal(fixRequests.requests[0]?.requestedBy.name, DEFAULT_PLAYGROUND_USER.name, 'the user comes from the Playground config file');
    } catch (error) {
      await browser.page.screenshot({ path: join(ARTIFACTS, 'failure.png') }).catch(() => undefined);
      writeFileSync(join(ARTIFACTS, 'failure.html'), await browser.page.content().catch(() => ''));
      throw new Error(`${(error as Error).message}\n--- Playground output ---\n${playground.output()}`, { cause: error });
    }
    assert.deepEqual(bot.logs.filter((r) => r.level === 'error'), []);
  });

  it('shows the events behind a diagnosis, and comes back to the checks from there', async () => {
    const ui = new PlaygroundPage(browser.page);
    await ui.send('diagnose web-7d4c9 -n shop');
    const card = ui.card('Run 1 · checked at');
    await card.waitFor({ state: 'visible' });
    await ui.button(card, 'Show events').click();
    const events = ui.card('Events for shop/web-7d4c9');
    await events.waitFor({ state: 'visible' });
    await browser.page.screenshot({ path: join(ARTIFACTS, '4-events.png') });
    assert.match(await events.innerText(), /BackOff ×41 · last 2026-11-26 23:14:02 UTC/);
    assert.match(await events.innerText(), /401 Unauthorized/);
    await ui.button(events, 'Re-run checks').click();
    await ui.card('Run 2 · checked at').waitFor({ state: 'visible' });
  });
});
