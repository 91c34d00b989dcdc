import assert from 'node:assert/strict';
import { TeamsCards } from '../../../src/teams/bot-framework.js';
import { cardMessage, loadCardTemplates, type AdaptiveCardJson } from '../../../src/teams/cards.js';
import { errorSuggestions, retryIsPointless } from '../../../src/teams/diagnosis-card-data.js';
import { PullDoctorError } from '../../../src/errors/index.js';
import type { Diagnosis } from '../../../src/diagnosis/types.js';
import { ALL_DIAGNOSES, crashLoop, healthy, hostile, manyContainers, missingAcrPull } from '../../fixtures/diagnoses/index.js';
import { cardElements, cardTexts, codeBlocks, ESCAPE_OR_BACKTICK, executeActions, markdownTexts, shownTexts } from '../../support/card-text.js';

const cards = new TeamsCards(loadCardTemplates(), false);
const ids = { rerunId: 'r-1', eventsId: 'e-1' };
const diagnosisCard = (diagnosis: Diagnosis, more: Partial<Parameters<TeamsCards['diagnosis']>[0]> = {}) =>
  cards.diagnosis({ diagnosis, run: 1, actions: ids, ...more });
const byId = (card: AdaptiveCardJson, id: string) => cardElements(card).find((e) => e.id === id);
const keyMessage = missingAcrPull.evidence.keyEvent!.message;
describe('the diagnosis card', () => {
  it("opens with the root cause in this pod's own terms, the cause as a small badge next to it", () => {
    const texts = shownTexts(diagnosisCard(missingAcrPull));
    assert.equal(texts[0], 'Unauthorized (401)', 'the badge');
    assert.equal(texts[1], 'Kubelet identity of shop-aks has no AcrPull on shopacr', 'the title names the role, the cluster and the registry');
  });

  it('says it in the activity summary too (toasts and the feed), and fills Teams’ width', () => {
    const card = diagnosisCard(missingAcrPull);
    assert.equal(card.fallbackText, '❌ Kubelet identity of shop-aks has no AcrPull on shopacr');
    assert.equal(cardMessage(card).summary, '❌ Kubelet identity of shop-aks has no AcrPull on shopacr');
    assert.equal(cardMessage(card).text, undefined, 'no text above a card someone asked for');
    assert.deepEqual(card.msteams, { width: 'Full' });
  });

  it('then shows at most six facts: where the pod is, what fails, what it pulls, who pulls and from where', () => {
    const facts = cardElements(diagnosisCard(missingAcrPull)).find((e) => e.type === 'FactSet')!.facts as Array<{ title: string }>;
    assert.deepEqual(
      facts.map((f) => f.title),
      ['Pod', 'Cluster', 'Container', 'Image', 'Pulls as', 'Registry'],
    );
    const texts = shownTexts(diagnosisCard(missingAcrPull));
    assert.ok(texts.includes('shop/web-7d4c9'));
    assert.ok(texts.includes('web — ImagePullBackOff'));
    assert.ok(texts.includes('kubelet identity 5d3b8f2a-9c41-4e7b-b0d6-2f1a7c9e4b31'));
    assert.ok(texts.includes('shopacr (resource group shop-rg)'));
    for (const d of ALL_DIAGNOSES) {
      const set = cardElements(diagnosisCard(d)).find((e) => e.type === 'FactSet')!;
      assert.ok((set.facts as unknown[]).length <= 6, d.pod);
    }
  });

  it('has one Fix block: one sentence, then each exact command in a CodeBlock with a monospace fallback', () => {
    const card = diagnosisCard(missingAcrPull);
    assert.deepEqual(codeBlocks(card), missingAcrPull.remedy!.commands);
    const blocks = cardElements(card).filter((e) => e.type === 'CodeBlock');
    for (const block of blocks) {
      assert.equal(block.language, 'Bash');
      const fallbackRuns = cardElements({ body: [block.fallback] }).filter((e) => e.type === 'TextRun');
      assert.deepEqual(
        fallbackRuns.map((r) => [r.text, r.fontType]),
        [[block.codeSnippet, 'Monospace']],
        'clients without CodeBlock show the same command in monospace',
      );
    }
    const fix = shownTexts(card).indexOf('Fix  ');
    assert.ok(fix > 0);
    assert.equal(shownTexts(card)[fix + 1], missingAcrPull.remedy!.text);
    assert.equal(cardElements(card).filter((e) => e.type === 'TextRun' && e.text === 'Fix  ').length, 1, 'one Fix block');
  });

  it('has no Fix block when there is nothing to do', () => {
    const card = diagnosisCard(healthy);
    assert.deepEqual(codeBlocks(card), []);
    assert.ok(!shownTexts(card).includes('Fix  '));
    assert.equal(shownTexts(card)[0], 'Healthy');
    assert.equal(shownTexts(card)[1], 'api-5f6b8c7d9-q2w4e is running and healthy');
  });

  it('keeps the evidence behind Show details: every check, what the kubelet said once, the newest other events', () => {
    const card = diagnosisCard(missingAcrPull);
    const toggles = cardElements(card).filter((e) => e.type === 'Action.ToggleVisibility');
    assert.deepEqual(
      toggles.map((t) => [t.title, t.targetElements]),
      [['Show details', ['details']]],
    );
    const details = byId(card, 'details')!;
    assert.equal(details.isVisible, false, 'collapsed until asked for');
    const inside = shownTexts({ body: [details] });
    assert.ok(inside.includes('❌ The kubelet identity of shop-aks has no role that lets it pull from shopacr.'));
    assert.ok(inside.includes("❗ Could not check: Could not read the registry's network rules"));
    assert.ok(inside.includes('Checks: 2 failed · 1 could not run · 1 warned · 4 passed · 1 skipped'));
    assert.ok(inside.includes('⚠️ Failed ×6 · 2026-11-26 23:11:47 UTC  '), 'the kubelet message, with its count and time');
    assert.ok(inside.includes('ℹ️ BackOff ×41 · 2026-11-26 23:14:02 UTC  '), 'the other events, newest first');
    const everywhere = JSON.stringify(card);
    assert.equal(everywhere.split('failed to fetch anonymous token').length - 1, 1, 'the kubelet message appears once in the whole card');
    assert.ok(!shownTexts({ body: (card.body as unknown[]).filter((e) => e !== details) }).some((t) => t.includes(keyMessage.slice(0, 40))));
  });

  it('orders the checks failed, could not run, warned, passed, and counts past twelve', () => {
    const card = diagnosisCard(manyContainers);
    const lines = cardElements({ body: [byId(card, 'details')] })
      .filter((e) => e.type === 'TextRun')
      .map((e) => String(e.text));
    assert.equal(lines.filter((l) => l.startsWith('❌ ')).length, 12);
    assert.ok(lines.includes('…and 29 more checks'));
  });

  it('writes no backtick anywhere and no backslash escape in markdown, for every diagnosis, hostile ones included', () => {
    for (const d of ALL_DIAGNOSES) {
      const card = diagnosisCard(d);
      for (const text of shownTexts(card)) assert.doesNotMatch(text, /`/, `${d.pod}: ${text}`);
      for (const text of markdownTexts(card)) assert.doesNotMatch(text, ESCAPE_OR_BACKTICK, `${d.pod}: ${text}`);
    }
  });

  it('shows hostile cluster text as inert text: no links, mentions, formatting, date functions, tokens or newlines', () => {
    const card = diagnosisCard(hostile);
    const facts = cardElements(card).flatMap((e) => (e.type === 'FactSet' ? (e.facts as Array<{ value: string }>).map((f) => f.value) : []));
    assert.ok(facts.some((v) => v.startsWith('evil.example.com/［click］(https:\u200b//phish.example.net)/∗∗img∗∗:‹at›Megan‹/at›')));
    for (const text of facts) assert.doesNotMatch(text, /\]\(|<at>|:\/\/|\{\{|\*\*/, text);
    const json = JSON.stringify({ ...card, $schema: undefined });
    assert.ok(!json.includes('eyJ'), 'no token');
    assert.ok(!json.includes('://'), 'no clickable URL, even in plain runs');
    assert.ok(!json.includes('{{'), 'no DATE()/TIME()');
    assert.ok(!json.includes('A'.repeat(500)), 'long text is cut');
    assert.ok(shownTexts(card).every((t) => !t.includes('\n')));
    assert.deepEqual(
      codeBlocks(card),
      ['kubectl delete ns prod', 'echo evil Authorization: Bearer [redacted]'],
      'commands: first line, no invisible characters, redacted',
    );
  });

  it('marks the card in place with a status line under the title, coloured by its tone, inert', () => {
    const card = diagnosisCard(missingAcrPull, { status: { text: 'Fix requested by Dana Oncall — waiting for approval', tone: 'warning' } });
    const runs = cardElements(card).filter((e) => e.type === 'TextRun');
    const status = runs.find((r) => r.text === 'Fix requested by Dana Oncall — waiting for approval')!;
    assert.equal(status.color, 'Warning');
    assert.ok(runs.indexOf(status) === 1, 'right under the title');
    const hostileStatus = diagnosisCard(missingAcrPull, { status: { text: 'by [me](https://x.example) {{DATE(1)}}\nnext' } });
    assert.ok(shownTexts(hostileStatus).includes('by [me](https:\u200b//x.example) {\u200b{DATE(1)}} next'));
    assert.ok(!shownTexts(diagnosisCard(missingAcrPull)).some((t) => t.startsWith('Fix requested')), 'no status line by default');
  });

  it('offers Request fix only with an id for it, then Re-run checks and Show events, carrying only opaque ids', () => {
    const withFix = executeActions(diagnosisCard(missingAcrPull, { actions: { ...ids, requestFixId: 'f-1' } }));
    assert.deepEqual(
      withFix.map((a) => [a.title, a.verb, a.data]),
      [
        ['Request fix', 'requestFix', { id: 'f-1' }],
        ['Re-run checks', 'rerun', { id: 'r-1' }],
        ['Show events', 'events', { id: 'e-1' }],
      ],
    );
    assert.deepEqual(
      executeActions(diagnosisCard(missingAcrPull)).map((a) => a.verb),
      ['rerun', 'events'],
    );
  });

  it('shows the run number and when the checks ran', () => {
    assert.ok(cardTexts(diagnosisCard(missingAcrPull, { run: 3 })).includes('Run 3 · checked at 2026-11-26 23:14:05 UTC'));
  });

  it('names a failure that is not about pulling by what the container does, with its commands', () => {
    const card = diagnosisCard(crashLoop);
    assert.equal(shownTexts(card)[0], 'CrashLoopBackOff');
    assert.equal(shownTexts(card)[1], 'Container worker keeps crashing (CrashLoopBackOff)');
    assert.deepEqual(codeBlocks(card), ['kubectl logs worker-6c9d7b5f4-8kz2m -n shop -c worker --previous']);
  });

  it('names a pod-level state (unschedulable) as a fact rather than an empty container', () => {
    const unschedulable: Diagnosis = {
      ...crashLoop,
      headline: 'No node can run the pod: 0/3 nodes are available: 3 Insufficient cpu',
      problems: [{ kind: 'unschedulable', container: '', initContainer: false, image: '', reason: 'Unschedulable', message: 'x' }],
    };
    const texts = shownTexts(diagnosisCard(unschedulable));
    assert.ok(texts.includes('State') && texts.includes('Unschedulable'));
    assert.ok(!texts.includes('Container'));
  });
});

describe('the events card', () => {
  it('shows events newest first with their reason, count and time, plain, and a way back to the checks', () => {
    const card = cards.events({ target: missingAcrPull, events: missingAcrPull.events, diagnosedAt: missingAcrPull.diagnosedAt, rerunId: 'r-9' });
    const texts = shownTexts(card);
    assert.equal(texts[0], 'Events for shop/web-7d4c9 on cluster shop-aks');
    assert.equal(card.fallbackText, 'Events for shop/web-7d4c9 on cluster shop-aks');
    assert.ok(texts.includes('ℹ️ BackOff ×41 · last 2026-11-26 23:14:02 UTC'));
    assert.ok(texts.includes('⚠️ Failed ×6 · last 2026-11-26 23:11:47 UTC'));
    assert.deepEqual(
      executeActions(card).map((a) => [a.verb, a.data]),
      [['rerun', { id: 'r-9' }]],
    );
  });

  it('counts the older events and gives the command that lists them all, in a CodeBlock', () => {
    const card = cards.events({ target: manyContainers, events: manyContainers.events, diagnosedAt: manyContainers.diagnosedAt, rerunId: 'r' });
    assert.ok(shownTexts(card).includes('…and 185 older events. All of them:'));
    assert.deepEqual(codeBlocks(card), ['kubectl get events -n batch --field-selector involvedObject.name=batch-ingest-28436102-zx9vq']);
    for (const text of shownTexts(card)) assert.doesNotMatch(text, ESCAPE_OR_BACKTICK);
  });
});

describe('the error card', () => {
  const target = { pod: 'web-7d4c9', namespace: 'default' };
  const notHere = new PullDoctorError(
    'POD_NOT_FOUND',
    'No pod "web-7d4c9" in namespace "default". It exists in namespace "shop". Did you mean: web-7d4c9b6f5-x2k8p?',
    { facts: { namespace: 'default', suggestions: 'web-7d4c9b6f5-x2k8p', elsewhere: 'shop,shop-staging' } },
  );

  it('names the namespace searched and those where the pod is, with the command filled in with the real namespace', () => {
    const card = cards.error({ error: notHere, target });
    const texts = shownTexts(card);
    assert.equal(texts[0], 'Pod not found');
    assert.equal(texts[1], 'Pod default/web-7d4c9');
    assert.equal(texts[2], notHere.message);
    assert.ok(texts.includes("Check the pod name and the namespace: kubectl get pods lists a namespace's pods."));
    assert.deepEqual(codeBlocks(card), ['kubectl get pods -n default']);
    assert.ok(!JSON.stringify(card).includes('NAMESPACE'), 'no placeholder');
    assert.equal(card.fallbackText, '⚠️ Pod not found: Pod default/web-7d4c9');
  });

  it('turns every "did you mean" into a Diagnose button: the similar pod, and the pod in each namespace that has it', () => {
    assert.deepEqual(errorSuggestions(notHere, target), [
      { label: 'Diagnose web-7d4c9b6f5-x2k8p', target: { pod: 'web-7d4c9b6f5-x2k8p', namespace: 'default' } },
      { label: 'Diagnose in shop', target: { pod: 'web-7d4c9', namespace: 'shop' } },
      { label: 'Diagnose in shop-staging', target: { pod: 'web-7d4c9', namespace: 'shop-staging' } },
    ]);
    const card = cards.error({
      error: notHere,
      target,
      retryId: 'r-1',
      suggested: [
        { label: 'Diagnose web-7d4c9b6f5-x2k8p', diagnoseId: 'd-1' },
        { label: 'Diagnose in shop', diagnoseId: 'd-2' },
      ],
    });
    assert.deepEqual(
      executeActions(card).map((a) => [a.title, a.verb, a.data]),
      [
        ['Diagnose web-7d4c9b6f5-x2k8p', 'diagnose', { id: 'd-1' }],
        ['Diagnose in shop', 'diagnose', { id: 'd-2' }],
        ['Try again', 'rerun', { id: 'r-1' }],
      ],
    );
  });

  it('offers the clusters it knows as buttons for a cluster it does not know, and no Try again that would fail the same way', () => {
    const unknown = new PullDoctorError('INVALID_INPUT', 'No cluster named "prod-eu". Known clusters: shop-aks, billing-aks.', {
      facts: { cluster: 'prod-eu', knownClusters: 'shop-aks,billing-aks' },
    });
    const asked = { pod: 'web-7d4c9b6f5-x2k8p', namespace: 'shop', cluster: 'prod-eu' };
    assert.deepEqual(
      errorSuggestions(unknown, asked).map((s) => [s.label, s.target.cluster]),
      [
        ['Diagnose on shop-aks', 'shop-aks'],
        ['Diagnose on billing-aks', 'billing-aks'],
      ],
    );
    assert.equal(retryIsPointless(unknown), true);
    assert.equal(retryIsPointless(notHere), false);
    const card = cards.error({ error: unknown, target: asked, suggested: [] });
    assert.equal(shownTexts(card)[0], 'Unknown cluster', 'the title says what is wrong');
    assert.equal(card.fallbackText, '⚠️ Unknown cluster: Pod shop/web-7d4c9b6f5-x2k8p on cluster prod-eu');
  });

  it('makes buttons of valid names only, at most five, and none for errors that suggest nothing', () => {
    const odd = new PullDoctorError('POD_NOT_FOUND', 'x', {
      facts: { suggestions: 'web-1,[x](https://evil.example),Web-2,web-3,web-4,web-5,web-6', elsewhere: 'Bad NS,ok-ns' },
    });
    assert.deepEqual(
      errorSuggestions(odd, target).map((s) => s.label),
      ['Diagnose web-1', 'Diagnose web-3', 'Diagnose web-4', 'Diagnose web-5', 'Diagnose web-6'],
    );
    assert.deepEqual(errorSuggestions(new PullDoctorError('KUBE_UNREACHABLE', 'x'), target), []);
    assert.deepEqual(errorSuggestions(notHere, undefined), [], 'nothing to diagnose without a target');
  });

  it('does not repeat similar names that the error message already gives', () => {
    assert.ok(!shownTexts(cards.error({ error: notHere, target })).some((t) => t.startsWith('Did you mean')));
    const bare = new PullDoctorError('POD_NOT_FOUND', 'Pod shop/web was not found', { facts: { suggestions: 'web-1' } });
    assert.ok(shownTexts(cards.error({ error: bare })).includes('Did you mean: web-1?'));
  });

  it('never shows a stack trace or the text of an unknown error', () => {
    const unknown = JSON.stringify(cards.error({ error: new TypeError('secret internals at Object.<anonymous> (/app/src/x.ts:1:2)') }));
    assert.ok(unknown.includes('Something went wrong inside Pull Doctor'));
    assert.ok(!unknown.includes('internals') && !unknown.includes('x.ts'));
  });
});

describe('the other cards about a pod', () => {
  it('say what is being diagnosed while it runs, in the card and its summary', () => {
    const card = cards.diagnosing({ pod: 'web-7d4c9', namespace: 'shop' });
    assert.equal(shownTexts(card)[0], '⏳ Diagnosing shop/web-7d4c9…');
    assert.equal(cardMessage(card).summary, '⏳ Diagnosing shop/web-7d4c9…');
    assert.equal(shownTexts(cards.diagnosing({ pod: 'web-7d4c9', namespace: 'shop', cluster: 'prod' }, 3))[0], '⏳ Re-running checks for shop/web-7d4c9 on cluster prod… (run 3)');
    assert.deepEqual(shownTexts(cards.diagnosing({ pod: 'web-7d4c9', namespace: 'shop' }, 1, 3)), [
      '⏳ Waiting to diagnose shop/web-7d4c9… (number 3 in line)',
      'Pull Doctor is diagnosing other pods right now. This one starts in turn, and this card then shows its result.',
    ]);
  });

  it("show the alert command's answer, capped, with it as the summary", () => {
    const details = Array.from({ length: 20 }, (_, i) => `namespace ns-${i}: **on**`);
    const card = cards.alerts({ summary: 'Alerts: [on](https://evil.example)', details });
    const texts = shownTexts(card);
    assert.equal(texts[0], '🔔 Alerts');
    assert.equal(texts[1], 'Alerts: ［on］(https:\u200b//evil.example)');
    assert.equal(texts[2], 'namespace ns-0: ∗∗on∗∗');
    assert.equal(texts.at(-1), '…and 5 more');
    assert.equal(cardMessage(card).summary, 'Alerts: [on](https:\u200b//evil.example)');
  });

  it('help: lists the commands and the sandbox pods to try, with a summary', () => {
    const commands = [{ id: 'help', title: 'help', description: 'List what I understand', examples: ['help'] }];
    const sandbox = new TeamsCards(loadCardTemplates(), true, [{ pod: 'web-7d4c9b6f5-x2k8p', namespace: 'shop', title: 'no AcrPull (fix offered)' }]);
    const card = sandbox.help({ commands });
    assert.equal(cardMessage(card).summary, 'What Pull Doctor understands');
    assert.ok(shownTexts(card).includes('• **web-7d4c9b6f5-x2k8p** — no AcrPull (fix offered)'));
    assert.equal(cardMessage(sandbox.help({ commands, intro: 'Hi! I tell you why a pod is failing.' })).summary, 'Hi! I tell you why a pod is failing.');
  });
});
