// Reading applications back into the domain type.
import type { Application, ApplicationState } from '../domain/application.js';
import type { Db } from './open.js';
import { byIdWalk } from './round-walk.js';
import { prepared } from './statements.js';
import { stateSql } from './states.js';

export interface ApplicationRow {
  application_id: string;
  round_id: string;
  enterprise_name: string;
  uscc: string;
  district: string;
  established_on: string;
  independent_legal_person: number;
  category: string;
  cluster: string | null;
  project_name: string;
  total_investment_fen: number;
  requested_amount_fen: number;
  employees: number | null;
  annual_revenue_fen: number | null;
  other_fiscal_support: number;
  past_projects_compliant: number;
  credit_good: number;
  major_accident: number;
  ready_to_implement: number;
  training_events: number | null;
  trainees: number | null;
  submitted_on: string;
  extra_json: string;
  source_file: string;
  source_line: number;
  source_sha256: string;
  content_hash: string;
  state: string;
  created_at: string;
  updated_at: string;
}

export function rowToApplication(r: ApplicationRow): Application {
  return {
    applicationId: r.application_id,
    roundId: r.round_id,
    enterpriseName: r.enterprise_name,
    uscc: r.uscc,
    district: r.district,
    establishedOn: r.established_on,
    independentLegalPerson: r.independent_legal_person === 1,
    category: r.category,
    cluster: r.cluster,
    projectName: r.project_name,
    totalInvestmentFen: r.total_investment_fen,
    requestedAmountFen: r.requested_amount_fen,
    employees: r.employees,
    annualRevenueFen: r.annual_revenue_fen,
    otherFiscalSupport: r.other_fiscal_support === 1,
    pastProjectsCompliant: r.past_projects_compliant === 1,
    creditGood: r.credit_good === 1,
    majorAccident: r.major_accident === 1,
    readyToImplement: r.ready_to_implement === 1,
    trainingEvents: r.training_events,
    trainees: r.trainees,
    submittedOn: r.submitted_on,
    extra: JSON.parse(r.extra_json) as Record<string, string>,
  };
}

/** The application and its row, the state as read (ledger/states.ts) in both. */
export function getApplication(db: Db, id: string): (Application & { state: string; row: ApplicationRow }) | undefined {
  const r = prepared(db, `SELECT a.*, ${stateSql(db, 'a')} AS jm_state FROM applications a WHERE a.application_id = ?`).get(id) as
    | (ApplicationRow & { jm_state: string })
    | undefined;
  if (!r) return undefined;
  const { jm_state: state, ...stored } = r;
  const row = { ...stored, state };
  return { ...rowToApplication(row), state, row };
}

/** An application's round and state as read (ledger/states.ts), without the rest of its row. */
export function applicationRoundState(db: Db, id: string): { roundId: string; state: string } | undefined {
  return prepared(db, `SELECT a.round_id AS roundId, ${stateSql(db, 'a')} AS state FROM applications a WHERE a.application_id = ?`).get(id) as { roundId: string; state: string } | undefined;
}

/**
 * What `caps` shows of an application (cap inputs), read as iterated in application_id order (the first `limit`, with
 * one): 10^6 rows are never held.
 */
export function* roundCapInputs(
  db: Db,
  roundId: string,
  limit = Infinity,
): Generator<{ applicationId: string; enterpriseName: string; category: string; requestedAmountFen: number; totalInvestmentFen: number }> {
  const sql = `SELECT application_id, enterprise_name, category, requested_amount_fen, total_investment_fen FROM applications WHERE ${byIdWalk(db, roundId)} = ? ORDER BY application_id${Number.isFinite(limit) ? ` LIMIT ${limit}` : ''}`;
  for (const r of db.prepare(sql).raw().iterate(roundId) as IterableIterator<[string, string, string, number, number]>) {
    yield { applicationId: r[0], enterpriseName: r[1], category: r[2], requestedAmountFen: r[3], totalInvestmentFen: r[4] };
  }
}

export function setState(db: Db, applicationId: string, state: ApplicationState, at: string): void {
  prepared(db, 'UPDATE applications SET state = ?, updated_at = ? WHERE application_id = ?').run(state, at, applicationId);
}

/** How many applications of the round are in each state, by state name. */
export function stateCounts(db: Db, roundId: string): { state: string; n: number }[] {
  return db
    .prepare(`SELECT ${stateSql(db, 'a')} AS state, count(*) AS n FROM applications a WHERE a.round_id = ? GROUP BY 1 ORDER BY 1`)
    .all(roundId) as { state: string; n: number }[];
}

/** Application ids of the round in one state, in id order. */
export function applicationIdsIn(db: Db, roundId: string, state: ApplicationState): string[] {
  return db
    .prepare(`SELECT a.application_id FROM applications a WHERE ${byIdWalk(db, roundId, 'a')} = ? AND ${stateSql(db, 'a')} = ? ORDER BY a.application_id`)
    .pluck()
    .all(roundId, state) as string[];
}
