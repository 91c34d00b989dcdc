import { createRequire } from 'node:module';
import type * as AdaptiveCardsModule from 'adaptivecards';

/**
 * Validates a card as Teams receives it: Adaptive Cards 1.5 as the official `adaptivecards` 3.0.6 object model reads
 * it, plus what Teams adds — the `CodeBlock` element and the card's `msteams` property (`width`, mention `entities`).
 * Returns every problem as a readable line (an empty list means the card is valid). Stricter than the library, which
 * ignores what it does not know: a property no element of that type has (a typo, or a template expression left in)
 * is a problem too, as the JSON schema's `additionalProperties: false` would make it.
 *
 * The package's `lib/` build does not load on Node 20 (extensionless ESM imports), so this loads its UMD bundle
 * `dist/adaptivecards.js`.
 */
const require = createRequire(import.meta.url);
const AC = require('adaptivecards/dist/adaptivecards.js') as typeof AdaptiveCardsModule;

export const MAX_CARD_VERSION = '1.5';

/** The languages of Teams' CodeBlock (Microsoft Teams' card reference; the teams.ts SDK's CodeLanguage). */
export const CODE_BLOCK_LANGUAGES = [
  'Bash',
  'C',
  'Cpp',
  'CSharp',
  'Css',
  'Dos',
  'Go',
  'Graphql',
  'Html',
  'Java',
  'JavaScript',
  'Json',
  'ObjectiveC',
  'Perl',
  'Php',
  'PlainText',
  'PowerShell',
  'Python',
  'Sql',
  'TypeScript',
  'VbNet',
  'Verilog',
  'Vhdl',
  'Xml',
] as const;

/** Teams' CodeBlock: `codeSnippet` (required), `language`, `startLineNumber`, and what every element has. */
class CodeBlock extends AC.CardElement {
  static readonly codeSnippetProperty = new AC.StringProperty(AC.Versions.v1_0, 'codeSnippet', true);
  static readonly languageProperty = new AC.ValueSetProperty(
    AC.Versions.v1_0,
    'language',
    CODE_BLOCK_LANGUAGES.map((value) => ({ value })),
  );
  static readonly startLineNumberProperty = new AC.NumProperty(AC.Versions.v1_0, 'startLineNumber');

  protected override populateSchema(schema: AdaptiveCardsModule.SerializableObjectSchema): void {
    super.populateSchema(schema);
    schema.add(CodeBlock.codeSnippetProperty, CodeBlock.languageProperty, CodeBlock.startLineNumberProperty);
  }

  override getJsonTypeName(): string {
    return 'CodeBlock';
  }

  override internalValidateProperties(context: AdaptiveCardsModule.ValidationResults): void {
    super.internalValidateProperties(context);
    const snippet = this.getValue(CodeBlock.codeSnippetProperty) as string | undefined;
    if (!snippet) context.addFailure(this, AC.ValidationEvent.PropertyCantBeNull, 'A CodeBlock needs a codeSnippet.');
    const start = this.getValue(CodeBlock.startLineNumberProperty) as number | undefined;
    if (start !== undefined && (!Number.isInteger(start) || start < 1))
      context.addFailure(this, AC.ValidationEvent.InvalidPropertyValue, `startLineNumber ${start} is not a line number.`);
  }

  protected override internalRender(): undefined {
    return undefined;
  }
}

function elementRegistry(): AdaptiveCardsModule.CardObjectRegistry<AdaptiveCardsModule.CardElement> {
  const registry = new AC.CardObjectRegistry<AdaptiveCardsModule.CardElement>();
  AC.GlobalRegistry.populateWithDefaultElements(registry);
  registry.register('CodeBlock', CodeBlock, AC.Versions.v1_0);
  return registry;
}

const ELEMENTS = elementRegistry();
const ACTIONS = (() => {
  const registry = new AC.CardObjectRegistry<AdaptiveCardsModule.Action>();
  AC.GlobalRegistry.populateWithDefaultActions(registry);
  return registry;
})();

/** What the library parses by hand rather than through its schema: the lists of child objects, by type. */
const COLLECTIONS: Record<string, readonly string[]> = {
  AdaptiveCard: ['body', 'actions'],
  Container: ['items'],
  Column: ['items'],
  ColumnSet: ['columns'],
  RichTextBlock: ['inlines'],
  ActionSet: ['actions'],
  FactSet: ['facts'],
  ImageSet: ['images'],
  Table: ['columns', 'rows'],
  TableRow: ['cells'],
  TableCell: ['items'],
  'Input.ChoiceSet': ['choices'],
};

/** Property names an object of this type may have, from the library's own schema of it. */
function knownProperties(type: string, isCard: boolean): Set<string> | undefined {
  // A Column is made by its ColumnSet rather than looked up by type.
  const instance = isCard
    ? new AC.AdaptiveCard()
    : type === 'Column'
      ? new AC.Column()
      : (ELEMENTS.createInstance(type, AC.Versions.v1_5) ?? ACTIONS.createInstance(type, AC.Versions.v1_5));
  if (!instance) return undefined;
  const schema = instance.getSchema();
  const names = new Set<string>(['type', 'fallback', 'requires', ...(COLLECTIONS[type] ?? [])]);
  for (let i = 0; i < schema.getCount(); i++) names.add(schema.getItemAt(i).name);
  return names;
}

