import { createRequire } from 'node:module';
import type * as AdaptiveCardsModule from 'adaptivecards';

/**
 * Parses a card with the official `adaptivecards` 3.0.6 object model, targeting schema 1.5, and returns every parse
 * and validation event as a readable line (an empty list means the card is valid). The package's `lib/` build does
 * not load on Node 20 (extensionless ESM imports), so this loads its UMD bundle `dist/adaptivecards.js`.
 */
const require = createRequire(import.meta.url);
const AC = require('adaptivecards/dist/adaptivecards.js') as typeof AdaptiveCardsModule;

export const MAX_CARD_VERSION = '1.5';

/**
 * Teams' CodeBlock element (`codeSnippet`, `language`, `startLineNumber`), which the official object model does not
 * know: registered so that a card using it is checked like any other element (a snippet is required).
 */
class TeamsCodeBlock extends AC.CardElement {
  static readonly codeSnippetProperty = new AC.StringProperty(AC.Versions.v1_5, 'codeSnippet');
  static readonly languageProperty = new AC.StringProperty(AC.Versions.v1_5, 'language');
  static readonly startLineNumberProperty = new AC.NumProperty(AC.Versions.v1_5, 'startLineNumber');

  override getJsonTypeName(): string {
    return 'CodeBlock';
  }

  protected override internalRender(): undefined {
    return undefined;
  }

  override internalValidateProperties(context: AdaptiveCardsModule.ValidationResults): void {
    super.internalValidateProperties(context);
    const snippet = this.getValue(TeamsCodeBlock.codeSnippetProperty) as unknown;
    if (typeof snippet !== 'string' || snippet === '')
      context.addFailure(this, AC.ValidationEvent.PropertyCantBeNull, 'A CodeBlock needs a codeSnippet.');
  }
}

function teamsElements(): AdaptiveCardsModule.CardObjectRegistry<AdaptiveCardsModule.CardElement> {
  const registry = new AC.CardObjectRegistry<AdaptiveCardsModule.CardElement>();
  AC.GlobalRegistry.populateWithDefaultElements(registry);
  registry.register('CodeBlock', TeamsCodeBlock, AC.Versions.v1_5);
  return registry;
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
  context.setElementRegistry(teamsElements());
  card.parse(json, context);
  for (let i = 0; i < context.eventCount; i++) {
    const event = context.getEventAt(i);
    problems.push(`parse: ${AC.ValidationEvent[event.event] ?? event.event}: ${event.message}`);
  }
  const results = card.validateProperties();
  for (const event of results.validationEvents)
    problems.push(`validation: ${AC.ValidationEvent[event.event] ?? event.event}: ${event.message}`);
  return problems;
}
