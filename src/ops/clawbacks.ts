// Clawbacks (追缴, Art. 10(4)): money paid ordered back, and the recoveries
// against it, never more than is due.
import type { ApplicationState } from '../domain/application.js';
import { checkClawback, checkRecovery, moneyBalance, recoverySettlement } from '../domain/lifecycle.js';
import { setState } from '../ledger/applications.repo.js';
import { moneyEntries } from '../ledger/awards.repo.js';
import { insertClawback, insertRecovery } from '../ledger/clawbacks.repo.js';
import { appendEvent } from '../ledger/events.js';
import { inTransaction } from '../ledger/open.js';
import type { OpContext } from './context.js';
import { requireApplication } from './lookup.js';
import { refuseOn, transition } from './refusals.js';

export interface OrderClawbackInput {
  applicationId: string;
  amountFen: number;
  reason: string;
  on: string;
}

export interface OrderClawbackResult {
  clawbackId: number;
  applicationId: string;
  paidFen: number;
  /** clawback_due (应追缴): ordered back in all, this order included. */
  clawbackDueFen: number;
  /** outstanding (待追回): ordered and not yet recovered, this order included. */
  outstandingFen: number;
}

export function orderClawback(op: OpContext, input: OrderClawbackInput): OrderClawbackResult {
  const { db } = op;
  const { amountFen: amount, reason, on } = input;
  const at = op.now();
  return inTransaction(db, () => {
    const app = requireApplication(db, input.applicationId);
    const id = app.applicationId;
    transition(id, app.state, 'clawback', 'clawback-due');
    const e = moneyEntries(db, id);
    const bal = moneyBalance(e.payments, e.clawbacks, e.recoveries);
    refuseOn(checkClawback(bal, amount));
    const clawbackId = insertClawback(db, { application_id: id, amount_fen: amount, source: 'audit', reason, ordered_on: on, created_at: at, created_by: op.officer });
    setState(db, id, 'clawback-due', at);
    const due = bal.outstandingFen + amount;
    appendEvent(db, {
      at,
      officer: op.officer,
      command: 'clawback',
      roundId: app.roundId,
      appIds: [id],
      details: { clawback_id: clawbackId, amount_fen: amount, reason, ordered_on: on, clawback_due_fen: due, before: app.state, after: 'clawback-due' },
    });
    return { clawbackId, applicationId: id, paidFen: bal.paidFen, clawbackDueFen: bal.clawedBackFen + amount, outstandingFen: due };
  });
}

export interface RecoverInput {
  applicationId: string;
  amountFen: number;
  recoveredOn: string;
  voucher: string | null;
}

export interface RecoverResult {
  recoveryId: number;
  applicationId: string;
  state: ApplicationState;
  /** clawback_due (应追缴): ordered back in all. */
  clawbackDueFen: number;
  /** recovered (已追回): in all, this recovery included. */
  recoveredFen: number;
  /** outstanding (待追回): still owed after this recovery. */
  outstandingFen: number;
}

export function recover(op: OpContext, input: RecoverInput): RecoverResult {
  const { db } = op;
  const { amountFen: amount, recoveredOn: on, voucher } = input;
  const at = op.now();
  return inTransaction(db, () => {
    const app = requireApplication(db, input.applicationId);
    const id = app.applicationId;
    transition(id, app.state, 'recover');
    const e = moneyEntries(db, id);
    const bal = moneyBalance(e.payments, e.clawbacks, e.recoveries);
    refuseOn(checkRecovery(bal, amount));
    const { dueFen: due, to } = recoverySettlement(bal, amount);
    transition(id, app.state, 'recover', to);
    const recoveryId = insertRecovery(db, { application_id: id, amount_fen: amount, recovered_on: on, voucher, created_at: at, created_by: op.officer });
    setState(db, id, to, at);
    appendEvent(db, {
      at,
      officer: op.officer,
      command: 'clawback recover',
      roundId: app.roundId,
      appIds: [id],
      details: { recovery_id: recoveryId, amount_fen: amount, recovered_on: on, voucher, clawback_due_fen: due, before: app.state, after: to },
    });
    return { recoveryId, applicationId: id, state: to, clawbackDueFen: bal.clawedBackFen, recoveredFen: bal.recoveredFen + amount, outstandingFen: due };
  });
}
