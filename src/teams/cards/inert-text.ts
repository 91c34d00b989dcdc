import { redactText } from '../../logging/redact.js';

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
// eslint-disable-next-line no-control-regex
const INVISIBLE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;
const LINE_BREAKS = /\s*(?:\r\n|\r|\n|\u2028|\u2029)+\s*/g;
const MARKDOWN_PUNCTUATION = /[\\*_[\]()#`~|!]/g;

/** Cuts to at most `max` characters (code points), marking the cut with an ellipsis. */
export function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  return `${chars.slice(0, Math.max(0, max - 1)).join('').trimEnd()}…`;
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
  return `${chars.slice(0, head).join('').trimEnd()}…${chars.slice(chars.length - tail).join('').trimStart()}`;
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
