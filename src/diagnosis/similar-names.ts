/**
 * "Did you mean …?": names close to one that was not found — a pod name (POD_NOT_FOUND), a registry login server
 * (acr-registry). Edit distance, bounded so that hostile input costs little.
 */

/** Levenshtein distance, bounded: stops early once it exceeds `max` (returns max + 1). */
export function editDistance(a: string, b: string, max = 64): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      cur.push(v);
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    prev = cur;
  }
  return prev[b.length]!;
}

/**
 * Names close to `wanted`: same prefix (a Deployment's pods share `web-7d4c9b-`), or a few edits away. Best first,
 * at most `limit`.
 */
export function similarNames(wanted: string, candidates: readonly string[], limit = 5): string[] {
  const w = wanted.toLowerCase();
  const scored = candidates
    .map((name) => {
      const n = name.toLowerCase();
      const prefix = n.startsWith(w) || w.startsWith(n) ? 0 : commonPrefix(n, w) >= Math.min(4, w.length) ? 1 : 2;
      const distance = editDistance(w, n, 12);
      return { name, prefix, distance };
    })
    .filter((s) => s.prefix < 2 || s.distance <= Math.max(2, Math.floor(w.length / 3)))
    .sort((a, b) => a.prefix - b.prefix || a.distance - b.distance || a.name.localeCompare(b.name));
  return scored.slice(0, limit).map((s) => s.name);
}

function commonPrefix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}
