import assert from 'node:assert/strict';
import { TeamsCards } from '../../../src/teams/bot-framework.js';
import { readdirSync } from 'node:fs';
import { CARD_NAMES, loadCardTemplates, type CardName } from '../../../src/teams/cards.js';
import { PullDoctorError } from '../../../src/errors/index.js';
import type { AdaptiveCardJson } from '../../../src/teams/cards.js';
import { GONE_POD_CARD_EVENTS } from '../../../src/teams/diagnosis-card-data.js';
import { gonePodStory, PodGoneError } from '../../../src/diagnosis/events.js';
import { failingPodsReport } from '../../../src/diagnosis/failing-pods.js';
import { payloads } from '../../../src/sandbox/kubernetes-api/index.js';
import { podKey } from '../../../src/teams/failing-pods-card-data.js';
import { asV1Pod } from '../../support/check-context.js';
import { adaptiveCardProblems } from '../../support/adaptive-card-validator.js';
import { cardBytes, cardTexts, executeActions } from '../../support/card-text.js';
import { firingAlert, floodSummary, hostileAlert, resolvedAlert, resolvedSummary, undiagnosedAlert } from '../../fixtures/alerts/index.js';
import { ALL_DIAGNOSES, healthy, manyContainers } from '../../fixtures/diagnoses/index.js';
import { ALL_FIX_REQUESTS, NOW, pendingRequest } from '../../fixtures/fix-requests.js';
import { describeFixRequest, FIX_REFUSAL_REASONS, fixRefusal, type FixRequest as StoredFixRequest } from '../../../src/fixes/index.js';

const templates = loadCardTemplates();
const samplePods = [
  { pod: 'web-7d4c9b6f5-x2k8p', namespace: 'shop', title: 'ACR image, the kubelet identity has no AcrPull on the registry (fix offered)' },
  { pod: 'cache-3f2e1d0c9-c7d8e', namespace: 'shop', title: "Docker Hub's pull rate limit (429)" },
];
const cards = new TeamsCards(templates, false);
const sandboxCards = new TeamsCards(templates, true, samplePods);
const notFound = () =>
  new PullDoctorError('POD_NOT_FOUND', 'Pod shop/web-7d4c9 was not found', {
    facts: { suggestions: 'web-7d4c9b8f6-x2kqp, web-7d4c9b8f6-r7t2p' },
  });
const ids = { rerunId: 'r-1', eventsId: 'e-1' };
const commands = [
  {
    id: 'diagnose',
    title: 'diagnose',
    description: 'Explain why a pod is failing',
    examples: ['why is pod web-7d4c9 failing in shop', 'diagnose web-7d4c9 -n shop'],
  },
  { id: 'help', title: 'help', description: 'List what I understand', examples: ['help'] },
];
const APPROVERS = 'Megan Bowen, Adele Vance';
const approval = (c: TeamsCards, request: StoredFixRequest, notice?: string) =>
  c.fixApproval({ view: describeFixRequest(request, NOW), approvers: APPROVERS, ...(notice === undefined ? {} : { notice }) });

/** The failing-pods card of a namespace with two pods failing to pull, each with its Diagnose button. */
function failingPods(c: TeamsCards): AdaptiveCardJson {
  const pods = ['web-7d4c9b6f5-x2k8p', 'web-7d4c9b6f5-r7t2p'].map((name) =>
    payloads.imagePullBackOffPod({ namespace: 'shop', name, image: 'shopacr.azurecr.io/shop/web:2.4.1', ownerDeployment: 'web' }),
  );
  const report = failingPodsReport(pods.map(asV1Pod), { namespace: 'shop', cluster: 'shop-aks' });
  const diagnoseIds = new Map(report.groups.flatMap((g) => g.pods.map((p, i): [string, string] => [podKey(p.namespace, p.pod), `d-${i}`])));
  return c.failingPods({ report, diagnoseIds });
}

