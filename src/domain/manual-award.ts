// Art. 7(5): an award set by an officer (`award set`, category other) keeps
// within the same limits as any award: only for an eligible application
// (Art. 9), never above what it asked for, and never above what is left of
// its category's budget when the category has one (Art. 8).
import { ELIGIBILITY_STATUS_LABELS, labelOf } from './labels.js';
import { formatYuan } from './money.js';
import { type Text, text } from './text.js';

export type ManualAwardLimit = 'eligibility' | 'requested' | 'category-budget';

export interface ManualAwardInput {
  appId: string;
  amountFen: number;
  requestedFen: number;
  /** The application's eligibility status (eligible, ineligible, needs-review), null before `check`. */
  eligibility: string | null;
  category: { key: string; zh: string; en: string };
  /** The category's budget (money-stages categoryBudget), null when it has none. */
  budgetFen: number | null;
  /** Σ allocated to the category's other applications (money-stages `allocated`). */
  othersAllocatedFen: bigint;
}

export interface ManualAwardRefusal {
  limit: ManualAwardLimit;
  text: Text;
}

/** Null when the award may be set, else the limit it breaks. An amount of 0 (removing the award) is always within them. */
export function checkManualAward(i: ManualAwardInput): ManualAwardRefusal | null {
  if (i.amountFen <= 0) return null;
  const y = formatYuan;
  if (i.eligibility !== 'eligible') {
    const status = i.eligibility === null ? text('尚未审核', 'not checked') : labelOf(ELIGIBILITY_STATUS_LABELS, i.eligibility);
    return {
      limit: 'eligibility',
      text: text(
        `${i.appId} 的资格审查结论为「${status.zh}」，不符合条件的申报不能设定补助（第9条）。`,
        `${i.appId} is not eligible (eligibility: ${status.en}); an award is set only for an eligible application (Art. 9).`,
      ),
    };
  }
  if (i.amountFen > i.requestedFen) {
    return {
      limit: 'requested',
      text: text(
        `补助 ${y(i.amountFen)} 元超过 ${i.appId} 的申请金额 ${y(i.requestedFen)} 元；补助不能高于申请金额。`,
        `the award ${y(i.amountFen)} yuan is above ${i.appId}'s requested amount of ${y(i.requestedFen)} yuan; an award is at most what was requested.`,
      ),
    };
  }
  if (i.budgetFen !== null) {
    const budget = BigInt(i.budgetFen);
    const left = budget > i.othersAllocatedFen ? budget - i.othersAllocatedFen : 0n;
    if (BigInt(i.amountFen) > left) {
      return {
        limit: 'category-budget',
        text: text(
          `补助 ${y(i.amountFen)} 元超过类别「${i.category.zh}」的预算结余 ${y(left)} 元（预算 ${y(budget)} 元，其他申报已拟安排 ${y(i.othersAllocatedFen)} 元；第8条）。`,
          `the award ${y(i.amountFen)} yuan is above what is left of the ${i.category.en} budget, ${y(left)} yuan (budget ${y(budget)} yuan, ${y(i.othersAllocatedFen)} yuan allocated to other applications; Art. 8).`,
        ),
      };
    }
  }
  return null;
}
