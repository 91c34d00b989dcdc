import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { App } from '../../src/app/compose.js';
import type { AdaptiveCardJson } from '../../src/teams/cards.js';
import type { ConversationAddress } from '../../src/teams/conversations.js';
import { startPlayground, type Playground } from '../../src/sandbox/playground.js';
import { silentLogger } from '../../src/logging/index.js';
import { launchBrowser, stepKeepingEvidence, type TestBrowser } from '../support/browser.js';
import { PlaygroundPage } from '../support/playground-page.js';
import { startBot, type BotUnderTest } from '../support/bot.js';
import { GALLERY, type GalleryStage } from './card-gallery.js';

/**
 * `PULLDOCTOR_CARD_GALLERY=<dir>` (npm run cards: `docs`): the PNGs go to <dir>/cards/ and <dir>/cards.md is rewritten
 * to show them. Without it (npm test) they are kept in test-artifacts/e2e/cards/.
 */
const DOCS = process.env.PULLDOCTOR_CARD_GALLERY;
const OUT = DOCS ? join(DOCS, 'cards') : join(process.cwd(), 'test-artifacts', 'e2e', 'cards');

/**
 * The card gallery: every card kind of test/e2e/card-gallery.ts brought up in the Microsoft 365 Agents Playground on
 * the sandbox (from the chat where a message leads to it, posted as the bot posts proactively otherwise), each
 * screenshot cropped to its card.
 */
describe('the card gallery, in the Agents Playground on the sandbox (end to end)', function () {
  this.timeout(90_000);
  let bot: BotUnderTest;
  let app: App;
  let playground: Playground;
  let browser: TestBrowser;
  let ui: PlaygroundPage;
  let workDir: string;
  const shot: string[] = [];

  before(async () => {
    mkdirSync(OUT, { recursive: true });
    workDir = mkdtempSync(join(tmpdir(), 'pulldoctor-gallery-'));
    bot = await startBot({ dir: workDir, sandbox: { gracePeriodMs: 2_000, failAfterMs: 1_000, recoverAfterMs: 600_000 } });
    app = bot.app;
    await app.alerts!.start();
    playground = await startPlayground({ botUrl: bot.url, workDir });
    browser = await launchBrowser({ viewport: { width: 1400, height: 1400 } });
    ui = new PlaygroundPage(browser.page);
    await ui.open(playground.url);
    await ui.card('Pods to try').waitFor({ state: 'visible' });
  });

  after(async () => {
    await browser?.close();
    await playground?.stop();
    await bot?.stop(5000);
    if (workDir) rmSync(workDir, { recursive: true, force: true });
    if (DOCS && shot.length === GALLERY.length) writeFileSync(join(DOCS, 'cards.md'), galleryMarkdown(relative(DOCS, OUT)));
  });

  /** Where the bot posts in the Playground's chat: the conversation of the bot's first message there. */
  function chat(): ConversationAddress {
    const first = ui.botActivities[0] as {
      serviceUrl?: string;
      channelId?: string;
      conversation?: ConversationAddress['conversation'];
      from?: { id: string; name?: string };
      recipient?: { id: string; aadObjectId?: string };
    };
    assert.ok(first?.conversation && first.from, 'the bot has written in the chat');
    return {
      serviceUrl: first.serviceUrl ?? new URL(playground.url).origin,
      channelId: first.channelId ?? 'msteams',
      conversation: first.conversation,
      bot: { id: first.from.id },
      ...(first.recipient ? { user: first.recipient } : {}),
    };
  }

  const stage: GalleryStage = {
    get ui() {
      return ui;
    },
    get cards() {
      return app.teams.cards;
    },
    async say(text, shows) {
      await ui.send(text);
      const card = ui.card(shows);
      await card.waitFor({ state: 'visible', timeout: 20_000 });
      return card;
    },
    async post(card: AdaptiveCardJson) {
      const before = await ui.cards().count();
      await app.teams.sender.sendCard(chat(), card, silentLogger());
      const posted = ui.cards().nth(before);
      await posted.waitFor({ state: 'visible', timeout: 20_000 });
      return posted;
    },
  };

  for (const entry of GALLERY) {
    it(`${entry.title}: ${entry.file}`, async () => {
      await stepKeepingEvidence(
        { name: `gallery-${entry.file}`, artifactsDir: OUT, browser, context: () => playground.output() },
        async () => {
          const card = await entry.show(stage);
          // The chat scrolls inside the page: a card taller than the chat pane would be cut; make the pane fit it.
          const height = (await card.boundingBox())?.height ?? 0;
          await browser.page.setViewportSize({ width: 1400, height: Math.max(1400, Math.ceil(height) + 600) });
          await card.scrollIntoViewIfNeeded();
          await card.screenshot({ path: join(OUT, entry.file) });
          shot.push(entry.file);
        },
      );
    });
  }
});

/** docs/cards.md: every card of the gallery, in its order. */
function galleryMarkdown(pngDir: string): string {
  return [
    '# Cards',
    '',
    'Every card the bot sends, as the Microsoft 365 Agents Playground shows it on the sandbox. Generated by',
    '`npm run cards` (test/e2e/card-gallery.test.ts, from the list in test/e2e/card-gallery.ts): do not edit by hand.',
    '',
    ...GALLERY.flatMap((c) => [`## ${c.title}`, '', c.about, '', `![${c.title}](${pngDir}/${c.file})`, '']),
  ].join('\n');
}
