// The money of an award read from every stage's table (allocation, manual
// award, notice, filing, acceptance, payments, clawbacks, recoveries). The
// award as it stands is the domain's currentAwardFen.
import { currentAwardFen } from '../domain/lifecycle.js';
import type { Db } from './open.js';

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

export interface AwardOf {
  state: string;
  /** The award as it stands now (see domain currentAwardFen). */
  award_fen: number;
  filed_award_fen: number | null;
  final_award_fen: number | null;
  paid_fen: number;
  /** Ordered back and not yet recovered. */
  clawback_due_fen: number;
  recovered_fen: number;
}

interface FactsRow {
  application_id: string;
  category: string;
  state: string;
  proposed_fen: number;
  noticed_fen: number | null;
  filed_fen: number | null;
  final_fen: number | null;
  paid_fen: number;
  clawed_fen: number;
  recovered_fen: number;
}

/** One row of money facts per application, by round or for one application, in one query. */
function factsRows(db: Db, where: { roundId: string } | { applicationId: string }): FactsRow[] {
  const byRound = 'roundId' in where;
  const key = byRound ? where.roundId : where.applicationId;
  const line = `(SELECT l.award_fen FROM allocation_lines l WHERE l.round_id = a.round_id AND l.application_id = a.application_id
         AND l.version = (SELECT max(version) FROM allocations v WHERE v.round_id = a.round_id))`;
  const sum = (table: string) => `coalesce((SELECT sum(amount_fen) FROM ${table} t WHERE t.application_id = a.application_id), 0)`;
  return db
    .prepare(
      `SELECT a.application_id, a.category, a.state,
         coalesce((SELECT m.amount_fen FROM manual_awards m WHERE m.application_id = a.application_id ORDER BY m.id DESC LIMIT 1), ${line}, 0) AS proposed_fen,
         (SELECT award_fen FROM notice_items i WHERE i.application_id = a.application_id) AS noticed_fen,
         (SELECT amount_fen FROM filed_awards f WHERE f.application_id = a.application_id) AS filed_fen,
         (SELECT final_award_fen FROM acceptances c WHERE c.application_id = a.application_id) AS final_fen,
         ${sum('payments')} AS paid_fen, ${sum('clawbacks')} AS clawed_fen, ${sum('recoveries')} AS recovered_fen
       FROM applications a WHERE ${byRound ? 'a.round_id' : 'a.application_id'} = ? ORDER BY a.application_id`,
    )
    .all(key) as FactsRow[];
}

const toAwardOf = (r: FactsRow): AwardOf => ({
  state: r.state,
  award_fen: currentAwardFen({
    state: r.state,
    proposedFen: r.proposed_fen,
    noticedFen: r.noticed_fen,
    filedFen: r.filed_fen,
    finalFen: r.final_fen,
    paidFen: r.paid_fen,
    clawedBackFen: r.clawed_fen,
  }),
  filed_award_fen: r.filed_fen,
  final_award_fen: r.final_fen,
  paid_fen: r.paid_fen,
  clawback_due_fen: r.clawed_fen - r.recovered_fen,
  recovered_fen: r.recovered_fen,
});

/** State and money of one application; undefined if there is no such application. */
export function awardOf(db: Db, applicationId: string): AwardOf | undefined {
  const [r] = factsRows(db, { applicationId });
  return r && toAwardOf(r);
}

/** awardOf for every application of the round, in application_id order. */
export function roundAwards(db: Db, roundId: string): (AwardOf & { application_id: string; category: string; clawed_back_fen: number })[] {
  return factsRows(db, { roundId }).map((r) => ({ application_id: r.application_id, category: r.category, clawed_back_fen: r.clawed_fen, ...toAwardOf(r) }));
}
