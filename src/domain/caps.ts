// The cap of one application (SPEC §8): how much it can be awarded at most,
// before budgets, pools and enterprise caps are looked at.
import { floorToUnit, mulRatioFloor } from './money.js';
import { categoryOf, type Category, type Policy } from './policy.js';

/** Limits that can set a cap, in the order SPEC §14 breaks equal limits. */
export const CAP_LIMITS = ['requested', 'ratio', 'per-project-cap'] as const;
export type CapLimit = (typeof CAP_LIMITS)[number];

export interface CapInput {
  category: string;
  requestedAmountFen: number;
  totalInvestmentFen: number;
}

export interface Cap {
  category: string;
  /** The category is awarded by an officer (`award set`), not by allocate (Art. 7(5)). */
  manual: boolean;
  requestedFen: number;
  totalInvestmentFen: number;
  ratioPercent: number | null;
  /** ⌊ratio × total investment⌋ in fen; null when the category has no ratio. */
  ratioFen: number | null;
  perProjectCapFen: number | null;
  /** Per enterprise, category and round; applied by allocate, not part of the cap. */
  perEnterpriseCapFen: number | null;
  unitFen: number;
  /** min(requested, ratio, per-project cap) before rounding down to the unit. */
  beforeRoundingFen: number;
  capFen: number;
  binding: CapLimit;
  article: string;
}

export function capOf(app: CapInput, policy: Policy): Cap {
  return capInCategory(app, categoryOf(policy, app.category), policy.unitFen);
}

// Art. 8: cap = ⌊min(requested, ratio × total investment, per-project cap)⌋unit;
// equal limits are named in the order requested, ratio, per-project cap.
export function capInCategory(app: CapInput, cat: Category, unitFen: number): Cap {
  const ratioFen = cat.ratioPercent === null ? null : mulRatioFloor(app.totalInvestmentFen, cat.ratioPercent, 100);
  let min = app.requestedAmountFen;
  let binding: CapLimit = 'requested';
  if (ratioFen !== null && ratioFen < min) {
    min = ratioFen;
    binding = 'ratio';
  }
  if (cat.perProjectCapFen !== null && cat.perProjectCapFen < min) {
    min = cat.perProjectCapFen;
    binding = 'per-project-cap';
  }
  return {
    category: cat.key,
    manual: cat.allocation === 'manual',
    requestedFen: app.requestedAmountFen,
    totalInvestmentFen: app.totalInvestmentFen,
    ratioPercent: cat.ratioPercent,
    ratioFen,
    perProjectCapFen: cat.perProjectCapFen,
    perEnterpriseCapFen: cat.perEnterpriseCapFen,
    unitFen,
    beforeRoundingFen: min,
    capFen: floorToUnit(min, unitFen),
    binding,
    article: cat.article,
  };
}

/** The cap arithmetic as printed by `caps --json`. */
export function capDetailJson(c: Cap) {
  return {
    requested_fen: c.requestedFen,
    total_investment_fen: c.totalInvestmentFen,
    ratio_percent: c.ratioPercent,
    ratio_fen: c.ratioFen,
    per_project_cap_fen: c.perProjectCapFen,
    per_enterprise_cap_fen: c.perEnterpriseCapFen,
    unit_fen: c.unitFen,
    cap_fen: c.capFen,
    binding: c.binding,
    article: c.article,
  };
}
