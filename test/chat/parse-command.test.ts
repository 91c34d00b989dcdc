import assert from 'node:assert/strict';
import { MAX_RAW_MESSAGE_CHARS, MAX_UNKNOWN_TEXT_CHARS, parseChatCommand, type ParsedCommand } from '../../src/chat/parse-command.js';
import { PHRASINGS } from './phrasings.js';

/** [what the user typed, what it means], beyond the phrasing table: other namespaces and clusters, forms and fillers. */
const MORE: Array<[string, ParsedCommand]> = [
  ['Why is web-7d4c9 failing in namespace shop?', { kind: 'diagnose', pod: 'web-7d4c9', namespace: 'shop' }],
  ['WHY IS POD web-7d4c9 FAILING IN shop!!', { kind: 'diagnose', pod: 'web-7d4c9', namespace: 'shop' }],
  ["why's web-7d4c9 failing", { kind: 'diagnose', pod: 'web-7d4c9' }],
  ['why does web-7d4c9 keep crashing in shop', { kind: 'diagnose', pod: 'web-7d4c9', namespace: 'shop' }],
  ["why isn't pod web-7d4c9 running", { kind: 'diagnose', pod: 'web-7d4c9' }],
  ['why is my pod web-7d4c9 stuck in pending in the shop namespace', { kind: 'diagnose', pod: 'web-7d4c9', namespace: 'shop' }],
  ["why can't web-7d4c9 pull its image in shop on prod", { kind: 'diagnose', pod: 'web-7d4c9', namespace: 'shop', cluster: 'prod' }],
  ['why is the pod web-7d4c9 in ImagePullBackOff -n shop', { kind: 'diagnose', pod: 'web-7d4c9', namespace: 'shop' }],
  ["what's wrong with pod web-7d4c9", { kind: 'diagnose', pod: 'web-7d4c9' }],
  [
    'What\u2019s wrong with pod \u201cweb-7d4c9\u201d in namespace \u2018shop\u2019?',
    { kind: 'diagnose', pod: 'web-7d4c9', namespace: 'shop' },
  ],
  ['what is wrong with `web-7d4c9` in `shop`', { kind: 'diagnose', pod: 'web-7d4c9', namespace: 'shop' }],
  ["what's going on with pod web-7d4c9 on cluster prod", { kind: 'diagnose', pod: 'web-7d4c9', cluster: 'prod' }],
  ['diagnose web-7d4c9 --namespace=shop --cluster=prod', { kind: 'diagnose', pod: 'web-7d4c9', namespace: 'shop', cluster: 'prod' }],
  ['Diagnose -n shop web-7d4c9', { kind: 'diagnose', pod: 'web-7d4c9', namespace: 'shop' }],
  ['diagnose web-7d4c9.', { kind: 'diagnose', pod: 'web-7d4c9' }],
  ['check on pod web-7d4c9 in shop', { kind: 'diagnose', pod: 'web-7d4c9', namespace: 'shop' }],
  ['please check pod web-7d4c9 in the prod cluster, thanks', { kind: 'diagnose', pod: 'web-7d4c9', cluster: 'prod' }],
  ['debug web-7d4c9 in shop for me', { kind: 'diagnose', pod: 'web-7d4c9', namespace: 'shop' }],
  ['troubleshoot pod api-0 -n payments -c prod-weu', { kind: 'diagnose', pod: 'api-0', namespace: 'payments', cluster: 'prod-weu' }],
  ['investigate kube-proxy-x2v9k.node-1 in kube-system', { kind: 'diagnose', pod: 'kube-proxy-x2v9k.node-1', namespace: 'kube-system' }],
  ['<p>diagnose&nbsp;web-7d4c9 -n shop</p>', { kind: 'diagnose', pod: 'web-7d4c9', namespace: 'shop' }],
  ['check pod web-7d4c9 on cluster prod_eu.2', { kind: 'diagnose', pod: 'web-7d4c9', cluster: 'prod_eu.2' }],
  ['diagnose web-1 namespace shop', { kind: 'diagnose', pod: 'web-1', namespace: 'shop' }],
  ['kubectl --context prod-weu get pods', { kind: 'failing', cluster: 'prod-weu' }],
  ['what is failing in the cluster?', { kind: 'failing' }],
  ['?', { kind: 'help' }],
  ['hi', { kind: 'help' }],
  ['help alerts', { kind: 'help' }],
  ['Help me', { kind: 'help' }],
  ['alerts on', { kind: 'alerts', action: 'on' }],
  ['alerts on for namespace shop', { kind: 'alerts', action: 'on', namespace: 'shop' }],
  ['alerts on for namespace shop on cluster prod', { kind: 'alerts', action: 'on', namespace: 'shop', cluster: 'prod' }],
  ['Alerts ON on cluster prod', { kind: 'alerts', action: 'on', cluster: 'prod' }],
  ['alerts off', { kind: 'alerts', action: 'off' }],
  ['alerts off for shop', { kind: 'alerts', action: 'off', namespace: 'shop' }],
  ['alerts status', { kind: 'alerts', action: 'status' }],
  ['alerts', { kind: 'alerts', action: 'status' }],
  ['turn on alerts for shop', { kind: 'alerts', action: 'on', namespace: 'shop' }],
  ['turn alerts off please', { kind: 'alerts', action: 'off' }],
  ['disable alerts', { kind: 'alerts', action: 'off' }],
  ['<at>Pull Doctor</at> alert status?', { kind: 'alerts', action: 'status' }],
];

