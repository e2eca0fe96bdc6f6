// Budgets that look like a slip of the unit (issue 17): below 10,000 yuan or
// below what one project of the category may receive, named as written.
import { describe, expect, it } from 'vitest';
import { budgetDoubtText, doubtfulBudgets } from '../../src/domain/budgets.js';
import { formatYuan } from '../../src/domain/money.js';
import { loadPolicy } from '../../src/io/policies.js';

const { policy } = loadPolicy('jiangmen-2021');

describe('doubtful budgets', () => {
  it('names 307 meant as 307万, and a budget below one project’s award', () => {
    const d = doubtfulBudgets(policy, ['sme-cloud=307', '方向一=50万', 'cluster-pilot=600万', 'benchmark-platform=0']);
    expect(d).toEqual([
      { category: 'sme-cloud', written: '307', amountFen: 30_700, floorFen: 1_000_000, meant: '307万' },
      { category: 'benchmark-enterprise', written: '50万', amountFen: 50_000_000, floorFen: 100_000_000, meant: null },
    ]);
    expect(budgetDoubtText(d[0], formatYuan).en).toBe('the budget of sme-cloud was written "307", which is 307.00 yuan, below 10,000.00; did you mean 307万?');
    expect(budgetDoubtText(d[1], formatYuan).zh).toBe('类别 benchmark-enterprise 的预算写作「50万」，即 500,000.00 元，低于该类别单个项目最多可获的 1,000,000.00 元；请核对金额。');
  });

  it('keeps ¥ and 元 out of the suggestion, and leaves sound budgets alone', () => {
    expect(doubtfulBudgets(policy, ['sme-cloud=¥3,070元']).map((x) => x.meant)).toEqual(['3,070万']);
    expect(doubtfulBudgets(policy, ['sme-cloud=150万', 'talent-training=1000000', 'benchmark-enterprise=1,000,000'])).toEqual([]);
  });
});
