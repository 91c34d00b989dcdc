import assert from 'node:assert/strict';
import { escapeMarkdown, inertText, truncate, truncateMiddle } from '../../../src/teams/cards.js';

describe('inert card text', () => {
  it('escapes markdown so that emphasis, code, headings and quotes show as typed', () => {
    assert.equal(escapeMarkdown('**bold** _it_ `code` # h ~~s~~'), '\\*\\*bold\\*\\* \\_it\\_ \\`code\\` \\# h \\~\\~s\\~\\~');
    assert.equal(escapeMarkdown('a > b'), 'a &gt; b');
  });

  it('turns link syntax, bare URLs and www names into plain text', () => {
    const out = escapeMarkdown('[click](https://phish.example.net) www.phish.example.net');
    assert.ok(!out.includes('https://'));
    assert.ok(!/\bwww\./.test(out));
    assert.ok(out.startsWith('\\[click\\]\\(https:\u200B//phish.example.net\\)'));
  });

  it('neutralises HTML, Teams mentions and entities', () => {
    assert.equal(escapeMarkdown('<at>Megan</at> & co'), '&lt;at&gt;Megan&lt;/at&gt; &amp; co');
  });

  it('stops the Adaptive Card DATE() and TIME() functions from running', () => {
    assert.equal(escapeMarkdown('{{DATE(2017-02-14T06:00:00Z, SHORT)}}'), '{\u200B{DATE\\(2017-02-14T06:00:00Z, SHORT\\)}}');
  });

  it('escapes list markers at the start of the text only', () => {
    assert.equal(escapeMarkdown('- item'), '\\- item');
    assert.equal(escapeMarkdown('1. item'), '1\\. item');
    assert.equal(escapeMarkdown('image 1.4-2'), 'image 1.4-2');
  });

  it('puts cluster text on one line, without control or bidi-override characters', () => {
    assert.equal(inertText('line one\r\n  line two\nthree\u202Eevil\u0007'), 'line one line two threeevil');
  });

  it('redacts anything shaped like a credential before it can reach a card', () => {
    const out = inertText('Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJib3QifQ.c2lnbmF0dXJlLXZhbHVl');
    assert.ok(!out.includes('eyJ'));
    assert.match(out, /redacted/);
  });

  it('cuts long text with an ellipsis, counting characters rather than UTF-16 units', () => {
    assert.equal(truncate('abcdef', 4), 'abc…');
    assert.equal(truncate('🧪🧪🧪', 2), '🧪…');
    assert.equal(truncate('abc', 3), 'abc');
    assert.equal(Array.from(inertText('x'.repeat(20_000), 400)).length, 400);
  });

  it('can cut in the middle, keeping the end of a runtime message where its verdict is', () => {
    assert.equal(truncateMiddle('0123456789', 6), '012…89');
    const out = inertText(`Failed to pull image: ${'x'.repeat(1000)} 401 Unauthorized`, 100, 'middle');
    assert.ok(out.startsWith('Failed to pull image: xx'));
    assert.ok(out.endsWith('401 Unauthorized'));
  });

  it('gives an empty string for absent values', () => {
    assert.equal(inertText(undefined), '');
    assert.equal(inertText(null), '');
  });
});
