/**
 * The part of the Kusto Query Language (KQL) that Azure Resource Graph queries are written in, as far as the fake
 * evaluates it: a table (`resources`, or none: Resource Graph then assumes `resources`), then `where` with `and`,
 * `or`, `not()`, parentheses, `==`, `!=`, `=~`, `!~`, `in`, `!in`, `in~`, `!in~`; `project` with renames
 * (`loginServer = tostring(properties.loginServer)`); `take` / `limit`. Values: string literals ('…' or "…" with
 * backslash escapes), numbers, `true`/`false`, columns and dynamic paths (`properties.fqdn`, `properties['fqdn']`),
 * and the functions `tolower`, `toupper`, `tostring`, `isempty`, `isnotempty`, `isnull`, `isnotnull`.
 *
 * Anything else is refused with the detail Resource Graph puts in its 400 (see KqlError), never guessed at: a
 * query the fake cannot evaluate exactly must fail loudly in tests rather than return rows real Azure would not.
 */

export type KqlValue = string | number | boolean | null | KqlValue[] | { [key: string]: KqlValue };
export type KqlRow = Record<string, KqlValue>;

/** One entry of the `details` Resource Graph sends with `InvalidQuery` (line and position 1-based, -1 when unknown). */
export interface KqlErrorDetail {
  code: 'ParserFailure' | 'InvalidQueryLanguage' | 'UnknownColumn';
  message: string;
  line: number;
  characterPositionInLine: number;
  token: string;
}

export class KqlError extends Error {
  constructor(readonly detail: KqlErrorDetail) {
    super(`${detail.code} at ${detail.line}:${detail.characterPositionInLine} near "${detail.token}"`);
  }
}

type Comparison = '==' | '!=' | '=~' | '!~';
const FUNCTIONS = ['tolower', 'toupper', 'tostring', 'isempty', 'isnotempty', 'isnull', 'isnotnull'] as const;
type FunctionName = (typeof FUNCTIONS)[number];

type Expr =
  | { kind: 'literal'; value: KqlValue }
  | { kind: 'path'; column: string; steps: string[]; at: Token }
  | { kind: 'call'; name: FunctionName; arg: Expr }
  | { kind: 'compare'; op: Comparison; left: Expr; right: Expr }
  | { kind: 'in'; negated: boolean; ignoreCase: boolean; left: Expr; list: Expr[] }
  /** A chain `a or b or c` is one node with its operands (so a long chain is not a deep tree). */
  | { kind: 'and' | 'or'; operands: Expr[] }
  | { kind: 'not'; operand: Expr };

type Stage =
  { kind: 'where'; predicate: Expr } | { kind: 'project'; columns: Array<{ name: string; expr: Expr }> } | { kind: 'take'; count: number };

export interface KqlQuery {
  table: string;
  stages: Stage[];
}

// ---- tokens ----

interface Token {
  kind: 'ident' | 'string' | 'number' | 'op' | 'eof';
  text: string;
  value: string;
  line: number;
  column: number;
}

const OPERATORS = ['!in~', '!in', '==', '!=', '=~', '!~', '<=', '>=', '|', '(', ')', ',', '.', '[', ']', '=', '<', '>', '-'];
const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"' };
/** Sticky: matched at a position without copying the rest of the text (a long hostile query stays linear). */
const WORD = /[A-Za-z_][A-Za-z0-9_]*/y;
const DIGITS = /\d+/y;

