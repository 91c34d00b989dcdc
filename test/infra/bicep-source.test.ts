import assert from 'node:assert/strict';
import { BicepSyntaxError, objectProperties, scanBicep, splitStatements } from '../support/infra/bicep-source.js';

// The scanner the template tests rely on: if it misread strings or comments, those tests would check the wrong text.
describe('the Bicep scanner of the template tests', () => {
  it('reads escapes and nested interpolations, and masks only the literal parts of strings', () => {
    const scanned = scanBicep("var a = 'it\\'s ${concat('x}', b)} \\${not} {'\n");
    assert.deepEqual(
      scanned.strings.map((s) => s.value),
      ['x}', "it's ${concat('x}', b)} ${not} {"],
    );
    assert.equal(scanned.strings[1]!.interpolated, true);
    assert.ok(scanned.masked.includes('concat('), 'the interpolated expression stays visible');
    assert.ok(!scanned.masked.includes('not'), 'the literal text is masked');
    assert.doesNotThrow(() => splitStatements(scanned), 'the braces inside strings do not count');
  });

  it('keeps multi-line strings whole and does not read escapes or interpolation in them', () => {
    const scanned = scanBicep("var c = '''\nline ${x} \\n\n'''\nvar d = 1\n");
    assert.equal(scanned.strings[0]!.value, '\nline ${x} \\n\n');
    assert.equal(scanned.strings[0]!.multiline, true);
    assert.deepEqual(
      splitStatements(scanned).map((s) => s.startLine),
      [1, 4],
    );
  });

  it('reads comments with their line, including quotes and brackets inside them', () => {
    const scanned = scanBicep("var e = 'a' // it's { not code\n/* block ' ( */ var f = 2\n");
    assert.deepEqual(scanned.comments, [
      { line: 1, text: "it's { not code" },
      { line: 2, text: "block ' (" },
    ]);
    assert.equal(splitStatements(scanned).length, 2);
  });

  it('refuses unbalanced brackets and unterminated strings, naming the line', () => {
    assert.throws(
      () => splitStatements(scanBicep('var g = {\n  a: [1, 2)\n}\n')),
      (e: unknown) => e instanceof BicepSyntaxError && /line 2/.test(e.message),
    );
    assert.throws(() => splitStatements(scanBicep('var h = {\n  a: 1\n')), /never closed/);
    assert.throws(() => scanBicep("var i = 'open\nvar j = 1\n"), /unterminated string at line 1/);
  });

  it('lists the keys of an object literal, one property per line, ignoring nested objects', () => {
    const source = "var k = {\n  one: 1\n  two: {\n    inner: 2\n  }\n  'quoted-key': 3\n  three: 'x: y'\n}\n";
    const scanned = scanBicep(source);
    assert.deepEqual(
      objectProperties(scanned, source.indexOf('{')).map((p) => p.key),
      ['one', 'two', 'three'],
    );
  });
});
