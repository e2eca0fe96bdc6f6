// Rows written BATCH to an INSERT: one run() per row was most of the time of a
// notice or a filing of 10^5 awards.
import type { Statement } from 'better-sqlite3';
import type { Db } from './open.js';

const BATCH = 256;

/**
 * Rows given one at a time, written BATCH to a statement `head` + `tuple` × n
 * + `tail` (an ON CONFLICT clause), in the order given. What waits is written
 * by flush(): call it before any other write that must come after these rows,
 * and at the end.
 */
export class BatchedInsert {
  private full: Statement | null = null;
  private args: unknown[] = [];
  private n = 0;
  /** Rows the statements run so far inserted or changed (an ON CONFLICT DO NOTHING row is not). */
  changes = 0;

  constructor(
    private readonly db: Db,
    private readonly head: string,
    private readonly tuple: string,
    private readonly tail = '',
  ) {}

  private statement(n: number): Statement {
    return this.db.prepare(this.head + Array(n).fill(this.tuple).join(', ') + this.tail);
  }

  /** One row's values, in the tuple's order. */
  add(values: readonly unknown[]): void {
    for (const v of values) this.args.push(v);
    this.added();
  }

  /** One row, its values pushed by `bind` in the tuple's order (no array per row). */
  addWith<T>(item: T, bind: (item: T, args: unknown[]) => void): void {
    bind(item, this.args);
    this.added();
  }

  private added(): void {
    if (++this.n === BATCH) {
      this.changes += (this.full ??= this.statement(BATCH)).run(this.args).changes;
      this.args = [];
      this.n = 0;
    }
  }

  flush(): void {
    if (this.n === 0) return;
    this.changes += this.statement(this.n).run(this.args).changes;
    this.args = [];
    this.n = 0;
  }
}

/** INSERT `head` + `tuple` × n for the items, in their order; `bind` pushes one item's values. */
export function insertBatched<T>(db: Db, head: string, tuple: string, items: Iterable<T>, bind: (item: T, args: unknown[]) => void): void {
  const insert = new BatchedInsert(db, head, tuple);
  for (const it of items) insert.addWith(it, bind);
  insert.flush();
}
