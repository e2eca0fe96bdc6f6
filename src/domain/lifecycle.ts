// The application lifecycle (SPEC §2): one table decides every transition, and
// the money rules after filing (Art. 13, 14, 16) as pure arithmetic.
import type { ApplicationState } from './application.js';
import { capInCategory } from './caps.js';
import { formatYuan } from './money.js';
import type { Category } from './policy.js';
import { ACTION_LABELS, STATE_LABELS, stateLabel } from './labels.js';
import { type Result, type Text, err, ok, text } from './text.js';


/** States in which an award has been filed (备案) and money may be or has been paid. */
export const FUNDED_STATES: readonly ApplicationState[] = ['filed', 'accepted', 'disbursed', 'clawback-due', 'recovered'];

export const ACTIONS = [
  'check',
  'decide',
  'score',
  'allocate',
  'award-set',
  'publicize',
  'withdraw',
  'finalize',
  'accept-pass',
  'accept-fail',
  'disburse',
  'spot-check-violation',
  'clawback',
  'recover',
] as const;
export type Action = (typeof ACTIONS)[number];

interface Rule {
  from: readonly ApplicationState[];
  to: readonly ApplicationState[];
  /** What an officer can do to reach a state the action starts from. */
  hint: Text;
  /** States the action has already been through (done once, not again): the hint for them instead. */
  done?: { states: readonly ApplicationState[]; hint: Text };
}

/** An acceptance, pass or fail, is recorded once: these states come only after it. */
const ACCEPTED: Rule['done'] = {
  states: ['accepted', 'disbursed', 'rejected-at-acceptance'],
  hint: text('该项目已验收（每个项目只验收一次）；验收结果见 `jmfund applications show APP`。', 'it was accepted already (a project is accepted once); `jmfund applications show APP` shows the result.'),
};

const PRE_ALLOCATION: readonly ApplicationState[] = ['eligible', 'scored', 'proposed', 'not-funded'];

