import assert from 'node:assert/strict';
import { decodeGoBase64 } from '../../../src/diagnosis/credentials/go-base64.js';

/**
 * Expected results produced by Go 1.19 encoding/base64 (`StdEncoding.DecodeString` for padded,
 * `RawStdEncoding.DecodeString` for unpadded): decoded bytes in hex, or the byte offset of
 * `illegal base64 data at input byte N`.
 */
const GO_RESULTS: Array<[padded: boolean, input: string, expected: string]> = [
  [true, "", ""],
  [true, "dTpw", "753a70"],
  [true, "dTpwYQ==", "753a7061"],
  [true, "dTpwYQ", "err@4"],
  [true, "dTpwYWI=", "753a706162"],
  [true, "dTpwYWI", "err@4"],
  [true, "a", "err@0"],
  [true, "ab", "err@0"],
  [true, "abc", "err@0"],
  [true, "ab=", "err@3"],
  [true, "ab==", "69"],
  [true, "abc=", "69b7"],
  [true, "a===", "err@1"],
  [true, "ab=c", "err@2"],
  [true, "ab\n==", "69"],
  [true, "d\r\nTpw", "753a70"],
  [true, "dTpw====", "err@4"],
  [true, "dTpw\n", "753a70"],
  [true, "dTp w", "err@3"],
  [true, "dTpw=", "err@4"],
  [true, "====", "err@0"],
  [true, "ab==\nx", "err@5"],
  [true, "é", "err@0"],
  [true, "dGVzdA==garbage", "err@8"],
  [true, "YWJjZA=\n=", "61626364"],
  [true, "Zm9vOmJhcg==", "666f6f3a626172"],
  [true, "Zm9vOmJhcg", "err@8"],
  [true, "Zm9v_mJhcg==", "err@4"],
  [true, "Zm9v-mJhcg", "err@4"],
  [false, "", ""],
  [false, "dTpw", "753a70"],
  [false, "dTpwYQ==", "err@6"],
  [false, "dTpwYQ", "753a7061"],
  [false, "dTpwYWI=", "err@7"],
  [false, "dTpwYWI", "753a706162"],
  [false, "a", "err@0"],
  [false, "ab", "69"],
  [false, "abc", "69b7"],
  [false, "ab=", "err@2"],
  [false, "ab==", "err@2"],
  [false, "abc=", "err@3"],
  [false, "a===", "err@1"],
  [false, "ab=c", "err@2"],
  [false, "ab\n==", "err@3"],
  [false, "d\r\nTpw", "753a70"],
  [false, "dTpw====", "err@4"],
  [false, "dTpw\n", "753a70"],
  [false, "dTp w", "err@3"],
  [false, "dTpw=", "err@4"],
  [false, "====", "err@0"],
  [false, "ab==\nx", "err@2"],
  [false, "é", "err@0"],
  [false, "dGVzdA==garbage", "err@6"],
  [false, "YWJjZA=\n=", "err@6"],
  [false, "Zm9vOmJhcg==", "err@10"],
  [false, "Zm9vOmJhcg", "666f6f3a626172"],
  [false, "Zm9v_mJhcg==", "err@4"],
  [false, "Zm9v-mJhcg", "err@4"],
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
