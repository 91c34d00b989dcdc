import assert from 'node:assert/strict';
import type { FailingPod, FailingPodsReport } from '../../src/diagnosis/failing-pods.js';
import { TeamsCards } from '../../src/teams/bot-framework.js';
import { CardActionStore } from '../../src/teams/card-actions.js';
import { loadCardTemplates } from '../../src/teams/cards.js';
import { podKey } from '../../src/teams/failing-pods-card-data.js';
import { FailingPodsCards } from '../../src/teams/failing-pods.js';
import { silentLogger } from '../../src/logging/index.js';
import { payloads } from '../../src/sandbox/kubernetes-api/index.js';
import { openSqliteStore, type Store } from '../../src/store/index.js';
import { adaptiveCardProblems } from '../support/adaptive-card-validator.js';
import { startBot, type BotUnderTest } from '../support/bot.js';
import { allExecuteActions, cardBytes, cardTexts, factValue } from '../support/card-text.js';
import { ConnectorServer, type ConnectorCall } from '../support/connector-server.js';
import { cardActionInvoke, messageActivity, personalChat, postActivity } from '../support/teams-activities.js';

type Card = Record<string, unknown>;
const cardOf = (call: ConnectorCall): Card => (call.activity!.attachments as Array<{ content: Card }>)[0]!.content;

const pod = (name: string, more: Partial<FailingPod> = {}): FailingPod => ({
  namespace: 'shop',
  pod: name,
  workload: { kind: 'Deployment', name: name.split('-')[0]! },
  state: 'ImagePullBackOff',
  kind: 'image-pull',
  pullFailure: true,
  likelyCause: 'The image or tag does not exist in the registry',
  cause: 'image-not-found',
  restarts: 0,
  since: '2026-03-02T08:55:00.000Z',
  ...more,
});

const report = (pods: FailingPod[], more: Partial<FailingPodsReport> = {}): FailingPodsReport => ({
  namespace: 'shop',
  cluster: 'shop-aks',
  listedAt: '2026-03-02T09:00:00.000Z',
  podCount: pods.length + 1,
  failingCount: pods.length,
  groups: pods.map((p) => ({ namespace: p.namespace, workload: p.workload, pods: [p], failing: 1 })),
  omitted: 0,
  ...more,
});

