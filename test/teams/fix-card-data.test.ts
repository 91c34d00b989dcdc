import assert from 'node:assert/strict';
import { describeFixRequest, fixRefusal, type FixRequest } from '../../src/fixes/index.js';
import { TeamsCards } from '../../src/teams/bot-framework.js';
import { loadCardTemplates } from '../../src/teams/cards.js';
import { mentionName, originMark, type Mention } from '../../src/teams/fix-card-data.js';
import { adaptiveCardProblems } from '../support/adaptive-card-validator.js';
import { cardBytes, cardTexts, executeActions } from '../support/card-text.js';
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
  withdrawnRequest,
} from '../fixtures/fix-requests.js';

const cards = new TeamsCards(loadCardTemplates(), false);
const sandboxCards = new TeamsCards(loadCardTemplates(), true);
const APPROVERS = '2 people listed in APPROVERS';
const MEGAN: Mention = { id: '29:1f-megan', name: 'Megan Bowen' };
const ADELE: Mention = { id: '29:1f-adele', name: 'Adele Vance' };

function approval(request: FixRequest, more: { notice?: string; mentions?: Mention[]; standIn?: string; c?: TeamsCards } = {}) {
  const { c = cards, ...rest } = more;
  return c.fixApproval({ view: describeFixRequest(request, NOW), approvers: APPROVERS, ...rest });
}

/** The text blocks of the card body only (not the mention entities, which also carry text). */
const bodyTexts = (card: Record<string, unknown>) => cardTexts(card.body);
const codeSnippets = (card: unknown) => [...JSON.stringify(card).matchAll(/"codeSnippet":"([^"]*)"/g)].map((m) => m[1]);

