// Where the event log stands: read when a command opens the ledger and when it
// is interrupted, to say what it had committed. No hashing here, so that the
// CLI's entry point loads it without node:crypto.
import type { Db } from './open.js';

/** The newest event's seq (0 in an empty log). */
export function headSeq(db: Db): number {
  return (db.prepare('SELECT coalesce(max(seq), 0) FROM events').pluck().get() as number) ?? 0;
}

/** The events after `seq`, oldest first: what a command has committed since it began. */
export function eventsSince(db: Db, seq: number): { seq: number; command: string; round_id: string | null }[] {
  return db.prepare('SELECT seq, command, round_id FROM events WHERE seq > ? ORDER BY seq').all(seq) as { seq: number; command: string; round_id: string | null }[];
}

/** Rolls back the transaction open on `db`, if any (an interrupted command). */
export function rollbackOpen(db: Db): void {
  if (db.inTransaction) db.exec('ROLLBACK');
}