describe('the failing-pods card', () => {
  const cards = new TeamsCards(loadCardTemplates(), true);
  const ids = (r: FailingPodsReport) =>
    new Map(r.groups.flatMap((g) => g.pods.map((p, i) => [podKey(p.namespace, p.pod), `id-${g.workload.name}-${i}`] as const)));

  it('says how many pods fail where, one group per workload, a Diagnose button per pod with its opaque id', () => {
    const r = report([
      pod('web-7d4c9b6f5-x2k8p'),
      pod('orders-6f7a8b9c0-o1p2q', { state: 'CrashLoopBackOff', restarts: 6, likelyCause: 'The container keeps crashing' }),
    ]);
    const card = cards.failingPods({ report: r, diagnoseIds: ids(r) });
    const texts = cardTexts(card);
    assert.ok(texts.includes('🔴 2 failing pods in namespace shop'), JSON.stringify(texts));
    assert.ok(texts.includes('Deployment web'));
    assert.ok(texts.includes('**web-7d4c9b6f5-x2k8p** · ImagePullBackOff'));
    assert.ok(texts.includes('**orders-6f7a8b9c0-o1p2q** · CrashLoopBackOff · 6 restarts'));
    assert.ok(texts.includes('The image or tag does not exist in the registry · since 2026-03-02 08:55:00 UTC'));
    assert.deepEqual(
      allExecuteActions(card).map((a) => [a.title, a.verb, a.id]),
      [
        ['Diagnose', 'diagnose', 'id-web-0'],
        ['Diagnose', 'diagnose', 'id-orders-0'],
      ],
    );
    assert.deepEqual(adaptiveCardProblems(card), []);
  });

  it('says when nothing is failing, names namespaces when it lists every one, and counts what it leaves out', () => {
    assert.ok(
      cardTexts(cards.failingPods({ report: report([]), diagnoseIds: new Map() })).includes('✅ Nothing is failing in namespace shop'),
    );
    const other = pod('ledger-4e3d2c1b0-l9m8n', { namespace: 'payments' });
    const { namespace: _, ...all } = report([other], { failingCount: 23, omitted: 22 });
    const texts = cardTexts(cards.failingPods({ report: all, diagnoseIds: ids(all) }));
    assert.ok(texts.includes('🔴 23 failing pods in any namespace'), JSON.stringify(texts));
    assert.ok(texts.includes('Deployment payments/ledger'));
    assert.ok(texts.includes('**payments/ledger-4e3d2c1b0-l9m8n** · ImagePullBackOff'));
    assert.ok(texts.includes('…and 22 more failing pods: ask about one namespace to see them.'));
  });

  it('keeps what the cluster says inert: markdown, links, mentions and secrets do not get through', () => {
    const hostile = pod('web-1', {
      state: '**Pwned**',
      likelyCause: 'see [here](https://evil.example) <at>everyone</at> Authorization: Bearer abcdefghijklmnop1234 {{DATE(x)}}',
      workload: { kind: 'Deployment', name: '[x](https://evil.example)' },
    });
    const r = report([hostile]);
    const shown = JSON.stringify(cardTexts(cards.failingPods({ report: r, diagnoseIds: ids(r) })));
    for (const forbidden of ['https://', '<at>', '**Pwned**', 'abcdefghijklmnop1234', '{{'])
      assert.ok(!shown.includes(forbidden), forbidden);
  });

  it('stays under the 28 KB Teams limit with twenty pods of the longest names', () => {
    const long = Array.from({ length: 20 }, (_, i) =>
      pod(`${'a'.repeat(240)}-${String(i).padStart(5, '0')}`, {
        likelyCause: 'x'.repeat(300),
        workload: { kind: 'Deployment', name: 'b'.repeat(250) },
      }),
    );
    const r = report(long);
    // Card action ids as CardActionStore makes them: 9 characters of expiry, a dot, 22 random ones.
    const card = cards.failingPods({
      report: r,
      diagnoseIds: new Map(long.map((p) => [podKey('shop', p.pod), `mqyc1z2x3.${'Q'.repeat(22)}`])),
    });
    assert.ok(cardBytes(card) < 28_000, `${cardBytes(card)} bytes`);
  });

  it('offers a choice of pods, or says in a few lines what it understands when there is none', () => {
    const choice = cards.podChoice({
      pods: [{ target: { pod: 'web-7d4c9b6f5-x2k8p', namespace: 'shop' }, id: 'id-1' }],
      heading: 'Which pod?',
    });
    assert.deepEqual(
      allExecuteActions(choice).map((a) => [a.title, a.id]),
      [['Diagnose', 'id-1']],
    );
    assert.ok(cardTexts(choice).includes('**web-7d4c9b6f5-x2k8p**'));
    const short = cards.podChoice({ pods: [], heading: 'I did not understand that', tips: ['Say **help**.'] });
    assert.deepEqual(allExecuteActions(short), []);
    assert.deepEqual(adaptiveCardProblems(short), []);
  });
});

describe('FailingPodsCards', () => {
  let store: Store;
  beforeEach(async () => {
    store = await openSqliteStore({ path: ':memory:', log: silentLogger() });
  });
  afterEach(async () => {
    await store.close();
  });

  it('stores a diagnose action per pod, for this conversation, keeping the list unless asked not to', async () => {
    const cardActions = new CardActionStore(store.documents);
    const maker = new FailingPodsCards({ cards: new TeamsCards(loadCardTemplates(), false), cardActions, list: undefined });
    const r = report([pod('web-7d4c9b6f5-x2k8p')]);
    const [kept] = allExecuteActions(await maker.card(r, 'a:chat', { cluster: 'shop-aks' }));
    assert.deepEqual(await cardActions.get(kept!.id), {
      verb: 'diagnose',
      conversationId: 'a:chat',
      target: { pod: 'web-7d4c9b6f5-x2k8p', namespace: 'shop', cluster: 'shop-aks' },
      run: 0,
      list: { namespace: 'shop', cluster: 'shop-aks' },
    });
    const [plain] = allExecuteActions(await maker.card(r, 'a:chat', { keep: false }));
    assert.equal(((await cardActions.get(plain!.id)) as { list?: unknown }).list, undefined);
  });

  it('answers with an error card when there is no cluster to list', async () => {
    const maker = new FailingPodsCards({
      cards: new TeamsCards(loadCardTemplates(), false),
      cardActions: new CardActionStore(store.documents),
      list: undefined,
    });
    const texts = cardTexts(await maker.listing({ namespace: 'shop' }, 'a:chat', silentLogger()));
    assert.ok(texts.includes('No cluster is configured for this bot, so there is nothing to list yet.'), JSON.stringify(texts));
  });
});

