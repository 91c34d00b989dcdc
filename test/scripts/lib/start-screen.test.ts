import assert from 'node:assert/strict';
import { BotStartupFacts, isListeningMessage, startScreen, type StartScreenInput } from '../../../scripts/lib/start-screen.js';

/** Records as the bot writes them at start-up (src/sandbox/profile.ts, src/app/compose.ts). */
const SANDBOX_RECORDS = [
  '{"service":"pull-doctor","cluster":"shop-aks","kubernetes":"https://127.0.0.1:37313","resourceManager":"https://127.0.0.1:43405","pods":17,"time":"2026-12-07T19:47:35.751Z","level":"info","msg":"sandbox started"}',
  '{"service":"pull-doctor","component":"fix-approvals","approvers":["Megan Bowen (00000000-0000-0000-0000-000000000021)","Adele Vance (00000000-0000-0000-0000-000000000022)"],"resourceManager":"https://127.0.0.1:43405","time":"2026-12-07T19:47:35.752Z","level":"info","msg":"fix approvals on the sandbox: sandbox approvers are the Playground users other than the current one"}',
  '{"service":"pull-doctor","cluster":"shop-aks","component":"alerts","time":"2026-12-07T19:47:35.800Z","level":"warn","msg":"no LEADER_ELECTION_NAMESPACE: this replica watches and alerts on its own; run a single replica"}',
  '{"service":"pull-doctor","host":"127.0.0.1","port":3978,"mode":"local","time":"2026-12-07T19:47:35.790Z","level":"info","msg":"listening"}',
];
const CONFIGURED_RECORDS = [
  '{"service":"pull-doctor","cluster":"prod-aks","azureCredential":"none","time":"2026-12-07T19:48:32.690Z","level":"info","msg":"diagnosing the configured cluster"}',
  '{"service":"pull-doctor","component":"fix-approvals","reasons":["no Azure credential is configured (AZURE_CREDENTIAL), so Pull Doctor cannot grant roles","no approvers are configured (APPROVERS or APPROVER_GROUP_ID), so nobody could approve"],"time":"2026-12-07T19:48:32.698Z","level":"warn","msg":"fix requests are not offered: no Azure credential is configured (AZURE_CREDENTIAL), so Pull Doctor cannot grant roles; no approvers are configured (APPROVERS or APPROVER_GROUP_ID), so nobody could approve"}',
];

function factsFrom(lines: string[]): BotStartupFacts {
  const facts = new BotStartupFacts();
  for (const line of lines) facts.observe(line);
  return facts;
}

const sandbox = (facts: BotStartupFacts): StartScreenInput => ({
  mode: { kind: 'sandbox', reason: 'no MicrosoftAppId, no kubeconfig and no PULLDOCTOR_CONFIG' },
  botUrl: 'http://127.0.0.1:3978',
  auth: 'local',
  localModeAcknowledged: false,
  facts,
  runDir: '/tmp/pull-doctor-AbC123',
  playground: {
    url: 'http://localhost:56150',
    user: 'Dana Oncall',
    wanted: 56150,
  },
  example: { pod: 'web-7d4c9b6f5-x2k8p', namespace: 'shop' },
});

