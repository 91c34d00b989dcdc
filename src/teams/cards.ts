// Card rendering: the templates in cards/*.json, the activities that carry a card, the one way cluster-sourced text
// enters a card (inertText), and the causes in plain words.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as ACData from 'adaptivecards-templating';
import { CardFactory, MessageFactory, type Activity, type AdaptiveCardInvokeResponse } from 'botbuilder';
import type { Cause, Diagnosis, ProblemKind } from '../diagnosis/types.js';
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

/** A message activity carrying one Adaptive Card. */
export function cardMessage(card: AdaptiveCardJson): Partial<Activity> {
  return MessageFactory.attachment(CardFactory.adaptiveCard(card));
}

/** The `adaptiveCard/action` invoke response that replaces the card the button was on. */
export function cardInvokeResponse(card: AdaptiveCardJson): AdaptiveCardInvokeResponse {
  return { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: card };
}

/**
 * Text that comes from a cluster (pod names, images, event messages, findings) is chosen by whoever can create a pod
 * or an event. Before it goes into a card it is made inert: it cannot format (markdown), link, mention, call the
 * Adaptive Card DATE()/TIME() functions, break lines or run on for pages, and anything shaped like a credential is
 * redacted. Teams renders TextBlock and FactSet text as a CommonMark subset with HTML entities, so backslash escapes
 * and `&lt;`/`&amp;` show as the characters themselves (checked in the Agents Playground's renderer).
 */

/** Lengths that keep a card readable and small (characters, before escaping). */
export const TEXT_LIMITS = {
  name: 120,
  image: 200,
  short: 200,
  summary: 300,
  message: 400,
  /** Our own advice with cluster names in it; its commands are at the end, so it is cut late. */
  remediation: 700,
} as const;

const ZERO_WIDTH_SPACE = '\u200B';

/** Control characters and bidirectional overrides (they can make text read differently from what it is). */
const INVISIBLE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;
const LINE_BREAKS = /\s*(?:\r\n|\r|\n|\u2028|\u2029)+\s*/g;
const MARKDOWN_PUNCTUATION = /[\\*_[\]()#`~|!]/g;

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

/** Escapes text for a TextBlock or Fact value so that it renders literally. Input must already be one line. */
export function escapeMarkdown(text: string): string {
  return (
    text
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(MARKDOWN_PUNCTUATION, (c) => `\\${c}`)
      // list markers at the start of the text
      .replace(/^([-+])(\s)/, '\\$1$2')
      .replace(/^(\d+)([.)])(\s)/, '$1\\$2$3')
      // links: no scheme:// or www. survives for auto-linking
      .replace(/:\/\//g, `:${ZERO_WIDTH_SPACE}//`)
      .replace(/\bwww\./gi, (m) => `${m.slice(0, 3)}${ZERO_WIDTH_SPACE}.`)
      // Adaptive Card text functions {{DATE(...)}} / {{TIME(...)}}
      .replace(/\{\{/g, `{${ZERO_WIDTH_SPACE}{`)
  );
}

/**
 * The one way cluster-sourced text enters a card: redacted, on one line, cut to `max` (at the end, or in the middle
 * with `cut: 'middle'`), escaped.
 */
export function inertText(value: string | undefined | null, max: number = TEXT_LIMITS.summary, cut: 'end' | 'middle' = 'end'): string {
  if (value === undefined || value === null) return '';
  const oneLine = redactText(String(value)).replace(INVISIBLE, '').replace(LINE_BREAKS, ' ').replace(/\t/g, ' ').trim();
  return escapeMarkdown(cut === 'middle' ? truncateMiddle(oneLine, max) : truncate(oneLine, max));
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

const PROBLEM_IN_PLAIN_WORDS: Record<ProblemKind, string> = {
  'image-pull': 'The image cannot be pulled.',
  'invalid-image-name': 'The image name is not valid.',
  'image-never-pull': 'The pull policy is Never and the image is not on the node.',
  'container-config': 'The container cannot be created from its configuration (a missing ConfigMap, Secret or key is common).',
  'crash-loop': 'The image pulls fine, but the container keeps crashing after it starts.',
  'oom-killed': 'The container is killed for using more memory than its limit.',
  unschedulable: 'No node can take the pod (resources, taints or affinity).',
  pending: 'The pod is still pending.',
  'terminated-error': 'The container exited with an error.',
};

const PULL_KINDS: ReadonlySet<ProblemKind> = new Set(['image-pull', 'invalid-image-name', 'image-never-pull']);

/** True when the pod's failure is about getting its image. */
export function isPullProblem(d: Diagnosis): boolean {
  const first = d.problems[0];
  return d.cause !== null || (first !== undefined && PULL_KINDS.has(first.kind));
}

/** The verdict's explanation in one or two sentences (our own words: safe to show as markdown). */
export function explainVerdict(d: Diagnosis): string {
  if (d.verdict === 'healthy') return 'The pod is running and every check passed.';
  if (d.verdict === 'unknown') return 'Some checks could not run, so there is no verdict yet. The errors below say what was missing.';
  if (d.cause !== null) return CAUSE_IN_PLAIN_WORDS[d.cause];
  const first = d.problems[0];
  return first ? PROBLEM_IN_PLAIN_WORDS[first.kind] : 'The pod is failing; the checks below say where.';
}
