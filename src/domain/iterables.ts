// Iterables taken lazily: a round's 10^5–10^6 items are not copied whole.

/** `f` of each item, made when it is read. */
export function* mapped<T, U>(items: Iterable<T>, f: (item: T) => U): Generator<U> {
  for (const item of items) yield f(item);
}
