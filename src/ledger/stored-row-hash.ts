// The hash of a row a command is about to insert, made before it is stored
// and away from the ledger (the import worker), for bulkInsert's `hashed`
// seal: rowHashHex of the text rowText makes from the stored row. For the
// values a STRICT table stores from JavaScript (texts, safe integers, null),
// SQLite's json_array writes what JSON.stringify writes, escape for escape
// (test/ledger/stored-row-hash.test.ts holds SQLite to it, every code point);
// a row with another value (a REAL, a lone surrogate) gets no hash, and is
// sealed from the table.
import { rowHashHex } from './seals.js';

/** A value as a STRICT table stores it: a text, an integer, or null. */
export type StoredValue = string | number | null;

/** The row's hash as `table` will seal it once stored (its values in the table's column order), or null when not sure. */
export function storedRowHash(table: string, values: readonly StoredValue[]): string | null {
  for (const v of values) {
    // A number that is not a safe integer would be stored as a REAL, which json_array writes otherwise (6329.0).
    if (typeof v === 'number' && !Number.isSafeInteger(v)) return null;
    // A lone UTF-16 surrogate is stored as bytes that are not UTF-8 (better-sqlite3), read back as U+FFFD each.
    if (typeof v === 'string' && !(v as string & { isWellFormed(): boolean }).isWellFormed()) return null;
  }
  return rowHashHex(table, JSON.stringify(values));
}
