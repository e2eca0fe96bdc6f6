// Filing (备案, Art. 10(3)) once every notice has ended and every admitted
// objection is resolved, and the awards an officer sets for category other
// (Art. 7(5)) before their notice.
import type { ApplicationState } from '../domain/application.js';
import { RefusedError, UserError } from '../domain/errors.js';
import { checkApprovalDocument, checkAwardUnit, checkManualCategory, manualAwardState } from '../domain/lifecycle.js';
import { checkManualAward } from '../domain/manual-award.js';
import { applicationMoney, categoryBudget } from '../domain/money-stages.js';
import { filingBlockers } from '../domain/notice-period.js';
import { categoryOf } from '../domain/policy.js';
import { text } from '../domain/text.js';
import { latestBudgets } from '../ledger/allocations.repo.js';
import { applicationIdsIn, setState } from '../ledger/applications.repo.js';
import { roundMoneyFacts } from '../ledger/awards.repo.js';
import { applicationStatus } from '../ledger/eligibility.repo.js';
import { appendEvent } from '../ledger/events.js';
import { insertFiling, insertManualAward, type FiledItem, type FilingRow } from '../ledger/filings.repo.js';
import { inNotice } from '../ledger/notices.repo.js';
import { noticeCounts } from '../ledger/steps.repo.js';
import { roundObjections } from '../ledger/objections.repo.js';
import { type Db, inTransaction } from '../ledger/open.js';
import type { OpContext } from './context.js';
import { requireApplication, requireRound } from './lookup.js';
import { runSteps, runStepsInTransaction } from './pauses.js';
import { byState, refuseOn, transition } from './refusals.js';

export interface FinalizeResult {
  roundId: string;
  filing: FilingRow;
  filed: FiledItem[];
  /** Proposed but not yet on notice, so not filed. */
  notOnNotice: string[];
}

interface FinalizeInput {
  roundId: string;
  filedOn: string;
}

/** Files the round's awards on notice, in one transaction (also a rehearsal's, nested in it). */
export function finalize(op: OpContext, input: FinalizeInput): FinalizeResult {
  return inTransaction(op.db, () => runSteps(finalizeSteps(op, input, op.now())));
}

/**
 * finalize as the CLI runs it: a signal heard after the round is read and
 * before the filing is written rolls it all back (the read and the write each
 * take seconds at 10^6 awards). Inside a rehearsal, as finalize.
 */
export async function finalizeAsync(op: OpContext, input: FinalizeInput): Promise<FinalizeResult> {
  if (op.db.inTransaction) return finalize(op, input);
  const at = op.now();
  // Two steps, each long at scale: a pause between them (0 ms).
  return runStepsInTransaction(op.db, finalizeSteps(op, input, at), 0);
}

/** The work of finalize: the round read and the refusals, a pause, then the filing and its event. */
function* finalizeSteps(op: OpContext, input: FinalizeInput, at: string): Generator<void, FinalizeResult> {
  const { db } = op;
  const { filedOn } = input;
  const round = requireRound(db, input.roundId);
  const progress = op.progress;
  const tick = progress ? (n: number) => progress.tick(n) : undefined;
  // About as many awards as the round's notices list (some may be withdrawn or filed already).
  progress?.phase(text('核对公示中的奖励', 'reading the awards on notice'), noticeCounts(db, round.roundId, null).onNotice, 'rows', true);
  const { awards: filed, notices } = inNotice(db, round.roundId, tick);
  // The reading is over: its bar goes before the refusals below or the filing's own bar.
  progress?.done();
  if (filed.length === 0) {
    const states = byState(db, round.roundId);
    throw new RefusedError(
      text(`批次 ${round.roundId} 没有公示中（in-notice）的申报可以备案。各状态：${states.zh}。`, `round ${round.roundId} has nothing in-notice to file. By state: ${states.en}.`),
      text('先用 `jmfund publicize` 公示拟支持的金额。', 'put the proposed awards on notice first with `jmfund publicize`.'),
    );
  }
  const open = roundObjections(db, round.roundId, 'open').map((o) => ({ objectionId: o.objection_id, applicationId: o.application_id }));
  const b = filingBlockers(filedOn, notices, open);
  if (b.running.length > 0) {
    const last = b.running.reduce((m, r) => (r.fileFrom > m ? r.fileFrom : m), b.running[0].fileFrom);
    const article = round.policy.notice.article;
    throw new RefusedError(
      text(
        `公示期尚未结束：${b.running.map((r) => `公示 #${r.noticeId} 至 ${r.endsOn}`).join('、')}；${filedOn} 不能备案，${last} 起可以（第${article}条）。`,
        `the notice period is not over: ${b.running.map((r) => `notice #${r.noticeId} runs through ${r.endsOn}`).join(', ')}; filing on ${filedOn} is refused, it is allowed from ${last} (Art. ${article}).`,
      ),
      text(`${last} 或之后再运行 \`jmfund finalize --round ${round.roundId}\`。`, `run \`jmfund finalize --round ${round.roundId}\` on or after ${last}.`),
    );
  }
  if (b.openObjections.length > 0) {
    throw new RefusedError(
      text(
        `还有 ${b.openObjections.length} 件已受理的异议未处理：${b.openObjections.map((o) => `#${o.objectionId}（${o.applicationId}）`).join('、')}；处理完毕前不能备案。`,
        `${b.openObjections.length} accepted objection(s) still open: ${b.openObjections.map((o) => `#${o.objectionId} (${o.applicationId})`).join(', ')}; filing waits until they are resolved.`,
      ),
      text('用 `jmfund objection resolve ID --upheld|--dismissed --note ...` 处理。', 'resolve each with `jmfund objection resolve ID --upheld|--dismissed --note ...`.'),
    );
  }
  // Proposed, not on notice: not filed (a read, before the pause).
  const waiting = applicationIdsIn(db, round.roundId, 'proposed');
  yield;
  progress?.phase(text('正在备案', 'filing the awards'), filed.length, 'rows');
  const f = insertFiling(db, { round_id: round.roundId, filed_on: filedOn, created_at: at, created_by: op.officer }, filed, tick);
  progress?.done();
  // Every award filed is in-notice (inNotice reads no other).
  transition(filed[0].application_id, 'in-notice', 'finalize', 'filed');
  // The filed awards make them filed (ledger/states.ts): 10^5 rows are not rewritten and sealed again.
  appendEvent(db, {
    at,
    officer: op.officer,
    command: 'finalize',
    roundId: round.roundId,
    appIds: filed.map((x) => x.application_id),
    details: { filing_id: f.filing_id, filed_on: filedOn, count: f.award_count, total_fen: f.total_fen, hash: f.hash, awards: filed.map((x) => [x.application_id, x.amount_fen]), before: 'in-notice', after: 'filed' },
  });
  return { roundId: round.roundId, filing: f, filed, notOnNotice: waiting };
}

