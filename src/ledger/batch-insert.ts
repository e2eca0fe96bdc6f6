// Rows written BATCH to an INSERT: one run() per row was most of the time of a
// notice or a filing of 10^5 awards.
import type { Db } from './open.js';

const BATCH = 256;

/** INSERT `head` + `tuple` × n for the items, in their order; `bind` pushes one item's values. */
export function insertBatched<T>(db: Db, head: string, tuple: string, items: Iterable<T>, bind: (item: T, args: unknown[]) => void): void {
  const full = db.prepare(head + Array(BATCH).fill(tuple).join(', '));
  let args: unknown[] = [];
  let n = 0;
  for (const it of items) {
    bind(it, args);
    if (++n === BATCH) {
      full.run(args);
      args = [];
      n = 0;
    }
  }
  if (n) db.prepare(head + Array(n).fill(tuple).join(', ')).run(args);
}