// SPEC §2. Earlier steps (check, decide, score, allocate) are listed too so
// that one table holds the whole machine.
export const TRANSITIONS: Record<Action, Rule> = {
  check: {
    from: ['imported', 'eligible', 'ineligible', 'needs-review'],
    to: ['eligible', 'ineligible', 'needs-review'],
    hint: text('只能对尚未评分的申报运行 check。', 'check runs only on applications not yet scored.'),
  },
  decide: {
    from: ['needs-review', 'eligible', 'ineligible'],
    to: ['eligible', 'ineligible', 'needs-review'],
    hint: text('先运行 `jmfund check`。', 'run `jmfund check` first.'),
  },
  score: {
    from: ['eligible', 'scored'],
    to: ['scored'],
    hint: text('只有符合条件的申报可以评分；先运行 `jmfund check` / `jmfund decide`。', 'only eligible applications are scored; run `jmfund check` / `jmfund decide` first.'),
  },
  allocate: {
    from: PRE_ALLOCATION,
    to: ['proposed', 'not-funded'],
    hint: text('已公示或已备案的金额不随重新分配改变（SPEC §8 候补）。', 'awards on notice or filed are kept by a re-allocation (SPEC §8, reserve list).'),
  },
  // Art. 7(5): set by an officer, only before the award goes on notice.
  'award-set': {
    from: PRE_ALLOCATION,
    to: ['proposed', 'not-funded'],
    hint: text('先运行 `jmfund check`（第9条条件）；公示后金额不能再改。', 'run `jmfund check` first (Art. 9 conditions); once on notice the amount cannot change.'),
  },
  // Art. 11: 公示.
  publicize: {
    from: ['proposed'],
    to: ['in-notice'],
    hint: text('先运行 `jmfund allocate --round ID`（或对“其他事项”用 `jmfund award set`）。', 'run `jmfund allocate --round ID` first (or `jmfund award set` for category other).'),
  },
  // Art. 11: an upheld objection withdraws the award.
  withdraw: {
    from: ['in-notice'],
    to: ['withdrawn'],
    hint: text('只有公示中的拟支持金额可以因异议撤销。', 'only an award on notice can be withdrawn on an objection.'),
  },
  // Art. 10(3): 备案.
  finalize: {
    from: ['in-notice'],
    to: ['filed'],
    hint: text('先用 `jmfund publicize` 公示。', 'put the award on notice first with `jmfund publicize`.'),
  },
  // Art. 14: 验收.
  'accept-pass': {
    from: ['filed'],
    to: ['accepted'],
    hint: text('先用 `jmfund finalize` 备案；每个项目只验收一次。', 'file the round first with `jmfund finalize`; a project is accepted once.'),
    done: ACCEPTED,
  },
  'accept-fail': {
    from: ['filed'],
    to: ['rejected-at-acceptance', 'clawback-due'],
    hint: text('先用 `jmfund finalize` 备案；每个项目只验收一次。', 'file the round first with `jmfund finalize`; a project is accepted once.'),
    done: ACCEPTED,
  },
  // Art. 13: payments only against an accepted final award.
  disburse: {
    from: ['accepted', 'disbursed'],
    to: ['disbursed'],
    hint: text('先用 `jmfund accept APP --result pass` 验收通过；追缴中的项目不再拨付。', 'pass acceptance first with `jmfund accept APP --result pass`; nothing more is paid once a clawback is ordered.'),
  },
  // Art. 16: 抽查.
  'spot-check-violation': {
    from: FUNDED_STATES,
    to: ['clawback-due'],
    hint: text('抽查只针对已备案的项目。', 'spot checks cover filed awards only.'),
  },
  // Art. 10(4): 追缴已拨付的财政资金.
  clawback: {
    from: FUNDED_STATES,
    to: ['clawback-due'],
    hint: text('追缴只针对已备案并已拨付的项目。', 'a clawback applies to filed awards that were paid.'),
  },
  recover: {
    from: ['clawback-due'],
    to: ['clawback-due', 'recovered'],
    hint: text('先用 `jmfund clawback APP --amount A --reason ...` 确定追缴金额。', 'order the clawback first with `jmfund clawback APP --amount A --reason ...`.'),
  },
};

export function canTransition(from: string, action: Action, to?: ApplicationState): boolean {
  const rule = TRANSITIONS[action];
  return (rule.from as readonly string[]).includes(from) && (to === undefined || rule.to.includes(to));
}

/** The move, or the reason it is refused: names the current state and the states the action starts from. */
export function checkTransition(appId: string, from: string, action: Action, to?: ApplicationState): Result<ApplicationState | undefined> {
  if (canTransition(from, action, to)) return ok(to);
  const rule = TRANSITIONS[action];
  const cur = stateLabel(from);
  const act = ACTION_LABELS[action];
  const allowedZh = rule.from.map((s) => `${STATE_LABELS[s].zh}（${s}）`).join('、');
  const allowedEn = rule.from.join(', ');
  const hint = rule.done?.states.includes(from as ApplicationState) ? rule.done.hint : rule.hint;
  if (canTransition(from, action)) {
    // Only the target is wrong: a bug in the caller rather than an officer's mistake.
    return err(text(`${appId}：「${act.zh}」不能从 ${cur.zh}（${from}）转为 ${to}。`, `${appId}: ${act.en} cannot move it from ${from} to ${to}.`));
  }
  return err(
    text(
      `${appId} 当前状态为 ${cur.zh}（${from}），不能${act.zh}；只有状态为 ${allowedZh} 的申报可以。${hint.zh}`,
      `${appId} is ${from}; ${act.en} is allowed only from ${allowedEn}. ${hint.en}`,
    ),
  );
}

