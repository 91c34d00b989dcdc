/** A word of a chat command: `text` as typed (surrounding quotes and punctuation removed), `word` for matching. */
export interface ChatToken {
  text: string;
  /** Lower case, with typographic apostrophes made plain: what keywords are compared with. */
  word: string;
}

const QUOTES = new Set(['"', "'", '`', '\u201c', '\u201d', '\u2018', '\u2019', '\u00ab', '\u00bb', '\u201e', '\u201a', '\u2039', '\u203a']);
const TRAILING_PUNCTUATION = new Set(['?', '!', '.', ',', ';', ':', '\u2026', '\u00bf', '\u00a1']);

function trimToken(token: string): string {
  let start = 0;
  let end = token.length;
  while (start < end && QUOTES.has(token[start]!)) start++;
  while (end > start && (QUOTES.has(token[end - 1]!) || TRAILING_PUNCTUATION.has(token[end - 1]!))) end--;
  return token.slice(start, end);
}

/** `--namespace=shop` and `-n=shop` become two tokens, as if typed with a space. */
function splitFlagValue(token: string): string[] {
  if (!token.startsWith('-')) return [token];
  const equals = token.indexOf('=');
  return equals > 0 ? [token.slice(0, equals), token.slice(equals + 1)] : [token];
}

/** Splits normalized text into tokens; a token that is only quotes or punctuation disappears. */
export function tokenize(normalized: string): ChatToken[] {
  return normalized
    .split(' ')
    .flatMap((raw) => splitFlagValue(trimToken(raw)))
    .map(trimToken)
    .filter((text) => text !== '')
    .map((text) => ({ text, word: text.toLowerCase().replace(/[\u2018\u2019\u02bc]/g, "'") }));
}