function matchAt(pattern: RegExp, text: string, at: number): string | undefined {
  pattern.lastIndex = at;
  return pattern.exec(text)?.[0];
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const fail = (message: string, token: string): never => {
    throw new KqlError({ code: 'ParserFailure', message, line, characterPositionInLine: i - lineStart + 1, token });
  };
  while (i < text.length) {
    const c = text[i]!;
    if (c === '\n') {
      i++;
      line++;
      lineStart = i;
      continue;
    }
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (text.startsWith('//', i)) {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    const at = { line, column: i - lineStart + 1 };
    if (c === "'" || c === '"') {
      let value = '';
      let j = i + 1;
      for (; j < text.length && text[j] !== c; j++) {
        if (text[j] === '\n') fail('unterminated string literal', text.slice(i, j));
        if (text[j] === '\\') {
          const escaped = ESCAPES[text[j + 1] ?? ''];
          if (escaped === undefined) fail('unknown escape sequence in a string literal', text.slice(j, j + 2));
          value += escaped;
          j++;
        } else value += text[j];
      }
      if (j >= text.length) fail('unterminated string literal', text.slice(i));
      tokens.push({ kind: 'string', text: text.slice(i, j + 1), value, ...at });
      i = j + 1;
      continue;
    }
    const word = matchAt(WORD, text, i);
    if (word !== undefined) {
      // `in~` is a word followed by `~`; `!in` / `!in~` start with `!` and are matched as operators below.
      if (word === 'in' && text[i + 2] === '~') {
        tokens.push({ kind: 'op', text: 'in~', value: 'in~', ...at });
        i += 3;
      } else {
        tokens.push({ kind: 'ident', text: word, value: word, ...at });
        i += word.length;
      }
      continue;
    }
    const number = matchAt(DIGITS, text, i);
    if (number !== undefined) {
      tokens.push({ kind: 'number', text: number, value: number, ...at });
      i += number.length;
      continue;
    }
    const op = OPERATORS.find((o) => text.startsWith(o, i) && !(/^!in/.test(o) && /[A-Za-z0-9_]/.test(text[i + o.length] ?? '')));
    if (op === undefined) fail('unexpected character', c);
    tokens.push({ kind: 'op', text: op!, value: op!, ...at });
    i += op!.length;
  }
  tokens.push({ kind: 'eof', text: '<EOF>', value: '', line, column: i - lineStart + 1 });
  return tokens;
}

// ---- parser ----

const STAGES = new Set(['where', 'project', 'take', 'limit']);
/** Operators of KQL this subset does not evaluate: refused as Resource Graph refuses a language it lacks. */
const UNSUPPORTED_STAGES = new Set([
  'extend',
  'summarize',
  'join',
  'union',
  'mv-expand',
  'mvexpand',
  'order',
  'sort',
  'top',
  'count',
  'distinct',
  'parse',
  'project-away',
  'project-rename',
  'project-keep',
  'sample',
  'search',
  'lookup',
]);

/** Deeper nesting is refused rather than recursed into (a hostile query must not exhaust the stack). */
const MAX_DEPTH = 64;

class Parser {
  private i = 0;
  private depth = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.i + offset, this.tokens.length - 1)]!;
  }
  private next(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') this.i++;
    return t;
  }
  private isOp(text: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.kind === 'op' && t.text === text;
  }
  private isWord(word: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.kind === 'ident' && t.text === word;
  }
  private fail(token: Token, message: string, code: KqlErrorDetail['code'] = 'ParserFailure'): never {
    const positionless = code === 'InvalidQueryLanguage';
    throw new KqlError({
      code,
      message: code === 'ParserFailure' ? 'ParserFailure' : message,
      line: positionless ? -1 : token.line,
      characterPositionInLine: positionless ? -1 : token.column,
      token: token.text,
    });
  }
  private expectOp(text: string): void {
    if (!this.isOp(text)) this.fail(this.peek(), `expected ${text}`);
    this.next();
  }

  query(): KqlQuery {
    let table = 'resources';
    const first = this.peek();
    if (first.kind !== 'ident') this.fail(first, 'a query starts with a table or an operator');
    if (!STAGES.has(first.text) && !this.isOp('-', 1)) {
      table = this.next().text;
      if (this.peek().kind === 'eof') return { table, stages: [] };
      this.expectOp('|');
    }
    const stages: Stage[] = [this.stage()];
    while (this.isOp('|')) {
      this.next();
      stages.push(this.stage());
    }
    if (this.peek().kind !== 'eof') this.fail(this.peek(), 'expected | or the end of the query');
    return { table, stages };
  }

  private stage(): Stage {
    const t = this.next();
    if (t.kind !== 'ident') this.fail(t, 'expected an operator');
    if (t.text === 'where') return { kind: 'where', predicate: this.expression() };
    if (t.text === 'project' && !this.isOp('-')) return { kind: 'project', columns: this.projection() };
    if (t.text === 'take' || t.text === 'limit') {
      const n = this.next();
      if (n.kind !== 'number') this.fail(n, 'expected a number');
      return { kind: 'take', count: Number(n.value) };
    }
    const name = this.isOp('-') && this.peek(1).kind === 'ident' ? `${t.text}-${this.peek(1).text}` : t.text;
    if (UNSUPPORTED_STAGES.has(name)) this.fail(t, `the operator ${name} is not supported`, 'InvalidQueryLanguage');
    return this.fail(t, `unknown operator ${name}`);
  }

  private projection(): Array<{ name: string; expr: Expr }> {
    const columns: Array<{ name: string; expr: Expr }> = [];
    do {
      if (columns.length > 0) this.next();
      const name = this.peek();
      if (name.kind === 'ident' && this.isOp('=', 1)) {
        this.next();
        this.next();
        columns.push({ name: name.text, expr: this.value() });
        continue;
      }
      const expr = this.value();
      if (expr.kind !== 'path' || expr.steps.length > 0) this.fail(name, 'a computed column needs a name (name = expression)');
      columns.push({ name: expr.column, expr });
    } while (this.isOp(','));
    return columns;
  }

  private expression(): Expr {
    if (++this.depth > MAX_DEPTH) this.fail(this.peek(), 'the expression is nested too deeply');
    const operands = [this.conjunction()];
    while (this.isWord('or')) {
      this.next();
      operands.push(this.conjunction());
    }
    this.depth--;
    return operands.length === 1 ? operands[0]! : { kind: 'or', operands };
  }

  private conjunction(): Expr {
    const operands = [this.negation()];
    while (this.isWord('and')) {
      this.next();
      operands.push(this.negation());
    }
    return operands.length === 1 ? operands[0]! : { kind: 'and', operands };
  }

  private negation(): Expr {
    if (this.isWord('not') && this.isOp('(', 1)) {
      this.next();
      this.next();
      const operand = this.expression();
      this.expectOp(')');
      return { kind: 'not', operand };
    }
    return this.comparison();
  }

  private comparison(): Expr {
    const left = this.value();
    const t = this.peek();
    if (t.kind === 'ident' && t.text === 'in' && this.isOp('(', 1)) {
      this.next();
      return this.inList(left, false, false);
    }
    if (t.kind !== 'op') return left;
    if (t.text === '==' || t.text === '!=' || t.text === '=~' || t.text === '!~') {
      this.next();
      return { kind: 'compare', op: t.text, left, right: this.value() };
    }
    if (t.text === 'in~' || t.text === '!in' || t.text === '!in~') {
      this.next();
      return this.inList(left, t.text.startsWith('!'), t.text.endsWith('~'));
    }
    if (['<', '>', '<=', '>='].includes(t.text)) this.fail(t, `the operator ${t.text} is not supported`, 'InvalidQueryLanguage');
    return left;
  }

  private inList(left: Expr, negated: boolean, ignoreCase: boolean): Expr {
    this.expectOp('(');
    if (this.isOp(')')) this.fail(this.peek(), 'an in list needs at least one value');
    const list: Expr[] = [];
    do {
      if (list.length > 0) this.next();
      list.push(this.value());
    } while (this.isOp(','));
    this.expectOp(')');
    return { kind: 'in', negated, ignoreCase, left, list };
  }

  private value(): Expr {
    const t = this.next();
    if (t.kind === 'string') return { kind: 'literal', value: t.value };
    if (t.kind === 'number') return { kind: 'literal', value: Number(t.value) };
    if (t.kind === 'op' && t.text === '(') {
      const inner = this.expression();
      this.expectOp(')');
      return inner;
    }
    if (t.kind !== 'ident') return this.fail(t, 'expected a value');
    if (t.text === 'true' || t.text === 'false') return { kind: 'literal', value: t.text === 'true' };
    if (this.isOp('(')) {
      const name = FUNCTIONS.find((f) => f === t.text);
      if (name === undefined) return this.fail(t, `the function ${t.text} is not supported`, 'InvalidQueryLanguage');
      this.next();
      const arg = this.expression();
      this.expectOp(')');
      return { kind: 'call', name, arg };
    }
    const steps: string[] = [];
    for (;;) {
      if (this.isOp('.')) {
        this.next();
        const member = this.next();
        if (member.kind !== 'ident') this.fail(member, 'expected a property name');
        steps.push(member.text);
      } else if (this.isOp('[')) {
        this.next();
        const key = this.next();
        if (key.kind !== 'string') this.fail(key, 'expected a quoted property name');
        steps.push(key.value);
        this.expectOp(']');
      } else return { kind: 'path', column: t.text, steps, at: t };
    }
  }
}