// Art. 7(5): the approving document of 市委、市政府, e.g. 江府办〔2022〕12号.
// NFKC turns full-width brackets into ASCII; 〔〕【】﹝﹞ are kept as written.
const DOC_NUMBER = /[〔【﹝[(]\s*(\d{4})\s*[〕】﹞\])]\s*第?\s*(\d+)\s*[号號]/u;

/** The document number an `other` award rests on: must cite a year in brackets and a number, e.g. 江府办〔2022〕12号. */
export function checkApprovalDocument(basis: string): Result<string> {
  const s = basis.normalize('NFKC').trim();
  if (DOC_NUMBER.test(s)) return ok(s);
  return err(
    text(
      `依据「${basis}」中没有批准文件的文号；文号应形如 江府办〔2022〕12号（年份在括号内，后跟序号和“号”）（第7条第（五）项）。`,
      `the basis "${basis}" does not cite the approving document's number; write it like 江府办〔2022〕12号 (the year in brackets, then the number and 号) (Art. 7(5)).`,
    ),
  );
}

export type AcceptanceResult = 'pass' | 'fail';

export interface AcceptanceInput {
  category: Category;
  unitFen: number;
  requestedFen: number;
  filedAwardFen: number;
  actualInvestmentFen: number;
  /** The result the officer records; a pass can still become a fail on the category's own conditions. */
  claimed: AcceptanceResult;
  trainingEvents: number | null;
  trainees: number | null;
}

export interface AcceptanceOutcome {
  result: AcceptanceResult;
  /** The cap recomputed on the actual (invoiced) investment; null for a manual category. */
  capFen: number | null;
  finalAwardFen: number;
  reason: 'passed' | 'lowered-to-cap' | 'failed' | 'training-short';
  text: Text;
}

/** Art. 14 and 8: on pass the final award is min(filed award, cap on the actual investment). */
export function acceptanceOutcome(a: AcceptanceInput): AcceptanceOutcome {
  if (a.claimed === 'fail') {
    return { result: 'fail', capFen: null, finalAwardFen: 0, reason: 'failed', text: text('验收不通过，补贴取消。', 'acceptance failed; the award is cancelled.') };
  }
  // Art. 8(4): talent training must reach its events and trainees.
  const minEvents = a.category.minTrainingEvents;
  const minTrainees = a.category.minTrainees;
  if (minEvents !== undefined || minTrainees !== undefined) {
    const ev = a.trainingEvents ?? 0;
    const tr = a.trainees ?? 0;
    if ((minEvents !== undefined && ev < minEvents) || (minTrainees !== undefined && tr < minTrainees)) {
      return {
        result: 'fail',
        capFen: null,
        finalAwardFen: 0,
        reason: 'training-short',
        text: text(
          `实际培训 ${ev} 场、${tr} 人，未达到 ${minEvents ?? 0} 场、${minTrainees ?? 0} 人（第${a.category.article}条），验收不通过。`,
          `actual training ${ev} events and ${tr} trainees falls short of ${minEvents ?? 0} events and ${minTrainees ?? 0} trainees (Art. ${a.category.article}); acceptance fails.`,
        ),
      };
    }
  }
  // Art. 7(5): a manual award rests on its approving document, not on a cap.
  if (a.category.allocation === 'manual') {
    return { result: 'pass', capFen: null, finalAwardFen: a.filedAwardFen, reason: 'passed', text: text('验收通过，按备案金额。', 'accepted at the filed award.') };
  }
  const cap = capInCategory({ category: a.category.key, requestedAmountFen: a.requestedFen, totalInvestmentFen: a.actualInvestmentFen }, a.category, a.unitFen);
  if (cap.capFen < a.filedAwardFen) {
    return {
      result: 'pass',
      capFen: cap.capFen,
      finalAwardFen: cap.capFen,
      reason: 'lowered-to-cap',
      text: text(
        `验收通过；按实际投入重算的上限 ${formatYuan(cap.capFen)} 元低于备案金额 ${formatYuan(a.filedAwardFen)} 元，最终补贴按上限（第${a.category.article}条）。`,
        `accepted; the cap on the actual investment, ${formatYuan(cap.capFen)}, is below the filed award ${formatYuan(a.filedAwardFen)}, so the final award is the cap (Art. ${a.category.article}).`,
      ),
    };
  }
  return { result: 'pass', capFen: cap.capFen, finalAwardFen: a.filedAwardFen, reason: 'passed', text: text('验收通过，按备案金额。', 'accepted at the filed award.') };
}