/** Objects that are not elements or actions but parts of one, by the key they sit under, and the keys they may have. */
const PARTS: Record<string, readonly string[]> = {
  facts: ['title', 'value'],
  inlines: [],
  targetElements: ['elementId', 'isVisible'],
  backgroundImage: ['url', 'fillMode', 'horizontalAlignment', 'verticalAlignment'],
};

/** Every property that no object of its type knows, with its path. */
function unknownProperties(json: unknown): string[] {
  const problems: string[] = [];
  const walk = (node: unknown, path: string, under: string | undefined): void => {
    if (Array.isArray(node)) return node.forEach((item, i) => walk(item, `${path}[${i}]`, under));
    if (node === null || typeof node !== 'object') return;
    const record = node as Record<string, unknown>;
    const type = typeof record.type === 'string' ? record.type : undefined;
    const isCard = type === 'AdaptiveCard';
    const known = type ? knownProperties(type, isCard) : under && PARTS[under] ? new Set(PARTS[under]) : undefined;
    if (type && !known) problems.push(`${path}: unknown type "${type}"`);
    for (const [key, value] of Object.entries(record)) {
      if (isCard && (key === '$schema' || key === 'msteams')) continue;
      if (key === 'data' && type?.startsWith('Action.')) continue; // the action's own payload, any shape
      if (key === 'selectAction' || key === 'card') {
        walk(value, `${path}.${key}`, key);
        continue;
      }
      if (key.startsWith('$')) problems.push(`${path}.${key}: a template keyword left in a rendered card`);
      else if (known && !known.has(key)) problems.push(`${path}.${key}: ${type ?? under} has no property "${key}"`);
      if (typeof value === 'object' && value !== null) walk(value, `${path}.${key}`, key);
    }
  };
  walk(json, 'card', undefined);
  return problems;
}

/** Every TextBlock and TextRun text of the card, where a mention's `<at>…</at>` must appear to be one. */
function texts(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => texts(n, out));
  else if (node !== null && typeof node === 'object') {
    const record = node as Record<string, unknown>;
    if ((record.type === 'TextBlock' || record.type === 'TextRun') && typeof record.text === 'string') out.push(record.text);
    for (const [key, value] of Object.entries(record)) if (key !== 'msteams' && key !== 'data') texts(value, out);
  }
  return out;
}

/** Teams' `msteams` card property: `width: "Full"`, and mention entities whose `<at>` text the card shows. */
function teamsProblems(card: Record<string, unknown>): string[] {
  const msteams = card.msteams;
  if (msteams === undefined) return [];
  if (msteams === null || typeof msteams !== 'object' || Array.isArray(msteams)) return ['msteams: not an object'];
  const problems: string[] = [];
  const { width, entities, ...rest } = msteams as Record<string, unknown>;
  for (const key of Object.keys(rest)) problems.push(`msteams.${key}: Teams has no such card property`);
  if (width !== undefined && width !== 'Full') problems.push(`msteams.width: "${String(width)}" (Teams knows "Full")`);
  if (entities === undefined) return problems;
  if (!Array.isArray(entities)) return [...problems, 'msteams.entities: not an array'];
  const shown = texts(card.body).join('\n');
  entities.forEach((entity, i) => {
    const e = entity as { type?: unknown; text?: unknown; mentioned?: { id?: unknown; name?: unknown } };
    const where = `msteams.entities[${i}]`;
    if (e?.type !== 'mention') return problems.push(`${where}: type "${String(e?.type)}" (Teams knows "mention")`);
    if (typeof e.text !== 'string' || !/^<at>[^<>]+<\/at>$/.test(e.text)) problems.push(`${where}.text: not "<at>NAME</at>"`);
    else if (!shown.includes(e.text)) problems.push(`${where}.text: ${e.text} appears in no TextBlock or TextRun`);
    if (typeof e.mentioned?.id !== 'string' || e.mentioned.id === '') problems.push(`${where}.mentioned.id: missing`);
    if (typeof e.mentioned?.name !== 'string' || e.mentioned.name === '') problems.push(`${where}.mentioned.name: missing`);
    return undefined;
  });
  return problems;
}

export function adaptiveCardProblems(json: unknown): string[] {
  const problems: string[] = [];
  if (json === null || typeof json !== 'object') return ['the card is not a JSON object'];
  const declared = (json as { version?: unknown }).version;
  if (typeof declared !== 'string') problems.push('the card has no "version"');
  else {
    const version = AC.Version.parse(declared, new AC.SerializationContext());
    if (!version || !version.isValid) problems.push(`the card version "${declared}" is not a version`);
    else if (!AC.isVersionLessOrEqual(version, AC.Versions.v1_5))
      problems.push(`the card version ${declared} is above ${MAX_CARD_VERSION}`);
  }
  if (typeof (json as { $schema?: unknown }).$schema !== 'string') problems.push('the card has no "$schema"');

  const card = new AC.AdaptiveCard();
  const context = new AC.SerializationContext(AC.Versions.v1_5);
  context.setElementRegistry(ELEMENTS);
  card.parse(json, context);
  for (let i = 0; i < context.eventCount; i++) {
    const event = context.getEventAt(i);
    problems.push(`parse: ${AC.ValidationEvent[event.event] ?? event.event}: ${event.message}`);
  }
  const results = card.validateProperties();
  for (const event of results.validationEvents)
    problems.push(`validation: ${AC.ValidationEvent[event.event] ?? event.event}: ${event.message}`);
  problems.push(...unknownProperties(json), ...teamsProblems(json as Record<string, unknown>));
  return problems;
}
