// Card rendering: the templates in cards/*.json, the activities that carry a card (with their summary), the ways
// cluster-sourced text enters a card (plainText, inertText, codeText), and the causes in plain words.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as ACData from 'adaptivecards-templating';
import { CardFactory, MessageFactory, type Activity, type AdaptiveCardInvokeResponse } from 'botbuilder';
import type { Cause } from '../diagnosis/types.js';
import { redactText } from '../logging/redact.js';

/** The card templates in `cards/*.json` (Adaptive Cards 1.5, adaptivecards-templating syntax). */
export const CARD_NAMES = [
  'diagnosing',
  'diagnosis',
  'events',
  'error',
  'help',
  'fix-approval',
  'fix-refused',
  'alerts',
  'alert',
  'alert-summary',
  'failing-pods',
] as const;
export type CardName = (typeof CARD_NAMES)[number];

/** An Adaptive Card as JSON (what goes into an attachment's `content`). */
export type AdaptiveCardJson = { type: 'AdaptiveCard'; version: string; [key: string]: unknown };

export type CardTemplates = Readonly<Record<CardName, object>>;

/** The repository's `cards/` directory, from src/teams/ as from dist/teams/. */
export const DEFAULT_CARDS_DIR = fileURLToPath(new URL('../../cards/', import.meta.url));

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

/**
 * The one line that says what a card is about: the template's `fallbackText` (every template sets it from its data's
 * `summary`), else the text of its first heading. Plain text, for the activity's `summary` (toasts, the activity feed,
 * the chat list) and for clients that cannot show the card.
 */
export function cardSummary(card: AdaptiveCardJson): string {
  const fallback = typeof card.fallbackText === 'string' ? card.fallbackText.trim() : '';
  if (fallback !== '') return fallback;
  const texts: string[] = [];
  const walk = (node: unknown): void => {
    if (texts.length > 0 || node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach(walk);
    const element = node as Record<string, unknown>;
    if (element.type === 'TextBlock' && element.style === 'heading' && typeof element.text === 'string') texts.push(element.text);
    else if (element.type === 'RichTextBlock' && Array.isArray(element.inlines))
      texts.push(element.inlines.map((i) => (typeof i === 'string' ? i : String((i as { text?: unknown }).text ?? ''))).join(''));
    for (const key of ['body', 'items', 'columns']) walk(element[key]);
  };
  walk(card.body);
  return truncate((texts[0] ?? '').replace(/\*\*/g, '').trim(), TEXT_LIMITS.summary) || 'Pull Doctor';
}

/**
 * A message activity carrying one Adaptive Card, with its `summary` (what Teams shows in toasts, the activity feed and
 * the chat list instead of "Sent a card"). `notify` also sets the activity's `text` to it: for messages posted
 * unprompted (alerts, approvals), where the feed is how people learn of them; Teams shows that line above the card.
 */
export function cardMessage(card: AdaptiveCardJson, options: { notify?: boolean } = {}): Partial<Activity> {
  const summary = cardSummary(card);
  const activity = MessageFactory.attachment(CardFactory.adaptiveCard(card));
  activity.summary = summary;
  if (options.notify) activity.text = summary;
  return activity;
}

/** The `adaptiveCard/action` invoke response that replaces the card the button was on. */
export function cardInvokeResponse(card: AdaptiveCardJson): AdaptiveCardInvokeResponse {
  return { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: card };
}

/**
 * Text that comes from a cluster (pod names, images, event messages, findings) is chosen by whoever can create a pod
 * or an event. Before it goes into a card it is made inert: it cannot format, link, mention, call the Adaptive Card
 * DATE()/TIME() functions, break lines or run on for pages, and anything shaped like a credential is redacted.
 *
 * Where it goes decides how: a RichTextBlock's TextRun shows text as it is (no markdown at all), so `plainText` only
 * has to keep it on one line, short, redacted and unlinked; that is where cluster text goes. TextBlock and FactSet
 * text is markdown, and Teams clients render backslash escapes inconsistently, so `inertText` neutralises markdown
 * by replacing the characters that would format with look-alikes (∗ for *, ［］ for [], ‹› for <>) rather than
 * escaping them: nothing in a card is a backslash escape or a backtick. Commands go in a CodeBlock (`codeText`).
 */

/** Lengths that keep a card readable and small (characters, before escaping). */
export const TEXT_LIMITS = {
  name: 120,
  image: 200,
  short: 200,
  summary: 300,
  message: 400,
  /** Our own advice with cluster names in it. */
  remediation: 700,
  /** One command of a Fix block. */
  command: 1000,
} as const;

const ZERO_WIDTH_SPACE = '\u200B';

/** Control characters and bidirectional overrides (they can make text read differently from what it is). */
const INVISIBLE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;
const LINE_BREAKS = /\s*(?:\r\n|\r|\n|\u2028|\u2029)+\s*/g;

/** "1 pod", "3 pods": a count and its noun. */
export function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Cuts to at most `max` characters (code points), marking the cut with an ellipsis. */
export function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  return `${chars
    .slice(0, Math.max(0, max - 1))
    .join('')
    .trimEnd()}…`;
}

/**
 * Cuts to at most `max` characters keeping the start and the end, for runtime messages whose last words carry the
 * verdict (`... 401 Unauthorized`, `... no such host`).
 */
