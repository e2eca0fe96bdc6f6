// Payments (拨付, Art. 13): against an accepted final award, never above it.
import { compareDates } from '../domain/dates.js';
import { UserError } from '../domain/errors.js';
import { checkDisbursement, moneyBalance } from '../domain/lifecycle.js';
import { text } from '../domain/text.js';
import { acceptanceOf } from '../ledger/acceptances.repo.js';
import { setState } from '../ledger/applications.repo.js';
import { moneyEntries } from '../ledger/awards.repo.js';
import { appendEvent } from '../ledger/events.js';
import { inTransaction } from '../ledger/open.js';
import { insertPayment } from '../ledger/payments.repo.js';
import type { OpContext } from './context.js';
import { requireApplication } from './lookup.js';
import { refuseOn, transition } from './refusals.js';

export interface DisburseInput {
  applicationId: string;
  amountFen: number;
  paidOn: string;
  voucher: string | null;
}

export interface DisburseResult {
  paymentId: number;
  applicationId: string;
  /** Paid in all, this payment included. */
  paidFen: number;
  finalAwardFen: number;
}

export function disburse(op: OpContext, input: DisburseInput): DisburseResult {
  const { db } = op;
  const { amountFen: amount, paidOn: on, voucher } = input;
  const at = op.now();
  return inTransaction(db, () => {
    const app = requireApplication(db, input.applicationId);
    const id = app.applicationId;
    transition(id, app.state, 'disburse', 'disbursed');
    const acc = acceptanceOf(db, id);
    if (!acc) throw new Error(`${id} is ${app.state} but has no acceptance`);
    if (compareDates(on, acc.accepted_on) < 0) {
      throw new UserError(text(`拨付日期 ${on} 早于验收日期 ${acc.accepted_on}。`, `the payment date ${on} is before the acceptance date ${acc.accepted_on}.`), 2);
    }
    const e = moneyEntries(db, id);
    const bal = moneyBalance(e.payments, e.clawbacks, e.recoveries);
    refuseOn(checkDisbursement(acc.final_award_fen, bal.paidFen, amount));
    const paymentId = insertPayment(db, { application_id: id, amount_fen: amount, paid_on: on, voucher, created_at: at, created_by: op.officer });
    setState(db, id, 'disbursed', at);
    const paid = bal.paidFen + amount;
    appendEvent(db, {
      at,
      officer: op.officer,
      command: 'disburse',
      roundId: app.roundId,
      appIds: [id],
      details: { payment_id: paymentId, amount_fen: amount, paid_on: on, voucher, paid_fen: paid, final_award_fen: acc.final_award_fen, before: app.state, after: 'disbursed' },
    });
    return { paymentId, applicationId: id, paidFen: paid, finalAwardFen: acc.final_award_fen };
  });
}
