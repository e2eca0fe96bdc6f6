// Prepared statements kept per connection: preparing costs more than running
// a one-row statement, and per-application calls (state changes, exact
// scores) run 10^5 times in one command. For get/run/all only: a cached
// statement being iterated cannot run again until the iteration ends.
import type { Statement } from 'better-sqlite3';
import type { Db } from './open.js';

const cache = new WeakMap<Db, Map<string, Statement>>();

/** A text as an SQL literal, for a value a bulk statement shares across all its rows (written in, not bound per row). */
export const sqlText = (s: string): string => `'${s.replace(/'/g, "''")}'`;

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
