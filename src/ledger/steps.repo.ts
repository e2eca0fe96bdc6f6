// What a round has done so far, for the order of steps (SPEC §15): how many
// applications wait for a check or a review, and what changed after the
// latest allocation. Read-only.
import type { LaterChange } from '../domain/step-order.js';
import type { Db } from './open.js';
import { byIdWalk } from './round-walk.js';
import { eligibilitySql } from './states.js';

/**
 * Applications of the round not checked since their import or update (an
 * update clears eligibility), and those whose eligibility still needs an
 * officer's decision: one pass over the round.
 */
export function eligibilityCounts(db: Db, roundId: string): { unchecked: number; needsReview: number } {
  const [unchecked, needsReview] = db
    .prepare(`SELECT count(*) - count(e), count(*) FILTER (WHERE e = 'needs-review') FROM (SELECT ${eligibilitySql(db, 'a')} AS e FROM applications a WHERE ${byIdWalk(db, roundId, 'a')} = ?)`)
    .raw()
    .get(roundId) as [number, number];
  return { unchecked, needsReview };
}

/** The event that stored the round's latest allocation version. */
export function latestAllocationEvent(db: Db, roundId: string): { seq: number; at: string; version: number } | undefined {
  const r = db
    .prepare(`SELECT seq, at, json_extract(details, '$.version') AS version FROM events WHERE round_id = ? AND command = 'allocate' ORDER BY seq DESC LIMIT 1`)
    .get(roundId) as { seq: number; at: string; version: number } | undefined;
  return r;
}

/** Events of the round after `afterSeq` with one of the commands, oldest first. */
export function eventsAfter(db: Db, roundId: string, afterSeq: number, commands: readonly string[]): LaterChange[] {
  const rows = db
    .prepare(`SELECT command, at, app_ids FROM events WHERE round_id = ? AND seq > ? AND command IN (${commands.map(() => '?').join(', ')}) ORDER BY seq`)
    .all(roundId, afterSeq, ...commands) as { command: string; at: string; app_ids: string }[];
  return rows.map((r) => ({ command: r.command, at: r.at, appIds: JSON.parse(r.app_ids) as string[] }));
}

/** Awards of the round on a notice, and awards (> 0) in the given allocation version. */
export function noticeCounts(db: Db, roundId: string, version: number | null): { onNotice: number; funded: number } {
  const onNotice = db
    .prepare('SELECT count(*) FROM notice_items i JOIN notices n ON n.notice_id = i.notice_id WHERE n.round_id = ?')
    .pluck()
    .get(roundId) as number;
  const funded = version === null ? 0 : (db.prepare('SELECT count(*) FROM allocation_lines WHERE round_id = ? AND version = ? AND award_fen > 0').pluck().get(roundId, version) as number);
  return { onNotice, funded };
}
