import assert from 'node:assert/strict';
import { MAX_RAW_MESSAGE_CHARS, MAX_UNKNOWN_TEXT_CHARS, parseChatCommand, type ParsedCommand } from '../../src/chat/parse-command.js';

/** [what the user typed, what it means]. Teams sends the bot's mention as <at>…</at> in channels. */
const PHRASINGS: Array<[string, ParsedCommand]> = [
  // diagnose
  ['<at>Pull Doctor</at> why is pod web-7d4c9 failing in shop', { kind: 'diagnose', pod: 'web-7d4c9', namespace: 'shop' }],
  ['why is pod web-7d4c9 failing in shop', { kind: 'diagnose', pod: 'web-7d4c9', namespace: 'shop' }],
  ['Why is web-7d4c9 failing in namespace shop?', { kind: 'diagnose', pod: 'web-7d4c9', namespace: 'shop' }],
  ['WHY IS POD web-7d4c9 FAILING IN shop!!', { kind: 'diagnose', pod: 'web-7d4c9', namespace: 'shop' }],
  ["why's web-7d4c9 failing", { kind: 'diagnose', pod: 'web-7d4c9' }],
  ['why does web-7d4c9 keep crashing in shop', { kind: 'diagnose', pod: 'web-7d4c9', namespace: 'shop' }],
  ["why isn't pod web-7d4c9 running", { kind: 'diagnose', pod: 'web-7d4c9' }],
  ['why is my pod web-7d4c9 stuck in pending in the shop namespace', { kind: 'diagnose', pod: 'web-7d4c9', namespace: 'shop' }],
  ["why can't web-7d4c9 pull its image in shop on prod", { kind: 'diagnose', pod: 'web-7d4c9', namespace: 'shop', cluster: 'prod' }],
  ['why is the pod web-7d4c9 in ImagePullBackOff -n shop', { kind: 'diagnose', pod: 'web-7d4c9', namespace: 'shop' }],
  ["what's wrong with pod web-7d4c9", { kind: 'diagnose', pod: 'web-7d4c9' }],
  ['whats wrong with web-7d4c9 in shop', { kind: 'diagnose', pod: 'web-7d4c9', namespace: 'shop' }],
  [
    'What\u2019s wrong with pod \u201cweb-7d4c9\u201d in namespace \u2018shop\u2019?',
    { kind: 'diagnose', pod: 'web-7d4c9', namespace: 'shop' },
  ],
  ['what is wrong with `web-7d4c9` in `shop`', { kind: 'diagnose', pod: 'web-7d4c9', namespace: 'shop' }],
  ["what's going on with pod web-7d4c9 on cluster prod", { kind: 'diagnose', pod: 'web-7d4c9', cluster: 'prod' }],
  ["what's up with web-7d4c9?", { kind: 'diagnose', pod: 'web-7d4c9' }],
  ['diagnose web-7d4c9 -n shop', { kind: 'diagnose', pod: 'web-7d4c9', namespace: 'shop' }],
  ['diagnose web-7d4c9 --namespace shop', { kind: 'diagnose', pod: 'web-7d4c9', namespace: 'shop' }],
  ['diagnose web-7d4c9 --namespace=shop --cluster=prod', { kind: 'diagnose', pod: 'web-7d4c9', namespace: 'shop', cluster: 'prod' }],
  ['Diagnose -n shop web-7d4c9', { kind: 'diagnose', pod: 'web-7d4c9', namespace: 'shop' }],
  ['diagnose shop/web-7d4c9', { kind: 'diagnose', pod: 'web-7d4c9', namespace: 'shop' }],
  ['diagnose pod/web-7d4c9 -n shop', { kind: 'diagnose', pod: 'web-7d4c9', namespace: 'shop' }],
  ['diagnose web-7d4c9', { kind: 'diagnose', pod: 'web-7d4c9' }],
  ['diagnose web-7d4c9.', { kind: 'diagnose', pod: 'web-7d4c9' }],
  ['check pod web-7d4c9 in namespace shop on cluster prod', { kind: 'diagnose', pod: 'web-7d4c9', namespace: 'shop', cluster: 'prod' }],
  ['check on pod web-7d4c9 in shop', { kind: 'diagnose', pod: 'web-7d4c9', namespace: 'shop' }],
  ['check why pod web-7d4c9 is failing in shop', { kind: 'diagnose', pod: 'web-7d4c9', namespace: 'shop' }],
  ['please check pod web-7d4c9 in the prod cluster, thanks', { kind: 'diagnose', pod: 'web-7d4c9', cluster: 'prod' }],
  ['debug web-7d4c9 in shop for me', { kind: 'diagnose', pod: 'web-7d4c9', namespace: 'shop' }],
  ['troubleshoot pod api-0 -n payments -c prod-weu', { kind: 'diagnose', pod: 'api-0', namespace: 'payments', cluster: 'prod-weu' }],
  ['take a look at pod web-7d4c9 in shop', { kind: 'diagnose', pod: 'web-7d4c9', namespace: 'shop' }],
  ['investigate kube-proxy-x2v9k.node-1 in kube-system', { kind: 'diagnose', pod: 'kube-proxy-x2v9k.node-1', namespace: 'kube-system' }],
  ['<p>diagnose&nbsp;web-7d4c9</p><p>-n shop</p>', { kind: 'diagnose', pod: 'web-7d4c9', namespace: 'shop' }],
  [
    '<at>Pull Doctor</at>&nbsp;why is <b>web-7d4c9</b> failing in <i>shop</i><br>',
    { kind: 'diagnose', pod: 'web-7d4c9', namespace: 'shop' },
  ],
  ['diagnose web-7d4c9\n-n shop', { kind: 'diagnose', pod: 'web-7d4c9', namespace: 'shop' }],
  ['check pod web-7d4c9 on cluster prod_eu.2', { kind: 'diagnose', pod: 'web-7d4c9', cluster: 'prod_eu.2' }],
  // help
  ['help', { kind: 'help' }],
  ['?', { kind: 'help' }],
  ['<at>Pull Doctor</at>', { kind: 'help' }],
  ['Help me', { kind: 'help' }],
  ['what can you do?', { kind: 'help' }],
  ['hi', { kind: 'help' }],
  ['help alerts', { kind: 'help' }],
  // alerts
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
  // not commands
  ['good morning team', { kind: 'unknown', text: 'good morning team' }],
  ["what's the weather like", { kind: 'unknown', text: "what's the weather like" }],
  ['kubectl get pods', { kind: 'unknown', text: 'kubectl get pods' }],
];

