/**
 * Go's encoding/json matches object keys to struct fields case-insensitively, using Unicode simple folding
 * (`foldName`): `Auth`, `AUTH` and `auth` all set the `auth` field, and so do `ſ` (U+017F) for `s` and the Kelvin
 * sign (U+212A) for `k`, which fold onto those ASCII letters. The kubelet's docker config types are decoded this
 * way, so `{"Auths": ...}` works for it.
 */
export function goFieldNameMatches(key: string, field: string): boolean {
  const folded = Array.from(key, (c) => (c === '\u017f' ? 's' : c === '\u212a' ? 'k' : c.length === 1 && c < '\u0080' ? c.toLowerCase() : c)).join('');
  return folded === field.toLowerCase();
}
