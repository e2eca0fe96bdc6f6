// The money of an award read from every stage's table (allocation, manual
// award, filing, acceptance, payments, clawbacks, recoveries): the one reader
// of the facts domain/money-stages computes the amounts from. status, the
// reports (reports.repo's dossiers), `applications show` and `award set` all
// read them through moneyFactsColumns, so no two outputs read them apart.
import type { MoneyFacts } from '../domain/money-stages.js';
import type { Statement } from 'better-sqlite3';
import type { Db } from './open.js';
import { byIdWalk } from './round-walk.js';
import { getRound } from './rounds.repo.js';
import { lineStateSql, noticedStateSql } from './states.js';

/** Which tables exist (a report also reads a ledger whose later tables are missing). */
export type HasTable = (table: string) => boolean;

/** The tables of a stage that may hold a row of a round; the per-round test where the table has a round column (one index step). */
const STAGE_ROWS: Record<string, string> = {
  allocation_lines: 'SELECT 1 FROM allocation_lines WHERE round_id = ? LIMIT 1',
  score_aggregates: 'SELECT 1 FROM score_aggregates WHERE round_id = ? LIMIT 1',
  manual_awards: 'SELECT 1 FROM manual_awards WHERE round_id = ? LIMIT 1',
  filings: 'SELECT 1 FROM filings WHERE round_id = ? LIMIT 1',
  filed_awards: 'SELECT 1 FROM filed_awards LIMIT 1',
  acceptances: 'SELECT 1 FROM acceptances LIMIT 1',
  payments: 'SELECT 1 FROM payments LIMIT 1',
  clawbacks: 'SELECT 1 FROM clawbacks LIMIT 1',
  recoveries: 'SELECT 1 FROM recoveries LIMIT 1',
};

/**
 * `exists` narrowed to the stage tables that hold a row the round may have:
 * a stage the round has not reached (no payment yet, no manual award) is then
 * not looked up once per application. A table without a round column counts
 * if it has any row at all.
 */
export function stageTablesWithRows(db: Db, roundId: string, exists: HasTable): HasTable {
  const found = new Map<string, boolean>();
  return (t) => {
    let v = found.get(t);
    if (v === undefined) {
      const sql = STAGE_ROWS[t];
      v = exists(t) && (sql === undefined || db.prepare(sql).get(...(sql.includes('?') ? [roundId] : [])) !== undefined);
      found.set(t, v);
    }
    return v;
  };
}

/**
 * The select-list of an application's money facts, for `applications a` of
 * one round, with the round's latest allocation version as `@version` (NULL
 * before the first) and its manual categories as `@manual` (a JSON array):
 * the proposal is the newest manual award in a manual category (Art. 7(5)),
 * else the line of the latest version; filed is what the round's filing
 * holds; the rest as recorded. `joined`: the aliases under which the caller
 * LEFT JOINs the line of @version (on round, version and application), the
 * newest manual award of the round (moneyFactsManualJoin) and the acceptance
 * (on application), whose columns are then read instead.
 */
