/**
 * Enough of Bicep's lexical grammar to read our templates without the Bicep compiler (which cannot run here):
 * single-quoted strings with escapes and `${...}` interpolation (nested to any depth), `'''` multi-line strings,
 * `//` and `/* *\/` comments. `masked` is the source with comments and the literal parts of strings blanked out
 * (quotes, interpolated expressions and newlines kept, except the newlines inside a multi-line string), so that
 * brackets, keywords and symbols can be found in it without being fooled by text.
 *
 * Grammar: https://learn.microsoft.com/azure/azure-resource-manager/bicep/data-types#strings and
 * https://learn.microsoft.com/azure/azure-resource-manager/bicep/file#comments
 */

export interface BicepString {
  /** Offset of the opening quote. */
  start: number;
  /** Offset just after the closing quote. */
  end: number;
  line: number;
  /** The value with escapes resolved; interpolations appear as `${expression}`. */
  value: string;
  interpolated: boolean;
  multiline: boolean;
}

export interface BicepComment {
  line: number;
  /** Text after `//` (or between `/*` and `*\/`), trimmed. */
  text: string;
}

export interface ScannedBicep {
  source: string;
  masked: string;
  strings: BicepString[];
  comments: BicepComment[];
  lineOf(offset: number): number;
}

const ESCAPES: Record<string, string> = { "'": "'", '\\': '\\', n: '\n', r: '\r', t: '\t', $: '$' };

export class BicepSyntaxError extends Error {}

export function scanBicep(source: string): ScannedBicep {
  const masked = source.split('');
  const strings: BicepString[] = [];
  const comments: BicepComment[] = [];
  const lineStarts = [0];
  for (let i = 0; i < source.length; i++) if (source[i] === '\n') lineStarts.push(i + 1);
  const lineOf = (offset: number): number => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
  const blank = (from: number, to: number, keepNewlines = true) => {
    for (let k = from; k < to; k++) if (!keepNewlines || masked[k] !== '\n') masked[k] = ' ';
  };

  /** Scans code from `i`; inside an interpolation, returns the offset of the `}` that closes it. */
  const scanCode = (start: number, inInterpolation: boolean): number => {
    let i = start;
    let depth = 0;
    while (i < source.length) {
      if (source.startsWith("'''", i)) {
        i = scanMultiline(i);
        continue;
      }
      const c = source[i]!;
      if (c === "'") {
        i = scanString(i);
        continue;
      }
      if (source.startsWith('//', i)) {
        const end = source.indexOf('\n', i) === -1 ? source.length : source.indexOf('\n', i);
        comments.push({ line: lineOf(i), text: source.slice(i + 2, end).trim() });
        blank(i, end);
        i = end;
        continue;
      }
      if (source.startsWith('/*', i)) {
        const close = source.indexOf('*/', i + 2);
        if (close === -1) throw new BicepSyntaxError(`unterminated comment at line ${lineOf(i)}`);
        comments.push({ line: lineOf(i), text: source.slice(i + 2, close).trim() });
        blank(i, close + 2);
        i = close + 2;
        continue;
      }
      if (inInterpolation) {
        if (c === '{') depth++;
        if (c === '}') {
          if (depth === 0) return i;
          depth--;
        }
      }
      i++;
    }
    if (inInterpolation) throw new BicepSyntaxError(`unterminated interpolation starting at line ${lineOf(start)}`);
    return i;
  };

  const scanString = (start: number): number => {
    let i = start + 1;
    let value = '';
    let interpolated = false;
    for (;;) {
      if (i >= source.length || source[i] === '\n') throw new BicepSyntaxError(`unterminated string at line ${lineOf(start)}`);
      const c = source[i]!;
      if (c === '\\') {
        const next = source[i + 1] ?? '';
        if (next === 'u' && source[i + 2] === '{') {
          const close = source.indexOf('}', i + 3);
          if (close === -1) throw new BicepSyntaxError(`bad unicode escape at line ${lineOf(i)}`);
          value += String.fromCodePoint(parseInt(source.slice(i + 3, close), 16));
          blank(i, close + 1);
          i = close + 1;
          continue;
        }
        const escaped = ESCAPES[next];
        if (escaped === undefined) throw new BicepSyntaxError(`unknown escape \\${next} at line ${lineOf(i)}`);
        value += escaped;
        blank(i, i + 2);
        i += 2;
        continue;
      }
      if (c === "'") break;
      if (c === '$' && source[i + 1] === '{') {
        const close = scanCode(i + 2, true);
        value += `\${${source.slice(i + 2, close)}}`;
        interpolated = true;
        blank(i, i + 2);
        blank(close, close + 1);
        i = close + 1;
        continue;
      }
      value += c;
      blank(i, i + 1);
      i++;
    }
    strings.push({ start, end: i + 1, line: lineOf(start), value, interpolated, multiline: false });
    return i + 1;
  };

  const scanMultiline = (start: number): number => {
    const close = source.indexOf("'''", start + 3);
    if (close === -1) throw new BicepSyntaxError(`unterminated multi-line string at line ${lineOf(start)}`);
    strings.push({
      start,
      end: close + 3,
      line: lineOf(start),
      value: source.slice(start + 3, close),
      interpolated: false,
      multiline: true,
    });
    // A multi-line string is one token: its newlines do not end the statement.
    blank(start + 3, close, false);
    return close + 3;
  };

  scanCode(0, false);
  return { source, masked: masked.join(''), strings, comments, lineOf };
}