export interface SetAwardInput {
  applicationId: string;
  amountFen: number;
  /** The approving document, e.g. 江府办〔2022〕12号. */
  basis: string;
  on: string;
}

export interface SetAwardResult {
  applicationId: string;
  amountFen: number;
  /** The basis as stored (NFKC, trimmed). */
  basis: string;
  on: string;
  state: ApplicationState;
}

export function setAward(op: OpContext, input: SetAwardInput): SetAwardResult {
  const { db } = op;
  const { amountFen: amount, on } = input;
  const basis = checkApprovalDocument(input.basis);
  if (!basis.ok) throw new UserError(basis.error, 2);
  const at = op.now();
  return inTransaction(db, () => {
    const app = requireApplication(db, input.applicationId);
    const round = requireRound(db, app.roundId);
    const cat = refuseOn(checkManualCategory(app.applicationId, categoryOf(round.policy, app.category)), text('用 `jmfund allocate --round ID`。', 'use `jmfund allocate --round ID`.'));
    const unit = checkAwardUnit(amount, round.policy.unitFen);
    if (!unit.ok) throw new UserError(unit.error, 2);
    const to = manualAwardState(amount);
    transition(app.applicationId, app.state, 'award-set', to);
    // The limits of any award (Art. 8, 9): eligible, at most what was asked, within the category's budget left.
    const over = checkManualAward({
      appId: app.applicationId,
      amountFen: amount,
      requestedFen: app.requestedAmountFen,
      eligibility: applicationStatus(db, app.applicationId),
      category: cat,
      budgetFen: categoryBudget(round.policy, round.budgets, latestBudgets(db, round.roundId), app.category),
      othersAllocatedFen: allocatedToOthers(db, round.roundId, app.category, app.applicationId),
    });
    if (over) throw new RefusedError(over.text);
    insertManualAward(db, { round_id: round.roundId, application_id: app.applicationId, amount_fen: amount, basis: basis.value, set_on: on, created_at: at, created_by: op.officer });
    setState(db, app.applicationId, to, at);
    appendEvent(db, {
      at,
      officer: op.officer,
      command: 'award set',
      roundId: round.roundId,
      appIds: [app.applicationId],
      details: { amount_fen: amount, basis: basis.value, set_on: on, article: cat.article, before: app.state, after: to },
    });
    return { applicationId: app.applicationId, amountFen: amount, basis: basis.value, on, state: to };
  });
}

/** Σ allocated (money-stages) to the category's other applications: what the budget left is counted against. */
function allocatedToOthers(db: Db, roundId: string, category: string, applicationId: string): bigint {
  let sum = 0n;
  for (const a of roundMoneyFacts(db, roundId, { category })) if (a.applicationId !== applicationId) sum += BigInt(applicationMoney(a.facts).allocated);
  return sum;
}
