// allocate --what-if's comparison: other budgets against the stored version.
import { describe, expect, it } from 'vitest';
import { plan, type PlanOptions } from '../../src/domain/allocation.js';
import { UserError } from '../../src/domain/errors.js';
import { compareWithStored, parseBudgetSteps, type StoredAwards } from '../../src/domain/what-if.js';
import { inOrder, POLICY, yuan } from './allocation-helpers.js';

// Five sme-cloud applications of 100,000 yuan each (caps 100,000), scores 99 … 95.
const apps = inOrder(['S1', 'S2', 'S3', 'S4', 'S5'].map((id, i) => ({ id, uscc: `E${i}` })));
const opts = (budgetYuan: number, shortfall: PlanOptions['shortfall'] = 'skip'): PlanOptions => ({
  budgets: { 'sme-cloud': yuan(budgetYuan) },
  method: 'ranked',
  shortfall,
  tieBreak: [...POLICY.allocation.tieBreak],
});

function storedOf(budgetYuan: number): StoredAwards {
  const p = plan(apps, POLICY, opts(budgetYuan));
  const lines = new Map<string, { category: string; awardFen: number }>();
  for (let i = 0; i < p.apps.length; i++) lines.set(p.apps.applicationId[i], { category: p.apps.categoryAt(i), awardFen: p.awardFen[i] });
  return { version: 1, budgets: p.budgets, lines };
}

describe('compareWithStored', () => {
  const stored = storedOf(300_000);

  it('names who comes in with more money, and the money left', () => {
    const w = compareWithStored(POLICY, plan(apps, POLICY, opts(450_000)), stored);
    expect(w.comesIn.map((c) => c.applicationId)).toEqual(['S4']);
    expect(w.dropsOut).toEqual([]);
    const sme = w.categories.find((c) => c.category === 'sme-cloud')!;
    expect(sme).toMatchObject({ budgetFen: yuan(450_000), awardedFen: yuan(400_000), leftFen: yuan(50_000), funded: 4, storedBudgetFen: yuan(300_000), storedAwardedFen: yuan(300_000), storedFunded: 3 });
  });

  it('names who drops out with less, and whose award changes under partial', () => {
    const less = compareWithStored(POLICY, plan(apps, POLICY, opts(150_000)), stored);
    expect(less.dropsOut.map((c) => [c.applicationId, c.storedAwardFen, c.awardFen])).toEqual([
      ['S2', yuan(100_000), 0],
      ['S3', yuan(100_000), 0],
    ]);
    const partial = compareWithStored(POLICY, plan(apps, POLICY, opts(250_000, 'partial')), stored);
    expect(partial.awardChanges.map((c) => [c.applicationId, c.awardFen])).toEqual([['S3', yuan(50_000)]]);
    expect(partial.dropsOut).toEqual([]);
  });

  it('finds nothing to say at the stored budget', () => {
    const same = compareWithStored(POLICY, plan(apps, POLICY, opts(300_000)), stored);
    expect([same.comesIn, same.dropsOut, same.awardChanges]).toEqual([[], [], []]);
  });
});

describe('parseBudgetSteps', () => {
  it('reads CATEGORY=FROM:TO:STEP in any money form', () => {
    expect(parseBudgetSteps(POLICY, 'sme-cloud=100万:130万:10万')).toEqual({ category: 'sme-cloud', amountsFen: [1, 1.1, 1.2, 1.3].map((x) => yuan(x * 1_000_000)) });
    expect(parseBudgetSteps(POLICY, '中小企业上云上平台=1,000,000:1,250,000:100,000').amountsFen).toEqual([1_000_000, 1_100_000, 1_200_000].map(yuan));
    expect(parseBudgetSteps(POLICY, 'sme-cloud=5:5:1').amountsFen).toEqual([yuan(5)]);
  });

  it('refuses what it cannot read (exit 2)', () => {
    for (const bad of ['sme-cloud=1:2', 'nope=1:2:1', 'other=1:2:1', 'sme-cloud=2:1:1', 'sme-cloud=1:2:0', 'sme-cloud=0:1000:1', 'sme-cloud=a:b:c', 'sme-cloud']) {
      expect(() => parseBudgetSteps(POLICY, bad), bad).toThrow(UserError);
    }
  });
});
