import { describe, expect, it } from 'vitest';
import { FirstCopies } from '../../src/domain/first-copies.js';

describe('FirstCopies', () => {
  it('gives the first copy kept for a key, and keeps no more than its limit', () => {
    const c = new FirstCopies<{ n: number }>(2);
    const a = c.keep('a', { n: 1 });
    expect(c.get('a')).toBe(a);
    expect(c.get('a') ?? c.keep('a', { n: 9 })).toBe(a);
    c.keep('b', { n: 2 });
    // Past the limit a new key's value is returned, not kept.
    const x = { n: 3 };
    expect(c.keep('c', x)).toBe(x);
    expect(c.get('c')).toBeUndefined();
    expect(c.get('b')).toEqual({ n: 2 });
  });
});
