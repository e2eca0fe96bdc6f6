// --json for results too large to hold: an array given as a lazy iterable is
// written element by element, in chunks, with exactly the text
// JSON.stringify(value, null, indent) would give for the whole value. A
// bigint (a sum of money past 2^53 fen) is written as the exact integer.
import { stringifyJson } from '../domain/exact-json.js';

/** An array whose elements are made as they are written. */
class LazyArray<T> {
  constructor(private readonly items: () => Iterable<T>) {}
  [Symbol.iterator](): Iterator<T> {
    return this.items()[Symbol.iterator]();
  }
  /** JSON.stringify of a value holding one: the whole array (for small outputs and tests). */
  toJSON(): T[] {
    return [...this];
  }
}

export const lazyArray = <T>(items: () => Iterable<T>): LazyArray<T> => new LazyArray(items);

const hasLazy = (v: unknown): boolean => {
  if (v instanceof LazyArray) return true;
  if (Array.isArray(v)) return v.some(hasLazy);
  if (v !== null && typeof v === 'object') return Object.values(v).some(hasLazy);
  return false;
};

/** Writes JSON.stringify(value, null, indent) in chunks of about 64 KiB, making lazy arrays' elements one at a time. */
export function writeJson(value: unknown, indent: number | undefined, write: (s: string) => void): void {
  if (!hasLazy(value)) {
    write(stringifyJson(value, indent));
    return;
  }
  const unit = indent ? ' '.repeat(indent) : '';
  let buf = '';
  const out = (s: string) => {
    buf += s;
    if (buf.length >= 65536) {
      write(buf);
      buf = '';
    }
  };
  const nl = (depth: number) => (indent ? `\n${unit.repeat(depth)}` : '');
  // JSON.stringify's text of a value at a depth: its inner lines indented to that depth.
  const plain = (v: unknown, depth: number) => {
    const s = stringifyJson(v, indent);
    return indent && depth > 0 ? s.replaceAll('\n', nl(depth)) : s;
  };
  const emit = (v: unknown, depth: number): void => {
    if (!hasLazy(v)) {
      out(plain(v, depth));
      return;
    }
    if (v instanceof LazyArray || Array.isArray(v)) {
      let n = 0;
      out('[');
      for (const item of v as Iterable<unknown>) {
        out(n++ ? `,${nl(depth + 1)}` : nl(depth + 1));
        // As JSON.stringify: undefined, functions and symbols in an array are null.
        emit(item === undefined || typeof item === 'function' || typeof item === 'symbol' ? null : item, depth + 1);
      }
      out(n ? `${nl(depth)}]` : ']');
      return;
    }
    let n = 0;
    out('{');
    for (const [k, item] of Object.entries(v as Record<string, unknown>)) {
      if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
      out(`${n++ ? ',' : ''}${nl(depth + 1)}${JSON.stringify(k)}:${indent ? ' ' : ''}`);
      emit(item, depth + 1);
    }
    out(n ? `${nl(depth)}}` : '}');
  };
  emit(value, 0);
  if (buf) write(buf);
}
