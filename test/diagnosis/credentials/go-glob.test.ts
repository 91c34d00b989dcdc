import assert from 'node:assert/strict';
import { goFilepathMatch } from '../../../src/diagnosis/credentials/go-glob.js';

/**
 * Go's own table for path/filepath.Match (src/path/filepath/match_test.go, `matchTests`, Go 1.19). Rows where Go
 * returns ErrBadPattern expect `false`: the kubelet's URLsMatch treats a bad pattern as no match.
 */
const MATCH_TESTS: Array<[pattern: string, name: string, match: boolean, badPattern?: true]> = [
  ["abc", "abc", true],
  ["*", "abc", true],
  ["*c", "abc", true],
  ["a*", "a", true],
  ["a*", "abc", true],
  ["a*", "ab/c", false],
  ["a*/b", "abc/b", true],
  ["a*/b", "a/c/b", false],
  ["a*b*c*d*e*/f", "axbxcxdxe/f", true],
  ["a*b*c*d*e*/f", "axbxcxdxexxx/f", true],
  ["a*b*c*d*e*/f", "axbxcxdxe/xxx/f", false],
  ["a*b*c*d*e*/f", "axbxcxdxexxx/fff", false],
  ["a*b?c*x", "abxbbxdbxebxczzx", true],
  ["a*b?c*x", "abxbbxdbxebxczzy", false],
  ["ab[c]", "abc", true],
  ["ab[b-d]", "abc", true],
  ["ab[e-g]", "abc", false],
  ["ab[^c]", "abc", false],
  ["ab[^b-d]", "abc", false],
  ["ab[^e-g]", "abc", true],
  ["a\\*b", "a*b", true],
  ["a\\*b", "ab", false],
  ["a?b", "a☺b", true],
  ["a[^a]b", "a☺b", true],
  ["a???b", "a☺b", false],
  ["a[^a][^a][^a]b", "a☺b", false],
  ["[a-ζ]*", "α", true],
  ["*[a-ζ]", "A", false],
  ["a?b", "a/b", false],
  ["a*b", "a/b", false],
  ["[\\]a]", "]", true],
  ["[\\-]", "-", true],
  ["[x\\-]", "x", true],
  ["[x\\-]", "-", true],
  ["[x\\-]", "z", false],
  ["[\\-x]", "x", true],
  ["[\\-x]", "-", true],
  ["[\\-x]", "a", false],
  ["[]a]", "]", false, true],
  ["[-]", "-", false, true],
  ["[x-]", "x", false, true],
  ["[x-]", "-", false, true],
  ["[x-]", "z", false, true],
  ["[-x]", "x", false, true],
  ["[-x]", "-", false, true],
  ["[-x]", "a", false, true],
  ["\\", "a", false, true],
  ["[a-b-c]", "a", false, true],
  ["[", "a", false, true],
  ["[^", "a", false, true],
  ["[^bc", "a", false, true],
  ["a[", "a", false, true],
  ["a[", "ab", false, true],
  ["a[", "x", false, true],
  ["a/b[", "x", false, true],
  ["*x", "xxx", true],
];

describe('goFilepathMatch', () => {
  for (const [pattern, name, match, bad] of MATCH_TESTS) {
    it(`${match ? 'matches' : 'does not match'} ${JSON.stringify(name)} with ${JSON.stringify(pattern)}${bad ? ' (a bad pattern)' : ''}`, () => {
      assert.equal(goFilepathMatch(pattern, name), match);
    });
  }

  it('matches the host parts people write in docker config keys', () => {
    assert.equal(goFilepathMatch('*', 'contosoacr'), true);
    assert.equal(goFilepathMatch('prefix-*', 'prefix-west'), true);
    assert.equal(goFilepathMatch('*', ''), true);
    assert.equal(goFilepathMatch('azurecr', 'AzureCR'), false);
  });

  it('treats regular-expression characters as plain text', () => {
    assert.equal(goFilepathMatch('a.b', 'a.b'), true);
    assert.equal(goFilepathMatch('a.b', 'axb'), false);
    assert.equal(goFilepathMatch('(x|y)+', '(x|y)+'), true);
    assert.equal(goFilepathMatch('$^', '$^'), true);
  });

  it('never matches with a reversed range, as Go does', () => {
    assert.equal(goFilepathMatch('[z-a]', 'm'), false);
    assert.equal(goFilepathMatch('[^z-a]', 'm'), true);
  });
});
