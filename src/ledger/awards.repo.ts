// The money of an award read from every stage's table (allocation, manual
// award, filing, acceptance, payments, clawbacks, recoveries): the one reader
// of the facts domain/money-stages computes the amounts from. status, the
// reports (reports.repo's dossiers), `applications show` and `award set` all
// read them through moneyFactsColumns, so no two outputs read them apart.
import type { MoneyFacts } from '../domain/money-stages.js';
import type { Db } from './open.js';
import { getRound } from './rounds.repo.js';

/** Which tables exist (a report also reads a ledger whose later tables are missing). */
export type HasTable = (table: string) => boolean;

/**
 * The select-list of an application's money facts, for `applications a` of
 * one round, with the round's latest allocation version as `@version` (NULL
 * before the first) and its manual categories as `@manual` (a JSON array):
 * the proposal is the newest manual award in a manual category (Art. 7(5)),
 * else the line of the latest version; filed is what the round's filing
 * holds; the rest as recorded. `joined`: the aliases under which the caller
 * LEFT JOINs the line of @version (on round, version and application) and the
 * acceptance (on application), whose columns are then read instead.
 */
export function moneyFactsColumns(has: HasTable = () => true, joined: { line?: string; acceptance?: string } = {}): string {
  const sum = (table: string) => (has(table) ? `coalesce((SELECT sum(t.amount_fen) FROM ${table} t WHERE t.application_id = a.application_id), 0)` : '0');
  const manual = has('manual_awards')
    ? `CASE WHEN a.category IN (SELECT value FROM json_each(@manual)) THEN
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
  return `coalesce(${manual}, ${line}, 0) AS mf_proposed, ${filed} AS mf_filed, ${acc('result')} AS mf_accept_result, ${acc('final_award_fen')} AS mf_accept_final,
    ${sum('payments')} AS mf_paid, ${sum('clawbacks')} AS mf_clawback, ${sum('recoveries')} AS mf_recovered`;
}

const n = (v: unknown): number => (typeof v === 'bigint' ? Number(v) : Number(v ?? 0));

/** A row selected with moneyFactsColumns (and a.state) as the domain's MoneyFacts. */
export function moneyFactsOf(r: Record<string, unknown>): MoneyFacts {
  return {
    state: String(r.state),
    proposedFen: n(r.mf_proposed),
    filedFen: r.mf_filed === null || r.mf_filed === undefined ? null : n(r.mf_filed),
    acceptance: r.mf_accept_result === null || r.mf_accept_result === undefined ? null : { result: String(r.mf_accept_result), finalAwardFen: n(r.mf_accept_final) },
    paidFen: n(r.mf_paid),
    clawbackFen: n(r.mf_clawback),
    recoveredFen: n(r.mf_recovered),
  };
}

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

/** The money facts of a round's applications (or of one category, or one application), in application_id order. */
export function roundMoneyFacts(db: Db, roundId: string, only: { category?: string; applicationId?: string } = {}): ApplicationMoneyFacts[] {
  const where = ['a.round_id = @round'];
  const params: Record<string, unknown> = { round: roundId, ...moneyFactsParams(db, roundId) };
  if (only.category !== undefined) {
    where.push('a.category = @category');
    params.category = only.category;
  }
  if (only.applicationId !== undefined) {
    where.push('a.application_id = @app');
    params.app = only.applicationId;
  }
  const rows = db
    .prepare(`SELECT a.application_id, a.category, a.state, ${moneyFactsColumns()} FROM applications a WHERE ${where.join(' AND ')} ORDER BY a.application_id`)
    .all(params) as Record<string, unknown>[];
  return rows.map((r) => ({ applicationId: String(r.application_id), category: String(r.category), facts: moneyFactsOf(r) }));
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
