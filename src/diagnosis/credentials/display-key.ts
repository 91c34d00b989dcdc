/**
 * Docker config keys and secret data keys are not secret, but they are untrusted text that ends up in chat cards
 * and logs. This renders one safely: a `user:password@` part is hidden (a URL key may carry one; up to the last `@`
 * before the path, as Go's url.Parse splits it, so a password may hold `@`), invisible and
 * control characters and lone surrogates are shown as `\u{...}`, backticks cannot close the code span they are
 * shown in, and very long keys are shortened.
 */
const MAX_SHOWN = 120;
const KEEP_WHEN_SHORTENED = 100;
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ud800-\udfff\ufeff\ufff9-\ufffb`]/gu;

export function displayKey(key: string): string {
  const withoutUserinfo = key.replace(/^([A-Za-z][A-Za-z0-9+.-]*:\/\/)?[^/]*@/u, (_match, scheme: string | undefined) => `${scheme ?? ''}[redacted]@`);
  const visible = withoutUserinfo.replace(INVISIBLE, (c) => `\\u{${(c.codePointAt(0) as number).toString(16)}}`);
  const chars = Array.from(visible);
  return chars.length <= MAX_SHOWN ? visible : `${chars.slice(0, KEEP_WHEN_SHORTENED).join('')}…(${chars.length} characters)`;
}

/** `a`, `a` and `b`, `a`, `b` and 2 more: keys for a sentence. */
export function listKeys(keys: readonly string[], limit = 3): string {
  const shown = keys.slice(0, limit).map((k) => `\`${displayKey(k)}\``);
  const more = keys.length - shown.length;
  if (more > 0) return `${shown.join(', ')} and ${more} more`;
  if (shown.length <= 1) return shown.join('');
  return `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}`;
}
