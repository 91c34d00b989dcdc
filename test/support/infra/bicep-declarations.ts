/**
 * The declarations of a Bicep file (params with their decorators, vars, resources, modules with the params they pass,
 * outputs), read with the scanner in bicep-source.ts. Enough to check our templates' wiring without compiling them.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { objectProperties, scanBicep, splitStatements, stringsIn, type BicepStatement, type ScannedBicep } from './bicep-source.js';

export interface BicepParam {
  name: string;
  type: string;
  hasDefault: boolean;
  line: number;
  /** The text of `@description('...')`, when there is one. */
  description?: string;
  /** The values of `@allowed([...])`, when there is one. */
  allowed?: string[];
  secure: boolean;
}

export interface BicepModule {
  symbol: string;
  /** Path as written, relative to the declaring file. */
  path: string;
  /** Absolute path of the module file. */
  file: string;
  line: number;
  /** Names passed in `params: { ... }`. */
  passed: string[];
}

export interface BicepResource {
  symbol: string;
  type: string;
  apiVersion: string;
  existing: boolean;
  line: number;
  statement: BicepStatement;
}

export interface BicepOutput {
  name: string;
  type: string;
  line: number;
  description?: string;
}

export interface BicepVar {
  name: string;
  line: number;
  statement: BicepStatement;
}

export interface BicepFile {
  file: string;
  scanned: ScannedBicep;
  statements: BicepStatement[];
  targetScope?: string | undefined;
  params: BicepParam[];
  vars: BicepVar[];
  resources: BicepResource[];
  modules: BicepModule[];
  outputs: BicepOutput[];
  /** `symbol.outputs.name` references in the file. */
  outputReferences: Array<{ symbol: string; output: string; line: number }>;
}

function firstString(scanned: ScannedBicep, statement: BicepStatement): string | undefined {
  return stringsIn(scanned, statement.start, statement.end)[0]?.value;
}

/** Offset of the first `{` in the statement after its first `=` at bracket depth 0 (the body of a module or resource). */
function bodyOpen(statement: BicepStatement): number {
  const equals = statement.masked.indexOf('=');
  const brace = statement.masked.indexOf('{', equals);
  if (equals === -1 || brace === -1) throw new Error(`no body in statement at line ${statement.startLine}`);
  return statement.start + brace;
}

function hasDefaultValue(masked: string): boolean {
  let depth = 0;
  for (const c of masked) {
    if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) depth--;
    else if (c === '=' && depth === 0) return true;
  }
  return false;
}

