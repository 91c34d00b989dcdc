/**
 * Teams delivers a message as HTML-ish text: `<at>Pull Doctor</at> why is pod <b>web-1</b>&nbsp;failing<br>`.
 * `normalizeMessageText` turns that into the plain words the user typed. It does not change case: keywords are
 * matched case-insensitively by the parser, while names are kept as typed so that a name with capitals can be
 * reported back as invalid instead of silently becoming another pod's name.
 */

/** Only this much of a message is ever normalized; commands are a few dozen characters. */
export const MAX_NORMALIZED_INPUT_CHARS = 16 * 1024;

// Every pattern is a single class or a bounded repetition, so each replace is linear in the input.
const MENTION = /<at\b[^<>]{0,200}>[^<]{0,200}<\/at\s{0,5}>/gi;
const TAG = /<\/?[a-z][a-z0-9-]{0,30}(?:\s[^<>]{0,500})?\/?>/gi;
const ENTITY = /&(#[0-9]{1,7}|#x[0-9a-f]{1,6}|[a-z]{2,8});/gi;
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;
const INVISIBLE_CLASS = '[\\u00ad\\u180e\\u200b-\\u200f\\u202a-\\u202e\\u2060-\\u2064\\u2066-\\u2069\\ufeff]';
const INVISIBLE = new RegExp(INVISIBLE_CLASS, 'g');
const ANY_INVISIBLE = new RegExp(INVISIBLE_CLASS);
/** Tags that end a line as Teams renders them: the line structure of a paste (kubectl output) survives. */
const LINE_END_TAG = /<(?:br|\/p|\/div|\/li|\/tr|\/pre|\/h[1-6])\b[^<>]{0,500}>/gi;
const SPACE_RUN = /[^\S\n]+/g;
const LINE_BREAK_RUN = /\s*\n\s*/g;

const NAMED_ENTITIES: Readonly<Record<string, string>> = {
  nbsp: ' ',
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  lsquo: '\u2018',
  rsquo: '\u2019',
  ldquo: '\u201c',
  rdquo: '\u201d',
  ndash: '\u2013',
  mdash: '\u2014',
  hellip: '\u2026',
};

function decodeEntity(match: string, body: string): string {
  if (body.startsWith('#')) {
    const code = body[1] === 'x' || body[1] === 'X' ? Number.parseInt(body.slice(2), 16) : Number.parseInt(body.slice(1), 10);
    const isText = code >= 0x20 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) && !(code >= 0x7f && code <= 0x9f);
    return isText ? String.fromCodePoint(code) : ' ';
  }
  return NAMED_ENTITIES[body.toLowerCase()] ?? match;
}

/**
 * The plain text of a chat message: Teams mentions (`<at>…</at>`) and HTML tags removed, entities (`&nbsp;`,
 * `&amp;`, numeric) decoded once, control and invisible characters (zero-width, bidi controls) removed, whitespace
 * collapsed and trimmed. Lines stay lines (`\n`: line breaks, and the tags that end a line such as `<br>` and `</p>`),
 * so that pasted output keeps its rows. Case is preserved. Reads at most `MAX_NORMALIZED_INPUT_CHARS` characters.
 */
export function normalizeMessageText(text: string): string {
  if (typeof text !== 'string') return '';
  return text
    .slice(0, MAX_NORMALIZED_INPUT_CHARS)
    .replace(/\r\n?/g, '\n')
    .replace(MENTION, ' ')
    .replace(LINE_END_TAG, '\n')
    .replace(TAG, ' ')
    .replace(ENTITY, decodeEntity)
    .replace(CONTROL, ' ')
    .replace(INVISIBLE, '')
    .replace(SPACE_RUN, ' ')
    .replace(LINE_BREAK_RUN, '\n')
    .trim();
}

/**
 * Whether the visible text would differ from what we parse: zero-width characters and bidi controls (the
 * "Trojan Source" trick) in the message once mentions and tags are gone, including ones written as entities.
 */
export function hasInvisibleCharacters(text: string): boolean {
  if (typeof text !== 'string') return false;
  const withoutMarkup = text.slice(0, MAX_NORMALIZED_INPUT_CHARS).replace(MENTION, ' ').replace(TAG, ' ').replace(ENTITY, decodeEntity);
  return ANY_INVISIBLE.test(withoutMarkup);
}
