import assert from 'node:assert/strict';
import { codeText, inertText, neutralizeMarkdown, plainText, truncate, truncateMiddle } from '../../../src/teams/cards.js';
import { ESCAPE_OR_BACKTICK } from '../../support/card-text.js';


describe('inert card text', () => {
  it('neutralises markdown with look-alike characters, never with backslash escapes or backticks', () => {
    const out = neutralizeMarkdown('**bold** _it_ `code` ~~s~~ [x](y) <b> &amp; \\*');
    assert.equal(out, '∗∗bold∗∗ ＿it＿ ˋcodeˋ ∼∼s∼∼ ［x］(y) ‹b› ＆amp; ∖∗');
    assert.doesNotMatch(out, ESCAPE_OR_BACKTICK);
  });

  it('keeps what markdown does not read as it is: underscores inside names, parentheses, a lone &, quotes', () => {
    assert.equal(neutralizeMarkdown('registry my_repo/web_api (401) a & b "x"'), 'registry my_repo/web_api (401) a & b "x"');
  });

  it('turns link syntax, bare URLs and www names into plain text', () => {
    const out = neutralizeMarkdown('[click](https://phish.example.net) www.phish.example.net');
    assert.ok(!out.includes('https://'));
    assert.ok(!/\bwww\./.test(out));
    assert.ok(out.startsWith('［click］(https:\u200B//phish.example.net)'));
  });

  it('neutralises HTML, Teams mentions and entities', () => {
    assert.equal(neutralizeMarkdown('<at>Megan</at> &#64; co'), '‹at›Megan‹/at› ＆#64; co');
  });

  it('stops the Adaptive Card DATE() and TIME() functions from running, in markdown and in plain text', () => {
    assert.equal(neutralizeMarkdown('{{DATE(2017-02-14T06:00:00Z, SHORT)}}'), '{\u200B{DATE(2017-02-14T06:00:00Z, SHORT)}}');
    assert.equal(plainText('{{TIME(2017-02-14T06:00:00Z)}}'), '{\u200B{TIME(2017-02-14T06:00:00Z)}}');
  });

  it('neutralises headings and list markers at the start of the text only', () => {
    assert.equal(neutralizeMarkdown('# now'), '＃ now');
    assert.equal(neutralizeMarkdown('- item'), '‐ item');
    assert.equal(neutralizeMarkdown('1. item'), '1․ item');
    assert.equal(neutralizeMarkdown('image 1.4-2 - #3'), 'image 1.4-2 - #3');
  });

  it('leaves plain text (for TextRuns, which are never markdown) as it reads, only unlinked and without backticks', () => {
    assert.equal(
      plainText('**URGENT** run `kubectl delete ns prod` <at>Megan</at> [x](https://phish.example.net)'),
      '**URGENT** run ˋkubectl delete ns prodˋ ‹at›Megan‹/at› [x](https:\u200B//phish.example.net)',
    );
  });

  it('puts cluster text on one line, without control or bidi-override characters', () => {
    assert.equal(inertText('line one\r\n  line two\nthree\u202Eevil\u0007'), 'line one line two threeevil');
    assert.equal(plainText('line one\r\nline two\u2028three\u202E'), 'line one line two three');
  });

  it('redacts anything shaped like a credential before it can reach a card', () => {
    for (const show of [inertText, plainText, codeText]) {
      const out = show('Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJib3QifQ.c2lnbmF0dXJlLXZhbHVl');
      assert.ok(!out.includes('eyJ'), out);
      assert.match(out, /redacted/);
    }
  });

  it('keeps a command exactly as it is, on its first line only, without invisible characters, within a bound', () => {
    const command =
      'az network public-ip show --ids $(az aks show -g rg-shop -n shop-aks --query "networkProfile.loadBalancerProfile.effectiveOutboundIPs[].id" -o tsv) --query "[].ipAddress" -o tsv';
    assert.equal(codeText(command), command);
    assert.equal(codeText('kubectl get pods -n shop\nrm -rf /'), 'kubectl get pods -n shop');
    assert.equal(codeText('echo \u202Eevil\u0007'), 'echo evil');
    assert.equal(Array.from(codeText('x'.repeat(5000))).length, 1000);
  });

  it('cuts long text with an ellipsis, counting characters rather than UTF-16 units', () => {
    assert.equal(truncate('abcdef', 4), 'abc…');
    assert.equal(truncate('🧪🧪🧪', 2), '🧪…');
    assert.equal(truncate('abc', 3), 'abc');
    assert.equal(Array.from(inertText('x'.repeat(20_000), 400)).length, 400);
  });

  it('can cut in the middle, keeping the end of a runtime message where its verdict is', () => {
    assert.equal(truncateMiddle('0123456789', 6), '012…89');
    const out = plainText(`Failed to pull image: ${'x'.repeat(1000)} 401 Unauthorized`, 100, 'middle');
    assert.ok(out.startsWith('Failed to pull image: xx'));
    assert.ok(out.endsWith('401 Unauthorized'));
  });

  it('gives an empty string for absent values', () => {
    assert.equal(inertText(undefined), '');
    assert.equal(inertText(null), '');
    assert.equal(plainText(undefined), '');
  });
});