/** One of each card, for the rules every card must follow. */
function everyCard(c: TeamsCards): Array<[string, AdaptiveCardJson]> {
  return [
    ['diagnosing', c.diagnosing({ pod: 'web-7d4c9', namespace: 'shop' })],
    ['re-running', c.diagnosing({ pod: 'web-7d4c9', namespace: 'shop' }, 2)],
    ['diagnosing (queued)', c.diagnosing({ pod: 'web-7d4c9', namespace: 'shop' }, 1, 3)],
    ...ALL_DIAGNOSES.map((d): [string, AdaptiveCardJson] => [
      `diagnosis ${d.pod}`,
      c.diagnosis({ diagnosis: d, run: 1, actions: { ...ids, requestFixId: 'f-1' } }),
    ]),
    ...ALL_DIAGNOSES.map((d): [string, AdaptiveCardJson] => [
      `events ${d.pod}`,
      c.events({ target: d, events: d.events, diagnosedAt: d.diagnosedAt, rerunId: 'r-1' }),
    ]),
    ['events (none)', c.events({ target: healthy, events: [], diagnosedAt: healthy.diagnosedAt, rerunId: 'r-1' })],
    [
      'error (known)',
      c.error({
        error: notFound(),
        target: { pod: 'web-7d4c9', namespace: 'shop' },
        retryId: 'r-1',
        suggested: [{ label: 'Diagnose web-7d4c9b8f6-x2kqp', diagnoseId: 'd-1' }],
      }),
    ],
    ['error (unknown)', c.error({ error: new TypeError('Cannot read properties of undefined') })],
    ['help', c.help({ commands, intro: 'I did not understand that.' })],
    ['failing pods', failingPods(c)],
    ['alerts', c.alerts({ summary: 'Alerts are on for namespace shop.', details: ['Posting to this chat.'] })],
    ['alert (firing)', c.alert({ view: firingAlert, actions: { ...ids, requestFixId: 'f-1' } })],
    ['alert (resolved)', c.alert({ view: resolvedAlert, actions: ids })],
    ['alert (undiagnosed)', c.alert({ view: undiagnosedAlert, actions: ids })],
    ['alert (hostile)', c.alert({ view: hostileAlert, actions: ids })],
    ['alert summary (flood)', c.alertSummary(floodSummary)],
    ['alert summary (resolved)', c.alertSummary(resolvedSummary)],
    ...ALL_FIX_REQUESTS.map(([state, request]): [string, AdaptiveCardJson] => [`fix approval (${state})`, approval(c, request)]),
    ['fix approval (refusal notice)', approval(c, pendingRequest, fixRefusal('self-approval').message)],
    ...FIX_REFUSAL_REASONS.map((reason): [string, AdaptiveCardJson] => [`fix refused (${reason})`, c.fixRefused(fixRefusal(reason))]),
  ];
}

