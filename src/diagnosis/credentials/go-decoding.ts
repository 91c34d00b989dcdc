/**
 * Go's decoders, reproduced where the kubelet's behaviour depends on their exact rules: encoding/base64 (the
 * `auth` fields and Secret data), encoding/json's case-insensitive field names, and a JSON reader that never
 * quotes its input. Pull secrets are read with these so that Pull Doctor refuses exactly what the kubelet refuses.
 */

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

/**
 * Go's encoding/json matches object keys to struct fields case-insensitively, using Unicode simple folding
 * (`foldName`): `Auth`, `AUTH` and `auth` all set the `auth` field, and so do `ſ` (U+017F) for `s` and the Kelvin
 * sign (U+212A) for `k`, which fold onto those ASCII letters. The kubelet's docker config types are decoded this
 * way, so `{"Auths": ...}` works for it.
 */
export function goFieldNameMatches(key: string, field: string): boolean {
  const folded = Array.from(key, (c) =>
    c === '\u017f' ? 's' : c === '\u212a' ? 'k' : c.length === 1 && c < '\u0080' ? c.toLowerCase() : c,
  ).join('');
  return folded === field.toLowerCase();
}

/**
 * A JSON reader for untrusted secret payloads. It exists for three reasons:
 * - its errors give a position and a kind, never content (V8's `JSON.parse` messages quote the input, which here
 *   is a password or an auth blob);
 * - it keeps every object member in order, duplicates included, as plain data, so keys such as `__proto__` are
 *   just strings and Go's "last one wins, names match case-insensitively" rules can be applied on top;
 * - it is iterative, with Go's nesting limit (encoding/json `maxNestingDepth` = 10000), so hostile nesting
 *   cannot overflow the stack.
 * It accepts what Go's encoding/json scanner accepts: RFC 8259 JSON, whitespace limited to space, tab, CR, LF.
 * Positions are 0-based character offsets into the text.
 */

export type JsonValue =
  | { kind: 'object'; members: JsonMember[]; at: number }
  | { kind: 'array'; items: JsonValue[]; at: number }
  | { kind: 'string'; value: string; at: number }
  | { kind: 'number'; at: number }
  | { kind: 'boolean'; at: number }
  | { kind: 'null'; at: number };

export interface JsonMember {
  key: string;
  value: JsonValue;
  at: number;
}

export type JsonParse = { ok: true; value: JsonValue } | { ok: false; position: number; problem: string };

const MAX_NESTING_DEPTH = 10_000;

type Container = Extract<JsonValue, { kind: 'object' } | { kind: 'array' }>;
interface Frame {
  node: Container;
  pendingKey?: string;
  pendingKeyAt?: number;
}

class JsonSyntaxError {
  constructor(
    readonly position: number,
    readonly problem: string,
  ) {}
}

const isWhitespace = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isHex = (c: number): boolean => isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);

class Reader {
  private i = 0;
  private readonly stack: Frame[] = [];
  private root: JsonValue | undefined;

  constructor(private readonly text: string) {}

  read(): JsonValue {
    let expectValue = true;
    for (;;) {
      if (expectValue) {
        expectValue = this.readValue();
        continue;
      }
      const top = this.stack[this.stack.length - 1];
      this.skipWhitespace();
      if (top === undefined) {
        if (this.i < this.text.length) this.fail('unexpected data after the JSON value');
        return this.root as JsonValue;
      }
      const c = this.peek('"," or the end of the ' + top.node.kind);
      if (c === 0x2c) {
        this.i++;
        if (top.node.kind === 'object') this.readKey(top);
        expectValue = true;
      } else if (c === (top.node.kind === 'object' ? 0x7d : 0x5d)) {
        this.i++;
        this.stack.pop();
        this.complete(top.node);
      } else {
        this.fail('unexpected character');
      }
    }
  }

  /** Reads one value; returns true when a container was opened and its first value is expected next. */
  private readValue(): boolean {
    this.skipWhitespace();
    const at = this.i;
    const c = this.peek('a value');
    if (c === 0x7b || c === 0x5b) {
      if (this.stack.length >= MAX_NESTING_DEPTH) this.fail(`nesting deeper than ${MAX_NESTING_DEPTH} levels`);
      const node: Container = c === 0x7b ? { kind: 'object', members: [], at } : { kind: 'array', items: [], at };
      this.i++;
      const frame: Frame = { node };
      this.stack.push(frame);
      this.skipWhitespace();
      const closing = c === 0x7b ? 0x7d : 0x5d;
      if (this.peek('a value or the end of the ' + node.kind) === closing) {
        this.i++;
        this.stack.pop();
        this.complete(node);
        return false;
      }
      if (node.kind === 'object') this.readKey(frame);
      return true;
    }
    if (c === 0x22) this.complete({ kind: 'string', value: this.readString(), at });
    else if (c === 0x2d || isDigit(c)) this.complete((this.readNumber(), { kind: 'number', at }));
    else if (c === 0x74) this.complete((this.readLiteral('true'), { kind: 'boolean', at }));
    else if (c === 0x66) this.complete((this.readLiteral('false'), { kind: 'boolean', at }));
    else if (c === 0x6e) this.complete((this.readLiteral('null'), { kind: 'null', at }));
    else this.fail('unexpected character');
    return false;
  }

