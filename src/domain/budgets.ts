// Category budgets as the officer writes them (CATEGORY=AMOUNT), into fen by the policy.
import { UserError } from './errors.js';
import { parseMoney } from './money.js';
import { findCategory, type Policy } from './policy.js';
import { text } from './text.js';

/** CATEGORY=AMOUNT, category by key or Chinese name, amount in any money form of §4. */
export function parseBudgets(policy: Policy, specs: readonly string[]): Record<string, number> {
  const budgets: Record<string, number> = {};
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    if (eq <= 0) {
      throw new UserError(text(`--budget ${spec}：应写成 类别=金额，例如 sme-cloud=3000000 或 中小企业上云上平台=300万`, `--budget ${spec}: expected CATEGORY=AMOUNT, e.g. sme-cloud=3000000 or sme-cloud=300万`), 2);
    }
    const name = spec.slice(0, eq).trim();
    const cat = findCategory(policy, name);
    if (!cat) {
      const keys = policy.categories.map((c) => c.key).join(', ');
      throw new UserError(text(`--budget ${spec}：未知类别「${name}」。可用：${keys}`, `--budget ${spec}: unknown category "${name}". Known: ${keys}`), 2);
    }
    const amount = parseMoney(spec.slice(eq + 1).normalize('NFKC').trim());
    if (!amount.ok) throw new UserError(text(`--budget ${spec}：${amount.error.zh}`, `--budget ${spec}: ${amount.error.en}`), 2);
    if (cat.key in budgets) throw new UserError(text(`--budget：类别 ${cat.key} 给了两次`, `--budget: category ${cat.key} given twice`), 2);
    budgets[cat.key] = amount.value;
  }
  return budgets;
}

/** A new round's budgets: the ones given, and a category's yearly amount from the policy where none is given. */
export function roundBudgets(policy: Policy, specs: readonly string[]): Record<string, number> {
  const budgets = parseBudgets(policy, specs);
  for (const c of policy.categories) {
    // Art. 8(4): talent training has a yearly amount of its own.
    if (c.defaultBudgetFen !== undefined && !(c.key in budgets)) budgets[c.key] = c.defaultBudgetFen;
  }
  return budgets;
}

/** Below this a category budget is surely a slip of the unit (e.g. 307 meant as 307万). */
export const BUDGET_FLOOR_FEN = 1_000_000; // 10,000.00 yuan

/** A budget that looks wrong, with the amount as the officer wrote it. */
export interface BudgetDoubt {
  category: string;
  written: string;
  amountFen: number;
  /** The amount it is below: 10,000 yuan, or the most one project of the category may get. */
  floorFen: number;
  /** "307万" for "307": the same number in 万, when it was not already written in 万. */
  meant: string | null;
}

/** The most a single application of the category can receive (its per-project, else per-enterprise cap), if capped. */
function largestSingleAward(policy: Policy, key: string): number | null {
  const c = policy.categories.find((x) => x.key === key);
  return c?.perProjectCapFen ?? c?.perEnterpriseCapFen ?? null;
}

/**
 * Budgets (of competitive categories) below 10,000 yuan or below what one
 * project of the category may receive: they fund almost nothing, and are
 * usually an amount meant in 万 written in yuan. A budget of 0 is a decision, not a slip.
 */
export function doubtfulBudgets(policy: Policy, specs: readonly string[]): BudgetDoubt[] {
  const parsed = parseBudgets(policy, specs);
  const doubts: BudgetDoubt[] = [];
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    const cat = findCategory(policy, spec.slice(0, eq).trim())!;
    if (cat.allocation !== 'competitive') continue;
    const amount = parsed[cat.key];
    if (amount === 0) continue;
    const single = largestSingleAward(policy, cat.key);
    if (amount >= Math.max(BUDGET_FLOOR_FEN, single ?? 0)) continue;
    // Named by the plainer of the two limits it is below.
    const floor = amount < BUDGET_FLOOR_FEN ? BUDGET_FLOOR_FEN : (single as number);
    const written = spec.slice(eq + 1).normalize('NFKC').trim();
    const number = written.replace(/^¥\s*/, '').replace(/元$/, '');
    const meant = /万/.test(written) ? null : `${number}万`;
    doubts.push({ category: cat.key, written, amountFen: amount, floorFen: floor, meant });
  }
  return doubts;
}

/** The warning for one doubtful budget, naming the amount as written. */
export function budgetDoubtText(d: BudgetDoubt, format: (fen: number) => string): { zh: string; en: string } {
  const why =
    d.floorFen !== BUDGET_FLOOR_FEN
      ? text(`低于该类别单个项目最多可获的 ${format(d.floorFen)} 元`, `below the ${format(d.floorFen)} one project of the category may receive`)
      : text(`低于 ${format(BUDGET_FLOOR_FEN)} 元`, `below ${format(BUDGET_FLOOR_FEN)}`);
  const meant = d.meant ? text(`是否想写 ${d.meant}？`, `did you mean ${d.meant}?`) : text('请核对金额。', 'please check the amount.');
  return text(
    `类别 ${d.category} 的预算写作「${d.written}」，即 ${format(d.amountFen)} 元，${why.zh}；${meant.zh}`,
    `the budget of ${d.category} was written "${d.written}", which is ${format(d.amountFen)} yuan, ${why.en}; ${meant.en}`,
  );
}
