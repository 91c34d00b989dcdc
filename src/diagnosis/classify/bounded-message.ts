/**
 * Runtime messages are untrusted text: kubelet events can carry HTML error pages, JSON bodies, whole log lines with
 * escaped quotes, or (from a hostile registry) megabytes of junk. Everything that reads one goes through
 * `boundMessage` first, so no later step ever sees more than `MAX_MESSAGE_CHARS` characters.
 */

/** Only this many UTF-16 code units of a message are ever considered. Real pull errors are far shorter. */
export const MAX_MESSAGE_CHARS = 8 * 1024;

// Each pattern here is a single character class or a bounded repetition, so replacing is linear in the input.
const ESCAPED_QUOTE = /\\{1,8}"/g;
const CONTROL_CHARS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;
const INVISIBLE_FORMAT_CHARS = /[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;
const WHITESPACE_RUN = /\s+/g;

/**
 * The first `MAX_MESSAGE_CHARS` characters of `message`, with quotes unescaped (`\"` as found in klog lines),
 * control and invisible formatting characters (zero-width, bidi overrides) removed, and whitespace collapsed.
 * Case is preserved. Anything that is not a string counts as an empty message.
 */
export function boundMessage(message: unknown): string {
  if (typeof message !== 'string') return '';
  return message
    .slice(0, MAX_MESSAGE_CHARS)
    .replace(ESCAPED_QUOTE, '"')
    .replace(CONTROL_CHARS, ' ')
    .replace(INVISIBLE_FORMAT_CHARS, '')
    .replace(WHITESPACE_RUN, ' ')
    .trim();
}
