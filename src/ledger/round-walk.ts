// How a query of one round's rows in application-id order filters on the round.
import type { Db } from './open.js';

/**
 * `+round_id` (walk the application_id key, no sort) when the round is most of
 * the ledger, else `round_id` (find the round's rows, then sort them);
 * `alias`: the table's name in the query (`a` gives `+a.round_id`).
 */
export function byIdWalk(db: Db, roundId: string, alias?: string): string {
  const col = alias === undefined ? 'round_id' : `${alias}.round_id`;
  if ((db.prepare('SELECT count(*) FROM rounds').pluck().get() as number) <= 1) return `+${col}`;
  const inRound = db.prepare('SELECT count(*) FROM applications WHERE round_id = ?').pluck().get(roundId) as number;
  const all = db.prepare('SELECT count(*) FROM applications').pluck().get() as number;
  return inRound * 2 >= all ? `+${col}` : col;
}
