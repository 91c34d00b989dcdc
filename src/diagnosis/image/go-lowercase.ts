/**
 * Go's `strings.ToLower`, which the reference parser uses to tell "has uppercase" from "is malformed".
 * Go applies Unicode *simple* case mapping rune by rune; JavaScript's `toLowerCase` applies the full mapping,
 * which differs for one character only: U+0130 (İ) lowercases to `i` in Go but to `i̇` (two code points) in
 * JavaScript. The conditional final-sigma rule also differs, but both results are non-ASCII and so can never
 * make a reference match.
 */
export function goToLower(text: string): string {
  return text.replace(/\u0130/g, 'i').toLowerCase();
}