/** Parses a query; throws KqlError for anything outside the subset. */
export function parseKql(text: string): KqlQuery {
  return new Parser(tokenize(text)).query();
}

// ---- evaluation ----

function isRecord(value: KqlValue): value is { [key: string]: KqlValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `tostring()`: null is the empty string, dynamic values their JSON. */
function asString(value: KqlValue): string {
  if (value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function equal(a: KqlValue, b: KqlValue, ignoreCase: boolean): boolean | null {
  if (a === null || b === null) return null;
  if (typeof a === 'string' && typeof b === 'string') return ignoreCase ? a.toLowerCase() === b.toLowerCase() : a === b;
  if (typeof a === 'object' || typeof b === 'object') return asString(a) === asString(b);
  return a === b;
}

function evaluate(expr: Expr, row: KqlRow): KqlValue {
  switch (expr.kind) {
    case 'literal':
      return expr.value;
    case 'path': {
      let value: KqlValue = row[expr.column] ?? null;
      for (const step of expr.steps) value = isRecord(value) && Object.hasOwn(value, step) ? (value[step] ?? null) : null;
      return value;
    }
    case 'call': {
      const value = evaluate(expr.arg, row);
      switch (expr.name) {
        case 'tostring':
          return asString(value);
        case 'tolower':
          return asString(value).toLowerCase();
        case 'toupper':
          return asString(value).toUpperCase();
        case 'isempty':
          return value === null || value === '';
        case 'isnotempty':
          return value !== null && value !== '';
        case 'isnull':
          return value === null;
        case 'isnotnull':
          return value !== null;
      }
      break;
    }
    case 'compare': {
      const same = equal(evaluate(expr.left, row), evaluate(expr.right, row), expr.op === '=~' || expr.op === '!~');
      if (same === null) return null;
      return expr.op === '==' || expr.op === '=~' ? same : !same;
    }
    case 'in': {
      const left = evaluate(expr.left, row);
      if (left === null) return null;
      const found = expr.list.some((item) => equal(left, evaluate(item, row), expr.ignoreCase) === true);
      return expr.negated ? !found : found;
    }
    case 'and':
      return expr.operands.every((operand) => evaluate(operand, row) === true);
    case 'or':
      return expr.operands.some((operand) => evaluate(operand, row) === true);
    case 'not':
      return evaluate(expr.operand, row) !== true;
  }
  return null;
}

function unknownColumn(path: Extract<Expr, { kind: 'path' }>): KqlError {
  return new KqlError({
    code: 'UnknownColumn',
    message: `Failed to resolve scalar expression named '${path.column}'`,
    line: path.at.line,
    characterPositionInLine: path.at.column,
    token: path.column,
  });
}

function checkColumns(expr: Expr, columns: ReadonlySet<string>): void {
  switch (expr.kind) {
    case 'path':
      if (!columns.has(expr.column)) throw unknownColumn(expr);
      return;
    case 'call':
      return checkColumns(expr.arg, columns);
    case 'compare':
      checkColumns(expr.left, columns);
      return checkColumns(expr.right, columns);
    case 'and':
    case 'or':
      return expr.operands.forEach((operand) => checkColumns(operand, columns));
    case 'in':
      checkColumns(expr.left, columns);
      return expr.list.forEach((item) => checkColumns(item, columns));
    case 'not':
      return checkColumns(expr.operand, columns);
    case 'literal':
      return;
  }
}

/**
 * Runs the query's operators over `rows`, the table the query names (chosen by the caller), whose columns are
 * `columns`: `where` keeps the rows its predicate is true for (null, as from a missing property, is not true),
 * `project` builds new rows, `take` cuts. Every column a stage names is checked against the columns it receives
 * before any row is evaluated, as Kusto does: a misspelt column is an error even when no row would reach it.
 */
export function runKql(query: KqlQuery, columns: readonly string[], rows: readonly KqlRow[]): KqlRow[] {
  let known = new Set(columns);
  for (const stage of query.stages) {
    if (stage.kind === 'where') checkColumns(stage.predicate, known);
    if (stage.kind === 'project') {
      for (const c of stage.columns) checkColumns(c.expr, known);
      known = new Set(stage.columns.map((c) => c.name));
    }
  }
  let current: KqlRow[] = [...rows];
  for (const stage of query.stages) {
    if (stage.kind === 'where') current = current.filter((row) => evaluate(stage.predicate, row) === true);
    else if (stage.kind === 'take') current = current.slice(0, stage.count);
    else current = current.map((row) => Object.fromEntries(stage.columns.map((c) => [c.name, evaluate(c.expr, row)])));
  }
  return current;
}
