// RowColumns gives back exactly the rows it kept (the audit report's standings are walked from it twice).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RowColumns } from '../../src/ledger/row-columns.js';

/** The rows given back, each copied as it comes (the same array is refilled). */
function replay(k: RowColumns): unknown[][] {
  const out: unknown[][] = [];
  for (const r of k.rows()) out.push([...r]);
  return out;
}

function kept(rows: unknown[][], max = 1 << 17): RowColumns {
  const k = new RowColumns(max);
  for (const r of rows) expect(k.push(r)).toBe(true);
  return k;
}

// What SQLite returns: numbers (integers and reals, -0 included), text, null, and a bigint or a blob now and then.
const value = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true }),
  fc.constantFrom(0, -0, 2 ** 53 - 1, 1e300),
  fc.string(),
  fc.constantFrom('funded', 'not-funded', 'withdrawn', '蓬江区', ''),
  fc.constant(null),
  fc.bigInt(),
  fc.uint8Array().map((a) => Buffer.from(a)),
);

describe('RowColumns', () => {
  it('gives back every row as pushed, whatever the mix of values in a column', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }).chain((w) => fc.array(fc.array(value, { minLength: w, maxLength: w }), { maxLength: 60 })), (rows) => {
        expect(replay(kept(rows))).toStrictEqual(rows);
      }),
    );
  });

  it('keeps columns that change kind part way (null, then text; text, then a number; ids past the codes)', () => {
    const rows: unknown[][] = [];
    for (let i = 0; i < 10_000; i++) rows.push([`B-${String(i).padStart(7, '0')}`, i < 5000 ? null : 'x', i === 7000 ? 3 : 'y', i % 3 === 0 ? null : i * 100, (i % 97).toFixed(2)]);
    expect(replay(kept(rows))).toStrictEqual(rows);
  });

  it('keeps nothing past maxRows', () => {
    const k = new RowColumns(3);
    expect([1, 2, 3].map((i) => k.push([i, 'a']))).toEqual([true, true, true]);
    expect(k.push([4, 'b'])).toBe(false);
    expect([...k.rows()]).toEqual([]);
  });
});