describe('Teams cards', () => {
  it('are valid Adaptive Cards 1.5 for the official parser, with no parse or validation events', () => {
    for (const [name, card] of [...everyCard(cards), ...everyCard(sandboxCards)]) {
      assert.deepEqual(adaptiveCardProblems(card), [], name);
      assert.equal(card.version, '1.5', name);
    }
  });

  it('are all among the cards validated: every template in cards/ is rendered above', () => {
    const rendered = new Set<string>();
    const watched = new Proxy(templates, {
      get: (target, name: string) => (rendered.add(name), target[name as CardName]),
    });
    everyCard(new TeamsCards(watched, false));
    const files = readdirSync('cards').filter((f) => f.endsWith('.json'));
    assert.deepEqual(files.map((f) => f.replace(/\.json$/, '')).sort(), [...CARD_NAMES].sort(), 'every template is loaded');
    assert.deepEqual(CARD_NAMES.filter((name) => !rendered.has(name)), [], 'templates no card above renders');
  });

  it('label every card "Sandbox" when the bot runs on the bundled sandbox, and none otherwise', () => {
    for (const [name, card] of everyCard(sandboxCards))
      assert.ok(
        cardTexts(card).some((t) => t.includes('**Sandbox**')),
        name,
      );
    for (const [name, card] of everyCard(cards)) assert.ok(!cardTexts(card).some((t) => t.includes('Sandbox')), name);
  });

  it('stay well under the 28 KB Teams limit, even for 40 failing containers and 200 events', () => {
    for (const [name, card] of everyCard(cards)) assert.ok(cardBytes(card) < 20_000, `${name}: ${cardBytes(card)} bytes`);
    const big = cards.diagnosis({ diagnosis: manyContainers, run: 1, actions: ids });
    const texts = cardTexts(big);
    assert.ok(texts.includes('shard-00 — ErrImagePull (and 39 more failing containers)'), JSON.stringify(texts));
    assert.ok(texts.includes('…and 29 more checks'));
    const events = cardTexts(
      cards.events({ target: manyContainers, events: manyContainers.events, diagnosedAt: manyContainers.diagnosedAt, rerunId: 'r' }),
    );
    assert.ok(events.some((t) => t.startsWith('…and 185 older events')));
  });

  describe('the fix refused card', () => {
    it('says nothing was changed, why, and what the person can do, without showing the request', () => {
      const texts = cardTexts(cards.fixRefused(fixRefusal('wrong-conversation')));
      assert.deepEqual(texts, [
        '⛔ Refused: nothing was changed',
        'This fix request can only be decided in the conversation where it was made.',
        '**What you can do:** Decide in the conversation where the fix was requested: its approval card is there.',
        'Refusal wrong-conversation',
      ]);
      assert.deepEqual(executeActions(cards.fixRefused(fixRefusal('altered-card'))), []);
    });
  });

  it("shows a gone pod's last events under the message that says it is gone, as inert text, with a Diagnose button for its successor", () => {
    const image = 'shopacr.azurecr.io/shop/web:2.4.0';
    const story = gonePodStory({ pod: 'web-5c8d7b9f4-q4w5e', namespace: 'shop' }, [
      {
        involvedObject: { kind: 'Pod', name: 'web-5c8d7b9f4-q4w5e', namespace: 'shop' },
        metadata: { name: 'web-5c8d7b9f4-q4w5e.1', namespace: 'shop' },
        type: 'Warning',
        reason: 'Failed',
        message: `Failed to pull image "${image}": ${image}: not found <at>ops</at> [click](https://evil.example) {{DATE(2017-02-14T06:08:39Z)}}`,
        count: 4,
        lastTimestamp: new Date('2026-11-26T10:00:01Z'),
      },
      ...Array.from({ length: 8 }, (_, i) => ({
        involvedObject: { kind: 'Pod', name: 'web-5c8d7b9f4-q4w5e', namespace: 'shop' },
        metadata: { name: `web-5c8d7b9f4-q4w5e.n${i}`, namespace: 'shop' },
        type: 'Normal',
        reason: 'Pulling',
        message: `Pulling image "${image}" (attempt ${i})`,
        count: 1,
        lastTimestamp: new Date(`2026-11-26T09:5${i}:00Z`),
      })),
    ])!;
    const error = new PodGoneError('Pod "web-5c8d7b9f4-q4w5e" no longer exists in namespace "shop"; its events remain: it could not pull.', story, {
      facts: { suggestions: 'web-7d4c9b6f5-x2k8p' },
    });
    const card = cards.error({
      error,
      target: { pod: 'web-5c8d7b9f4-q4w5e', namespace: 'shop' },
      suggested: [{ label: 'Diagnose web-7d4c9b6f5-x2k8p', diagnoseId: 'd-1' }],
    });
    assert.deepEqual(adaptiveCardProblems(card), []);
    const texts = cardTexts(card);
    assert.ok(texts.includes('Its last events, newest first'));
    const headings = texts.filter((t) => /^(⚠️|ℹ️) /.test(t));
    assert.equal(headings.length, GONE_POD_CARD_EVENTS, 'the newest few events only');
    assert.equal(headings[0], '⚠️ Failed ×4 · last 2026-11-26 10:00:01 UTC');
    const failed = texts[texts.indexOf(headings[0]!) + 1]!;
    assert.ok(failed.startsWith(`Failed to pull image "${image}"`));
    // Plain TextRuns: no mention, no link, no date function survives.
    assert.ok(!failed.includes('<at>') && !failed.includes('https://') && !failed.includes('{{DATE'), failed);
    assert.deepEqual(executeActions(card), [{ title: 'Diagnose web-7d4c9b6f5-x2k8p', verb: 'diagnose', data: { id: 'd-1' } }]);
    // A plain not-found card has no events block.
    assert.ok(!cardTexts(cards.error({ error: notFound() })).includes('Its last events, newest first'));
  });
});

