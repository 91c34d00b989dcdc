import assert from 'node:assert/strict';
import { TeamsCards } from '../../../src/teams/bot-framework.js';
import { cardMessage, loadCardTemplates } from '../../../src/teams/cards.js';
import { formatDuration } from '../../../src/teams/alert-card-data.js';
import { missingAcrPull } from '../../fixtures/diagnoses/index.js';
import { firingAlert, floodSummary, hostileAlert, resolvedAlert, resolvedSummary, undiagnosedAlert } from '../../fixtures/alerts/index.js';
import { cardBytes, cardElements, cardTexts, codeBlocks, ESCAPE_OR_BACKTICK, executeActions, shownTexts } from '../../support/card-text.js';

const cards = new TeamsCards(loadCardTemplates(), false);
const ids = { rerunId: 'r-1', eventsId: 'e-1' };

describe('the alert card', () => {
  it('has the diagnosis card’s layout: the root cause first, the cause as a badge, then the workload and where it fails', () => {
    const texts = shownTexts(cards.alert({ view: firingAlert, actions: ids }));
    assert.equal(texts[0], '🔔 Unauthorized (401)');
    assert.equal(texts[1], 'Kubelet identity of shop-aks has no AcrPull on shopacr');
    assert.equal(texts[2], 'Deployment web in shop cannot pull its image');
    const facts = Object.fromEntries(
      (cardElements(cards.alert({ view: firingAlert, actions: ids })).find((e) => e.type === 'FactSet')!.facts as Array<{
        title: string;
        value: string;
      }>).map((f) => [f.title, f.value]),
    );
    assert.deepEqual(facts, {
      Workload: 'Deployment web',
      Namespace: 'shop',
      Cluster: 'prod',
      Image: 'shopacr.azurecr.io/shop/web:1.4.2',
      Pods: '2 pods affected, 2 failing now · newest web-7d4c9b8f6d-p2',
      'Failing since': '2026-11-26 23:12:00 UTC · last failure 2026-11-26 23:14:05 UTC',
    });
  });

  it('says what broke in its summary and text, so the feed and toasts of a proactive alert say it too', () => {
    const card = cards.alert({ view: firingAlert, actions: ids });
    assert.equal(card.fallbackText, '🔔 Deployment web (shop on prod): Kubelet identity of shop-aks has no AcrPull on shopacr');
    const posted = cardMessage(card, { notify: true });
    assert.equal(posted.summary, card.fallbackText);
    assert.equal(posted.text, card.fallbackText);
  });

  it('has one Fix block with the exact commands in CodeBlocks, and the kubelet message once, behind Show details', () => {
    const card = cards.alert({ view: firingAlert, actions: ids });
    assert.deepEqual(codeBlocks(card), missingAcrPull.remedy!.commands);
    const details = cardElements(card).find((e) => e.id === 'details')!;
    assert.equal(details.isVisible, false);
    const inside = shownTexts({ body: [details] });
    assert.ok(inside.some((t) => t.startsWith('Failed: Failed to pull image') && t.endsWith('401 Unauthorized]')));
    assert.ok(inside.includes('Diagnosed pod web-7d4c9b8f6d-p1 at 2026-11-26 23:14:05 UTC.'));
    assert.equal(JSON.stringify(card).split('failed to fetch anonymous token').length - 1, 1);
    for (const text of shownTexts(card)) assert.doesNotMatch(text, /`/);
  });

  it("has the diagnosis card's buttons: Request fix only with an id for it, Re-run checks, Show events, all carrying only ids", () => {
    const withFix = executeActions(cards.alert({ view: firingAlert, actions: { ...ids, requestFixId: 'f-1' } }));
    assert.deepEqual(
      withFix.map((a) => [a.title, a.verb, a.data]),
      [
        ['Request fix', 'requestFix', { id: 'f-1' }],
        ['Re-run checks', 'rerun', { id: 'r-1' }],
        ['Show events', 'events', { id: 'e-1' }],
      ],
    );
  });

  it('says, once resolved, that the workload recovered and how long it failed, and why it had', () => {
    const card = cards.alert({ view: resolvedAlert, actions: ids });
    const texts = shownTexts(card);
    assert.equal(texts[0], '✅ Resolved');
    assert.equal(texts[1], 'Deployment web recovered after 19 min');
    assert.equal(texts[2], 'It failed because: Kubelet identity of shop-aks has no AcrPull on shopacr');
    assert.ok(texts.includes('2026-11-26 23:12:00 UTC to 2026-11-26 23:31:40 UTC (19 min)'));
    assert.ok(texts.includes('2 pods affected, none failing now · newest web-7d4c9b8f6d-p2'));
    assert.deepEqual(codeBlocks(card), [], 'nothing left to fix');
    assert.equal(cardMessage(card).summary, '✅ Resolved after 19 min: Deployment web (shop on prod)');
  });

  it('still alerts when the diagnosis could not run, and says so and who reported it', () => {
    const texts = shownTexts(cards.alert({ view: undiagnosedAlert, actions: ids }));
    assert.equal(texts[1], 'The image pull failed for another reason');
    assert.ok(texts.includes('The diagnosis could not finish: The Kubernetes API server did not answer in time'));
    assert.ok(texts.includes('1 pod affected, 1 failing now · newest ledger-0'));
    assert.ok(texts.some((t) => t.startsWith('Reported by Alertmanager')));
  });

  it('shows hostile cluster text as inert text: no links, mentions, formatting, date functions or tokens', () => {
    const card = cards.alert({ view: hostileAlert, actions: ids });
    const json = JSON.stringify({ ...card, $schema: undefined });
    for (const forbidden of ['<at>Megan</at>-[x]', '://', '{{', 'eyJ']) assert.ok(!json.includes(forbidden), forbidden);
    for (const e of cardElements(card).filter((x) => x.type === 'TextBlock')) assert.doesNotMatch(String(e.text), ESCAPE_OR_BACKTICK);
    assert.ok(cardBytes(card) < 10_000, 'long text is cut');
  });

  it('counts durations in the units a person says', () => {
    assert.equal(formatDuration(20_000), 'under a minute');
    assert.equal(formatDuration(12 * 60_000), '12 min');
    assert.equal(formatDuration(125 * 60_000), '2 h 5 min');
    assert.equal(formatDuration(3 * 60 * 60_000), '3 h');
    assert.equal(formatDuration((3 * 24 + 4) * 60 * 60_000), '3 days 4 h');
    assert.equal(formatDuration(-5), 'under a minute');
  });
});

describe('the alert summary card', () => {
  it('groups the workloads by registry and cause, the largest group first, with totals, and says so in its summary', () => {
    const card = cards.alertSummary(floodSummary);
    const texts = cardTexts(card);
    assert.equal(texts[0], '🚨 135 workloads cannot pull their images');
    assert.equal(cardMessage(card).summary, '🚨 135 workloads cannot pull their images');
    assert.equal(texts[1], 'Started 2026-11-26 23:12:00 UTC · updated 2026-11-26 23:20:00 UTC');
    assert.equal(texts[2], '**150 workloads** · 135 firing · 15 resolved · 300 pods affected');
    const headings = texts.filter((t) => / — .* \(\d+ workloads\)$/.test(t));
    assert.equal(headings.length, 6, JSON.stringify(headings));
    assert.ok(texts.some((t) => t.startsWith('🔴 Deployment shop-000-') && t.endsWith('— 2 failing, 2 affected')));
  });

  it('lists at most 100 workloads and says how many more there are, staying well under the 28 KB Teams limit', () => {
    const card = cards.alertSummary(floodSummary);
    const texts = cardTexts(card);
    const listed = texts.filter((t) => t.startsWith('🔴 ') || t.startsWith('✅ ')).length;
    const more = texts.filter((t) => t.startsWith('…and ')).reduce((n, t) => n + Number(/…and (\d+) more/.exec(t)![1]), 0);
    assert.ok(listed <= 100, `${listed} listed`);
    assert.equal(listed + more, 150);
    assert.ok(cardBytes(card) < 24_000, `${cardBytes(card)} bytes`);
  });

  it('turns green once every workload recovered', () => {
    const card = cards.alertSummary(resolvedSummary);
    assert.equal(cardTexts(card)[0], '✅ All 1 workload recovered');
    assert.ok(cardTexts(card).includes('✅ Deployment shop/web on prod — resolved, 2 affected'));
    assert.equal((card.body as Array<{ style?: string }>)[0]!.style, 'good');
    assert.deepEqual(executeActions(card), []);
  });
});
