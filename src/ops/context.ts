// What every operation receives: the ledger, who acts, and the clock. Plain
// values only; no commander, terminal or process (ARCHITECTURE.md, floor 4).
import type { Db } from '../ledger/open.js';
import type { Progress } from './progress.js';

export interface OpContext {
  db: Db;
  /** Officer recorded in the event log. */
  officer: string;
  /** ISO-8601 UTC instant of this command. */
  now(): string;
  /** Today's calendar date in China (YYYY-MM-DD). */
  today(): string;
  /** Where long work says how far it got (a bar on a terminal); none when absent. */
  progress?: Progress;
}
