// What repeats across the 10^5–10^6 rows a command holds in memory (names,
// rounded scores, equal aggregates) kept as one copy: the first one given for
// each key. Bounded: past `limit` keys a new key's copy is not kept, so a
// column of all-distinct values costs no more than without it.
export class FirstCopies<V> {
  private readonly kept = new Map<string, V>();
  constructor(private readonly limit: number) {}

  /** The copy kept for `key`, if any. */
  get(key: string): V | undefined {
    return this.kept.get(key);
  }

  /** Keeps `value` as `key`'s copy (while fewer than `limit` are kept) and returns it. */
  keep(key: string, value: V): V {
    if (this.kept.size < this.limit) this.kept.set(key, value);
    return value;
  }
}
