import assert from 'node:assert/strict';
import { TeamsCards } from '../../../src/teams/bot-framework.js';
import { loadCardTemplates } from '../../../src/teams/cards.js';
import { PullDoctorError } from '../../../src/errors/index.js';
import type { AdaptiveCardJson } from '../../../src/teams/cards.js';
import { adaptiveCardProblems } from '../../support/adaptive-card-validator.js';
import { cardBytes, cardTexts, executeActions } from '../../support/card-text.js';
import { firingAlert, floodSummary, hostileAlert, resolvedAlert, resolvedSummary, undiagnosedAlert } from '../../fixtures/alerts/index.js';
import { DIAGNOSIS_CARD_LIMITS, GONE_POD_CARD_EVENTS } from '../../../src/teams/diagnosis-card-data.js';
import { gonePodStory, PodGoneError } from '../../../src/diagnosis/events.js';
import { ALL_DIAGNOSES, crashLoop, healthy, hostile, manyContainers, missingAcrPull } from '../../fixtures/diagnoses/index.js';
import {
  ALL_FIX_REQUESTS,
  NOW,
  pendingRequest,
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
        suggested: [{ pod: 'web-7d4c9b8f6-x2kqp', diagnoseId: 'd-1' }],
      }),
    ],
    ['error (unknown)', c.error({ error: new TypeError('Cannot read properties of undefined') })],
    ['help', c.help({ commands, intro: 'I did not understand that.' })],
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
    assert.ok(texts.includes('…and 35 more failing containers'));
    assert.ok(texts.some((t) => /…and 34 more checks that need attention/.test(t)));
    const events = cardTexts(
      cards.events({ target: manyContainers, events: manyContainers.events, diagnosedAt: manyContainers.diagnosedAt, rerunId: 'r' }),
    );
    assert.ok(events.some((t) => t.startsWith('…and 185 older events')));
  });

  describe('the diagnosis card', () => {
    it('leads with the verdict and explains the cause in plain words', () => {
      const texts = cardTexts(cards.diagnosis({ diagnosis: missingAcrPull, run: 1, actions: ids }));
      assert.equal(texts[0], '❌ web-7d4c9 cannot pull its image');
      assert.equal(texts[1], 'Pod shop/web-7d4c9 · cluster shop-aks');
      assert.ok(
        texts.includes('The registry refused the pull: the node offered no credentials, or credentials the registry does not accept.'),
      );
    });

    it('shows the evidence: image, registry, the identity that pulls and the key event', () => {
      const texts = cardTexts(cards.diagnosis({ diagnosis: missingAcrPull, run: 1, actions: ids }));
      assert.ok(texts.includes('**Image:** shopacr.azurecr.io/shop/web:1.4.2'));
      assert.ok(texts.includes('**Registry:** shopacr.azurecr.io'));
      assert.ok(
        texts.some((t) =>
          t.startsWith('**Pulls as:** kubelet identity, object id 5d3b8f2a-9c41-4e7b-b0d6-2f1a7c9e4b31 (client id a7e4c2b9'),
        ),
      );
      assert.ok(texts.some((t) => t.startsWith('**Key event:** Failed ×6: Failed to pull image') && t.includes('401 Unauthorized')));
    });

    it('lists what failed, what could not be checked and what warned, each with what to do, and counts the rest', () => {
      const texts = cardTexts(cards.diagnosis({ diagnosis: missingAcrPull, run: 1, actions: ids }));
      const fail = texts.indexOf('❌ The kubelet identity has no role on shopacr that allows pulling images');
      const error = texts.indexOf("❗ Could not check: Could not read the registry's network rules");
      const warn = texts.indexOf('⚠️ Could not confirm that shop/web:1.4.2 exists: the registry refused anonymous access');
      assert.ok(fail > 0 && error > fail && warn > error, 'failures first, then errors, then warnings');
      assert.ok(texts.some((t) => t.startsWith('**What to do:** Assign AcrPull on the registry to the kubelet identity')));
      assert.ok(texts.includes("**What to do:** Grant Pull Doctor's identity Reader on the registry to include this check."));
      assert.ok(texts.includes('Checks: 2 failed · 1 could not run · 1 warned · 4 passed · 1 skipped'));
      assert.ok(!texts.some((t) => t.includes('is a valid image reference')), 'passing checks are only counted');
    });

    it('puts the checks that pinpoint the cause before those restating the symptom, events one per line, advice uncut', () => {
      const longAdvice = `Assign AcrPull to the kubelet identity on the registry: az aks update -n shop-aks -g rg-shop --attach-acr ${'/subscriptions/5a4d2c1b-0000-4000-8000-00000000b001/resourceGroups/rg-shop/providers/Microsoft.ContainerRegistry/registries/shopacr'} (or az role assignment create --assignee-object-id 5d3b8f2a-9c41-4e7b-b0d6-2f1a7c9e4b31 --role AcrPull --scope /subscriptions/5a4d2c1b-0000-4000-8000-00000000b001/resourceGroups/rg-shop/providers/Microsoft.ContainerRegistry/registries/shopacr)`;
      const diagnosis = {
        ...missingAcrPull,
        findings: [
          { check: 'pod-state', status: 'fail' as const, summary: 'Container "web" cannot pull its image (ImagePullBackOff).' },
          { check: 'pull-error', status: 'fail' as const, summary: "The registry refused the node's credentials (unauthorized)." },
          {
            check: 'events',
            status: 'warn' as const,
            summary: '6 warning events; newest: BackOff.',
            detail: [
              '2026-11-26T23:14:05Z Normal BackOff (x9): Back-off pulling image',
              '2026-11-26T23:12:00Z Warning Failed (x6): Error: ErrImagePull',
              'a',
              'b',
              'c',
              'd',
            ].join('\n'),
          },
          {
            check: 'acr-pull-role',
            status: 'fail' as const,
            summary: 'The kubelet identity of shop-aks has no role that lets it pull from shopacr.',
            remediation: longAdvice,
          },
        ],
      };
      const texts = cardTexts(cards.diagnosis({ diagnosis, run: 1, actions: ids }));
      const at = (prefix: string) => texts.findIndex((t) => t.startsWith(prefix));
      assert.ok(
        at('❌ The kubelet identity') < at('❌ The registry refused') && at('❌ The registry refused') < at('❌ Container'),
        JSON.stringify(texts),
      );
      assert.ok(at('⚠️ 6 warning events') > at('❌ Container'));
      assert.ok(texts.includes('2026-11-26T23:14:05Z Normal BackOff \\(x9\\): Back-off pulling image'));
      assert.ok(texts.includes('2026-11-26T23:12:00Z Warning Failed \\(x6\\): Error: ErrImagePull'));
      assert.ok(texts.includes('…and 2 more lines'));
      assert.ok(
        texts.some((t) => t.startsWith('**What to do:**') && t.endsWith('registries/shopacr\\)')),
        'the whole command, to its last character',
      );
    });

    it('offers Request fix only when the diagnosis has a fix and an id for it, then Re-run checks and Show events', () => {
      const withFix = executeActions(cards.diagnosis({ diagnosis: missingAcrPull, run: 1, actions: { ...ids, requestFixId: 'f-1' } }));
      assert.deepEqual(
        withFix.map((a) => [a.title, a.verb, a.data]),
        [
          ['Request fix', 'requestFix', { id: 'f-1' }],
          ['Re-run checks', 'rerun', { id: 'r-1' }],
          ['Show events', 'events', { id: 'e-1' }],
        ],
      );
      const withoutHandler = executeActions(cards.diagnosis({ diagnosis: missingAcrPull, run: 1, actions: ids }));
      assert.deepEqual(
        withoutHandler.map((a) => a.verb),
        ['rerun', 'events'],
      );
    });

    it('carries only opaque ids in its buttons, never what they act on', () => {
      const card = cards.diagnosis({ diagnosis: missingAcrPull, run: 1, actions: { ...ids, requestFixId: 'f-1' } });
      for (const action of executeActions(card)) assert.deepEqual(Object.keys(action.data), ['id']);
    });

    it('shows the run number and the time the checks ran', () => {
      const texts = cardTexts(cards.diagnosis({ diagnosis: missingAcrPull, run: 3, actions: ids }));
      assert.ok(texts.includes('Run 3 · checked at 2026-11-26 23:14:05 UTC'));
    });

    it('says when a pod is healthy, and names the failing state when it is not a pull problem', () => {
      assert.equal(cardTexts(cards.diagnosis({ diagnosis: healthy, run: 1, actions: ids }))[0], '✅ api-5f6b8c7d9-q2w4e looks healthy');
      const crash = cardTexts(cards.diagnosis({ diagnosis: crashLoop, run: 1, actions: ids }));
      assert.equal(crash[0], '❌ worker-6c9d7b5f4-8kz2m is failing: CrashLoopBackOff');
      assert.ok(crash.includes('The image pulls fine, but the container keeps crashing after it starts.'));
    });

    it('names a pod-level problem (unschedulable) by its reason and message, not an empty container line, and counts one hidden check in the singular', () => {
      const unschedulable = {
        ...crashLoop,
        problems: [
          {
            kind: 'unschedulable' as const,
            container: '',
            initContainer: false,
            image: '',
            reason: 'Unschedulable',
            message: '0/3 nodes are available: 3 Insufficient cpu.',
          },
        ],
        findings: Array.from({ length: DIAGNOSIS_CARD_LIMITS.checks + 1 }, (_, i) => ({
          check: `c${i}`,
          status: 'warn' as const,
          summary: `warning ${i}`,
        })),
      };
      const texts = cardTexts(cards.diagnosis({ diagnosis: unschedulable, run: 1, actions: ids }));
      assert.ok(texts.includes('• Unschedulable — 0/3 nodes are available: 3 Insufficient cpu.'), texts.join('\n'));
      assert.ok(!texts.some((t) => t.startsWith('•  —')));
      assert.ok(texts.some((t) => t.startsWith('…and 1 more check that needs attention')));
    });

    it('shows hostile cluster text as inert text: no links, mentions, formatting, date functions or tokens', () => {
      const shown = (card: object) => JSON.stringify({ ...card, $schema: undefined });
      const rendered = [
        shown(cards.diagnosis({ diagnosis: hostile, run: 1, actions: ids })),
        shown(cards.events({ target: hostile, events: hostile.events, diagnosedAt: hostile.diagnosedAt, rerunId: 'r' })),
      ];
      for (const card of rendered) {
        assert.ok(!/[^\\]\]\(/.test(card), 'no markdown link');
        assert.ok(!card.includes('<at>'), 'no mention');
        assert.ok(!card.includes('://'), 'no URL');
        assert.ok(!card.includes('{{'), 'no DATE()/TIME()');
        assert.ok(!card.includes('eyJ'), 'no token');
        assert.ok(!card.includes('<script>'), 'no HTML');
        assert.ok(
          !card.includes(
            'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
          ),
          'long text is cut',
        );
      }
      const texts = cardTexts(cards.diagnosis({ diagnosis: hostile, run: 1, actions: ids }));
      assert.ok(
        texts.some((t) => t.includes('\\*\\*URGENT\\*\\* run \\`kubectl delete ns prod\\` &lt;at&gt;Megan Bowen&lt;/at&gt; &amp; visit')),
      );
      assert.ok(texts.every((t) => !t.includes('\n')));
    });
  });

  it('shows events newest first with their reason, count and time, and a way back to the checks', () => {
    const card = cards.events({
      target: missingAcrPull,
      events: missingAcrPull.events,
      diagnosedAt: missingAcrPull.diagnosedAt,
      rerunId: 'r-9',
    });
    const texts = cardTexts(card);
    assert.equal(texts[0], 'Events for shop/web-7d4c9 on cluster shop-aks');
    assert.ok(texts.includes('ℹ️ BackOff ×41 · last 2026-11-26 23:14:02 UTC'));
    assert.ok(texts.includes('⚠️ Failed ×6 · last 2026-11-26 23:11:47 UTC'));
    assert.deepEqual(
      executeActions(card).map((a) => [a.verb, a.data]),
      [['rerun', { id: 'r-9' }]],
    );
  });

  it('turns an error into what failed and what to do, with similar pod names, never a stack trace', () => {
    const known = cards.error({
      error: new PullDoctorError('POD_NOT_FOUND', 'Pod shop/web-7d4c9 was not found', {
        facts: { suggestions: 'web-7d4c9b8f6-x2kqp, web-7d4c9b8f6-r7t2p' },
      }),
      target: { pod: 'web-7d4c9', namespace: 'shop' },
    });
    const texts = cardTexts(known);
    assert.deepEqual(texts.slice(0, 3), ['Pod not found', 'Pod shop/web-7d4c9', 'Pod shop/web-7d4c9 was not found']);
    assert.ok(texts.includes('Did you mean: web-7d4c9b8f6-x2kqp, web-7d4c9b8f6-r7t2p?'));
    assert.ok(texts.some((t) => t.startsWith('**What you can do:** Check the pod name and namespace')));
    assert.deepEqual(executeActions(known), [], 'no retry button without a retry id');

    const unknown = JSON.stringify(cards.error({ error: new TypeError('secret internals at Object.<anonymous> (/app/src/x.ts:1:2)') }));
    assert.ok(unknown.includes('Something went wrong inside Pull Doctor'));
    assert.ok(!unknown.includes('internals') && !unknown.includes('x.ts'));
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
      suggested: [{ pod: 'web-7d4c9b6f5-x2k8p', diagnoseId: 'd-1' }],
    });
    assert.deepEqual(adaptiveCardProblems(card), []);
    const texts = cardTexts(card);
    assert.ok(texts.includes('Its last events, newest first'));
    const headings = texts.filter((t) => /^(⚠️|ℹ️) /.test(t));
    assert.equal(headings.length, GONE_POD_CARD_EVENTS, 'the newest few events only');
    assert.equal(headings[0], '⚠️ Failed ×4 · last 2026-11-26 10:00:01 UTC');
    const failed = texts[texts.indexOf(headings[0]!) + 1]!;
    assert.ok(failed.startsWith(`Failed to pull image "${image}"`));
    assert.ok(!failed.includes('<at>') && !failed.includes('](') && !failed.includes('{{DATE'), failed);
    assert.deepEqual(executeActions(card), [{ title: 'Diagnose web-7d4c9b6f5-x2k8p', verb: 'diagnose', data: { id: 'd-1' } }]);
    // A plain not-found card has no events block.
    assert.ok(!cardTexts(cards.error({ error: notFound() })).includes('Its last events, newest first'));
  });

  it('says what is being diagnosed while it runs, and that the checks are re-running on a later run', () => {
    assert.deepEqual(cardTexts(cards.diagnosing({ pod: 'web-7d4c9', namespace: 'shop' })).slice(0, 1), ['⏳ Diagnosing shop/web-7d4c9…']);
    assert.deepEqual(cardTexts(cards.diagnosing({ pod: 'web-7d4c9', namespace: 'shop', cluster: 'prod' }, 3)).slice(0, 1), [
      '⏳ Re-running checks for shop/web-7d4c9 on cluster prod… (run 3)',
    ]);
  });

  it('says when a diagnosis waits in line behind others, and its place', () => {
    assert.deepEqual(cardTexts(cards.diagnosing({ pod: 'web-7d4c9', namespace: 'shop' }, 1, 3)), [
      '⏳ Waiting to diagnose shop/web-7d4c9… (number 3 in line)',
      'Pull Doctor is diagnosing other pods right now. This one starts in turn, and this card then shows its result.',
    ]);
    assert.deepEqual(cardTexts(cards.diagnosing({ pod: 'web-7d4c9', namespace: 'shop' }, 2, 1)).slice(0, 1), [
      '⏳ Waiting to re-run checks for shop/web-7d4c9… (run 2, number 1 in line)',
    ]);
  });

  it('offers a Diagnose button per similar pod name, before Try again, carrying only ids', () => {
    const card = cards.error({
      error: notFound(),
      target: { pod: 'web-7d4c9', namespace: 'shop' },
      retryId: 'r-1',
      suggested: [
        { pod: 'web-7d4c9b8f6-x2kqp', diagnoseId: 'd-1' },
        { pod: 'web-7d4c9b8f6-r7t2p', diagnoseId: 'd-2' },
      ],
    });
    assert.deepEqual(
      executeActions(card).map((a) => [a.title, a.verb, a.data]),
      [
        ['Diagnose web-7d4c9b8f6-x2kqp', 'diagnose', { id: 'd-1' }],
        ['Diagnose web-7d4c9b8f6-r7t2p', 'diagnose', { id: 'd-2' }],
        ['Try again', 'rerun', { id: 'r-1' }],
      ],
    );
  });

  it('does not repeat similar names that the error message already gives, nor name invalid ones', () => {
    const named = new PullDoctorError('POD_NOT_FOUND', 'No pod "web-7d4c9" in namespace "shop". Did you mean: web-7d4c9b6f5-x2k8p?', {
      facts: { suggestions: 'web-7d4c9b6f5-x2k8p' },
    });
    assert.ok(!cardTexts(cards.error({ error: named })).some((t) => t.startsWith('Did you mean')));
    const odd = new PullDoctorError('POD_NOT_FOUND', 'Pod shop/web was not found', {
      facts: { suggestions: 'web-1,[x](https://evil.example),Web-2' },
    });
    assert.ok(cardTexts(cards.error({ error: odd })).includes('Did you mean: web-1?'));
  });

  it('lists the sandbox pods to try, with what each one shows, on the help card', () => {
    const texts = cardTexts(sandboxCards.help({ commands, intro: 'Hi!' }));
    assert.ok(texts.includes('Pods to try'));
    assert.ok(texts.includes('Ask for example: why is pod web-7d4c9b6f5-x2k8p failing in shop'));
    assert.ok(
      texts.includes('• **web-7d4c9b6f5-x2k8p** — ACR image, the kubelet identity has no AcrPull on the registry \\(fix offered\\)'),
    );
    assert.ok(texts.includes("• **cache-3f2e1d0c9-c7d8e** — Docker Hub's pull rate limit \\(429\\)"));
    assert.ok(!cardTexts(cards.help({ commands })).includes('Pods to try'), 'no section without sample pods');
  });

  it("shows the alert handler's answer as plain text, capped", () => {
    const details = Array.from({ length: 20 }, (_, i) => `namespace ns-${i}: **on**`);
    const texts = cardTexts(cards.alerts({ summary: 'Alerts: [on](https://evil.example)', details }));
    assert.equal(texts[0], '🔔 Alerts');
    assert.equal(texts[1], 'Alerts: \\[on\\]\\(https:\u200b//evil.example\\)');
    assert.equal(texts[2], 'namespace ns-0: \\*\\*on\\*\\*');
    assert.equal(texts.at(-1), '…and 5 more');
    assert.equal(texts.length, 2 + 15 + 1);
  });

  it('lists the chat commands it is given, with their examples', () => {
    const texts = cardTexts(cards.help({ commands }));
    assert.ok(texts.includes('**diagnose** — Explain why a pod is failing'));
    assert.ok(texts.includes('why is pod web-7d4c9 failing in shop'));
    assert.ok(texts.includes('diagnose web-7d4c9 -n shop'));
  });

  describe('the alert card', () => {
    it('names the workload, where it runs, the pods affected and the newest one, and since when it fails', () => {
      const texts = cardTexts(cards.alert({ view: firingAlert, actions: ids }));
      assert.equal(texts[0], '🔔 Deployment web cannot pull its image');
      assert.equal(texts[1], 'Namespace shop · cluster prod');
      assert.equal(texts[2], 'Firing since 2026-11-26 23:12:00 UTC · last failure 2026-11-26 23:14:05 UTC');
      assert.equal(texts[3], '**2 pods affected** (2 failing now) · newest web-7d4c9b8f6d-p2');
    });

    it('explains the cause in plain words and shows the evidence of the diagnosis', () => {
      const texts = cardTexts(cards.alert({ view: firingAlert, actions: ids }));
      assert.ok(texts.includes("The registry refused the node's credentials"));
      assert.ok(texts.some((t) => t.startsWith('The registry answered 401')));
      assert.ok(texts.includes('**Image:** shopacr.azurecr.io/shop/web:1.4.2'));
      assert.ok(texts.includes('**Registry:** shopacr.azurecr.io'));
      assert.ok(
        texts.some((t) => t.startsWith('**Key event:** Failed: Failed to pull image') && t.endsWith('401 Unauthorized\\]')),
        JSON.stringify(texts),
      );
      assert.ok(texts.includes('**Diagnosed:** pod web-7d4c9b8f6d-p1 at 2026-11-26 23:14:05 UTC'));
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
      assert.deepEqual(
        executeActions(cards.alert({ view: firingAlert, actions: ids })).map((a) => a.verb),
        ['rerun', 'events'],
      );
    });

    it('turns green and says when it resolved once every pod recovered', () => {
      const card = cards.alert({ view: resolvedAlert, actions: ids });
      const texts = cardTexts(card);
      assert.equal(texts[0], '✅ Resolved: Deployment web');
      assert.equal(texts[2], 'Resolved at 2026-11-26 23:31:40 UTC · failing since 2026-11-26 23:12:00 UTC');
      assert.equal(texts[3], '**2 pods affected** (none failing now) · newest web-7d4c9b8f6d-p2');
      assert.equal((card.body as Array<{ style?: string }>)[0]!.style, 'good');
    });

    it('still alerts when the diagnosis could not run, and says so and who reported it', () => {
      const texts = cardTexts(cards.alert({ view: undiagnosedAlert, actions: ids }));
      assert.equal(texts[0], '🔔 StatefulSet ledger cannot pull its image');
      assert.equal(texts[3], '**1 pod affected** (1 failing now) · newest ledger-0');
      assert.ok(texts.includes('**The diagnosis could not finish:** The Kubernetes API server did not answer in time'));
      assert.ok(texts.some((t) => t.startsWith('Reported by Alertmanager')));
    });

    it('shows hostile cluster text as inert text: no links, mentions, formatting, date functions or tokens', () => {
      const card = JSON.stringify({ ...cards.alert({ view: hostileAlert, actions: ids }), $schema: undefined });
      assert.ok(!/[^\\]\]\(/.test(card), 'no markdown link');
      assert.ok(!card.includes('<at>'), 'no mention');
      assert.ok(!card.includes('://'), 'no URL');
      assert.ok(!card.includes('{{'), 'no DATE()/TIME()');
      assert.ok(!card.includes('eyJ'), 'no token');
      assert.ok(cardBytes(JSON.parse(card)) < 8_000, 'long text is cut');
    });
  });

  describe('the alert summary card', () => {
    it('groups the workloads by registry and cause, the largest group first, with totals', () => {
      const texts = cardTexts(cards.alertSummary(floodSummary));
      assert.equal(texts[0], '🚨 135 workloads cannot pull their images');
      assert.equal(texts[1], 'Started 2026-11-26 23:12:00 UTC · updated 2026-11-26 23:20:00 UTC');
      assert.equal(texts[2], '**150 workloads** · 135 firing · 15 resolved · 300 pods affected');
      const headings = texts.filter((t) => / — .* \(\d+ workloads\)$/.test(t));
      assert.equal(headings.length, 6, JSON.stringify(headings));
      assert.deepEqual(
        headings.map((h) => Number(/\((\d+) workloads\)$/.exec(h)![1])).reduce((a, b) => a + b, 0),
        150,
      );
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
