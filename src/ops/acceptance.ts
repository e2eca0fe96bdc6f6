// Acceptance (验收, Art. 14): on pass the final award is min(filed award, cap on
// the actual investment); a fail cancels the award and orders back what was paid.
import type { ApplicationState } from '../domain/application.js';
import { compareDates } from '../domain/dates.js';
import { UserError } from '../domain/errors.js';
import { acceptanceOutcome, acceptanceSettlement, checkTrainingCounts, moneyBalance, type AcceptanceOutcome, type AcceptanceResult } from '../domain/lifecycle.js';
import { categoryOf } from '../domain/policy.js';
import { text } from '../domain/text.js';
import { insertAcceptance } from '../ledger/acceptances.repo.js';
import { setState } from '../ledger/applications.repo.js';
import { moneyEntries } from '../ledger/awards.repo.js';
import { insertClawback } from '../ledger/clawbacks.repo.js';
import { appendEvent } from '../ledger/events.js';
import { filedAward } from '../ledger/filings.repo.js';
import { inTransaction } from '../ledger/open.js';
import type { OpContext } from './context.js';
import { requireApplication, requireRound } from './lookup.js';
import { transition } from './refusals.js';

export interface AcceptInput {
  applicationId: string;
  on: string;
  /** The result the officer records; a pass can still fail on the category's own conditions. */
  result: AcceptanceResult;
  actualInvestmentFen: number;
  events: number | null;
  trainees: number | null;
  note: string | null;
}

export interface AcceptResult {
  applicationId: string;
  outcome: AcceptanceOutcome;
  filedAwardFen: number;
  clawbackFen: number;
  state: ApplicationState;
}

export function accept(op: OpContext, input: AcceptInput): AcceptResult {
  const { db } = op;
  const { on, result: claimed, events, trainees } = input;
  const action = claimed === 'pass' ? 'accept-pass' : 'accept-fail';
  const at = op.now();
  return inTransaction(db, () => {
    const app = requireApplication(db, input.applicationId);
    const id = app.applicationId;
    transition(id, app.state, action);
    const round = requireRound(db, app.roundId);
    const cat = categoryOf(round.policy, app.category);
    const filed = filedAward(db, id);
    if (!filed) throw new Error(`${id} is filed but has no filed award`);
    if (compareDates(on, filed.filed_on) < 0) {
      throw new UserError(text(`验收日期 ${on} 早于备案日期 ${filed.filed_on}。`, `the acceptance date ${on} is before the filing date ${filed.filed_on}.`), 2);
    }
    const counts = checkTrainingCounts(cat, claimed, events, trainees);
    if (!counts.ok) throw new UserError(counts.error, 2);
    const outcome = acceptanceOutcome({
      category: cat,
      unitFen: round.policy.unitFen,
      requestedFen: app.requestedAmountFen,
      filedAwardFen: filed.amount_fen,
      actualInvestmentFen: input.actualInvestmentFen,
      claimed,
      trainingEvents: events,
      trainees,
    });
    const e = moneyEntries(db, id);
    const { to, clawbackFen } = acceptanceSettlement(outcome.result, moneyBalance(e.payments, e.clawbacks, e.recoveries));
    transition(id, app.state, outcome.result === 'pass' ? 'accept-pass' : 'accept-fail', to);
    insertAcceptance(db, {
      application_id: id,
      accepted_on: on,
      claimed_result: claimed,
      result: outcome.result,
      reason: outcome.reason,
      actual_investment_fen: input.actualInvestmentFen,
      training_events: events,
      trainees,
      cap_fen: outcome.capFen,
      filed_award_fen: filed.amount_fen,
      final_award_fen: outcome.finalAwardFen,
      note: input.note,
      created_at: at,
      created_by: op.officer,
    });
    if (clawbackFen > 0) {
      insertClawback(db, { application_id: id, amount_fen: clawbackFen, source: 'acceptance', reason: outcome.text.zh, ordered_on: on, created_at: at, created_by: op.officer });
    }
    setState(db, id, to, at);
    appendEvent(db, {
      at,
      officer: op.officer,
      command: 'accept',
      roundId: app.roundId,
      appIds: [id],
      details: {
        accepted_on: on,
        claimed_result: claimed,
        result: outcome.result,
        reason: outcome.reason,
        actual_investment_fen: input.actualInvestmentFen,
        training_events: events,
        trainees,
        cap_fen: outcome.capFen,
        filed_award_fen: filed.amount_fen,
        final_award_fen: outcome.finalAwardFen,
        clawback_fen: clawbackFen,
        before: app.state,
        after: to,
      },
    });
    return { applicationId: id, outcome, filedAwardFen: filed.amount_fen, clawbackFen, state: to };
  });
}
