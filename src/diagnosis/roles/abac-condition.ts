import { permissionMatches } from './rbac.js';

// Evaluates an Azure role assignment condition (ABAC, conditionVersion 2.0) for one request: an action and a
// repository name. Syntax and semantics follow learn.microsoft.com "Azure role assignment condition format and
// syntax": AND/&&, OR/||, NOT/!, parentheses, ActionMatches{'…'}, string operators (StringEquals,
// StringNotEquals, StringStartsWith, StringNotStartsWith, StringLike, StringNotLike, each with an IgnoreCase
// form; Like takes `*` and `?` wildcards, escaped with `\`), and the cross-product prefixes ForAnyOfAnyValues,
// ForAllOfAnyValues, ForAnyOfAllValues, ForAllOfAllValues with `{'a', 'b'}` value sets. ACR conditions use the
// attribute @Request[Microsoft.ContainerRegistry/registries/repositories:name] (container-registry-rbac-abac-
// repository-permissions.md).
//
// The answer is three-valued. `unknown` (with a reason) whenever the condition depends on something this
// evaluator does not know (another attribute, SubOperationMatches, Exists, numeric or date operators), is
// malformed, or mixes AND and OR at one level without parentheses (ambiguous: the docs require parentheses).
// Unknown parts follow Kleene logic, so `x OR unknown` is still true when x is true.

export type ConditionResult = { value: true } | { value: false } | { value: 'unknown'; reason: string };

export interface ConditionRequest {
  action: string;
  repository: string;
}

const REPOSITORY_NAME_ATTRIBUTE = 'Microsoft.ContainerRegistry/registries/repositories:name';

type Token =
  | { kind: '(' | ')' | '{' | '}' | ',' | '!' }
  | { kind: 'and' | 'or' }
  | { kind: 'string'; value: string }
  | { kind: 'attribute'; source: string; name: string }
  | { kind: 'word'; value: string };

type Operand =
  | { kind: 'attribute'; source: string; name: string }
  | { kind: 'values'; values: string[]; list: boolean }
  | { kind: 'other'; text: string };

type Node =
  | { kind: 'and' | 'or'; items: Node[] }
  | { kind: 'not'; item: Node }
  | { kind: 'actionMatches'; pattern: string }
  | { kind: 'compare'; left: Operand; operator: string; right: Operand }
  | { kind: 'unknown'; reason: string };

class ConditionSyntaxError extends Error {}

const TRUE: ConditionResult = { value: true };
const FALSE: ConditionResult = { value: false };
const unknown = (reason: string): ConditionResult => ({ value: 'unknown', reason });

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if ('(){},'.includes(c)) {
      tokens.push({ kind: c as '(' | ')' | '{' | '}' | ',' });
      i++;
    } else if (text.startsWith('&&', i)) {
      tokens.push({ kind: 'and' });
      i += 2;
    } else if (text.startsWith('||', i)) {
      tokens.push({ kind: 'or' });
      i += 2;
    } else if (c === '!') {
      tokens.push({ kind: '!' });
      i++;
    } else if (c === "'") {
      let value = '';
      i++;
      while (i < text.length && text[i] !== "'") {
        if (text[i] === '\\' && i + 1 < text.length) {
          value += text.slice(i, i + 2);
          i += 2;
        } else {
          value += text[i++];
        }
      }
      if (i >= text.length) throw new ConditionSyntaxError('a string is not closed');
      i++;
      tokens.push({ kind: 'string', value });
    } else if (c === '@') {
      const m = /^@([A-Za-z]+)\[([^\]]+)\]/.exec(text.slice(i));
      if (!m) throw new ConditionSyntaxError(`unreadable attribute at "${text.slice(i, i + 30)}"`);
      tokens.push({ kind: 'attribute', source: m[1]!, name: m[2]! });
      i += m[0].length;
    } else {
      const m = /^[A-Za-z0-9_.:-]+/.exec(text.slice(i));
      if (!m) throw new ConditionSyntaxError(`unexpected character "${c}"`);
      const word = m[0];
      if (/^and$/i.test(word)) tokens.push({ kind: 'and' });
      else if (/^or$/i.test(word)) tokens.push({ kind: 'or' });
      else if (/^not$/i.test(word)) tokens.push({ kind: '!' });
      else tokens.push({ kind: 'word', value: word });
      i += word.length;
    }
  }
  return tokens;
}

