// verify is a list of checks `(db) => Problem[]` (as beancount's validations):
// each reports every problem it finds, naming the row or event.
import type { Text } from '../../domain/text.js';
import type { Db } from '../open.js';

/** Where a problem is: a table row (its key columns) or an event of the log. */
export interface ProblemRef {
  table?: string;
  key?: Record<string, string | number | null>;
  /** Event sequence number. */
  seq?: number;
}

export interface Problem {
  check: string;
  ref: ProblemRef;
  message: Text;
}

export interface Check {
  /** `area.name`, e.g. `allocation.budget`. */
  id: string;
  title: Text;
  /** Tables and the columns the check reads: when one is missing (its migration has not landed), the check is skipped. */
  needs: Record<string, readonly string[]>;
  run(db: Db): Problem[];
  /**
   * A check made of units (chain.rows: one a table) that verify's two threads
   * share, claimed one at a time in this order (verify/index.ts); `run` is
   * every unit in one thread, and gives what joinUnits gives.
   */
  units?: readonly string[];
  /** What runs the units on `db`, made once per thread: what every unit reads is read once. */
  unitRunner?(db: Db): (unit: string) => Problem[];
  /** The units' problems, whichever thread found them, in the order `run` gives them. */
  joinUnits?(byUnit: ReadonlyMap<string, Problem[]>): Problem[];
}

/** `allocation_lines[round_id=R1, version=2, application_id=A-1]` or `event #17`. */
export function refLabel(r: ProblemRef): string {
  const parts: string[] = [];
  if (r.table) {
    const key = r.key ? Object.entries(r.key).map(([k, v]) => `${k}=${v ?? 'NULL'}`).join(', ') : '';
    parts.push(key ? `${r.table}[${key}]` : r.table);
  }
  if (r.seq !== undefined) parts.push(`event #${r.seq}`);
  return parts.join(' ') || '(ledger)';
}
