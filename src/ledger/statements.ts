// Prepared statements kept per connection: preparing costs more than running
// a one-row statement, and per-application calls (state changes, exact
// scores) run 10^5 times in one command. For get/run/all only: a cached
// statement being iterated cannot run again until the iteration ends.
import type { Statement } from 'better-sqlite3';
import type { Db } from './open.js';

const cache = new WeakMap<Db, Map<string, Statement>>();

/** A text as an SQL literal, for a value a bulk statement shares across all its rows (written in, not bound per row). */
export const sqlText = (s: string): string => `'${s.replace(/'/g, "''")}'`;

/**
 * SQLite's order of texts (BINARY: UTF-8 bytes, so code points). JavaScript's `<` compares UTF-16 units,
 * which agree below U+D800; above, a surrogate pair (U+10000 and up) must come after U+E000–U+FFFF.
 */
export function binaryOrder(x: string, y: string): number {
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) {
    const a = x.charCodeAt(i);
    const b = y.charCodeAt(i);
    if (a === b) continue;
    if (a < 0xd800 || b < 0xd800) return a - b;
    const pairA = a <= 0xdfff;
    const pairB = b <= 0xdfff;
    return pairA === pairB ? a - b : pairA ? 1 : -1;
  }
  return x.length - y.length;
}

/** The connection's prepared statement for `sql`, made once; `pluck`: the first column only. */
export function prepared(db: Db, sql: string, mode: 'rows' | 'pluck' = 'rows'): Statement {
  let byDb = cache.get(db);
  if (!byDb) cache.set(db, (byDb = new Map()));
  const key = `${mode}\u0000${sql}`;
  let s = byDb.get(key);
  if (!s) {
    s = db.prepare(sql);
    if (mode === 'pluck') s.pluck();
    byDb.set(key, s);
  }
  return s;
}
