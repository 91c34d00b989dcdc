import assert from 'node:assert/strict';
import { hasInvisibleCharacters, MAX_NORMALIZED_INPUT_CHARS, normalizeMessageText } from '../../src/chat/normalize-message.js';

describe('normalizeMessageText', () => {
  it('removes the Teams mention, with or without attributes', () => {
    assert.equal(normalizeMessageText('<at>Pull Doctor</at> why is pod web-7d4c9 failing in shop'), 'why is pod web-7d4c9 failing in shop');
    assert.equal(normalizeMessageText('<at id="0">Pull Doctor</at>help'), 'help');
  });

  it('keeps lines: line breaks, and the paragraphs, divs and breaks that end a line, become one newline', () => {
    assert.equal(normalizeMessageText('<div><p>diagnose web-1</p><p>-n shop</p></div>'), 'diagnose web-1\n-n shop');
    assert.equal(normalizeMessageText('a<br>b<br/>c<BR />d'), 'a\nb\nc\nd');
    assert.equal(normalizeMessageText('NAME  READY\r\n\r\n web-1   0/1 \n'), 'NAME READY\nweb-1 0/1');
  });

  it('decodes entities once: named, decimal and hexadecimal', () => {
    assert.equal(
      normalizeMessageText('web&nbsp;1 &amp; shop &lt;ns&gt; &quot;x&quot; &#39;y&#39; &#x41;'),
      'web 1 & shop <ns> "x" \'y\' A',
    );
    assert.equal(normalizeMessageText('&amp;lt;b&amp;gt;'), '&lt;b&gt;');
    assert.equal(normalizeMessageText('&unknown; &#0; &#xD800;'), '&unknown;');
  });

  it('keeps the case of names, so invalid capitals can be reported', () => {
    assert.equal(normalizeMessageText('Diagnose Web-1'), 'Diagnose Web-1');
  });

  it('removes control characters and invisible formatting characters, and collapses whitespace', () => {
    assert.equal(normalizeMessageText('  diagnose\u0000 web\u200b-1 \t -n\u202e shop\u00a0 '), 'diagnose web-1 -n shop');
  });

  it('reads at most 16 KiB and returns an empty string for non-strings', () => {
    assert.equal(normalizeMessageText('x'.repeat(MAX_NORMALIZED_INPUT_CHARS * 2)).length, MAX_NORMALIZED_INPUT_CHARS);
    assert.equal(normalizeMessageText(null as unknown as string), '');
  });

  it('returns for 1 MB of half-open tags and entities', () => {
    for (const hostile of ['<a '.repeat(350_000), '&#'.repeat(500_000), '<at>'.repeat(250_000)]) {
      assert.equal(typeof normalizeMessageText(hostile), 'string');
    }
  });
});

describe('hasInvisibleCharacters', () => {
  it('finds zero-width characters and bidi controls, also when written as entities', () => {
    assert.equal(hasInvisibleCharacters('web\u200b-1'), true);
    assert.equal(hasInvisibleCharacters('\u202eshop'), true);
    assert.equal(hasInvisibleCharacters('web&#8203;-1'), true);
    assert.equal(hasInvisibleCharacters('diagnose web-1 -n shop'), false);
    assert.equal(hasInvisibleCharacters('web&nbsp;1'), false);
  });
});