export function parseBicep(file: string): BicepFile {
  const source = readFileSync(file, 'utf8');
  const scanned = scanBicep(source);
  const statements = splitStatements(scanned);
  const parsed: BicepFile = {
    file,
    scanned,
    statements,
    params: [],
    vars: [],
    resources: [],
    modules: [],
    outputs: [],
    outputReferences: [],
  };
  let decorators: BicepStatement[] = [];

  for (const statement of statements) {
    const text = statement.masked.trimStart();
    if (text.startsWith('@')) {
      decorators.push(statement);
      continue;
    }
    // Linter pragmas such as `#disable-next-line BCP081` apply to the next line and declare nothing.
    if (text.startsWith('#disable-next-line') || text.startsWith('#disable-diagnostics')) continue;
    const descriptionOf = (): string | undefined => {
      const decorator = decorators.find((d) => /^\s*@(sys\.)?description\s*\(/.test(d.masked));
      return decorator && firstString(scanned, decorator);
    };
    const keyword = /^([a-zA-Z]+)\b/.exec(text)?.[1];
    switch (keyword) {
      case 'targetScope':
        parsed.targetScope = firstString(scanned, statement);
        break;
      case 'param': {
        const match = /^param\s+([A-Za-z_]\w*)\s+([^=\n]+?)\s*(=|$)/m.exec(text);
        if (!match) throw new Error(`${file}:${statement.startLine}: cannot read the param declaration`);
        const allowedDecorator = decorators.find((d) => /^\s*@(sys\.)?allowed\s*\(/.test(d.masked));
        const param: BicepParam = {
          name: match[1]!,
          type: match[2]!.trim(),
          hasDefault: hasDefaultValue(text.slice(match[0].length - match[3]!.length)),
          line: statement.startLine,
          secure: decorators.some((d) => /^\s*@(sys\.)?secure\s*\(/.test(d.masked)),
        };
        const description = descriptionOf();
        if (description !== undefined) param.description = description;
        if (allowedDecorator) param.allowed = stringsIn(scanned, allowedDecorator.start, allowedDecorator.end).map((s) => s.value);
        parsed.params.push(param);
        break;
      }
      case 'var': {
        const name = /^var\s+([A-Za-z_]\w*)/.exec(text)?.[1];
        if (!name) throw new Error(`${file}:${statement.startLine}: cannot read the var declaration`);
        parsed.vars.push({ name, line: statement.startLine, statement });
        break;
      }
      case 'resource': {
        const symbol = /^resource\s+([A-Za-z_]\w*)/.exec(text)?.[1];
        const typeAndVersion = firstString(scanned, statement);
        if (!symbol || !typeAndVersion) throw new Error(`${file}:${statement.startLine}: cannot read the resource declaration`);
        const [type, apiVersion] = typeAndVersion.split('@');
        parsed.resources.push({
          symbol,
          type: type!,
          apiVersion: apiVersion ?? '',
          existing: /'\s*existing\s*=/.test(text),
          line: statement.startLine,
          statement,
        });
        break;
      }
      case 'module': {
        const symbol = /^module\s+([A-Za-z_]\w*)/.exec(text)?.[1];
        const path = firstString(scanned, statement);
        if (!symbol || !path) throw new Error(`${file}:${statement.startLine}: cannot read the module declaration`);
        const body = objectProperties(scanned, bodyOpen(statement));
        const params = body.find((p) => p.key === 'params');
        const passed = params ? objectProperties(scanned, params.valueStart).map((p) => p.key) : [];
        parsed.modules.push({ symbol, path, file: resolve(dirname(file), path), line: statement.startLine, passed });
        break;
      }
      case 'output': {
        const match = /^output\s+([A-Za-z_]\w*)\s+(\w+)/.exec(text);
        if (!match) throw new Error(`${file}:${statement.startLine}: cannot read the output declaration`);
        const output: BicepOutput = { name: match[1]!, type: match[2]!, line: statement.startLine };
        const description = descriptionOf();
        if (description !== undefined) output.description = description;
        parsed.outputs.push(output);
        break;
      }
      default:
        throw new Error(`${file}:${statement.startLine}: unexpected statement "${text.split('\n')[0]}"`);
    }
    decorators = [];
  }
  if (decorators.length > 0) throw new Error(`${file}: decorators at the end of the file decorate nothing`);

  for (const match of scanned.masked.matchAll(/\b([A-Za-z_]\w*)!?\.outputs\.([A-Za-z_]\w*)/g)) {
    parsed.outputReferences.push({ symbol: match[1]!, output: match[2]!, line: scanned.lineOf(match.index) });
  }
  return parsed;
}

/** Keys of the object literal assigned to `var name = { ... }`. */
export function varObjectKeys(parsed: BicepFile, name: string): string[] {
  const declared = parsed.vars.find((v) => v.name === name);
  if (!declared) throw new Error(`${parsed.file}: no var ${name}`);
  const brace = declared.statement.masked.indexOf('{');
  if (brace === -1) throw new Error(`${parsed.file}:${declared.line}: var ${name} is not an object literal`);
  return objectProperties(parsed.scanned, declared.statement.start + brace).map((p) => p.key);
}

/**
 * The value of `var name = join([ '...', '...' ], '<separator>')` whose parts are all string literals without
 * interpolation: the text Azure receives.
 */
export function varJoinedLiterals(parsed: BicepFile, name: string): string {
  const declared = parsed.vars.find((v) => v.name === name);
  if (!declared) throw new Error(`${parsed.file}: no var ${name}`);
  const shape = /^var\s+\w+\s*=\s*join\(\[[^\]]*\],\s*'\s*'\)$/;
  if (!shape.test(declared.statement.masked.trim()))
    throw new Error(`${parsed.file}:${declared.line}: var ${name} is not join([<literals>], '<separator>')`);
  const literals = stringsIn(parsed.scanned, declared.statement.start, declared.statement.end);
  if (literals.some((l) => l.interpolated)) throw new Error(`${parsed.file}:${declared.line}: var ${name} has interpolated parts`);
  const separator = literals.pop()!;
  return literals.map((l) => l.value).join(separator.value);
}