export function moneyFactsColumns(has: HasTable = () => true, joined: { line?: string; manual?: string; acceptance?: string } = {}, opts: { constants?: boolean } = {}): string {
  const sum = (table: string) => (has(table) ? `coalesce((SELECT sum(t.amount_fen) FROM ${table} t WHERE t.application_id = a.application_id), 0)` : '0');
  const inManual = 'a.category IN (SELECT value FROM json_each(@manual))';
  const manual = joined.manual
    ? `CASE WHEN ${inManual} THEN ${joined.manual}.amount_fen END`
    : has('manual_awards')
    ? `CASE WHEN ${inManual} THEN
         (SELECT m.amount_fen FROM manual_awards m WHERE m.application_id = a.application_id AND m.round_id = a.round_id ORDER BY m.id DESC LIMIT 1) END`
    : 'NULL';
  // A caller that joined the line (allocation_lines of @version) or the acceptance already: read there, not looked up again.
  const line = joined.line
    ? `${joined.line}.award_fen`
    : has('allocation_lines')
    ? '(SELECT l.award_fen FROM allocation_lines l WHERE l.round_id = a.round_id AND l.version = @version AND l.application_id = a.application_id)'
    : 'NULL';
  const filed =
    has('filed_awards') && has('filings')
      ? '(SELECT f.amount_fen FROM filed_awards f JOIN filings g ON g.filing_id = f.filing_id WHERE f.application_id = a.application_id AND g.round_id = a.round_id)'
      : 'NULL';
  const acc = (col: string) => (joined.acceptance ? `${joined.acceptance}.${col}` : has('acceptances') ? `(SELECT c.${col} FROM acceptances c WHERE c.application_id = a.application_id)` : 'NULL');
  const columns: [string, string][] = [
    [`coalesce(${manual}, ${line}, 0)`, 'mf_proposed'],
    [filed, 'mf_filed'],
    [acc('result'), 'mf_accept_result'],
    [acc('final_award_fen'), 'mf_accept_final'],
    [sum('payments'), 'mf_paid'],
    [sum('clawbacks'), 'mf_clawback'],
    [sum('recoveries'), 'mf_recovered'],
  ];
  // `constants: false`: a stage the round has not reached is left out (its reader takes it as NULL or 0: columnIndex's `absent`).
  return columns
    .filter(([expr]) => opts.constants !== false || (expr !== 'NULL' && expr !== '0'))
    .map(([expr, alias]) => `${expr} AS ${alias}`)
    .join(', ');
}

/** The money columns moneyFactsColumns leaves out with `constants: false`. */
export const MONEY_FACTS_OPTIONAL: readonly string[] = ['mf_filed', 'mf_accept_result', 'mf_accept_final', 'mf_paid', 'mf_clawback', 'mf_recovered'];

/** The newest manual award of the application in its round, joined as `alias` (what moneyFactsColumns reads as the proposal in a manual category). */
export const moneyFactsManualJoin = (alias: string): string =>
  `LEFT JOIN manual_awards ${alias} ON ${alias}.id = (SELECT max(x.id) FROM manual_awards x WHERE x.application_id = a.application_id AND x.round_id = a.round_id)`;

const n = (v: unknown): number => (typeof v === 'bigint' ? Number(v) : Number(v ?? 0));

/**
 * Reads the money facts from a raw row (Statement.raw()) of a query that
 * selected moneyFactsColumns and a.state; `at` gives a column's index.
 */
export function moneyFactsReader(at: (column: string) => number): (r: unknown[]) => MoneyFacts {
  const [state, proposed, filed, result, final, paid, clawback, recovered] = ['state', 'mf_proposed', 'mf_filed', 'mf_accept_result', 'mf_accept_final', 'mf_paid', 'mf_clawback', 'mf_recovered'].map(at);
  return (r) => ({
    state: String(r[state]),
    proposedFen: n(r[proposed]),
    filedFen: r[filed] === null || r[filed] === undefined ? null : n(r[filed]),
    acceptance: r[result] === null || r[result] === undefined ? null : { result: String(r[result]), finalAwardFen: n(r[final]) },
    paidFen: n(r[paid]),
    clawbackFen: n(r[clawback]),
    recoveredFen: n(r[recovered]),
  });
}

/**
 * A raw statement's column index by name (an unknown name is a programming
 * error). A name in `absent` that the query leaves out (a constant NULL or 0
 * not selected) gets an index past the row's end: its value reads as undefined.
 */
export function columnIndex(stmt: Statement, absent: ReadonlySet<string> = NONE_ABSENT): (column: string) => number {
  const ix = new Map(stmt.columns().map((c, i) => [c.name, i]));
  return (column) => {
    const i = ix.get(column);
    if (i !== undefined) return i;
    if (absent.has(column)) return ix.size;
    throw new Error(`no column ${column} in the query`);
  };
}

const NONE_ABSENT: ReadonlySet<string> = new Set();

