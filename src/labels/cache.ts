/**
 * A least-recently-used map with a size bound: the label-embedding cache of bi-encoders. A `Map` keeps insertion
 * order, so re-inserting on every hit makes its first key the least recently used.
 */
export class LruCache<K, V> {
  private readonly entries = new Map<K, V>();
  private hitCount = 0;
  private missCount = 0;

  /** `capacity` 0 disables the cache (every `get` misses, `set` keeps nothing). */
  constructor(readonly capacity: number) {}

  get size(): number {
    return this.entries.size;
  }

  /** Lookups answered from the cache and lookups that were not, since creation or {@link clear}. */
  get stats(): { hits: number; misses: number; size: number; capacity: number } {
    return { hits: this.hitCount, misses: this.missCount, size: this.entries.size, capacity: this.capacity };
  }

  get(key: K): V | undefined {
    const value = this.entries.get(key);
    if (value === undefined) {
      this.missCount++;
      return undefined;
    }
    this.hitCount++;
    this.entries.delete(key);
    this.entries.set(key, value);
    return value;
  }

  set(key: K, value: V): void {
    if (this.capacity <= 0) return;
    this.entries.delete(key);
    this.entries.set(key, value);
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next();
      if (oldest.done === true) break;
      this.entries.delete(oldest.value);
    }
  }

  clear(): void {
    this.entries.clear();
    this.hitCount = 0;
    this.missCount = 0;
  }
}