/** What was paid and what is owed back for one award (clawbacks are entries of their own, never edits of the award). */
export interface MoneyBalance {
  paidFen: number;
  /** Σ clawbacks ordered. */
  clawedBackFen: number;
  recoveredFen: number;
  /** Ordered and not yet recovered. */
  outstandingFen: number;
  /** Paid and not yet under a clawback order: the most a new clawback can be. */
  clawableFen: number;
}

const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);

export function moneyBalance(payments: readonly number[], clawbacks: readonly number[], recoveries: readonly number[]): MoneyBalance {
  const paidFen = sum(payments);
  const clawedBackFen = sum(clawbacks);
  const recoveredFen = sum(recoveries);
  return { paidFen, clawedBackFen, recoveredFen, outstandingFen: clawedBackFen - recoveredFen, clawableFen: paidFen - clawedBackFen };
}

const positive = (amountFen: number, what: Text): Result<number> =>
  Number.isSafeInteger(amountFen) && amountFen > 0 ? ok(amountFen) : err(text(`${what.zh}必须大于零。`, `${what.en} must be more than zero.`));

/** Art. 13 (专账专户): cumulative payments never exceed the final award. */
export function checkDisbursement(finalAwardFen: number, paidFen: number, amountFen: number): Result<number> {
  const p = positive(amountFen, text('拨付金额', 'the payment'));
  if (!p.ok) return p;
  if (paidFen + amountFen > finalAwardFen) {
    const left = Math.max(0, finalAwardFen - paidFen);
    return err(
      text(
        `拨付 ${formatYuan(amountFen)} 元后累计 ${formatYuan(paidFen + amountFen)} 元，超过最终补贴 ${formatYuan(finalAwardFen)} 元（已拨 ${formatYuan(paidFen)} 元，最多还可拨 ${formatYuan(left)} 元；第13条）。`,
        `paying ${formatYuan(amountFen)} would bring payments to ${formatYuan(paidFen + amountFen)}, above the final award ${formatYuan(finalAwardFen)} (paid ${formatYuan(paidFen)}, at most ${formatYuan(left)} more; Art. 13).`,
      ),
    );
  }
  return ok(amountFen);
}

/** Art. 10(4): a clawback is against money paid and not already under a clawback. */
export function checkClawback(b: MoneyBalance, amountFen: number): Result<number> {
  const p = positive(amountFen, text('追缴金额', 'the clawback'));
  if (!p.ok) return p;
  if (amountFen > b.clawableFen) {
    return err(
      text(
        `追缴 ${formatYuan(amountFen)} 元超过可追缴的 ${formatYuan(b.clawableFen)} 元（已拨付 ${formatYuan(b.paidFen)} 元，已确定追缴 ${formatYuan(b.clawedBackFen)} 元）。`,
        `a clawback of ${formatYuan(amountFen)} is more than the ${formatYuan(b.clawableFen)} that can be clawed back (paid ${formatYuan(b.paidFen)}, already ordered back ${formatYuan(b.clawedBackFen)}).`,
      ),
    );
  }
  return ok(amountFen);
}