describe('parseChatCommand', () => {
  it('has a table of at least 40 phrasings', () => {
    assert.ok(PHRASINGS.length >= 40);
  });

  for (const [typed, expected] of PHRASINGS) {
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

    it('explains that only pods can be diagnosed', () => {
      assert.equal(
        (parseChatCommand('why is deployment web failing') as { reason: string }).reason,
        'I can only diagnose pods for now: name a pod (kubectl get pods -n NAMESPACE).',
      );
    });

    it('refuses words it does not understand after a recognised intent', () => {
      assert.deepEqual(parseChatCommand('diagnose web-1 -n shop extra'), {
        kind: 'invalid',
        reason: "I did not understand 'extra'. Try: diagnose POD -n NAMESPACE, or help.",
      });
      assert.equal(parseChatCommand('alerts on web-1').kind, 'invalid');
      assert.equal(parseChatCommand('turn on alerts off').kind, 'invalid');
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

    it('reads newlines as spaces, so an injected second line cannot ride along', () => {
      assert.ok(isSafe(parseChatCommand('diagnose web-1\nrm -rf /')));
      assert.ok(isSafe(parseChatCommand('diagnose web-1\r\n\r\nalerts off')));
    });

    it('treats control characters, empty and non-string input safely', () => {
      assert.deepEqual(parseChatCommand('diagnose\u0000web-1\u0007 -n shop'), { kind: 'diagnose', pod: 'web-1', namespace: 'shop' });
      assert.deepEqual(parseChatCommand(''), { kind: 'help' });
      assert.deepEqual(parseChatCommand(undefined as unknown as string), { kind: 'unknown', text: '' });
    });
  });
});
