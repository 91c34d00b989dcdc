/**
 * Memoizes an async function by key so that checks running concurrently share one call per fact (one API
 * request per pod, per registry, per role definition...). A rejected promise stays memoized: every check that
 * needs the fact sees the same failure instead of retrying it.
 */
export function memoizeAsync<K, V>(fn: (key: K) => Promise<V>, keyOf: (key: K) => string = String): (key: K) => Promise<V> {
  const cache = new Map<string, Promise<V>>();
  return (key: K) => {
    const k = keyOf(key);
    let p = cache.get(k);
    if (!p) {
      p = fn(key);
      // Avoid unhandled-rejection noise for facts nobody awaited yet; callers still see the rejection.
      p.catch(() => undefined);
      cache.set(k, p);
    }
    return p;
  };
}

export function once<V>(fn: () => Promise<V>): () => Promise<V> {
  const memo = memoizeAsync<null, V>(() => fn(), () => '');
  return () => memo(null);
}
