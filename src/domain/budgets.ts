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