export interface BicepStatement {
  start: number;
  end: number;
  startLine: number;
  /** The masked text of the statement. */
  masked: string;
}

const OPENERS: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
const CLOSERS = new Set([')', ']', '}']);

/**
 * Top-level statements: a statement ends at a newline where every bracket opened since its start is closed.
 * Throws on a closing bracket that does not match, and on brackets left open at the end of the file.
 */
export function splitStatements(scanned: ScannedBicep): BicepStatement[] {
  const { masked } = scanned;
  const statements: BicepStatement[] = [];
  const stack: Array<{ char: string; offset: number }> = [];
  let start = -1;
  for (let i = 0; i <= masked.length; i++) {
    const c = i < masked.length ? masked[i]! : '\n';
    if (start === -1) {
      if (/\s/.test(c)) continue;
      start = i;
    }
    if (OPENERS[c]) stack.push({ char: c, offset: i });
    else if (CLOSERS.has(c)) {
      const open = stack.pop();
      if (!open || OPENERS[open.char] !== c) {
        throw new BicepSyntaxError(
          `unbalanced '${c}' at line ${scanned.lineOf(i)}${open ? ` (opened '${open.char}' at line ${scanned.lineOf(open.offset)})` : ''}`,
        );
      }
    } else if (c === '\n' && stack.length === 0) {
      const text = masked.slice(start, i);
      if (text.trim() !== '') statements.push({ start, end: i, startLine: scanned.lineOf(start), masked: text.trimEnd() });
      start = -1;
    }
  }
  if (stack.length > 0)
    throw new BicepSyntaxError(`'${stack.at(-1)!.char}' opened at line ${scanned.lineOf(stack.at(-1)!.offset)} is never closed`);
  return statements;
}

export interface ObjectProperty {
  key: string;
  /** Offset (in the source) of the first character of the value. */
  valueStart: number;
}

/** Keys of the object literal whose `{` is at `open` (one property per line, as Bicep writes them). */
export function objectProperties(scanned: ScannedBicep, open: number): ObjectProperty[] {
  const { masked } = scanned;
  if (masked[open] !== '{') throw new Error(`no object at offset ${open} (line ${scanned.lineOf(open)})`);
  const properties: ObjectProperty[] = [];
  let depth = 0;
  for (let i = open; i < masked.length; i++) {
    const c = masked[i]!;
    if (OPENERS[c]) depth++;
    else if (CLOSERS.has(c)) {
      depth--;
      if (depth === 0) return properties;
    } else if (c === '\n' && depth === 1) {
      const lineEnd = masked.indexOf('\n', i + 1);
      const line = masked.slice(i + 1, lineEnd === -1 ? masked.length : lineEnd);
      const match = /^(\s*)([A-Za-z_][A-Za-z0-9_]*)\s*:\s*/.exec(line);
      if (match) properties.push({ key: match[2]!, valueStart: i + 1 + match[0].length });
    }
  }
  throw new BicepSyntaxError(`object opened at line ${scanned.lineOf(open)} is never closed`);
}

/** String literals that start inside [start, end). */
export function stringsIn(scanned: ScannedBicep, start: number, end: number): BicepString[] {
  return scanned.strings.filter((s) => s.start >= start && s.start < end);
}
