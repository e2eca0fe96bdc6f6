// An application's state as everyone reads it (SPEC §2). The steps that move
// 10^5 applications at a province's scale do not rewrite their rows (each one
// would be sealed again): check's status (application_eligibility) says
// eligible, ineligible or needs-review, allocate's version says proposed or
// not-funded for each participant still before the notice, a notice item says
// in-notice, a filed award says filed. The state read here is the latest of
// those, else the stored one.
// Notice items and filed awards are append-only, so what they say holds until
// a later step (withdraw, acceptance, payment…) writes the row's state.
// Every read of an application's state goes through these expressions.
import type { Db } from './open.js';
import { hasColumn, hasTable } from './schema.js';
import { prepared } from './statements.js';

/** States as an SQL list ('a', 'b'): they are words of the code, never typed by anyone. */
export const sqlWords = (words: readonly string[]): string => words.map((w) => `'${w}'`).join(', ');

/** States an allocation may still change (SPEC §2: before the public notice). */
export const PRE_NOTICE_STATES = ['imported', 'eligible', 'ineligible', 'needs-review', 'scored', 'proposed', 'not-funded'];

const PRE_NOTICE_SQL = sqlWords(PRE_NOTICE_STATES);

/** Stored states that read as the application's eligibility status once it is checked (before scoring and allocation). */
export const PRE_ALLOCATION_STATES = ['imported', 'eligible', 'ineligible', 'needs-review'] as const;

const PRE_ALLOCATION_SQL = sqlWords(PRE_ALLOCATION_STATES);

/** What a participant's line of `version` makes its state: `l` is the line's alias. */
export const LINE_STATE_SQL = (l: string): string => `CASE WHEN ${l}.award_fen > 0 THEN 'proposed' ELSE 'not-funded' END`;

const withLines = new WeakSet<Db>();
const withNotices = new WeakSet<Db>();
const withEligibility = new WeakSet<Db>();

/** The ledger's tables (a ledger opened read-only before migration 005 or 006 has not all of them). */
function has(db: Db, seen: WeakSet<Db>, table: string): boolean {
  if (seen.has(db)) return true;
  if (!hasTable(db, table)) return false;
  seen.add(db);
  return true;
}

const filedSql = (a: string) => `(SELECT 'filed' FROM filed_awards jf WHERE jf.application_id = ${a}.application_id)`;

/**
 * 'filed' by a filed award, else 'in-notice' by a notice item, else NULL: for a
 * row on a notice, two index lookups, else one. None before the ledger's first
 * notice (asked each time: a statement made here is made again after one).
 */
function noticedParts(db: Db, a: string): string[] {
  if (!has(db, withNotices, 'filed_awards')) return [];
  if (prepared(db, 'SELECT 1 FROM notice_items LIMIT 1').get() === undefined) return [];
  return [`CASE WHEN EXISTS (SELECT 1 FROM notice_items ji WHERE ji.application_id = ${a}.application_id) THEN coalesce(${filedSql(a)}, 'in-notice') END`];
}

/**
 * The eligibility status of application alias `a` (NULL: not checked): its
 * application_eligibility row, one index lookup. A ledger opened read-only
 * before migration 012 still has it in the applications row.
 */
export function eligibilitySql(db: Db, a: string): string {
  if (has(db, withEligibility, 'application_eligibility')) return `(SELECT je.eligibility FROM application_eligibility je WHERE je.application_id = ${a}.application_id)`;
  return hasColumn(db, 'applications', 'eligibility') ? `${a}.eligibility` : 'NULL';
}

/** What check made the state of a row still before allocation; none where the stored state holds the status (before migration 012). */
function checkedParts(db: Db, a: string): string[] {
  if (!has(db, withEligibility, 'application_eligibility')) return [];
  return [`CASE WHEN ${a}.state IN (${PRE_ALLOCATION_SQL}) THEN ${eligibilitySql(db, a)} END`];
}

function derived(db: Db, a: string, later: readonly string[], status = true): string {
  const parts = status ? [...later, ...checkedParts(db, a)] : later;
  if (!parts.length) return `${a}.state`;
  // coalesce reads its arguments in order and stops at the first not NULL: most rows look up one index.
  // A stored 'in-notice' (publicize stored it before notices were read from their items) may only become filed.
  const inNotice = has(db, withNotices, 'filed_awards') ? ` WHEN ${a}.state = 'in-notice' THEN coalesce(${filedSql(a)}, 'in-notice')` : '';
  return `CASE WHEN ${a}.state IN (${PRE_NOTICE_SQL}) THEN coalesce(${parts.join(', ')}, ${a}.state)${inNotice} ELSE ${a}.state END`;
}

/** The state of application alias `a` without its allocation line: what the notice and the filing make it, else the stored one. */
export function noticedStateSql(db: Db, a: string): string {
  return derived(db, a, noticedParts(db, a));
}

/**
 * `noticedStateSql(db, a) IN (states)`. The status only ever reads as one of
 * the states before allocation, and only in place of one: where `states` holds
 * all of them or none, it cannot change the answer and is not looked up (an
 * index lookup saved on each of a version's 10^5 lines).
 */
export function noticedStateIn(db: Db, a: string, states: readonly string[]): string {
  const pre = PRE_ALLOCATION_STATES.filter((s) => states.includes(s)).length;
  const status = pre !== 0 && pre !== PRE_ALLOCATION_STATES.length;
  return `${derived(db, a, noticedParts(db, a), status)} IN (${sqlWords(states)})`;
}

/** The state where the query already joins `l`, the line of the round's latest version (NULL when none). */
export function lineStateSql(db: Db, a: string, l: string): string {
  return derived(db, a, [...noticedParts(db, a), `CASE WHEN ${l}.rank IS NOT NULL THEN ${LINE_STATE_SQL(l)} END`]);
}

/**
 * The state of application alias `a` (a row of applications) as an SQL
 * expression. `version`: an SQL expression for the allocation version to read,
 * the round's latest by default.
 */
export function stateSql(db: Db, a: string, version = `(SELECT max(v.version) FROM allocations v WHERE v.round_id = ${a}.round_id)`): string {
  if (!has(db, withLines, 'allocation_lines')) return derived(db, a, []);
  return derived(db, a, [
    ...noticedParts(db, a),
    `(SELECT ${LINE_STATE_SQL('sl')} FROM allocation_lines sl
      WHERE sl.round_id = ${a}.round_id AND sl.version = ${version} AND sl.application_id = ${a}.application_id AND sl.rank IS NOT NULL)`,
  ]);
}
