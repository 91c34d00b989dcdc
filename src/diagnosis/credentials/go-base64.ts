/**
 * Base64 decoding exactly as Go's encoding/base64 does it (`StdEncoding` and `RawStdEncoding`, not strict),
 * because the kubelet decodes `auth` fields with it and reports its errors verbatim
 * (`illegal base64 data at input byte N`). Node's decoder silently skips garbage, so it cannot tell which
 * secrets the kubelet refuses. Offsets are byte offsets in the UTF-8 input, as Go reports them.
 *
 * Go rules mirrored (encoding/base64 `decodeQuantum`): `\r` and `\n` are skipped anywhere; with padding, the
 * input must end on a full quantum and `=` may only appear as one or two final pad characters; without padding,
 * `=` is illegal and a final quantum of 2 or 3 characters is allowed; a lone final character is illegal.
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DECODE_MAP = new Int16Array(256).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) DECODE_MAP[ALPHABET.charCodeAt(i)] = i;

const PAD = 0x3d; // '='
const CR = 0x0d;
const LF = 0x0a;

export type Base64Decode = { ok: true; bytes: Uint8Array } | { ok: false; offset: number };

export function decodeGoBase64(text: string, padded: boolean): Base64Decode {
  const src = Buffer.from(text, 'utf8');
  const out = new Uint8Array(Math.floor((src.length * 3) / 4) + 3);
  let n = 0;
  let si = 0;
  const skipNewlines = (): void => {
    while (si < src.length && (src[si] === CR || src[si] === LF)) si++;
  };

  while (si < src.length) {
    const quantum = [0, 0, 0, 0];
    let dlen = 4;
    for (let j = 0; j < 4; j++) {
      if (si === src.length) {
        if (j === 0) return { ok: true, bytes: out.slice(0, n) };
        if (j === 1 || padded) return { ok: false, offset: si - j };
        dlen = j;
        break;
      }
      const input = src[si] as number;
      si++;
      const value = DECODE_MAP[input] as number;
      if (value !== -1) {
        quantum[j] = value;
        continue;
      }
      if (input === LF || input === CR) {
        j--;
        continue;
      }
      if (!padded || input !== PAD) return { ok: false, offset: si - 1 };
      // Padding: only after two or three characters of the quantum, and then nothing but newlines may follow.
      if (j === 0 || j === 1) return { ok: false, offset: si - 1 };
      if (j === 2) {
        skipNewlines();
        if (si === src.length) return { ok: false, offset: src.length };
        if (src[si] !== PAD) return { ok: false, offset: si - 1 };
        si++;
      }
      skipNewlines();
      if (si < src.length) return { ok: false, offset: si };
      dlen = j;
      break;
    }
    const bits = ((quantum[0] as number) << 18) | ((quantum[1] as number) << 12) | ((quantum[2] as number) << 6) | (quantum[3] as number);
    const bytes = [(bits >> 16) & 0xff, (bits >> 8) & 0xff, bits & 0xff];
    for (let k = 0; k < dlen - 1; k++) out[n++] = bytes[k] as number;
  }
  return { ok: true, bytes: out.slice(0, n) };
}
