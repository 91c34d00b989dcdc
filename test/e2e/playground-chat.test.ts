import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { LogRecord } from '../../src/logging/index.js';
import type { TestBrowser } from '../support/browser.js';
import type { PlaygroundPage } from '../support/playground-page.js';
import { E2E_ARTIFACTS as ARTIFACTS, startPlaygroundSession, type PlaygroundSession } from '../support/playground-session.js';

const WEB = 'web-7d4c9b6f5-x2k8p';
const CHECKOUT = 'checkout-5b7c8d9f6-z9x8w';
/** The root causes of the two, as their diagnosis cards' titles state them. */
const WEB_CAUSE = 'Kubelet identity of shop-aks has no AcrPull on shopacr';
const CHECKOUT_CAUSE = 'Tag 1.3.0 does not exist in shopacr.azurecr.io/shop/checkout';
/** The sandbox's failing pods: every scenario but the healthy storefront. */
const FAILING = [
  WEB,
  'api-6c8f7d9b4-q7r2s',
  CHECKOUT,
  'billing-7f6e5d4c3-b4c5d',
  'reports-8a9b0c1d2-r3s4t',
  'worker-6d5c4b3a2-w1x2y',
  'frontend-9c8b7a6f5-f6g7h',
  'ledger-4e3d2c1b0-l9m8n',
  'cache-3f2e1d0c9-c7d8e',
  'migrate-2b1a0f9e8-m3n4o',
  'vault-agent-5a6b7c8d9-v0w1x',
  'search-1c2d3e4f5-s6t7u',
  'orders-6f7a8b9c0-o1p2q',
  'analytics-0d9c8b7a6-a5b4c',
];

/**
 * Talking to Pull Doctor as an on-call engineer does, end to end: the bot on the sandbox, the Agents Playground,
 * headless chromium typing and clicking. "What's failing in shop" lists the failing pods with a Diagnose button each;
 * pressing one keeps the list and posts that pod's diagnosis. Screenshots go to test-artifacts/e2e/.
 */
describe('chatting with Pull Doctor in the Agents Playground, on the sandbox (end to end)', function () {
  this.timeout(90_000);
  let session: PlaygroundSession;
  let logs: LogRecord[];
  let browser: TestBrowser;
  let ui: PlaygroundPage;

  before(async () => {
    session = await startPlaygroundSession({ name: 'playground-chat', viewport: { width: 1400, height: 2200 } });
    ({ browser, ui } = session);
    logs = session.bot.logs;
  });

  after(() => session?.close());

  const step = (name: string, body: () => Promise<void>) => session.step(name, body);

  /** The Diagnose button on the row of `pod` in a card: the innermost block holding both the name and a button. */
  const diagnoseButton = (card: ReturnType<PlaygroundPage['card']>, pod: string) => {
    const button = () => card.page().getByRole('button', { name: 'Diagnose', exact: true });
    return card
      .locator('div')
      .filter({ hasText: pod })
      .filter({ has: button() })
      .last()
      .getByRole('button', { name: 'Diagnose', exact: true });
  };

  it('lists what is failing in shop, grouped by workload, and diagnoses a pod from its button while the list stays', async () => {
    await step('chat-failing-pods', async () => {
      await ui.send("what's failing in shop");
      const list = ui.card('failing pods in namespace shop');
      await list.waitFor({ state: 'visible' });
      await browser.page.screenshot({ path: join(ARTIFACTS, 'chat-1-failing-pods.png'), fullPage: true });
      const text = await list.innerText();
      assert.match(text, /🔴 16 failing pods in namespace shop/);
      assert.match(text, /Cluster shop-aks · 17 pods read at/);
      assert.match(text, /Deployment web\n/);
      assert.match(text, new RegExp(`${WEB} · ImagePullBackOff`));
      assert.match(text, /orders-6f7a8b9c0-o1p2q · CrashLoopBackOff · 6 restarts/);
      assert.match(text, /No node can take the pod: 0\/3 nodes are available/);
      assert.doesNotMatch(text, /storefront/, 'the healthy pod is not listed');
      for (const pod of FAILING) assert.equal(await diagnoseButton(list, pod).count(), 1, pod);
    });

    await step('chat-diagnose-from-list', async () => {
      await diagnoseButton(ui.card('failing pods in namespace shop'), CHECKOUT).click();
      const diagnosis = ui.card(CHECKOUT_CAUSE);
      await diagnosis.getByText('Run 1 · checked at').waitFor({ timeout: 20_000 });
      const list = ui.card('failing pods in namespace shop');
      assert.match(await list.innerText(), new RegExp(`Diagnosing ${CHECKOUT}: the result follows below`), 'the list stays, saying so');
      assert.match(await diagnosis.innerText(), new RegExp(`Pod\\s+shop/${CHECKOUT}\n`), "the pressed row's pod");
      await browser.page.screenshot({ path: join(ARTIFACTS, 'chat-2-diagnosed-from-list.png'), fullPage: true });
      // The next pod is one press away: the refreshed list's buttons work too.
      await diagnoseButton(ui.card('failing pods in namespace shop'), WEB).click();
      await ui.card(WEB_CAUSE).getByText('Run 1 · checked at').waitFor({ timeout: 20_000 });
      assert.equal(await ui.cards().filter({ hasText: 'failing pods in namespace shop' }).count(), 1, 'still one list');
    });
  });

  it('understands a workload name in a greeting, and offers a Diagnose button for a pod named in passing', async () => {
    await step('chat-workload', async () => {
      const diagnoses = () => ui.cards().filter({ hasText: CHECKOUT_CAUSE }).count();
      const before = await diagnoses();
      await ui.send('hey pull doctor, why is checkout failing in shop?');
      await eventually(async () => (await diagnoses()) === before + 1, "the checkout Deployment's pod diagnosed");
    });

    await step('chat-offer', async () => {
      await ui.send(`deployed ${WEB} this morning, looks off`);
      const offer = ui.card('Did you mean this pod?');
      await offer.waitFor({ state: 'visible' });
      assert.match(await offer.innerText(), /I did not understand “deployed web-7d4c9b6f5-x2k8p this morning, looks off”\./);
      await browser.page.screenshot({ path: join(ARTIFACTS, 'chat-3-did-you-mean.png') });
      const before = await ui.cards().filter({ hasText: WEB_CAUSE }).count();
      await diagnoseButton(offer, WEB).click();
      await eventually(
        async () => (await ui.cards().filter({ hasText: WEB_CAUSE }).count()) === before + 1,
        'the offer became the diagnosis',
      );
      assert.equal(await ui.cards().filter({ hasText: 'Did you mean this pod?' }).count(), 0);
    });

    await step('chat-not-understood', async () => {
      await ui.send('good morning team');
      const card = ui.card('I did not understand “good morning team”');
      await card.waitFor({ state: 'visible' });
      assert.match(await card.innerText(), /what's failing in shop/);
      await browser.page.screenshot({ path: join(ARTIFACTS, 'chat-4-not-understood.png') });
    });
    assert.deepEqual(
      logs.filter((r) => r.level === 'error'),
      [],
    );
  });
});

/** Polls the page (the UI updates when the bot's messages arrive) for up to `timeoutMs`. */
async function eventually(condition: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) assert.fail(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