class Parser {
  private position = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): Node {
    const node = this.expression();
    if (this.position < this.tokens.length) throw new ConditionSyntaxError('unexpected text after the end of the condition');
    return node;
  }

  private peek(): Token | undefined {
    return this.tokens[this.position];
  }

  private next(): Token {
    const token = this.tokens[this.position++];
    if (!token) throw new ConditionSyntaxError('the condition ends too early');
    return token;
  }

  private expect(kind: Token['kind']): Token {
    const token = this.next();
    if (token.kind !== kind) throw new ConditionSyntaxError(`expected "${kind}"`);
    return token;
  }

  private expression(): Node {
    const items = [this.unary()];
    const joins = new Set<'and' | 'or'>();
    for (let t = this.peek(); t && (t.kind === 'and' || t.kind === 'or'); t = this.peek()) {
      joins.add(t.kind);
      this.position++;
      items.push(this.unary());
    }
    if (items.length === 1) return items[0]!;
    if (joins.size > 1) return { kind: 'unknown', reason: 'it mixes AND and OR without parentheses, which is ambiguous' };
    return { kind: [...joins][0]!, items };
  }

  private unary(): Node {
    if (this.peek()?.kind === '!') {
      this.position++;
      return { kind: 'not', item: this.unary() };
    }
    return this.primary();
  }

  private primary(): Node {
    const token = this.peek();
    if (token?.kind === '(') {
      this.position++;
      const inner = this.expression();
      this.expect(')');
      return inner;
    }
    if (token?.kind === 'word' && /^ActionMatches$/i.test(token.value)) {
      this.position++;
      this.expect('{');
      const pattern = this.expect('string') as { kind: 'string'; value: string };
      this.expect('}');
      return { kind: 'actionMatches', pattern: pattern.value };
    }
    if (token?.kind === 'word' && /^(SubOperationMatches|Exists)$/i.test(token.value)) {
      this.position++;
      if (this.peek()?.kind === '{') {
        this.expect('{');
        this.expect('string');
        this.expect('}');
      } else {
        this.operand();
      }
      return { kind: 'unknown', reason: `it uses ${token.value}, which Pull Doctor does not evaluate` };
    }
    const left = this.operand();
    const operator = this.next();
    if (operator.kind !== 'word') throw new ConditionSyntaxError('expected an operator after an attribute or value');
    const right = this.operand();
    return { kind: 'compare', left, operator: operator.value, right };
  }

  private operand(): Operand {
    const token = this.next();
    if (token.kind === 'attribute') return { kind: 'attribute', source: token.source, name: token.name };
    if (token.kind === 'string') return { kind: 'values', values: [token.value], list: false };
    if (token.kind === '{') {
      const values: string[] = [];
      for (;;) {
        const item = this.next();
        if (item.kind === 'string') values.push(item.value);
        else if (item.kind === 'word') return this.skipList(item.value);
        else throw new ConditionSyntaxError('expected a value in {…}');
        const after = this.next();
        if (after.kind === '}') break;
        if (after.kind !== ',') throw new ConditionSyntaxError('expected "," or "}" in a value list');
      }
      return { kind: 'values', values, list: true };
    }
    if (token.kind === 'word') return { kind: 'other', text: token.value };
    throw new ConditionSyntaxError('expected an attribute or a value');
  }

  /** A list of non-string values (numbers, booleans): skipped, compared as unknown. */
  private skipList(first: string): Operand {
    for (let t = this.next(); t.kind !== '}'; t = this.next()) {
      if (t.kind !== ',' && t.kind !== 'word') throw new ConditionSyntaxError('malformed value list');
    }
    return { kind: 'other', text: `{${first}, …}` };
  }
}

function likeToRegExp(pattern: string, ignoreCase: boolean): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\' && i + 1 < pattern.length) source += pattern[++i]!.replace(/[.+?^${}()|[\]\\*]/g, '\\$&');
    else if (c === '*') source += '.*';
    else if (c === '?') source += '.';
    else source += c.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, ignoreCase ? 'is' : 's');
}