describe('the npm start screen', () => {
  it('on the sandbox: where to click, which mode, which cluster, what to try, who approves, where the logs are', () => {
    assert.equal(
      startScreen(sandbox(factsFrom(SANDBOX_RECORDS))),
      [
        '',
        'Pull Doctor is running.',
        '',
        '  Open      http://localhost:56150 — the Agents Playground; you are Dana Oncall',
        '  Mode      sandbox, because no MicrosoftAppId, no kubeconfig and no PULLDOCTOR_CONFIG',
        "  Cluster   shop-aks (fake, in the bot's process, with its Azure and registries): 17 pods in namespace shop",
        '  Try       why is pod web-7d4c9b6f5-x2k8p failing in shop',
        '  Fixes     Request fix; approved by Megan Bowen, Adele Vance',
        '            To approve as one of them: Mock an Activity → Custom activity',
        '  Bot       http://127.0.0.1:3978/api/messages — local mode: only this machine can reach it',
        '  Logs      /tmp/pull-doctor-AbC123 (npm start -- --verbose shows them here)',
        '',
        'Ctrl-C stops the bot and the Playground.',
        '',
      ].join('\n'),
    );
  });

  it('on a configured cluster: its name, and why Request fix is not offered, one reason a line', () => {
    const screen = startScreen({
      ...sandbox(factsFrom(CONFIGURED_RECORDS)),
      mode: { kind: 'configured', reason: 'KUBECONFIG is set (/home/dana/.kube/prod)' },
      example: undefined,
    });
    assert.match(
      screen,
      /\n {2}Mode {6}your cluster, because KUBECONFIG is set \(\/home\/dana\/\.kube\/prod\); npm start -- --sandbox runs/,
    );
    assert.match(screen, /\n {2}Cluster {3}prod-aks\n/);
    assert.match(screen, /\n {2}Try {7}why is pod NAME failing in NAMESPACE\n/);
    assert.match(
      screen,
      /\n {2}Fixes {5}Request fix is not offered:\n {12}- no Azure credential is configured \(AZURE_CREDENTIAL\), so Pull Doctor cannot grant roles\n {12}- no approvers are configured/,
    );
  });

  it('says when there is no cluster, when the Playground had to take another port, and when requests are not authenticated on real credentials', () => {
    const facts = factsFrom([
      '{"service":"pull-doctor","reason":"The kubeconfig cannot be used","time":"2026-12-07T19:48:32.697Z","level":"warn","msg":"no cluster to diagnose: diagnoses will say so"}',
    ]);
    const screen = startScreen({
      ...sandbox(facts),
      mode: { kind: 'configured', reason: '/home/dana/.kube/config exists' },
      localModeAcknowledged: true,
      playground: { url: 'http://localhost:56151', user: 'Dana Oncall', wanted: 56150 },
    });
    assert.match(screen, /Open {6}http:\/\/localhost:56151 \(56150 is in use\)/);
    assert.match(screen, /Cluster {3}none: The kubeconfig cannot be used\. Every diagnosis says so\./);
    assert.match(screen, /LOCAL_MODE=true: requests are not authenticated, any process on this machine can act as any Teams user/);
  });

  it('without a Playground: how to start one for the bot, or, with MicrosoftAppId, that Teams is where to talk to it', () => {
    const { playground: _none, ...withoutPlayground } = sandbox(factsFrom(SANDBOX_RECORDS));
    const bare = startScreen(withoutPlayground);
    assert.match(bare, /Open {6}no Playground \(--no-playground\)\. One started in this folder reads \.m365agentsplayground\.yml:/);
    assert.match(bare, /npx agentsplayground -e http:\/\/127\.0\.0\.1:3978\/api\/messages -c msteams/);
    assert.match(bare, /Ctrl-C stops the bot\.\n$/);
    const teams = startScreen({ ...withoutPlayground, auth: 'SingleTenant' });
    assert.match(teams, /Open {6}Microsoft Teams: MicrosoftAppId is set/);
    assert.doesNotMatch(teams, /only this machine/);
  });

  it('shows nothing of a record that is not a start-up fact, a line that is not JSON, or a record LOG_LEVEL left out', () => {
    const facts = factsFrom(['npm WARN something', '{not json', '{"msg":"listening","port":3978}', 'null', '{"msg":"sandbox started"}']);
    const screen = startScreen(sandbox(facts));
    assert.doesNotMatch(screen, /Cluster|Fixes|npm WARN|\{/);
    assert.match(screen, /Open .*\n {2}Mode .*\n {2}Try .*\n {2}Bot /);
  });

  it('keeps what a record says from moving the cursor, colouring the terminal or running on', () => {
    const facts = factsFrom([
      JSON.stringify({ msg: 'diagnosing the configured cluster', cluster: 'prod\u001b[2J\u001b[31m-aks\r\nFAKE LINE' }),
      JSON.stringify({ msg: 'fix requests are not offered', reasons: ['x'.repeat(5000), 42, '\u009b1A up'] }),
    ]);
    const screen = startScreen({ ...sandbox(facts), mode: { kind: 'configured', reason: 'KUBECONFIG is set (/k)' } });
    assert.doesNotMatch(screen, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/, 'no control character but the line breaks');
    assert.match(screen, /Cluster {3}prod \[2J \[31m-aks  FAKE LINE\n/);
    assert.ok(screen.split('\n').every((line) => line.length < 400));
  });

  it("learns from the bot's stderr only its one-line refusals", () => {
    const facts = new BotStartupFacts();
    assert.equal(facts.observeStderr('(node:123) Warning: something'), false);
    assert.equal(facts.observeStderr('    at Server.setupListenHandle [as _listen2] (node:net:1908:16)'), false);
    assert.equal(facts.refusal, undefined);
    const line =
      'pull-doctor: cannot listen on 127.0.0.1:3978: the port is already in use (another Pull Doctor, or another program): stop it or set PORT';
    assert.equal(facts.observeStderr(line), true);
    assert.equal(facts.refusal, line);
  });

  it('believes only the message the bot sends on its IPC channel once it listens', () => {
    assert.equal(isListeningMessage({ kind: 'pull-doctor:listening', url: 'http://127.0.0.1:3978' }), true);
    for (const other of [null, 'listening', { kind: 'pull-doctor:listening' }, { kind: 'listening', url: 'http://127.0.0.1:3978' }])
      assert.equal(isListeningMessage(other), false, JSON.stringify(other));
  });
});
