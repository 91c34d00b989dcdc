import assert from 'node:assert/strict';
import { tokenize } from '../../src/chat/command-tail.js';

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
