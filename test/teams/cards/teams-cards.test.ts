import assert from 'node:assert/strict';
import { TeamsCards } from '../../../src/teams/bot-framework.js';
import { readdirSync } from 'node:fs';
import { CARD_NAMES, loadCardTemplates, type CardName } from '../../../src/teams/cards.js';
import { PullDoctorError } from '../../../src/errors/index.js';
import type { AdaptiveCardJson } from '../../../src/teams/cards.js';
import type { TeamsFixRequest } from '../../../src/teams/fix-card-data.js';
import { adaptiveCardProblems } from '../../support/adaptive-card-validator.js';
import { cardBytes, cardTexts, executeActions } from '../../support/card-text.js';
import { firingAlert, floodSummary, hostileAlert, resolvedAlert, resolvedSummary, undiagnosedAlert } from '../../fixtures/alerts/index.js';
import { ALL_DIAGNOSES, healthy, manyContainers, missingAcrPull } from '../../fixtures/diagnoses/index.js';
import {
  ALL_FIX_REQUESTS,
  completedRequest,
  executingRequest,
  expiredRequest,
  failedRequest,
  hostileRequest,
  NOW,
  pendingRequest,
  rejectedRequest,
} from '../../fixtures/fix-requests.js';
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
const fixRequest: TeamsFixRequest = {
  target: { pod: 'web-7d4c9', namespace: 'shop' },
  fix: missingAcrPull.fix!,
  cause: 'unauthorized',
  diagnosedAt: missingAcrPull.diagnosedAt,
  requestedBy: { id: 'user-id-0', name: 'Alex Wilber' },
  conversationId: 'conv-1',
  conversation: {
    serviceUrl: 'https://smba.trafficmanager.net/emea/',
    channelId: 'msteams',
    conversation: { id: 'conv-1' },
    bot: { id: '28:bot' },
  },
};
const APPROVERS = 'Megan Bowen, Adele Vance';
const approval = (c: TeamsCards, request: StoredFixRequest, notice?: string) =>
  c.fixApproval({ view: describeFixRequest(request, NOW), approvers: APPROVERS, ...(notice === undefined ? {} : { notice }) });

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
    ['fix requested', c.fixRequested(fixRequest, { reference: 'FR-2026-0042', nextStep: 'An approver has been asked.' })],
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

  it('confirms a fix request with its reference, the change and who asked', () => {
    const texts = cardTexts(cards.fixRequested(fixRequest, { reference: 'FR-2026-0042', nextStep: 'An approver has been asked.' }));
    assert.ok(texts.includes('Fix requested for shop/web-7d4c9'));
    assert.ok(texts.includes('**Reference:** FR-2026-0042'));
    assert.ok(texts.includes('**Change:** Assign AcrPull on shopacr to the kubelet identity 5d3b8f2a-9c41-4e7b-b0d6-2f1a7c9e4b31'));
    assert.ok(texts.includes('**Requested by:** Alex Wilber'));
  });

  it('shows the whole next step of a fix request, and names the role the fix grants', () => {
    const nextStep =
      'An approval card follows in this conversation. Sandbox approvers: Megan Bowen, Adele Vance, Isaiah Langer, Patti Fernandez, Lynne Robbins can approve it ' +
      'until 2026-11-27 04:57:26 UTC; nobody approves their own request. This is a personal chat: only you see the card here. ' +
      'Request the fix where an approver can see it (a channel or group chat).';
    const reader = {
      ...fixRequest,
      fix: {
        ...fixRequest.fix,
        roleDefinitionId: `${fixRequest.fix.roleDefinitionId.replace(/[^/]+$/, '')}b93aa761-3e63-49ed-ac28-beffa264f7ac`,
      },
    };
    const texts = cardTexts(cards.fixRequested(reader, { reference: 'FR-2026-0042', nextStep }));
    assert.ok(texts.includes(nextStep), `not cut short: ${texts.join('\n')}`);
    assert.ok(
      texts.includes(
        '**Change:** Assign Container Registry Repository Reader on shopacr to the kubelet identity 5d3b8f2a-9c41-4e7b-b0d6-2f1a7c9e4b31',
      ),
    );
  });

  describe('the fix approval card', () => {
    it('says who asks what for whom, on which registry, why and until when, with Approve and Reject carrying only the id', () => {
      const card = approval(cards, pendingRequest);
      const texts = cardTexts(card);
      assert.equal(texts[0], 'Fix approval');
      assert.equal(texts[1], '🔐 Grant AcrPull on shopacr to the kubelet identity of shop-aks');
      assert.equal(texts[2], 'Waiting for an approver until 2026-11-27 00:15:00 UTC');
      assert.ok(texts.includes('**Requested by:** Dana Li at 2026-11-26 23:15:00 UTC'));
      assert.ok(texts.includes(`**Role:** AcrPull (role definition ${pendingRequest.fix.roleDefinitionId})`));
      assert.ok(texts.includes(`**For:** the kubelet identity of shop-aks, object id ${pendingRequest.fix.principalId}`));
      assert.ok(texts.includes(`**On:** the container registry shopacr: ${pendingRequest.fix.scope}`));
      assert.ok(texts.includes('**Pod:** shop/web-7d4c9 on cluster shop-aks'));
      assert.ok(texts.includes('**Expires:** 2026-11-27 00:15:00 UTC'));
      assert.ok(
        texts.includes(
          '**Why:** The registry refused the pull: the node offered no credentials, or credentials the registry does not accept.',
        ),
      );
      assert.ok(texts.some((t) => t.startsWith('• Failed ×6: Failed to pull image') && t.endsWith('401 Unauthorized')));
      assert.ok(texts.includes('**Who can approve:** Megan Bowen, Adele Vance. Not the requester.'));
      assert.deepEqual(
        executeActions(card).map((a) => [a.title, a.verb, a.data]),
        [
          ['Approve', 'approveFix', { id: pendingRequest.id }],
          ['Reject', 'rejectFix', { id: pendingRequest.id }],
        ],
      );
    });

    it('offers no buttons once the request is decided or expired, and says what happened', () => {
      const status = (request: StoredFixRequest) => cardTexts(approval(cards, request))[2];
      assert.equal(status(executingRequest), 'Approved by Ben Okafor at 2026-11-26 23:17:30 UTC: applying the change…');
      assert.equal(status(completedRequest), 'Approved by Ben Okafor at 2026-11-26 23:17:30 UTC: done');
      assert.equal(status(failedRequest), 'Approved by Ben Okafor at 2026-11-26 23:17:30 UTC: the change could not be applied');
      assert.equal(status(rejectedRequest), 'Rejected by Ben Okafor at 2026-11-26 23:17:30 UTC: nothing was changed');
      assert.equal(status(expiredRequest), 'Expired at 2026-11-26 23:19:00 UTC without a decision: nothing was changed');
      assert.equal(
        status({ ...pendingRequest, expiresAt: '2026-11-26T23:19:59.000Z' }),
        'Expired at 2026-11-26 23:19:59 UTC without a decision: nothing was changed',
        'a pending request past its expiry reads expired',
      );
      for (const request of [executingRequest, completedRequest, failedRequest, rejectedRequest, expiredRequest]) {
        assert.deepEqual(executeActions(approval(cards, request)), [], request.status);
        assert.ok(
          !cardTexts(approval(cards, request)).some((t) => t.startsWith('**Who can approve:**')),
          `${request.status}: no longer says who can approve`,
        );
      }
    });

    it('shows the result, the diagnosis after the change and the kubelet back-off reminder once the role is granted', () => {
      const texts = cardTexts(approval(cards, completedRequest));
      assert.ok(texts.includes('**Result:** Role assignment created (2026-11-26 23:17:33 UTC)'));
      assert.ok(texts.includes(`Granted AcrPull on shopacr for the kubelet identity ${pendingRequest.fix.principalId}.`));
      assert.ok(
        texts.some(
          (t) =>
            t.startsWith('**Role assignment:** /subscriptions/') && t.endsWith('/roleAssignments/2b8f0c4e-6a1d-5e3f-9b7c-1d2e3f4a5b6c'),
        ),
      );
      assert.ok(
        texts.includes(
          '**Diagnosis after the change:** The kubelet identity can pull from shopacr now; the pod still shows the last pull error until the kubelet retries.',
        ),
      );
      assert.ok(
        texts.some((t) => t.startsWith('The kubelet retries the image pull on its own back-off (up to 5 minutes between attempts)')),
      );
    });

    it('names the permission Pull Doctor lacks when Azure refuses (403), and how to grant it narrowly', () => {
      const texts = cardTexts(approval(cards, failedRequest));
      assert.ok(texts.includes('**Result:** Failed: nothing was changed (2026-11-26 23:17:33 UTC)'));
      assert.ok(
        texts.some((t) => t.includes("Pull Doctor's identity lacks Microsoft.Authorization/roleAssignments/write on the registry")),
      );
      assert.ok(texts.some((t) => t.startsWith('Grant it narrowly: the built-in role "Role Based Access Control Administrator"')));
      assert.ok(
        texts.some(
          (t) => t.startsWith('az role assignment create --assignee-object-id') && t.includes('f58310d9-a9f6-439a-9e8d-f62e7b41a168'),
        ),
      );
      assert.ok(!texts.some((t) => t.startsWith('The kubelet retries')), 'no back-off reminder when nothing was granted');
      assert.ok(cardBytes(approval(cards, failedRequest)) < 20_000);
    });

    it('shows a refusal to the person who pressed, above the request', () => {
      const texts = cardTexts(approval(cards, pendingRequest, fixRefusal('self-approval').message));
      assert.equal(texts[3], '⛔ You made this request: someone else must decide on it.');
      assert.equal(texts[4], 'Nothing was changed by your press.');
      assert.equal(executeActions(approval(cards, pendingRequest, 'x')).length, 2, 'the request is still pending for the others');
    });

    it('shows names and evidence chosen by others as inert text: no links, mentions, formatting, date functions or tokens', () => {
      const shown = JSON.stringify({ ...approval(cards, hostileRequest), $schema: undefined });
      for (const forbidden of ['](', '<at>', '://', '{{', 'eyJ', '**Boss**']) assert.ok(!shown.includes(forbidden), forbidden);
      assert.ok(!shown.includes('A'.repeat(500)), 'long evidence is cut');
      assert.ok(
        cardTexts(approval(cards, hostileRequest)).includes(
          '**Requested by:** ∗∗Boss∗∗ {\u200b{DATE(2017-02-14T06:00:00Z, SHORT)}} ‹at›Everyone‹/at› at 2026-11-26 23:15:00 UTC',
        ),
      );
    });
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
});