/** A recovery never exceeds what is due. */
export function checkRecovery(b: MoneyBalance, amountFen: number): Result<number> {
  const p = positive(amountFen, text('追回金额', 'the recovery'));
  if (!p.ok) return p;
  if (amountFen > b.outstandingFen) {
    return err(
      text(
        `追回 ${formatYuan(amountFen)} 元超过尚欠的 ${formatYuan(b.outstandingFen)} 元（应追缴 ${formatYuan(b.clawedBackFen)} 元，已追回 ${formatYuan(b.recoveredFen)} 元）。`,
        `a recovery of ${formatYuan(amountFen)} is more than the ${formatYuan(b.outstandingFen)} still due (ordered ${formatYuan(b.clawedBackFen)}, recovered ${formatYuan(b.recoveredFen)}).`,
      ),
    );
  }
  return ok(amountFen);
}

/** Art. 7(5): only a category the policy leaves to an officer (allocation: manual) takes an award set by hand. */
export function checkManualCategory(applicationId: string, category: Category): Result<Category> {
  if (category.allocation === 'manual') return ok(category);
  return err(
    text(
      `${applicationId} 属于 ${category.key}，其金额由竞争性分配确定（第8条），不能手工设定。`,
      `${applicationId} is in ${category.key}, whose awards come from competitive allocation (Art. 8), not from \`award set\`.`,
    ),
  );
}

/** An award is a whole multiple of the policy's unit. */
export function checkAwardUnit(amountFen: number, unitFen: number): Result<number> {
  if (amountFen % unitFen === 0) return ok(amountFen);
  return err(text(`金额须为 ${formatYuan(unitFen)} 元的整数倍。`, `the amount must be a multiple of ${formatYuan(unitFen)} (the policy's unit).`));
}

/** A manual award above zero is proposed; zero removes it. */
export const manualAwardState = (amountFen: number): ApplicationState => (amountFen > 0 ? 'proposed' : 'not-funded');

/** Art. 8(4): a pass of a category with training conditions is judged on the actual events and trainees, so both must be given. */
export function checkTrainingCounts(category: Category, claimed: AcceptanceResult, events: number | null, trainees: number | null): Result<void> {
  const conditions = category.minTrainingEvents !== undefined || category.minTrainees !== undefined;
  if (claimed === 'fail' || !conditions || (events !== null && trainees !== null)) return ok(undefined);
  return err(
    text(`${category.key} 验收须给出实际的 --events 和 --trainees（第${category.article}条）。`, `acceptance of ${category.key} needs the actual --events and --trainees (Art. ${category.article}).`),
  );
}

export interface Settlement {
  /** The application's state afterwards. */
  to: ApplicationState;
  /** The clawback ordered with it (0: none). */
  clawbackFen: number;
}

/** Art. 14, 10(4): a failed acceptance cancels the award, and what was already paid becomes a clawback due. */
export function acceptanceSettlement(result: AcceptanceResult, b: MoneyBalance): Settlement {
  if (result === 'pass') return { to: 'accepted', clawbackFen: 0 };
  const clawbackFen = b.clawableFen;
  return { to: clawbackFen > 0 ? 'clawback-due' : 'rejected-at-acceptance', clawbackFen };
}

/**
 * Art. 16, 10(4): a violation found by a spot check stops further payment and
 * orders back what was paid. An award already under clawback with nothing
 * more to order back keeps its state; an `ok` finding changes nothing.
 */
export function findingSettlement(finding: 'ok' | 'violation', state: ApplicationState, b: MoneyBalance): Settlement {
  if (finding === 'ok') return { to: state, clawbackFen: 0 };
  const clawbackFen = b.clawableFen;
  const stays = clawbackFen === 0 && (state === 'clawback-due' || state === 'recovered');
  return { to: stays ? state : 'clawback-due', clawbackFen };
}

/** After a recovery: what is still due, and recovered once nothing is. */
export function recoverySettlement(b: MoneyBalance, amountFen: number): { dueFen: number; to: ApplicationState } {
  const dueFen = b.outstandingFen - amountFen;
  return { dueFen, to: dueFen === 0 ? 'recovered' : 'clawback-due' };
}
