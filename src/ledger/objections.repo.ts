// Objections raised during a public notice (异议, Art. 11). An objection is
// resolved once (a trigger refuses a second change).
import type { NotAcceptedReason, ObjectionStatus } from '../domain/labels.js';
import type { Db } from './open.js';

export interface ObjectionRow {
  objection_id: number;
  round_id: string;
  application_id: string;
  notice_id: number | null;
  received_on: string;
  from_name: string | null;
  text: string;
  status: ObjectionStatus;
  not_accepted_reason: NotAcceptedReason | null;
  resolution_note: string | null;
  resolved_on: string | null;
  resolved_at: string | null;
  resolved_by: string | null;
  created_at: string;
  created_by: string;
}

export type NewObjection = Omit<ObjectionRow, 'objection_id' | 'resolution_note' | 'resolved_on' | 'resolved_at' | 'resolved_by'>;

export function insertObjection(db: Db, o: NewObjection): number {
  return Number(
    db
      .prepare(
        `INSERT INTO objections (round_id, application_id, notice_id, received_on, from_name, text, status, not_accepted_reason, created_at, created_by)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(o.round_id, o.application_id, o.notice_id, o.received_on, o.from_name, o.text, o.status, o.not_accepted_reason, o.created_at, o.created_by)
      .lastInsertRowid,
  );
}

export function getObjection(db: Db, id: number): ObjectionRow | undefined {
  return db.prepare('SELECT * FROM objections WHERE objection_id = ?').get(id) as ObjectionRow | undefined;
}

export function resolveObjection(db: Db, id: number, r: { status: 'upheld' | 'dismissed'; note: string; on: string; at: string; by: string }): void {
  db.prepare(
    `UPDATE objections SET status = ?, resolution_note = ?, resolved_on = ?, resolved_at = ?, resolved_by = ? WHERE objection_id = ? AND status = 'open'`,
  ).run(r.status, r.note, r.on, r.at, r.by, id);
}

export function roundObjections(db: Db, roundId: string, status?: ObjectionStatus): ObjectionRow[] {
  return status
    ? (db.prepare('SELECT * FROM objections WHERE round_id = ? AND status = ? ORDER BY objection_id').all(roundId, status) as ObjectionRow[])
    : (db.prepare('SELECT * FROM objections WHERE round_id = ? ORDER BY objection_id').all(roundId) as ObjectionRow[]);
}