const STRING_OPERATOR = /^(StringEquals|StringNotEquals|StringStartsWith|StringNotStartsWith|StringLike|StringNotLike)(IgnoreCase)?$/i;

function compareOne(base: string, ignoreCase: boolean, value: string, pattern: string): boolean {
  const a = ignoreCase ? value.toLowerCase() : value;
  const b = ignoreCase ? pattern.toLowerCase() : pattern;
  switch (base.toLowerCase()) {
    case 'stringequals':
      return a === b;
    case 'stringnotequals':
      return a !== b;
    case 'stringstartswith':
      return a.startsWith(b);
    case 'stringnotstartswith':
      return !a.startsWith(b);
    case 'stringlike':
      return likeToRegExp(pattern, ignoreCase).test(value);
    default:
      return !likeToRegExp(pattern, ignoreCase).test(value);
  }
}

function evaluateCompare(node: Extract<Node, { kind: 'compare' }>, request: ConditionRequest): ConditionResult {
  const { left, right } = node;
  if (left.kind !== 'attribute')
    return unknown(`it compares ${left.kind === 'values' ? 'literal values' : left.text} rather than an attribute`);
  const attribute = `@${left.source}[${left.name}]`;
  if (left.source.toLowerCase() !== 'request' || left.name.toLowerCase() !== REPOSITORY_NAME_ATTRIBUTE.toLowerCase()) {
    return unknown(`it depends on ${attribute}, which Pull Doctor cannot see`);
  }
  if (right.kind !== 'values')
    return unknown(`it compares the repository name with ${right.kind === 'other' ? right.text : 'another attribute'}`);
  const [quantifier, operator] = node.operator.includes(':')
    ? (node.operator.split(':', 2) as [string, string])
    : [undefined, node.operator];
  const m = STRING_OPERATOR.exec(operator);
  if (!m) return unknown(`it uses the operator ${node.operator}, which Pull Doctor does not evaluate on a repository name`);
  const test = (pattern: string) => compareOne(m[1]!, m[2] !== undefined, request.repository, pattern);
  if (quantifier === undefined) {
    if (right.list) return unknown(`it gives ${node.operator} a list of values without a ForAnyOf/ForAllOf quantifier`);
    return test(right.values[0]!) ? TRUE : FALSE;
  }
  // The repository name is a single value, so "any/all of the left side" is that value.
  switch (quantifier.toLowerCase()) {
    case 'foranyofanyvalues':
    case 'forallofanyvalues':
      return right.values.some(test) ? TRUE : FALSE;
    case 'foranyofallvalues':
    case 'forallofallvalues':
      return right.values.every(test) ? TRUE : FALSE;
    default:
      return unknown(`it uses the quantifier ${quantifier}, which Pull Doctor does not know`);
  }
}

function evaluateNode(node: Node, request: ConditionRequest): ConditionResult {
  switch (node.kind) {
    case 'unknown':
      return unknown(node.reason);
    case 'actionMatches':
      return permissionMatches(node.pattern, request.action) ? TRUE : FALSE;
    case 'compare':
      return evaluateCompare(node, request);
    case 'not': {
      const inner = evaluateNode(node.item, request);
      return inner.value === 'unknown' ? inner : inner.value ? FALSE : TRUE;
    }
    case 'and':
    case 'or': {
      const decisive = node.kind === 'or';
      let firstUnknown: ConditionResult | undefined;
      for (const item of node.items) {
        const result = evaluateNode(item, request);
        if (result.value === decisive) return result;
        if (result.value === 'unknown') firstUnknown ??= result;
      }
      return firstUnknown ?? (decisive ? FALSE : TRUE);
    }
  }
}

/** Does the condition allow `request`? */
export function evaluateCondition(condition: string, request: ConditionRequest): ConditionResult {
  try {
    return evaluateNode(new Parser(tokenize(condition)).parse(), request);
  } catch (error) {
    if (error instanceof ConditionSyntaxError) return unknown(`it could not be parsed (${error.message})`);
    throw error;
  }
}
