/**
 * A small per-process cache of loads that change rarely (catalogue, shop configuration).
 * The TTL runs on the monotonic clock: it is about freshness of a cache, not business
 * time, which services always receive as an explicit `now`. A failed load is dropped at
 * once rather than served for the whole TTL.
 */
export interface TtlCache<T> {
  get(key: string, load: () => Promise<T>): Promise<T>;
  invalidate(key?: string): void;
}

export function createTtlCache<T>(ttlMs: number): TtlCache<T> {
  const entries = new Map<string, { loadedAt: number; value: Promise<T> }>();
  return {
    get(key, load) {
      const clock = performance.now();
      const hit = entries.get(key);
      if (hit && clock - hit.loadedAt < ttlMs) return hit.value;
      const value = load();
      entries.set(key, { loadedAt: clock, value });
      value.catch(() => {
        if (entries.get(key)?.value === value) entries.delete(key);
      });
      return value;
    },
    invalidate(key) {
      if (key) entries.delete(key);
      else entries.clear();
    },
  };
}
