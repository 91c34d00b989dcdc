import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { LogRecord } from '../../src/logging/index.js';
import type { App } from '../../src/app/compose.js';
import type { FixRequest as StoredFixRequest } from '../../src/fixes/index.js';
import type { SandboxWorld } from '../../src/sandbox/sandbox-world.js';
import { DEFAULT_PLAYGROUND_USER, type Playground } from '../../src/sandbox/playground.js';
import type { TestBrowser } from '../support/browser.js';
import { cardOf, type PlaygroundPage } from '../support/playground-page.js';
import { adaptiveCardProblems } from '../support/adaptive-card-validator.js';
import { codeBlocks, ESCAPE_OR_BACKTICK, markdownTexts, shownTexts } from '../support/card-text.js';
import { E2E_ARTIFACTS as ARTIFACTS, startPlaygroundSession, type PlaygroundSession } from '../support/playground-session.js';
const WEB = 'web-7d4c9b6f5-x2k8p';
const CACHE = 'cache-3f2e1d0c9-c7d8e';
/** The missing-AcrPull pod's root cause: the role, the identity's cluster and the registry. */
const WEB_CAUSE = 'Kubelet identity of shop-aks has no AcrPull on shopacr';
const CACHE_CAUSE = 'docker.io is rate-limiting pulls (429)';
/** The kubelet's message about web's pull, as it ends. */
const WEB_KUBELET = 'failed to fetch anonymous token';

