// Acceptances (验收, Art. 14): one per project, with the final award.
import type { Db } from './open.js';

export interface AcceptanceRow {
  application_id: string;
  accepted_on: string;
  claimed_result: 'pass' | 'fail';
  result: 'pass' | 'fail';
  reason: string;
  actual_investment_fen: number;
  training_events: number | null;
  trainees: number | null;
  cap_fen: number | null;
  filed_award_fen: number;
  final_award_fen: number;
  note: string | null;
  created_at: string;
  created_by: string;
}

export function insertAcceptance(db: Db, a: AcceptanceRow): void {
  db.prepare(
    `INSERT INTO acceptances (application_id, accepted_on, claimed_result, result, reason, actual_investment_fen, training_events, trainees, cap_fen,
       filed_award_fen, final_award_fen, note, created_at, created_by)
     VALUES (@application_id, @accepted_on, @claimed_result, @result, @reason, @actual_investment_fen, @training_events, @trainees, @cap_fen,
       @filed_award_fen, @final_award_fen, @note, @created_at, @created_by)`,
  ).run(a);
}

export function acceptanceOf(db: Db, applicationId: string): AcceptanceRow | undefined {
  return db.prepare('SELECT * FROM acceptances WHERE application_id = ?').get(applicationId) as AcceptanceRow | undefined;
}
