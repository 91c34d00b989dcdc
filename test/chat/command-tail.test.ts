import assert from 'node:assert/strict';
import { readLoosely, tokenize } from '../../src/chat/command-tail.js';

describe('tokenize', () => {
  it('strips quotes, backticks and trailing punctuation but keeps names as typed', () => {
    assert.deepEqual(
      tokenize('What\u2019s wrong with \u201cWeb-1\u201d, `shop`?').map((t) => [t.text, t.word]),
      [
        ['What\u2019s', "what's"],
        ['wrong', 'wrong'],
        ['with', 'with'],
        ['Web-1', 'web-1'],
        ['shop', 'shop'],
      ],
    );
  });

  it('splits --flag=value and drops tokens that were only punctuation', () => {
    assert.deepEqual(
      tokenize('diagnose x --namespace=shop -c=prod ?! ...').map((t) => t.text),
      ['diagnose', 'x', '--namespace', 'shop', '-c', 'prod'],
    );
  });

  it('keeps dots and slashes inside names', () => {
    assert.deepEqual(
      tokenize('shop/kube-proxy.node-1.').map((t) => t.text),
      ['shop/kube-proxy.node-1'],
    );
  });
});

describe('readLoosely', () => {
  const read = (text: string) => {
    const { tail, names, prose, error } = readLoosely(tokenize(text));
    return { tail, names: names.map((n) => n.text), prose, error: error?.error };
  };

  it('sets the sentence aside and keeps what may be a name, with the qualifiers wherever they are', () => {
    assert.deepEqual(read('hey, can you tell me why web-1 keeps crashing in the shop namespace on prod?'), {
      tail: { namespace: 'shop', cluster: 'prod' },
      names: ['web-1'],
      prose: 8,
      error: undefined,
    });
  });

  it('reads "in" and "on" as qualifiers only before something that is not part of the sentence', () => {
    assert.deepEqual(read("what's going on with web-1 in a crash loop").tail, {});
    assert.deepEqual(read('ImagePullBackOff on web-7d4c9b6f5-x2k8p').names, ['web-7d4c9b6f5-x2k8p']);
    assert.deepEqual(read('check on the pod web-1 for me').tail, {});
  });

  it('takes numbers and durations as prose, a kind named without a value as nothing, and a flag without one as an error', () => {
    assert.deepEqual(read('web-1 stuck for 10 minutes, 3 restarts in 2h').names, ['web-1']);
    assert.deepEqual(read('what is failing in the cluster').tail, {});
    assert.equal(read('diagnose web-1 -n').error, "'-n' needs a namespace name after it.");
    assert.equal(read('diagnose web-1 -n shop in other').error, 'Two different namespaces were given; name one.');
  });
});