  private readKey(frame: Frame): void {
    this.skipWhitespace();
    frame.pendingKeyAt = this.i;
    if (this.peek('a member name') !== 0x22) this.fail('expected a member name in double quotes');
    frame.pendingKey = this.readString();
    this.skipWhitespace();
    if (this.peek('":"') !== 0x3a) this.fail('expected ":" after a member name');
    this.i++;
  }

  private complete(value: JsonValue): void {
    const parent = this.stack[this.stack.length - 1];
    if (parent === undefined) {
      this.root = value;
    } else if (parent.node.kind === 'object') {
      parent.node.members.push({ key: parent.pendingKey ?? '', value, at: parent.pendingKeyAt ?? value.at });
    } else {
      parent.node.items.push(value);
    }
  }

  private readString(): string {
    const start = this.i;
    this.i++;
    for (;;) {
      const c = this.peek('the end of the string');
      if (c === 0x22) break;
      if (c < 0x20) this.fail('control character in a string');
      if (c === 0x5c) {
        this.i++;
        const e = this.peek('an escape sequence');
        if (e === 0x75) {
          for (let k = 1; k <= 4; k++) {
            this.i++;
            if (!isHex(this.peek('four hex digits'))) this.fail('invalid \\u escape');
          }
        } else if (![0x22, 0x5c, 0x2f, 0x62, 0x66, 0x6e, 0x72, 0x74].includes(e)) {
          this.fail('invalid escape sequence');
        }
      }
      this.i++;
    }
    this.i++;
    // The literal has been validated above, so JSON.parse cannot throw (and so cannot echo it in a message).
    return JSON.parse(this.text.slice(start, this.i)) as string;
  }

  private readNumber(): void {
    if (this.text.charCodeAt(this.i) === 0x2d) this.i++;
    const first = this.peek('a digit');
    if (first === 0x30) this.i++;
    else if (isDigit(first)) this.skipDigits();
    else this.fail('expected a digit');
    if (this.text.charCodeAt(this.i) === 0x2e) {
      this.i++;
      if (!isDigit(this.peek('a digit after "."'))) this.fail('expected a digit after "."');
      this.skipDigits();
    }
    const e = this.text.charCodeAt(this.i);
    if (e === 0x65 || e === 0x45) {
      this.i++;
      const sign = this.text.charCodeAt(this.i);
      if (sign === 0x2b || sign === 0x2d) this.i++;
      if (!isDigit(this.peek('an exponent'))) this.fail('expected a digit in the exponent');
      this.skipDigits();
    }
  }

  private readLiteral(word: string): void {
    for (let k = 0; k < word.length; k++) {
      if (this.peek(`"${word}"`) !== word.charCodeAt(k)) this.fail('unexpected character');
      this.i++;
    }
  }

  private skipDigits(): void {
    while (this.i < this.text.length && isDigit(this.text.charCodeAt(this.i))) this.i++;
  }

  private skipWhitespace(): void {
    while (this.i < this.text.length && isWhitespace(this.text.charCodeAt(this.i))) this.i++;
  }

  private peek(expected: string): number {
    if (this.i >= this.text.length) this.fail(`unexpected end of input, expected ${expected}`);
    return this.text.charCodeAt(this.i);
  }

  private fail(problem: string): never {
    throw new JsonSyntaxError(this.i, problem);
  }
}

export function parseJsonDocument(text: string): JsonParse {
  try {
    return { ok: true, value: new Reader(text).read() };
  } catch (error) {
    if (error instanceof JsonSyntaxError) return { ok: false, position: error.position, problem: error.problem };
    throw error;
  }
}

/** How Go's UnmarshalTypeError names a JSON value's type, for messages. */
export function describeJsonKind(value: JsonValue): string {
  switch (value.kind) {
    case 'object':
      return 'an object';
    case 'array':
      return 'an array';
    case 'string':
      return 'a string';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'a boolean';
    case 'null':
      return 'null';
  }
}
