// allocate --what-if: the plan under other budgets, against the stored version
// (Art. 8, 11; decision support, nothing is written). Who comes in, who drops
// out, whose award changes, and the money left per category.
import type { AllocationPlan } from './allocation.js';
import { UserError } from './errors.js';
import { parseMoney } from './money.js';
import { findCategory, type Policy } from './policy.js';
import { text } from './text.js';

/** More steps than this are a mistake in FROM:TO:STEP rather than a question. */
export const MAX_BUDGET_STEPS = 200;

export interface BudgetSteps {
  category: string;
  amountsFen: number[];
}

/** CATEGORY=FROM:TO:STEP (amounts in any money form of SPEC §4): FROM, FROM + STEP, … up to TO. */
export function parseBudgetSteps(policy: Policy, spec: string): BudgetSteps {
  const bad = (zh: string, en: string) => new UserError(text(`--budget-steps ${spec}：${zh}`, `--budget-steps ${spec}: ${en}`), 2);
  const eq = spec.indexOf('=');
  const parts = eq > 0 ? spec.slice(eq + 1).split(/[:：]/) : [];
  if (parts.length !== 3) throw bad('应写成 类别=起:止:步长，例如 sme-cloud=100万:200万:10万', 'expected CATEGORY=FROM:TO:STEP, e.g. sme-cloud=1000000:2000000:100000');
  const name = spec.slice(0, eq).trim();
  const cat = findCategory(policy, name);
  if (!cat) throw bad(`未知类别「${name}」。可用：${policy.categories.map((c) => c.key).join('、')}`, `unknown category "${name}". Known: ${policy.categories.map((c) => c.key).join(', ')}`);
  if (cat.allocation !== 'competitive') throw bad(`类别 ${cat.key} 不参与竞争性分配。`, `category ${cat.key} is not allocated competitively.`);
  const [from, to, step] = parts.map((p) => {
    const m = parseMoney(p.normalize('NFKC').trim());
    if (!m.ok) throw bad(m.error.zh, m.error.en);
    return m.value;
  });
  if (step <= 0) throw bad('步长应大于 0。', 'the step must be more than 0.');
  if (to < from) throw bad('止应不小于起。', 'TO must not be less than FROM.');
  const n = Math.floor((to - from) / step) + 1;
  if (n > MAX_BUDGET_STEPS) throw bad(`共 ${n} 步，最多 ${MAX_BUDGET_STEPS} 步。`, `that is ${n} steps; at most ${MAX_BUDGET_STEPS}.`);
  return { category: cat.key, amountsFen: Array.from({ length: n }, (_, i) => from + i * step) };
}

/** What the stored version awarded: the comparison's other side. */
export interface StoredAwards {
  version: number;
  budgets: Readonly<Record<string, number>>;
  /** Every line of the version with an award or a rank: its category and award. */
  lines: ReadonlyMap<string, { category: string; awardFen: number }>;
}

export interface WhatIfCategory {
  category: string;
  budgetFen: number | null;
  awardedFen: number;
  /** budget − awarded; null without a budget. */
  leftFen: number | null;
  funded: number;
  storedBudgetFen: number | null;
  storedAwardedFen: number;
  storedFunded: number;
}

export interface WhatIfChange {
  applicationId: string;
  category: string;
  storedAwardFen: number;
  awardFen: number;
}

export interface WhatIfScenario {
  /** The budgets of this plan, per competitive category. */
  budgets: Record<string, number>;
  categories: WhatIfCategory[];
  /** Funded here, not in the stored version; in rank order per category. */
  comesIn: WhatIfChange[];
  /** Funded in the stored version, not here. */
  dropsOut: WhatIfChange[];
  /** Funded in both, with another amount. */
  awardChanges: WhatIfChange[];
}

/** The plan against the stored version, category by category in policy order. */
export function compareWithStored(policy: Policy, p: AllocationPlan, stored: StoredAwards): WhatIfScenario {
  const { apps } = p;
  const comesIn: WhatIfChange[] = [];
  const dropsOut: WhatIfChange[] = [];
  const awardChanges: WhatIfChange[] = [];
  const categories: WhatIfCategory[] = [];
  const seen = new Set<string>();
  policy.categories.forEach((cat, k) => {
    if (cat.allocation !== 'competitive') return;
    let awarded = 0;
    let funded = 0;
    for (let at = p.categoryStart[k]; at < p.categoryStart[k + 1]; at++) {
      const i = p.order[at];
      const id = apps.applicationId[i];
      seen.add(id);
      const award = p.awardFen[i];
      const before = stored.lines.get(id)?.awardFen ?? 0;
      awarded += award;
      if (award > 0) funded++;
      const change = { applicationId: id, category: cat.key, storedAwardFen: before, awardFen: award };
      if (award > 0 && before === 0) comesIn.push(change);
      else if (award === 0 && before > 0) dropsOut.push(change);
      else if (award !== before) awardChanges.push(change);
    }
    let storedAwarded = 0;
    let storedFunded = 0;
    for (const l of stored.lines.values()) {
      if (l.category !== cat.key) continue;
      storedAwarded += l.awardFen;
      if (l.awardFen > 0) storedFunded++;
    }
    const budget = p.budgets[cat.key] ?? null;
    categories.push({
      category: cat.key,
      budgetFen: budget,
      awardedFen: awarded,
      leftFen: budget === null ? null : budget - awarded,
      funded,
      storedBudgetFen: stored.budgets[cat.key] ?? null,
      storedAwardedFen: storedAwarded,
      storedFunded,
    });
  });
  // An award of the stored version whose application the plan no longer has at all.
  for (const [id, l] of stored.lines) {
    if (!seen.has(id) && l.awardFen > 0) dropsOut.push({ applicationId: id, category: l.category, storedAwardFen: l.awardFen, awardFen: 0 });
  }
  return { budgets: { ...p.budgets }, categories, comesIn, dropsOut, awardChanges };
}
