// Payments (拨付, Art. 13): append-only entries against the final award.
import type { Db } from './open.js';

export function insertPayment(db: Db, p: { application_id: string; amount_fen: number; paid_on: string; voucher: string | null; created_at: string; created_by: string }): number {
  return Number(
    db
      .prepare('INSERT INTO payments (application_id, amount_fen, paid_on, voucher, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?)')
      .run(p.application_id, p.amount_fen, p.paid_on, p.voucher, p.created_at, p.created_by).lastInsertRowid,
  );
}
