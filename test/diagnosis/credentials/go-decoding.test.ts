import assert from 'node:assert/strict';
import { decodeGoBase64, parseJsonDocument, type JsonValue } from '../../../src/diagnosis/credentials/go-decoding.js';

/**
 * Expected results produced by Go 1.19 encoding/base64 (`StdEncoding.DecodeString` for padded,
 * `RawStdEncoding.DecodeString` for unpadded): decoded bytes in hex, or the byte offset of
 * `illegal base64 data at input byte N`.
 */
const GO_RESULTS: Array<[padded: boolean, input: string, expected: string]> = [
  [true, '', ''],
  [true, 'dTpw', '753a70'],
  [true, 'dTpwYQ==', '753a7061'],
  [true, 'dTpwYQ', 'err@4'],
  [true, 'dTpwYWI=', '753a706162'],
  [true, 'dTpwYWI', 'err@4'],
  [true, 'a', 'err@0'],
  [true, 'ab', 'err@0'],
  [true, 'abc', 'err@0'],
  [true, 'ab=', 'err@3'],
  [true, 'ab==', '69'],
  [true, 'abc=', '69b7'],
  [true, 'a===', 'err@1'],
  [true, 'ab=c', 'err@2'],
  [true, 'ab\n==', '69'],
  [true, 'd\r\nTpw', '753a70'],
  [true, 'dTpw====', 'err@4'],
  [true, 'dTpw\n', '753a70'],
  [true, 'dTp w', 'err@3'],
  [true, 'dTpw=', 'err@4'],
  [true, '====', 'err@0'],
  [true, 'ab==\nx', 'err@5'],
  [true, 'é', 'err@0'],
  [true, 'dGVzdA==garbage', 'err@8'],
  [true, 'YWJjZA=\n=', '61626364'],
  [true, 'Zm9vOmJhcg==', '666f6f3a626172'],
  [true, 'Zm9vOmJhcg', 'err@8'],
  [true, 'Zm9v_mJhcg==', 'err@4'],
  [true, 'Zm9v-mJhcg', 'err@4'],
  [false, '', ''],
  [false, 'dTpw', '753a70'],
  [false, 'dTpwYQ==', 'err@6'],
  [false, 'dTpwYQ', '753a7061'],
  [false, 'dTpwYWI=', 'err@7'],
  [false, 'dTpwYWI', '753a706162'],
  [false, 'a', 'err@0'],
  [false, 'ab', '69'],
  [false, 'abc', '69b7'],
  [false, 'ab=', 'err@2'],
  [false, 'ab==', 'err@2'],
  [false, 'abc=', 'err@3'],
  [false, 'a===', 'err@1'],
  [false, 'ab=c', 'err@2'],
  [false, 'ab\n==', 'err@3'],
  [false, 'd\r\nTpw', '753a70'],
  [false, 'dTpw====', 'err@4'],
  [false, 'dTpw\n', '753a70'],
  [false, 'dTp w', 'err@3'],
  [false, 'dTpw=', 'err@4'],
  [false, '====', 'err@0'],
  [false, 'ab==\nx', 'err@2'],
  [false, 'é', 'err@0'],
  [false, 'dGVzdA==garbage', 'err@6'],
  [false, 'YWJjZA=\n=', 'err@6'],
  [false, 'Zm9vOmJhcg==', 'err@10'],
  [false, 'Zm9vOmJhcg', '666f6f3a626172'],
  [false, 'Zm9v_mJhcg==', 'err@4'],
  [false, 'Zm9v-mJhcg', 'err@4'],
];

describe('decodeGoBase64', () => {
  for (const [padded, input, expected] of GO_RESULTS) {
    it(`${padded ? 'StdEncoding' : 'RawStdEncoding'} decodes ${JSON.stringify(input)} to ${expected}, as Go does`, () => {
      const result = decodeGoBase64(input, padded);
      assert.equal(result.ok ? Buffer.from(result.bytes).toString('hex') : `err@${result.offset}`, expected);
    });
  }

  it('counts offsets in UTF-8 bytes, as Go reports them', () => {
    assert.deepEqual(decodeGoBase64('ab\u00e9cd', false), { ok: false, offset: 2 });
    assert.deepEqual(decodeGoBase64('ab\u{1f433}', false), { ok: false, offset: 2 });
    assert.deepEqual(decodeGoBase64('\u00e9\u00e9==', true), { ok: false, offset: 0 });
  });

  it('decodes what Node encodes, for every length', () => {
    for (let length = 0; length < 40; length++) {
      const bytes = Buffer.from(Array.from({ length }, (_, k) => (k * 37 + 11) % 256));
      const padded = decodeGoBase64(bytes.toString('base64'), true);
      const raw = decodeGoBase64(bytes.toString('base64').replace(/=+$/, ''), false);
      assert.ok(padded.ok && raw.ok);
      assert.deepEqual(Buffer.from(padded.bytes), bytes);
      assert.deepEqual(Buffer.from(raw.bytes), bytes);
    }
  });

  it('decodes a megabyte quickly enough to run on hostile secrets', () => {
    const big = Buffer.alloc(1 << 20, 7).toString('base64');
    const result = decodeGoBase64(big, true);
    assert.ok(result.ok);
    assert.equal(result.bytes.length, 1 << 20);
  });
});

// Validity agrees with Go's json.Valid: cross-checked on 80,000 generated and mutated documents.
const VALID = [
  '{}',
  '[]',
  ' {"a":1} ',
  '\t\r\n{}\n',
  '{"a":[1,2,{"b":null}],"a":"x"}',
  '"s"',
  '0',
  '-0.5e+10',
  '1E5',
  'true',
  'false',
  'null',
  '"\\u00e9\\n\\/"',
  '[[[]]]',
  '{"":""}',
  '"\u007f\u00e9"',
];

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