export function truncateMiddle(text: string, max: number): string {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  const tail = Math.floor((max - 1) * 0.4);
  const head = max - 1 - tail;
  return `${chars.slice(0, head).join('').trimEnd()}…${chars
    .slice(chars.length - tail)
    .join('')
    .trimStart()}`;
}

/**
 * No scheme:// or www. survives for auto-linking, no {{ starts a DATE()/TIME() function (zero-width breaks), no
 * backtick reaches a card (ˋ looks the same, and pasted into a shell it runs nothing), and no tag (‹at›, ‹script›)
 * reaches a client that might read one.
 */
function unlinked(text: string): string {
  return text
    .replace(/`/g, 'ˋ')
    .replace(/</g, '‹')
    .replace(/>/g, '›')
    .replace(/:\/\//g, `:${ZERO_WIDTH_SPACE}//`)
    .replace(/\bwww\./gi, (m) => `${m.slice(0, 3)}${ZERO_WIDTH_SPACE}.`)
    .replace(/\{\{/g, `{${ZERO_WIDTH_SPACE}{`);
}

/** Redacted, without invisible characters, on one line, cut to `max` (at the end, or in the middle). */
function oneLine(value: string | undefined | null, max: number, cut: 'end' | 'middle'): string {
  if (value === undefined || value === null) return '';
  const line = redactText(String(value)).replace(INVISIBLE, '').replace(LINE_BREAKS, ' ').replace(/\t/g, ' ').trim();
  return cut === 'middle' ? truncateMiddle(line, max) : truncate(line, max);
}

/**
 * Cluster text for a TextRun (a RichTextBlock's inline, which Adaptive Cards never read as markdown) and for an
 * activity's plain `summary`: redacted, on one line, cut, and unable to link or run a date function.
 */
export function plainText(value: string | undefined | null, max: number = TEXT_LIMITS.summary, cut: 'end' | 'middle' = 'end'): string {
  return unlinked(oneLine(value, max, cut));
}

/**
 * Makes one line of text render literally as TextBlock or Fact markdown, without backslash escapes: the characters
 * that would start emphasis, code, links, images, HTML, entities, headings, quotes or lists become look-alikes that
 * markdown does not read. An underscore inside a word (`my_repo`) formats nothing and stays.
 */
export function neutralizeMarkdown(text: string): string {
  return unlinked(
    text
      .replace(/\\(?=[!-/:-@[-`{-~])/g, '∖')
      .replace(/\*/g, '∗')
      .replace(/~/g, '∼')
      .replace(/\[/g, '［')
      .replace(/]/g, '］')
      .replace(/&(?=#|[A-Za-z][A-Za-z0-9]*;)/g, '＆')
      .replace(/(^|[^\p{L}\p{N}])_|_(?=$|[^\p{L}\p{N}])/gu, (m) => m.replace('_', '＿'))
      // at the start of the text: a heading, a list item, a numbered item
      .replace(/^#/, '＃')
      .replace(/^([-+])(\s)/, (_m, marker: string, space: string) => `${marker === '-' ? '‐' : '＋'}${space}`)
      .replace(/^(\d+)([.)])(\s)/, (_m, n: string, mark: string, space: string) => `${n}${mark === '.' ? '․' : '﹚'}${space}`),
  );
}

/**
 * The one way cluster-sourced text enters TextBlock or Fact markdown: redacted, on one line, cut to `max` (at the
 * end, or in the middle with `cut: 'middle'`), and neutralised (see neutralizeMarkdown).
 */
export function inertText(value: string | undefined | null, max: number = TEXT_LIMITS.summary, cut: 'end' | 'middle' = 'end'): string {
  return neutralizeMarkdown(oneLine(value, max, cut));
}

/**
 * A command for a CodeBlock, which shows its text exactly (no markdown, no links): redacted, on one line (a command
 * holds no newline: one that does is cut there), without invisible characters, and cut to a length a card can carry.
 */
export function codeText(command: string): string {
  const firstLine = command.split(/\r\n|\r|\n|\u2028|\u2029/)[0] ?? '';
  return truncate(redactText(firstLine).replace(INVISIBLE, '').replace(/\t/g, ' ').trim(), TEXT_LIMITS.command);
}

/** Why an image pull failed, for someone on call at 3 a.m. */
export const CAUSE_IN_PLAIN_WORDS: Record<Cause, string> = {
  'image-not-found': 'The image or tag does not exist in the registry (or the identity pulling it cannot see it).',
  unauthorized: 'The registry refused the pull: the node offered no credentials, or credentials the registry does not accept.',
  forbidden: 'The registry refused access from the node: usually its firewall or network rules, sometimes a missing repository permission.',
  dns: 'The registry name does not resolve from the node: the registry may not exist, or private DNS is missing.',
  'network-timeout': 'The node could not reach the registry in time: a firewall, network rule or private endpoint is blocking it.',
  tls: 'The TLS connection to the registry failed: the certificate is not trusted or does not match the name.',
  'rate-limited': 'The registry is rate-limiting pulls (too many requests); anonymous Docker Hub pulls are a common cause.',
  'platform-mismatch': 'The image has no variant for the node’s platform (for example an arm64-only image on amd64 nodes).',
  'invalid-reference': 'The image reference is not valid, so the runtime cannot even try to pull it.',
  policy: 'A policy (admission or registry) blocked this image.',
  other: 'The image cannot be pulled, for a reason Pull Doctor does not recognise; the key event below has the details.',
};
