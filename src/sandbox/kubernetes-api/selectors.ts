/**
 * Label and field selectors with the grammar of k8s.io/apimachinery (labels.Parse, fields.ParseSelector).
 * A parse error is a SelectorError whose message is what the API server answers with a 400.
 */

export class SelectorError extends Error {}

export type ObjectPredicate = (labels: Readonly<Record<string, string>>) => boolean;

type LabelRequirement =
  | { key: string; op: 'exists' | '!' }
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'gt' | 'lt'; value: number };

const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Splits on commas that are not inside parentheses. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts;
}

function checkKey(key: string, selector: string): string {
  if (!LABEL_KEY.test(key) || key.length > 317)
    throw new SelectorError(`unable to parse requirement: invalid label key "${key}" in selector "${selector}"`);
  return key;
}

function checkValue(value: string, selector: string): string {
  if (!LABEL_VALUE.test(value) || value.length > 63)
    throw new SelectorError(`unable to parse requirement: invalid label value: "${value}" in selector "${selector}"`);
  return value;
}

function parseLabelRequirement(raw: string, selector: string): LabelRequirement {
  const text = raw.trim();
  let m = text.match(/^!\s*(\S+)$/);
  if (m) return { key: checkKey(m[1]!, selector), op: '!' };
  m = text.match(/^(\S+?)\s+(in|notin)\s*\(([^)]*)\)$/);
  if (m) {
    const values = m[3]!.split(',').map((v) => checkValue(v.trim(), selector));
    return { key: checkKey(m[1]!, selector), op: m[2] as 'in' | 'notin', values };
  }
  m = text.match(/^([^=!<>\s]+)\s*(==|=|!=|<|>)\s*(\S*)$/);
  if (m) {
    const key = checkKey(m[1]!, selector);
    const op = m[2]!;
    if (op === '<' || op === '>') {
      const value = Number(m[3]);
      if (!Number.isInteger(value))
        throw new SelectorError(
          `unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer in selector "${selector}"`,
        );
      return { key, op: op === '>' ? 'gt' : 'lt', value };
    }
    const value = checkValue(m[3]!, selector);
    return { key, op: op === '!=' ? 'notin' : 'in', values: [value] };
  }
  if (/^\S+$/.test(text)) return { key: checkKey(text, selector), op: 'exists' };
  throw new SelectorError(`unable to parse requirement: found '${text}', expected: in, notin, =, ==, !=, gt, lt in selector "${selector}"`);
}

function matchesRequirement(r: LabelRequirement, labels: Readonly<Record<string, string>>): boolean {
  const has = Object.hasOwn(labels, r.key);
  const value = labels[r.key];
  switch (r.op) {
    case 'exists':
      return has;
    case '!':
      return !has;
    case 'in':
      return has && r.values.includes(value!);
    case 'notin':
      return !has || !r.values.includes(value!);
    case 'gt':
      return has && /^-?\d+$/.test(value!) && Number(value) > r.value;
    case 'lt':
      return has && /^-?\d+$/.test(value!) && Number(value) < r.value;
  }
}

/** Parses a label selector (`app=web,tier in (front,back),!canary`); empty means everything. */
export function parseLabelSelector(selector: string | undefined): ObjectPredicate {
  if (selector === undefined || selector.trim() === '') return () => true;
  const requirements = splitTopLevel(selector).map((part) => parseLabelRequirement(part, selector));
  return (labels) => requirements.every((r) => matchesRequirement(r, labels));
}

export interface FieldRequirement {
  field: string;
  op: '=' | '!=';
  value: string;
}

/** Splits on unescaped `sep`, keeping escapes for a later pass. */
function splitUnescaped(text: string, sep: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\\' && i + 1 < text.length) {
      current += ch + text[i + 1]!;
      i++;
    } else if (ch === sep) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts;
}

function unescapeFieldValue(value: string, selector: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    if (ch === '\\') {
      const next = value[i + 1];
      if (next === undefined || !['\\', ',', '='].includes(next))
        throw new SelectorError(`invalid field selector: invalid escape sequence in "${selector}"`);
      out += next;
      i++;
    } else if (ch === ',' || ch === '=') {
      throw new SelectorError(`invalid field selector: unescaped "${ch}" in "${selector}"`);
    } else out += ch;
  }
  return out;
}

/** Parses a field selector (`involvedObject.name=web-1,type!=Normal`). */
export function parseFieldSelector(selector: string | undefined): FieldRequirement[] {
  if (selector === undefined || selector.trim() === '') return [];
  return splitUnescaped(selector, ',').map((term) => {
    const m = term.match(/^([^=!]+?)(!=|==|=)(.*)$/s);
    if (!m) throw new SelectorError(`invalid selector: '${selector}'; can't understand '${term}'`);
    return { field: m[1]!.trim(), op: m[2] === '!=' ? '!=' : '=', value: unescapeFieldValue(m[3]!, selector) };
  });
}
