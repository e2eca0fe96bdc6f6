// A row's hash made before it is stored (stored-row-hash.ts) is the one its
// seal and verify make from the stored row: SQLite's json_array over the
// values as a STRICT table keeps them, hashed by rowHashHex.
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rowHashHex } from '../../src/ledger/seals.js';
import { type StoredValue, storedRowHash } from '../../src/ledger/stored-row-hash.js';

/** Each row stored in a STRICT table (text, integer, text) and hashed from what SQLite reads back. */
function hashedAsStored(rows: readonly [string, number | null, string | null][]): string[] {
  const db = new Database(':memory:');
  try {
    db.exec('CREATE TABLE t (a TEXT NOT NULL, b INTEGER, c TEXT) STRICT');
    const ins = db.prepare('INSERT INTO t VALUES (?, ?, ?)');
    db.transaction(() => {
      for (const [a, b, c] of rows) ins.run(a, b === null ? null : BigInt(b), c);
    })();
    return (db.prepare('SELECT json_array(a, b, c) FROM t ORDER BY rowid').pluck().all() as string[]).map((text) => rowHashHex('t', text));
  } finally {
    db.close();
  }
}

describe('storedRowHash', () => {
  it('is the hash of the stored row for a text holding any code point (64 to a text), quotes, backslashes and control characters', () => {
    const rows: [string, number | null, string | null][] = [];
    for (let from = 0; from < 0x110000; from += 64) {
      let s = '';
      for (let c = from; c < from + 64; c++) if (c < 0xd800 || c > 0xdfff) s += String.fromCodePoint(c);
      rows.push([s, from, null]);
    }
    const stored = hashedAsStored(rows);
    const made = rows.map((r) => storedRowHash('t', r));
    const differ = made.findIndex((h, i) => h !== stored[i]);
    expect(differ, differ < 0 ? '' : `code points from ${rows[differ][1]?.toString(16)}`).toBe(-1);
  });

  it('is the hash of the stored row for any well-formed texts, safe integers and nulls', () => {
    const row = fc.tuple(
      fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }), fc.constantFrom('"\\\u0000\u001f\u007f\u2028\u{1F600}')),
      fc.oneof(fc.constant(null), fc.maxSafeInteger(), fc.integer()),
      fc.oneof(fc.constant(null), fc.string({ unit: 'binary' })),
    );
    fc.assert(
      fc.property(fc.array(row, { maxLength: 40 }), (rows) => {
        expect(rows.map((r) => storedRowHash('t', r))).toEqual(hashedAsStored(rows));
      }),
      { numRuns: 300 },
    );
  });

  it('makes no hash for a number a STRICT table would not store as an integer, nor for a text with a lone surrogate', () => {
    for (const n of [1.5, Number.MAX_SAFE_INTEGER + 1, Number.NaN, Number.POSITIVE_INFINITY, -0.25]) expect(storedRowHash('t', ['a', n, null] as StoredValue[])).toBeNull();
    for (const s of ['\uD800', 'a\uDC00b', '\uDE00\uD83D']) expect(storedRowHash('t', ['a', 1, s])).toBeNull();
    expect(storedRowHash('t', ['a', 0, null])).toMatch(/^[0-9A-F]{32}$/);
  });
});