describe('the fix approval card', () => {
  it('is a valid Adaptive Card 1.5 (with Teams’ CodeBlock and mentions) in every state, full width, well under 28 KB', () => {
    for (const [state, request] of ALL_FIX_REQUESTS) {
      for (const card of [approval(request), approval(request, { mentions: [MEGAN, ADELE], standIn: 'Megan Bowen', c: sandboxCards })]) {
        assert.deepEqual(adaptiveCardProblems(card), [], state);
        assert.equal((card.msteams as { width: string }).width, 'Full');
        assert.ok(cardBytes(card) < 20_000, `${state}: ${cardBytes(card)} bytes`);
        assert.equal(typeof card.fallbackText, 'string', 'a summary for feeds and toasts');
      }
    }
  });

  it('says who asks what for whom: the grant as facts, the full scope in a code block, why in one sentence, and one expiry time', () => {
    const card = approval(pendingRequest);
    const texts = bodyTexts(card);
    assert.deepEqual(texts.slice(0, 4), [
      'Fix approval',
      '🔐 Grant AcrPull on shopacr to the kubelet identity of shop-aks',
      'Waiting for an approver until 2026-11-27 00:15:00 UTC',
      '**Why:** The kubelet identity of shop-aks has no role that lets it pull from shopacr.',
    ]);
    const facts = (card.body as Array<{ type: string; facts?: Array<{ title: string; value: string }> }>).find(
      (e) => e.type === 'FactSet',
    )!.facts;
    assert.deepEqual(facts, [
      { title: 'Role', value: 'AcrPull' },
      { title: 'Identity', value: `kubelet identity of shop-aks (object id ${pendingRequest.fix.principalId})` },
      { title: 'Registry', value: 'shopacr' },
      { title: 'Pod', value: 'shop/web-7d4c9 on shop-aks' },
      { title: 'Requested by', value: 'Dana Li at 2026-11-26 23:15:00 UTC' },
    ]);
    assert.deepEqual(codeSnippets(card), [pendingRequest.fix.scope]);
    assert.equal(JSON.stringify(card).match(/2026-11-27 00:15:00 UTC/g)?.length, 2, 'the expiry: in the status line and the summary only');
    assert.ok(!texts.some((t) => t.includes('`')), 'no backticks');
    assert.equal(
      card.fallbackText,
      'Fix approval: Grant AcrPull on shopacr to the kubelet identity of shop-aks. Waiting for an approver until 2026-11-27 00:15:00 UTC',
    );
  });

  it('keeps the evidence and the role definition behind Show details', () => {
    const card = approval(pendingRequest);
    const details = (card.body as Array<{ id?: string; isVisible?: boolean }>).find((e) => e.id === 'fix-details')!;
    assert.equal(details.isVisible, false);
    const hidden = cardTexts(details);
    assert.ok(hidden.some((t) => t.startsWith('• Failed ×6: Failed to pull image') && t.endsWith('401 Unauthorized')));
    assert.ok(hidden.includes(pendingRequest.fix.roleDefinitionId));
    const toggle = (card.actions as Array<{ type: string; title: string; targetElements?: string[] }>).find(
      (a) => a.type === 'Action.ToggleVisibility',
    );
    assert.deepEqual([toggle?.title, toggle?.targetElements], ['Show details', ['fix-details']]);
  });

  it('mentions the approvers it is given, with entities whose text matches, and names the requester who can withdraw', () => {
    const card = approval(pendingRequest, { mentions: [MEGAN, ADELE] });
    assert.ok(
      bodyTexts(card).includes(
        '**Who can approve:** <at>Megan Bowen</at>, <at>Adele Vance</at>. Not the requester, Dana Li, who can withdraw the request.',
      ),
    );
    assert.deepEqual((card.msteams as { entities: unknown }).entities, [
      { type: 'mention', text: '<at>Megan Bowen</at>', mentioned: { id: MEGAN.id, name: 'Megan Bowen' } },
      { type: 'mention', text: '<at>Adele Vance</at>', mentioned: { id: ADELE.id, name: 'Adele Vance' } },
    ]);
    const plain = approval(pendingRequest);
    assert.ok(bodyTexts(plain).includes(`**Who can approve:** ${APPROVERS}. Not the requester, Dana Li, who can withdraw the request.`));
    assert.deepEqual((plain.msteams as { entities: unknown }).entities, []);
  });

  it('offers Approve, Reject and Withdraw while pending, carrying only the id; in the sandbox also Approve as one of its approvers', () => {
    const id = pendingRequest.id;
    assert.deepEqual(
      executeActions(approval(pendingRequest)).map((a) => [a.title, a.verb, a.data]),
      [
        ['Approve', 'approveFix', { id }],
        ['Reject', 'rejectFix', { id }],
        ['Withdraw request', 'withdrawFix', { id }],
      ],
    );
    assert.deepEqual(
      executeActions(approval(pendingRequest, { standIn: 'Megan Bowen', c: sandboxCards })).map((a) => [a.title, a.verb, a.data]),
      [
        ['Approve', 'approveFix', { id }],
        ['Reject', 'rejectFix', { id }],
        ['Withdraw request', 'withdrawFix', { id }],
        ['Approve as Megan Bowen (sandbox)', 'approveFixAs', { id }],
      ],
    );
  });

  it('says what happened once decided, withdrawn or expired, without asking anyone to approve; the done card has Re-run checks', () => {
    const expectations: Array<[FixRequest, string, string[]]> = [
      [executingRequest, 'Approved by Ben Okafor at 2026-11-26 23:17:30 UTC: applying the change…', []],
      [completedRequest, 'Approved by Ben Okafor at 2026-11-26 23:17:30 UTC: done', ['Re-run checks']],
      [failedRequest, 'Approved by Ben Okafor at 2026-11-26 23:17:30 UTC: the change could not be applied', []],
      [rejectedRequest, 'Rejected by Ben Okafor at 2026-11-26 23:17:30 UTC: nothing was changed', []],
      [withdrawnRequest, 'Withdrawn by Dana Li at 2026-11-26 23:18:10 UTC: nothing was changed', []],
      [expiredRequest, 'Expired at 2026-11-26 23:19:00 UTC without a decision: nothing was changed', []],
      [
        { ...pendingRequest, expiresAt: '2026-11-26T23:19:59.000Z' },
        'Expired at 2026-11-26 23:19:59 UTC without a decision: nothing was changed',
        [],
      ],
    ];
    for (const [request, status, buttons] of expectations) {
      const card = approval(request, { mentions: [MEGAN], standIn: 'Megan Bowen', c: sandboxCards });
      assert.equal(bodyTexts(card)[3], status, request.status);
      assert.deepEqual(
        executeActions(card).map((a) => a.title),
        buttons,
        request.status,
      );
      assert.ok(!bodyTexts(card).some((t) => t.startsWith('**Who can approve:**')), `${request.status}: no longer says who can approve`);
      assert.deepEqual((card.msteams as { entities: unknown }).entities, [], `${request.status}: nobody is mentioned again`);
    }
  });

  it('shows the result, the checks after the change with their time, and the kubelet back-off reminder once the role is granted', () => {
    const texts = bodyTexts(approval(completedRequest));
    assert.ok(texts.includes('**Result:** Role assignment created (2026-11-26 23:17:33 UTC)'));
    assert.ok(texts.includes(`Granted AcrPull on shopacr for the kubelet identity ${pendingRequest.fix.principalId}.`));
    assert.ok(
      texts.includes(
        '**Checks at 2026-11-26 23:17:36 UTC:** The kubelet identity can pull from shopacr now; the pod still shows the last pull error until the kubelet retries.',
      ),
    );
    assert.ok(texts.some((t) => t.startsWith('The kubelet retries the image pull on its own back-off')));
    assert.ok(
      texts.some((t) => t.endsWith('/roleAssignments/2b8f0c4e-6a1d-5e3f-9b7c-1d2e3f4a5b6c')),
      'the role assignment, in the details',
    );
  });

  it('names the permission Pull Doctor lacks when Azure refuses (403), and how to grant it narrowly', () => {
    const texts = bodyTexts(approval(failedRequest));
    assert.ok(texts.includes('**Result:** Failed: nothing was changed (2026-11-26 23:17:33 UTC)'));
    assert.ok(texts.some((t) => t.startsWith('Grant it narrowly: the built-in role "Role Based Access Control Administrator"')));
    assert.ok(!texts.some((t) => t.startsWith('The kubelet retries')), 'no back-off reminder when nothing was granted');
  });

  it('shows a refusal to the person who pressed, above the request, which stays open for the others', () => {
    const card = approval(pendingRequest, { notice: fixRefusal('not-requester').message });
    assert.deepEqual(bodyTexts(card).slice(3, 5), [
      '⛔ Only the person who requested this fix can withdraw it.',
      'Nothing was changed by your press.',
    ]);
    assert.equal(executeActions(card).length, 3);
  });

  it('shows names and evidence chosen by others as inert text: no links, formatting, date functions, tokens or forged mentions', () => {
    const card = approval(hostileRequest, { mentions: [{ id: '29:x', name: '</at><at>Everyone</at> [x](https://phish.example.net)' }] });
    const body = JSON.stringify(card.body);
    for (const forbidden of ['](', '://', '{{', 'eyJ', '**Boss**', '<at>Everyone</at>']) assert.ok(!body.includes(forbidden), forbidden);
    assert.ok(!body.includes('A'.repeat(500)), 'long evidence is cut');
    const [entity] = (card.msteams as { entities: Array<{ text: string; mentioned: { name: string } }> }).entities;
    assert.equal(entity!.text, '<at>/atatEveryone/at xhttps phish.example.net</at>');
    assert.ok(
      bodyTexts(card).some((t) => t.includes(entity!.text)),
      'the mention text is the one in the card',
    );
  });
});

