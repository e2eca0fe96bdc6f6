// Clawbacks (追缴, Art. 10(4)) and the recoveries against them: entries of
// their own, never edits of the award.
import type { ClawbackSource } from '../domain/labels.js';
import type { Db } from './open.js';

export function insertClawback(
  db: Db,
  c: { application_id: string; amount_fen: number; source: ClawbackSource; reason: string; ordered_on: string; created_at: string; created_by: string },
): number {
  return Number(
    db
      .prepare('INSERT INTO clawbacks (application_id, amount_fen, source, reason, ordered_on, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(c.application_id, c.amount_fen, c.source, c.reason, c.ordered_on, c.created_at, c.created_by).lastInsertRowid,
  );
}

export function insertRecovery(db: Db, r: { application_id: string; amount_fen: number; recovered_on: string; voucher: string | null; created_at: string; created_by: string }): number {
  return Number(
    db
      .prepare('INSERT INTO recoveries (application_id, amount_fen, recovered_on, voucher, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?)')
      .run(r.application_id, r.amount_fen, r.recovered_on, r.voucher, r.created_at, r.created_by).lastInsertRowid,
  );
}