describe("what's failing, through the sandbox bot", function () {
  this.timeout(30_000);
  let bot: BotUnderTest;
  let connector: ConnectorServer;
  before(async () => {
    bot = await startBot({ sandbox: true });
  });
  after(async () => {
    await bot?.stop();
  });
  beforeEach(async () => {
    connector = await ConnectorServer.start();
  });
  afterEach(async () => {
    await connector.stop();
  });

  it('keeps the list when Diagnose is pressed on it, and posts the diagnosis below as a new message', async () => {
    const chat = personalChat();
    await postActivity(bot.url, messageActivity(connector.serviceUrl, chat, "what's failing in shop"));
    const listed = await connector.waitFor((c) => c.conversationId === chat.id && Array.isArray(c.activity?.attachments));
    const [button] = allExecuteActions(cardOf(listed));
    assert.ok(button);
    const pressed = await postActivity(
      bot.url,
      cardActionInvoke(connector.serviceUrl, chat, listed.resultId!, { verb: button.verb, data: { id: button.id } }),
    );
    const answer = (pressed.body as { value: Card }).value;
    const stored = await new CardActionStore(bot.app.store.documents).get(button.id);
    const diagnosed = stored!.target.pod;
    assert.ok(cardTexts(answer).includes(`🔎 Diagnosing ${diagnosed}: the result follows below.`), JSON.stringify(cardTexts(answer)));
    assert.ok(
      cardTexts(answer).some((t) => t.startsWith('🔴 16 failing pods in namespace shop')),
      'the list, refreshed',
    );
    const placeholder = await connector.waitFor(
      (c) =>
        c.conversationId === chat.id &&
        c.operation !== 'update' &&
        Array.isArray(c.activity?.attachments) &&
        cardTexts(cardOf(c)).includes(`⏳ Diagnosing shop/${diagnosed}…`),
    );
    const result = await connector.waitFor((c) => c.operation === 'update' && c.activityId === placeholder.resultId, 15_000);
    assert.match(String(result.activity!.summary), /^❌ /, 'a diagnosis, its root cause in the title');
    assert.equal(factValue(cardOf(result), 'Pod'), `shop/${diagnosed}`, JSON.stringify(cardTexts(cardOf(result))));
    assert.equal(
      connector.calls.filter((c) => c.operation === 'update' && c.activityId === listed.resultId).length,
      0,
      'the list message is not replaced',
    );
  });

  it('offers a Diagnose button per pod when a Deployment named in a question has several failing pods', async () => {
    const names = ['cart-5b7c8d9f6-aaaaa', 'cart-5b7c8d9f6-bbbbb', 'cart-5b7c8d9f6-ccccc'];
    const image = 'shopacr.azurecr.io/shop/cart:9.9';
    for (const name of names)
      bot.world!.kube.upsertPod(payloads.imagePullBackOffPod({ namespace: 'shop', name, image, ownerDeployment: 'cart' }));
    try {
      const chat = personalChat();
      await postActivity(bot.url, messageActivity(connector.serviceUrl, chat, 'why is deployment cart failing in shop?'));
      const answer = await connector.waitFor((c) => c.operation === 'update' && c.conversationId === chat.id, 15_000);
      const texts = cardTexts(cardOf(answer));
      assert.ok(texts.includes('Which pod?'), JSON.stringify(texts));
      const store = new CardActionStore(bot.app.store.documents);
      const offered = await Promise.all(
        allExecuteActions(cardOf(answer))
          .filter((a) => a.verb === 'diagnose')
          .map(async (a) => [a.title, (await store.get(a.id))?.target.pod]),
      );
      assert.deepEqual(
        offered,
        names.map((name) => [`Diagnose ${name}`, name]),
      );
    } finally {
      for (const name of names) bot.world!.kube.deletePod('shop', name);
    }
  });

  it('says a namespace that does not exist does not exist', async () => {
    const chat = personalChat();
    await postActivity(bot.url, messageActivity(connector.serviceUrl, chat, "what's failing in shopp"));
    const answer = await connector.waitFor((c) => c.conversationId === chat.id && Array.isArray(c.activity?.attachments));
    assert.ok(cardTexts(cardOf(answer)).includes('Namespace not found'), JSON.stringify(cardTexts(cardOf(answer))));
  });
});
