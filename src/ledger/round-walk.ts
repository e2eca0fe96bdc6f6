// How a query of one round's rows in application-id order filters on the round.
import type { Db } from './open.js';

/**
 * `+round_id` (walk the application_id key, no sort) when the round is most of
 * the ledger, else `round_id` (find the round's rows, then sort them).
 */
export function byIdWalk(db: Db, roundId: string): string {
  if ((db.prepare('SELECT count(*) FROM rounds').pluck().get() as number) <= 1) return '+round_id';
  const inRound = db.prepare('SELECT count(*) FROM applications WHERE round_id = ?').pluck().get(roundId) as number;
  const all = db.prepare('SELECT count(*) FROM applications').pluck().get() as number;
  return inRound * 2 >= all ? '+round_id' : 'round_id';
}
