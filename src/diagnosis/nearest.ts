/**
 * What is near what the user asked for: similar pod names when a pod is not found, registries with a similar login
 * server ("did you mean shopacr.azurecr.io?"), the nearest existing tags when a tag is missing. Edit distance, bounded, and for version tags their order.
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

/** A tag read as a version: `v1.2.3`, `1.2`, `2.4.1-alpine` → its numbers and what follows them (its variant). */
function versionOf(tag: string): { numbers: number[]; variant: string } | undefined {
  const m = /^v?(\d{1,9}(?:\.\d{1,9}){0,3})(.*)$/i.exec(tag);
  if (!m) return undefined;
  return { numbers: m[1]!.split('.').map(Number), variant: m[2]!.toLowerCase() };
}

/**
 * The existing tags nearest a missing one, nearest first, at most `limit`. For a version (`1.3.0`, `v2.4-alpine`):
 * versions of the same variant first, then those sharing more leading numbers, then the smallest step at the
 * first number that differs (the newer one first at an equal step; below, the highest), then the fewest edits. For any other tag: the
 * fewest edits (a longer shared prefix breaks a tie), and none more than a few edits away unless it shares a prefix.
 */
export function nearestTags(missing: string, tags: readonly string[], limit = 5): string[] {
  const wanted = versionOf(missing);
  const near = (distance: number, prefix: number) => distance <= Math.max(3, Math.floor(missing.length / 2)) || prefix >= 3;
  const scored = tags
    .filter((t) => t !== missing)
    .flatMap((tag) => {
      const distance = editDistance(missing.toLowerCase(), tag.toLowerCase(), 24);
      const prefix = commonPrefix(missing.toLowerCase(), tag.toLowerCase());
      const v = wanted ? versionOf(tag) : undefined;
      if (!wanted || !v) return near(distance, prefix) ? [{ tag, rank: [wanted ? 1 : 0, distance, -prefix] }] : [];
      let shared = 0;
      while (shared < wanted.numbers.length && shared < v.numbers.length && wanted.numbers[shared] === v.numbers[shared]) shared++;
      const a = wanted.numbers[shared] ?? 0;
      const b = v.numbers[shared] ?? 0;
      // Past the first number that differs: the lowest version above, or the highest below (1.2.9 before 1.2.0).
      const rest = [1, 2, 3].map((i) => v.numbers[shared + i] ?? 0).map((x) => (b > a ? x : -x));
      return [{ tag, rank: [0, v.variant === wanted.variant ? 0 : 1, -shared, Math.abs(a - b), b > a ? 0 : 1, ...rest, distance] }];
    });
  const compare = (x: number[], y: number[]) => {
    for (let i = 0; i < Math.max(x.length, y.length); i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
    return 0;
  };
  return scored
    .sort((x, y) => compare(x.rank, y.rank) || x.tag.localeCompare(y.tag))
    .slice(0, limit)
    .map((s) => s.tag);
}
