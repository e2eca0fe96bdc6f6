// An application's state as everyone reads it (SPEC §2). allocate does not
// rewrite its participants' rows (10^5 rows at a province's scale, each one
// sealed again): the round's latest allocation version says proposed or
// not-funded for each participant still before the notice, and the state
// read here is that, else the stored one. Every read of an application's
// state goes through stateSql; writes (check, publicize, …) keep writing
// applications.state.
import type { Db } from './open.js';
import { hasTable } from './schema.js';

/** States an allocation may still change (SPEC §2: before the public notice). */
export const PRE_NOTICE_STATES = ['imported', 'eligible', 'ineligible', 'needs-review', 'scored', 'proposed', 'not-funded'];

export const PRE_NOTICE_SQL = PRE_NOTICE_STATES.map((s) => `'${s}'`).join(', ');

/** What a participant's line of `version` makes its state: `l` is the line's alias. */
export const LINE_STATE_SQL = (l: string): string => `CASE WHEN ${l}.award_fen > 0 THEN 'proposed' ELSE 'not-funded' END`;

/** stateSql where the query already joins `l`, the line of the round's latest version (NULL when none). */
export const lineStateSql = (a: string, l: string): string =>
  `CASE WHEN ${a}.state IN (${PRE_NOTICE_SQL}) AND ${l}.rank IS NOT NULL THEN ${LINE_STATE_SQL(l)} ELSE ${a}.state END`;

const withLines = new WeakSet<Db>();

/**
 * The state of application alias `a` (a row of applications) as an SQL
 * expression. `version`: an SQL expression for the allocation version to read,
 * the round's latest by default. A ledger opened read-only before migration
 * 005 has no allocations: the stored state is then the state.
 */
export function stateSql(db: Db, a: string, version = `(SELECT max(v.version) FROM allocations v WHERE v.round_id = ${a}.round_id)`): string {
  if (!withLines.has(db)) {
    if (!hasTable(db, 'allocation_lines')) return `${a}.state`;
    withLines.add(db);
  }
  return `CASE WHEN ${a}.state IN (${PRE_NOTICE_SQL}) THEN coalesce((SELECT ${LINE_STATE_SQL('sl')} FROM allocation_lines sl
      WHERE sl.round_id = ${a}.round_id AND sl.version = ${version} AND sl.application_id = ${a}.application_id AND sl.rank IS NOT NULL), ${a}.state)
    ELSE ${a}.state END`;
}