describe('parseChatCommand', () => {
  it('has a table of at least 60 real-world phrasings, each with the command it means', () => {
    assert.ok(PHRASINGS.length >= 60, `${PHRASINGS.length} phrasings`);
  });

  for (const { typed, command } of PHRASINGS) {
    it(`reads ${JSON.stringify(typed)} as ${command.kind}${'pod' in command ? ` ${command.pod}` : ''}`, () => {
      assert.deepEqual(parseChatCommand(typed), command);
    });
  }

  for (const [typed, expected] of MORE) {
    it(`reads ${JSON.stringify(typed)} as ${expected.kind}`, () => {
      assert.deepEqual(parseChatCommand(typed), expected);
    });
  }

  describe('names that are not valid Kubernetes names', () => {
    it('reports a pod name with capitals as typed, with the lower-case suggestion', () => {
      const parsed = parseChatCommand('why is pod Web-7d4c9 failing');
      assert.deepEqual(parsed, {
        kind: 'invalid',
        field: 'pod',
        reason: "Pod name 'Web-7d4c9' has capital letters; names are lower case. Did you mean 'web-7d4c9'?",
      });
    });

    it('reports a namespace with a dot or an underscore', () => {
      assert.deepEqual(parseChatCommand('diagnose web-1 -n shop.eu'), {
        kind: 'invalid',
        field: 'namespace',
        reason: "Namespace 'shop.eu' may only contain lower-case letters, digits and '-'.",
      });
      assert.equal((parseChatCommand('diagnose web-1 -n shop_eu') as { field?: string }).field, 'namespace');
    });

    it('reports names that are too long, or start or end with a dash', () => {
      assert.match(
        (parseChatCommand(`diagnose web-1 -n ${'a'.repeat(64)}`) as { reason: string }).reason,
        /64 characters long; Kubernetes allows at most 63/,
      );
      assert.match((parseChatCommand(`diagnose ${'a'.repeat(254)}`) as { reason: string }).reason, /at most 253/);
      assert.match((parseChatCommand('diagnose -web-1') as { reason: string }).reason, /start and end with a letter or a digit/);
      assert.equal(parseChatCommand(`diagnose ${'a'.repeat(253)}`).kind, 'diagnose');
    });

    it('reports a cluster name that breaks the cluster naming rule', () => {
      assert.deepEqual(parseChatCommand('diagnose web-1 --cluster Prod'), {
        kind: 'invalid',
        field: 'cluster',
        reason: "Cluster name 'Prod' has capital letters; names are lower case. Did you mean 'prod'?",
      });
    });

    it('asks which pod when none is named', () => {
      assert.deepEqual(parseChatCommand('diagnose'), {
        kind: 'invalid',
        field: 'pod',
        reason: 'Which pod? Try: diagnose POD -n NAMESPACE, or help.',
      });
      assert.equal((parseChatCommand('why is pod failing?') as { field?: string }).field, 'pod');
    });

    it('says what is missing after a flag', () => {
      assert.deepEqual(parseChatCommand('diagnose web-1 -n'), {
        kind: 'invalid',
        field: 'namespace',
        reason: "'-n' needs a namespace name after it. Try: diagnose POD -n NAMESPACE, or help.",
      });
    });

    it('refuses two different namespaces', () => {
      assert.equal((parseChatCommand('diagnose shop/web-1 -n other') as { field?: string }).field, 'namespace');
      assert.equal((parseChatCommand('diagnose web-1 -n shop in other') as { field?: string }).field, 'namespace');
      assert.deepEqual(parseChatCommand('diagnose shop/web-1 -n shop'), { kind: 'diagnose', pod: 'web-1', namespace: 'shop' });
    });

    it('explains that only pods and their workloads can be diagnosed', () => {
      for (const typed of ['why is node aks-nodepool1-12345678-vmss000000 failing', 'kubectl describe ingress shop']) {
        assert.match((parseChatCommand(typed) as { reason: string }).reason, /^I can only diagnose pods and the Deployments/, typed);
      }
    });

    it('reads the words around a name in a question loosely, but a command that changes something strictly', () => {
      assert.deepEqual(parseChatCommand('diagnose web-1 -n shop extra'), { kind: 'diagnose', pod: 'web-1', namespace: 'shop' });
      assert.equal(parseChatCommand('alerts on web-1').kind, 'invalid');
      assert.equal(parseChatCommand('turn on alerts off').kind, 'invalid');
    });

    it('asks which pod when a question names two plain words', () => {
      assert.deepEqual(parseChatCommand('why is foo bar failing'), {
        kind: 'invalid',
        field: 'pod',
        reason: "I did not understand 'bar'. Try: diagnose POD -n NAMESPACE, or help.",
      });
    });
  });

  describe('hostile input', () => {
    const isSafe = (parsed: ParsedCommand): boolean => parsed.kind === 'invalid' || parsed.kind === 'unknown';

    it('does not parse very long messages, and hands back only a short preview', () => {
      const huge = `diagnose web-1 ${'x'.repeat(MAX_RAW_MESSAGE_CHARS)}`;
      const parsed = parseChatCommand(huge);
      assert.equal(parsed.kind, 'unknown');
      assert.ok((parsed as { text: string }).text.length <= MAX_UNKNOWN_TEXT_CHARS);
      assert.equal(parseChatCommand('a '.repeat(600)).kind, 'unknown');
      assert.equal(parseChatCommand('<p>'.repeat(1024 * 1024)).kind, 'unknown');
    });

    it('never turns script tags or their content into a name', () => {
      assert.ok(isSafe(parseChatCommand('<script>alert(1)</script>')));
      assert.deepEqual(parseChatCommand('diagnose <script>alert(1)</script>'), {
        kind: 'invalid',
        field: 'pod',
        reason: "The pod name you gave may only contain lower-case letters, digits, '-' and '.'.",
      });
      assert.ok(isSafe(parseChatCommand('diagnose &lt;script&gt;alert(1)&lt;/script&gt;')));
    });

    it('does not echo markdown or HTML back in a reason, and strips tags as markup', () => {
      for (const typed of [
        'diagnose [web](https://evil.example)',
        'diagnose **web-1**',
        'why is pod ![x](https://evil.example/p.png) failing',
      ]) {
        const parsed = parseChatCommand(typed);
        assert.equal(parsed.kind, 'invalid', typed);
        assert.doesNotMatch((parsed as { reason: string }).reason, /https?:|[<>[\]*()]/);
      }
      assert.deepEqual(parseChatCommand('diagnose <img src=x onerror=alert(1)>web'), { kind: 'diagnose', pod: 'web' });
    });

    it('refuses zero-width characters and text-direction overrides instead of guessing', () => {
      for (const typed of [
        'diagnose web\u200b-1',
        'diagnose web-1 -n sh\u202eop',
        '\u2066diagnose web-1\u2069',
        'diagnose web-1&#x200b;',
      ]) {
        const parsed = parseChatCommand(typed);
        assert.equal(parsed.kind, 'invalid', typed);
        assert.match((parsed as { reason: string }).reason, /invisible characters/);
      }
    });

    it('reads the first line as the command, so an injected second line cannot ride along', () => {
      assert.deepEqual(parseChatCommand('diagnose web-1\nrm -rf /'), { kind: 'diagnose', pod: 'web-1' });
      assert.deepEqual(parseChatCommand('diagnose web-1\r\n\r\nalerts off'), { kind: 'diagnose', pod: 'web-1' });
      assert.deepEqual(parseChatCommand('diagnose web-1<br>alerts off'), { kind: 'diagnose', pod: 'web-1' });
    });

    it('reads pasted output in time linear in its length, up to the raw message bound', () => {
      const row = 'web-7d4c9b6f5-x2k8p 0/1 ImagePullBackOff 0 5m\n';
      const paste = `NAME READY STATUS RESTARTS AGE\n${row.repeat(Math.floor((MAX_RAW_MESSAGE_CHARS - 40) / row.length))}`;
      const started = process.hrtime.bigint();
      assert.deepEqual(parseChatCommand(paste), { kind: 'diagnose', pod: 'web-7d4c9b6f5-x2k8p' });
      for (const hostile of ['0/1 '.repeat(1000), '-n '.repeat(1300), 'in the '.repeat(580), `${'a-'.repeat(2000)}b`, '@'.repeat(4000)]) {
        assert.ok(['invalid', 'unknown', 'help', 'diagnose', 'failing'].includes(parseChatCommand(hostile).kind));
      }
      assert.ok(Number(process.hrtime.bigint() - started) / 1e6 < 2000, 'parsing stays cheap');
    });

    it('treats control characters, empty and non-string input safely', () => {
      assert.deepEqual(parseChatCommand('diagnose\u0000web-1\u0007 -n shop'), { kind: 'diagnose', pod: 'web-1', namespace: 'shop' });
      assert.deepEqual(parseChatCommand(''), { kind: 'help' });
      assert.deepEqual(parseChatCommand(undefined as unknown as string), { kind: 'unknown', text: '' });
    });
  });
});