/** The parameters moneyFactsColumns needs for a round: its latest allocation version and its manual categories. */
export function moneyFactsParams(db: Db, roundId: string, has: HasTable = () => true): { version: number | null; manual: string } {
  const round = getRound(db, roundId);
  const manual = JSON.stringify(round ? round.policy.categories.filter((c) => c.allocation === 'manual').map((c) => c.key) : []);
  const version = has('allocations') ? ((db.prepare('SELECT max(version) FROM allocations WHERE round_id = ?').pluck().get(roundId) as number | null) ?? null) : null;
  return { version, manual };
}

export interface ApplicationMoneyFacts {
  applicationId: string;
  category: string;
  facts: MoneyFacts;
}

/**
 * The money facts of a round's applications (or of one category, or one
 * application), in application_id order, read one at a time as they are
 * iterated (status sums 10^5 of them). `anyOrder`: for a caller that only
 * sums them, in the table's own order (no step through the id key per row).
 */
export function eachRoundMoneyFacts(
  db: Db,
  roundId: string,
  only: { category?: string; applicationId?: string } = {},
  opts: { anyOrder?: boolean } = {},
): Iterable<ApplicationMoneyFacts> {
  // By the primary key: walked in id order, or looked up for one application (round-walk.ts).
  const where = [`${only.applicationId === undefined ? byIdWalk(db, roundId, 'a') : 'a.round_id'} = @round`];
  const params: Record<string, unknown> = { round: roundId, ...moneyFactsParams(db, roundId) };
  if (only.category !== undefined) {
    where.push('a.category = @category');
    params.category = only.category;
  }
  if (only.applicationId !== undefined) {
    where.push('a.application_id = @app');
    params.app = only.applicationId;
  }
  const has = stageTablesWithRows(db, roundId, () => true);
  const withLine = has('allocation_lines');
  const withManual = has('manual_awards');
  const sql = `SELECT a.application_id, a.category, ${withLine ? lineStateSql(db, 'a', 'l') : noticedStateSql(db, 'a')} AS state, ${moneyFactsColumns(has, { line: withLine ? 'l' : undefined, manual: withManual ? 'm' : undefined })}
    FROM applications a
    ${withLine ? 'LEFT JOIN allocation_lines l ON l.round_id = a.round_id AND l.version = @version AND l.application_id = a.application_id' : ''}
    ${withManual ? moneyFactsManualJoin('m') : ''}
    WHERE ${where.join(' AND ')}${opts.anyOrder ? '' : ' ORDER BY a.application_id'}`;
  if (!sql.includes('@version')) delete params.version;
  if (!sql.includes('@manual')) delete params.manual;
  return {
    *[Symbol.iterator]() {
      const stmt = db.prepare(sql).raw(true);
      const at = columnIndex(stmt);
      const facts = moneyFactsReader(at);
      const [id, category] = [at('application_id'), at('category')];
      for (const r of stmt.iterate(params) as IterableIterator<unknown[]>) yield { applicationId: String(r[id]), category: String(r[category]), facts: facts(r) };
    },
  };
}

/** eachRoundMoneyFacts as an array. */
export function roundMoneyFacts(db: Db, roundId: string, only: { category?: string; applicationId?: string } = {}): ApplicationMoneyFacts[] {
  return [...eachRoundMoneyFacts(db, roundId, only)];
}

export interface MoneyEntries {
  payments: number[];
  clawbacks: number[];
  recoveries: number[];
}

export function moneyEntries(db: Db, applicationId: string): MoneyEntries {
  const col = (sql: string) => db.prepare(sql).pluck().all(applicationId) as number[];
  return {
    payments: col('SELECT amount_fen FROM payments WHERE application_id = ? ORDER BY payment_id'),
    clawbacks: col('SELECT amount_fen FROM clawbacks WHERE application_id = ? ORDER BY clawback_id'),
    recoveries: col('SELECT amount_fen FROM recoveries WHERE application_id = ? ORDER BY recovery_id'),
  };
}
