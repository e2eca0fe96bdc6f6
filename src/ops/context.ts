// What every operation receives: the ledger, who acts, and the clock. Plain
// values only; no commander, terminal or process (ARCHITECTURE.md, floor 4).
import type { Db } from '../ledger/open.js';

export interface OpContext {
  db: Db;
  /** Officer recorded in the event log. */
  officer: string;
  /** ISO-8601 UTC instant of this command. */
  now(): string;
  /** Today's calendar date in China (YYYY-MM-DD). */
  today(): string;
}