describe('mention names', () => {
  it('keep letters, spaces and plain punctuation, and drop what could close the tag, format or link', () => {
    assert.equal(mentionName("Megan O'Brien-Bowen"), "Megan O'Brien-Bowen");
    assert.equal(mentionName('  Ana\tNovak\n'), 'Ana Novak');
    assert.equal(mentionName('<at>Boss</at> **x** [l](y)'), 'atBoss/at x ly');
    assert.equal(mentionName('<>&*'), '');
  });
});

describe('the card a fix was requested from, marked with where the request stands', () => {
  const mark = (request: FixRequest, where = { again: false, here: true, personal: false }) =>
    originMark(describeFixRequest(request, NOW), where);

  it('says who requested it and that it waits, and offers no second Request fix', () => {
    assert.deepEqual(mark(pendingRequest), {
      text: 'Fix requested by Dana Li — waiting for approval',
      tone: 'warning',
      offerRequestFix: false,
    });
    assert.equal(
      mark(pendingRequest, { again: false, here: true, personal: true }).text,
      'Fix requested by Dana Li — waiting for approval: this is a personal chat, where no approver sees the approval card',
    );
  });

  it('points a second press to the request under way, and says where its approval card is', () => {
    assert.equal(
      mark(pendingRequest, { again: true, here: true, personal: false }).text,
      'Fix already requested by Dana Li at 2026-11-26 23:15:00 UTC — waiting for approval; its approval card is in this conversation',
    );
    assert.ok(
      mark(pendingRequest, { again: true, here: false, personal: false }).text.endsWith('its approval card is in another conversation'),
    );
    assert.equal(mark(executingRequest, { again: true, here: true, personal: false }).text, 'Fix approved by Ben Okafor — being applied');
  });

  it('follows the request to its end, and offers Request fix again when nothing was changed', () => {
    const cases: Array<[FixRequest, string, boolean]> = [
      [completedRequest, 'Fix applied: AcrPull on shopacr, approved by Ben Okafor at 2026-11-26 23:17:30 UTC', false],
      [failedRequest, 'Fix approved by Ben Okafor but not applied — the approval card says why', true],
      [rejectedRequest, 'Fix rejected by Ben Okafor at 2026-11-26 23:17:30 UTC — nothing was changed', true],
      [withdrawnRequest, 'Fix request withdrawn by Dana Li at 2026-11-26 23:18:10 UTC — nothing was changed', true],
      [expiredRequest, 'Fix request expired at 2026-11-26 23:19:00 UTC without a decision — nothing was changed', true],
    ];
    for (const [request, text, offer] of cases) assert.deepEqual([mark(request).text, mark(request).offerRequestFix], [text, offer]);
    const alreadyFixed = { ...completedRequest, outcome: { ...completedRequest.outcome!, kind: 'already-fixed' as const } };
    assert.equal(mark(alreadyFixed).text, 'Nothing to change: the kubelet identity can already pull from shopacr');
  });
});