/** Polls the page (the UI updates when the bot's messages arrive) for up to `timeoutMs`. */
async function eventually(condition: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) assert.fail(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * End to end as `npm start` runs it: the bot application (real engine, real clients, the sandbox world in this
 * process, card actions in a SQLite store), the Microsoft 365 Agents Playground as a child process, and headless
 * chromium typing and clicking in its UI. Screenshots go to test-artifacts/e2e/.
 */
describe('Pull Doctor in the Agents Playground, on the sandbox (end to end)', function () {
  this.timeout(90_000);
  let session: PlaygroundSession;
  let app: App;
  let world: SandboxWorld | undefined;
  let logs: LogRecord[];
  let playground: Playground;
  let browser: TestBrowser;
  let ui: PlaygroundPage;

  before(async () => {
    session = await startPlaygroundSession({
      name: 'playground',
      // Alerts as `npm start` runs them, quicker: the bad rollout 1 s after "alerts on", its card 2 s later.
      bot: { sandbox: { gracePeriodMs: 2_000, failAfterMs: 1_000, recoverAfterMs: 600_000 } },
      viewport: { width: 1400, height: 1400 },
      open: false,
    });
    ({ playground, browser, ui } = session);
    ({ app, logs, world } = session.bot);
    await app.alerts!.start();
  });

  after(() => session?.close());

  const step = (name: string, body: () => Promise<void>) => session.step(name, body);

  it('welcomes the user with the sandbox pods to try', async () => {
    await step('welcome', async () => {
      await ui.open(playground.url);
      const welcome = ui.card('Pods to try');
      await welcome.waitFor({ state: 'visible' });
      const text = await welcome.innerText();
      assert.match(text, /Sandbox — bundled demo cluster, not a real one/);
      assert.match(text, new RegExp(`Ask for example: why is pod ${WEB} failing in shop`));
      assert.match(text, /ledger-4e3d2c1b0-l9m8n — The registry's firewall refuses the cluster \(403\)/);
      await browser.page.screenshot({ path: join(ARTIFACTS, '0-welcome.png') });
    });
  });

  it('diagnoses a sandbox pod from a chat message, re-runs the checks (the card updates in place), shows its events and requests the fix, the diagnosis staying', async () => {
    await step('diagnosis', async () => {
      await ui.send(`why is pod ${WEB} failing in shop`);
      const card = ui.card(WEB_CAUSE);
      await card.getByText('Run 1 · checked at').waitFor();
      await card.screenshot({ path: join(ARTIFACTS, '1-diagnosis.png') });
      const text = await card.innerText();
      assert.match(text, /Sandbox — bundled demo cluster/);
      // The title names the role, the identity's cluster and the registry; then the facts and the Fix block.
      assert.equal(
        text.split('\n').find((l) => l.includes('shopacr')),
        WEB_CAUSE,
        'the root cause is the first line that names it',
      );
      assert.match(text, new RegExp(`shop/${WEB}`));
      assert.match(text, /shopacr\.azurecr\.io\/shop\/web:2\.4\.1/);
      assert.match(
        text,
        /az role assignment create --assignee-object-id \S+ --assignee-principal-type ServicePrincipal --role AcrPull --scope/,
      );
      assert.ok(!text.includes(WEB_KUBELET), 'the kubelet message waits behind Show details');

      // What Teams received: a summary, the command in a CodeBlock, no backtick or backslash escape in any text.
      const activity = ui.activityTitled(`❌ ${WEB_CAUSE}`)!;
      assert.ok(activity, 'the diagnosis activity, as the Playground received it');
      assert.equal(activity.summary, `❌ ${WEB_CAUSE}`);
      const sent = cardOf(activity)!;
      assert.ok(codeBlocks(sent).some((c) => c.startsWith('az role assignment create ') && c.includes('--role AcrPull')));
      for (const t of markdownTexts(sent)) assert.doesNotMatch(t, ESCAPE_OR_BACKTICK, t);
      for (const t of shownTexts(sent)) assert.doesNotMatch(t, /`/, t);
      assert.deepEqual(adaptiveCardProblems(sent), []);

      // Show details: the checks and the kubelet's message, once.
      await ui.button(card, 'Show details').click();
      await card.getByText('What the kubelet said').waitFor();
      const expanded = await card.innerText();
      assert.equal(expanded.split(WEB_KUBELET).length - 1, 1, 'the kubelet message is visible once');
      assert.match(expanded, /❌ The kubelet identity of shop-aks has no role that lets it pull from shopacr\./);
      await card.screenshot({ path: join(ARTIFACTS, '1-diagnosis-details.png') });
      await ui.button(card, 'Show details').click();

      assert.ok(await ui.button(card, 'Request fix').isVisible());
      assert.ok(await ui.button(card, 'Re-run checks').isVisible());
      assert.ok(await ui.button(card, 'Show events').isVisible());
      assert.equal(
        await ui
          .cards()
          .filter({ hasText: `Diagnosing shop/${WEB}` })
          .count(),
        0,
        'the "Diagnosing" placeholder was replaced, not kept',
      );
    });

    await step('rerun', async () => {
      await ui.button(ui.card(WEB_CAUSE), 'Re-run checks').click();
      // The invoke is answered at once with "Re-running checks…"; the diagnosis then updates the message.
      const rerun = ui.card('Run 2 · checked at');
      await rerun.waitFor({ state: 'visible' });
      await browser.page.screenshot({ path: join(ARTIFACTS, '2-rerun.png') });
      assert.match(await rerun.innerText(), new RegExp(WEB_CAUSE));
      assert.equal(await ui.cards().filter({ hasText: WEB_CAUSE }).count(), 1, 'the same message was updated');
      assert.equal(await ui.cards().filter({ hasText: 'Re-running checks' }).count(), 0, 'the interim answer did not stay');
    });

    await step('events-in-thread', async () => {
      const messages = await ui.cards().count();
      await ui.button(ui.card('Run 2 · checked at'), 'Show events').click();
      const events = ui.card(`Events for shop/${WEB}`);
      await events.waitFor({ state: 'visible' });
      assert.match(await events.innerText(), /401 Unauthorized/);
      assert.equal(await ui.cards().count(), messages + 1, 'the events are one new message');
      const diagnosis = ui.card('Run 2 · checked at');
      assert.ok((await diagnosis.innerText()).includes(WEB_CAUSE), 'the diagnosis still states the cause');
      assert.ok(await ui.button(diagnosis, 'Request fix').isVisible(), 'and keeps its buttons');
    });

    await step('request-fix', async () => {
      const messages = await ui.cards().count();
      await ui.button(ui.card('Run 2 · checked at'), 'Request fix').click();
      // The diagnosis card is marked in place; the approval card is the one new message.
      const marked = ui.card(`Fix requested by ${DEFAULT_PLAYGROUND_USER.name} — waiting for approval`);
      await marked.waitFor({ state: 'visible' });
      const approval = ui.card('Fix approval');
      await approval.waitFor({ state: 'visible' });
      const text = await marked.innerText();
      assert.ok(text.includes(WEB_CAUSE), 'the diagnosis still states the cause');
      assert.match(text, /Run 2 · checked at/, 'it is the same card');
      assert.equal(await ui.button(marked, 'Request fix').count(), 0, 'no second request from it');
      assert.equal(await ui.cards().count(), messages + 1, 'one new message: the approval card');
      await marked.evaluate((element) => element.scrollIntoView({ block: 'start' }));
      await browser.page.screenshot({ path: join(ARTIFACTS, '3-fix-requested.png') });
      const requests = await app.store.documents.list<StoredFixRequest>('fix-requests');
      assert.equal(requests.length, 1);
      assert.ok((await approval.innerText()).includes(requests[0]!.value.id));
      assert.equal(
        requests[0]!.value.requester.displayName,
        DEFAULT_PLAYGROUND_USER.name,
        'the user comes from the Playground config file',
      );
      assert.equal(requests[0]!.value.fix.scope, world!.ids.registryIds.shopacr);
    });
    assert.deepEqual(
      logs.filter((r) => r.level === 'error'),
      [],
    );
  });

  it('names the similar pod when the one asked about does not exist, and diagnoses it from its button', async () => {
    await step('not-found', async () => {
      // The pod exists, but in another namespace than the one asked: the card says so, with a button for it.
      await ui.send(`why is pod ${WEB} failing in default`);
      const notFound = ui.card(`Pod default/${WEB}`);
      await notFound.getByText('Pod not found').waitFor();
      const text = await notFound.innerText();
      assert.match(text, new RegExp(`No pod "${WEB}" in namespace "default"\\. It exists in namespace "shop"\\.`));
      assert.match(text, /kubectl get pods -n default/, 'the command names the namespace searched, no placeholder');
      await notFound.screenshot({ path: join(ARTIFACTS, '4-not-found.png') });
      const before = await ui.cards().filter({ hasText: WEB_CAUSE }).count();
      await ui.button(notFound, 'Diagnose in shop').click();
      await eventually(
        async () => (await ui.cards().filter({ hasText: WEB_CAUSE }).count()) === before + 1,
        'the diagnosis replaced the card',
      );
      assert.equal(await ui.cards().filter({ hasText: 'Pod not found' }).count(), 0, 'the "not found" card became the diagnosis');
      await browser.page.screenshot({ path: join(ARTIFACTS, '5-suggested-pod.png') });
    });
  });

  it('tells the story of a pod a rollout deleted, from the events that remain', async () => {
    await step('gone', async () => {
      await ui.send('why is pod web-5c8d7b9f4-q4w5e failing in shop');
      const gone = ui.card('Pod shop/web-5c8d7b9f4-q4w5e');
      await gone.getByText('Its last events, newest first').waitFor();
      const text = await gone.innerText();
      assert.match(
        text,
        /no longer exists in namespace "shop"; its events remain: it could not pull its image shopacr\.azurecr\.io\/shop\/web:2\.4\.0/,
      );
      assert.match(text, /Failed to pull image "shopacr\.azurecr\.io\/shop\/web:2\.4\.0"/);
      await ui.button(gone, `Diagnose ${WEB}`).waitFor();
      await browser.page.screenshot({ path: join(ARTIFACTS, '4b-gone.png') });
    });
  });

  it('shows the events behind a diagnosis in a new message, and the diagnosis stays as it was', async () => {
    await step('events', async () => {
      await ui.send(`diagnose ${CACHE} -n shop`);
      const card = ui.card(CACHE_CAUSE);
      await card.getByText('Run 1 · checked at').waitFor();
      const before = await card.innerText();
      await ui.button(card, 'Show events').click();
      const events = ui.card(`Events for shop/${CACHE}`);
      await events.waitFor({ state: 'visible' });
      await events.screenshot({ path: join(ARTIFACTS, '6-events.png') });
      assert.match(await events.innerText(), /⚠️ Failed ×\d+ · last /);
      assert.match(await events.innerText(), /429 Too Many Requests/);
      assert.doesNotMatch(await events.innerText(), /1970-01-01/, 'the scheduler event is dated by its eventTime');
      assert.equal(await ui.card(CACHE_CAUSE).innerText(), before, 'the diagnosis card did not change');
    });
  });

  it('turns alerts on from the chat and shows the alert card when a sandbox pod starts failing', async () => {
    await step('alerts', async () => {
      // The sandbox's pods that fail from the start are alerted to nobody before anyone says "alerts on".
      const service = app.alerts!.services.get('shop-aks')!;
      await eventually(async () => service.metrics.total('alerts_raised_total') >= 10, 'the sandbox pods to be alerted', 20_000);
      await ui.send('alerts on');
      const reply = ui.card('Alerts are on here for every namespace.');
      await reply.waitFor({ state: 'visible' });
      await reply.evaluate((card) => card.scrollIntoView({ block: 'start' }));
      await browser.page.screenshot({ path: join(ARTIFACTS, '7-alerts-on.png') });
      const answer = await reply.innerText();
      assert.match(answer, /storefront-7b8c9d0e1-h2i3j gets a bad rollout/);
      // What is failing now, not "all clear": the sandbox's broken pods, a Diagnose button each.
      assert.match(answer, /failing pods in any namespace/);
      assert.match(answer, /web-7d4c9b6f5-x2k8p/);
      assert.ok((await reply.getByRole('button', { name: 'Diagnose' }).count()) >= 10);
      const alert = ui.card('Deployment storefront in shop cannot pull its image');
      await alert.waitFor({ state: 'visible', timeout: 20_000 });
      await alert.screenshot({ path: join(ARTIFACTS, '7-alert.png') });
      const text = await alert.innerText();
      assert.match(text, /Sandbox — bundled demo cluster/);
      assert.match(text, /Tag 3\.1 does not exist in shopacr\.azurecr\.io\/shop\/storefront/, 'the root cause first');
      assert.match(text, /az acr repository show-tags --name shopacr --repository shop\/storefront/);
      const activity = ui.activityTitled('🔔 Deployment storefront (shop on shop-aks)')!;
      assert.ok(activity, 'the alert activity');
      assert.match(
        String(activity.summary),
        /^🔔 Deployment storefront \(shop on shop-aks\): Tag 3\.1 does not exist/,
        'the feed says what broke',
      );
      // Not the summary as its text too, as Teams gets it (test/teams/alerts.test.ts): the Playground would split the
      // message in two and give neither an id, so the alert could not be updated (and a retry posted it again).
      assert.equal(activity.text, undefined, 'in local mode (the Playground), the card alone');
      assert.ok(await ui.button(alert, 'Re-run checks').isVisible());
      assert.ok(await ui.button(alert, 'Show events').isVisible());
      assert.equal(
        await ui.cards().filter({ hasText: 'this message is updated as pods fail and recover' }).count(),
        1,
        'one alert card: only the storefront',
      );
    });

    await step('alert-rerun', async () => {
      // Re-run checks keeps the alert an alert: the same message, what the checks found under its title.
      await ui.button(ui.card('Deployment storefront in shop cannot pull its image'), 'Re-run checks').click();
      const rerun = ui
        .card('Deployment storefront in shop cannot pull its image')
        .filter({ hasText: /Re-checked at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC: still failing/ });
      await rerun.waitFor({ state: 'visible' });
      const text = await rerun.innerText();
      assert.match(text, /this message is updated as pods fail and recover/);
      assert.doesNotMatch(text, /looks healthy/);
      assert.equal(
        await ui.cards().filter({ hasText: 'Deployment storefront in shop cannot pull its image' }).count(),
        1,
        'the same message',
      );
      await rerun.evaluate((element) => element.scrollIntoView({ block: 'start' }));
      await browser.page.screenshot({ path: join(ARTIFACTS, '7-alert-rerun.png') });
    });
  });
});
