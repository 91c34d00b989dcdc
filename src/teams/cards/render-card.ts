import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as ACData from 'adaptivecards-templating';

/** The card templates in `cards/*.json` (Adaptive Cards 1.5, adaptivecards-templating syntax). */
export const CARD_NAMES = ['diagnosing', 'diagnosis', 'events', 'error', 'help', 'fix-requested', 'fix-approval', 'fix-refused', 'alerts', 'alert', 'alert-summary'] as const;
export type CardName = (typeof CARD_NAMES)[number];

/** An Adaptive Card as JSON (what goes into an attachment's `content`). */
export type AdaptiveCardJson = { type: 'AdaptiveCard'; version: string; [key: string]: unknown };

export type CardTemplates = Readonly<Record<CardName, object>>;

/** The repository's `cards/` directory, from src/teams/cards/ as from dist/teams/cards/. */
export const DEFAULT_CARDS_DIR = fileURLToPath(new URL('../../../cards/', import.meta.url));

/** Reads and parses every template once (at start-up); a missing or malformed template fails loudly here. */
export function loadCardTemplates(dir: string = DEFAULT_CARDS_DIR): CardTemplates {
  const entries = CARD_NAMES.map((name) => {
    const path = `${dir.replace(/\/?$/, '/')}${name}.json`;
    try {
      return [name, JSON.parse(readFileSync(path, 'utf8')) as object] as const;
    } catch (error) {
      throw new Error(`card template ${path} cannot be read: ${(error as Error).message}`);
    }
  });
  return Object.fromEntries(entries) as Record<CardName, object>;
}

/**
 * Expands a template with data. Data values are inserted as text and never evaluated, but they are shown as
 * markdown: cluster-sourced values must go through `inertText` first (the card data builders do that).
 */
export function renderCard(template: object, data: object): AdaptiveCardJson {
  const expanded = new ACData.Template(template).expand({ $root: data }) as AdaptiveCardJson;
  if (expanded?.type !== 'AdaptiveCard') throw new Error('card template did not expand to an AdaptiveCard');
  return expanded;
}
