// CATEGORY=AMOUNT into fen by the policy, and the options of an allocation run.
import { describe, expect, it } from 'vitest';
import { allocationRunOptions, parseTieBreak } from '../../src/domain/allocation-options.js';
import { parseBudgets, roundBudgets } from '../../src/domain/budgets.js';
import { UserError } from '../../src/domain/errors.js';
import { POLICY } from './allocation-helpers.js';

const usage = (f: () => unknown, words: string) => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    expect((e as UserError).exitCode).toBe(2);
    expect((e as UserError).text.en).toContain(words);
    return;
  }
  throw new Error('expected a usage error');
};

describe('parseBudgets', () => {
  it('takes a category by key, Chinese name or alias and an amount in any money form, in fen', () => {
    expect(parseBudgets(POLICY, ['sme-cloud=3000000', '标杆示范方向二=300万', ' cluster-pilot = ¥1,234.5 '])).toEqual({
      'sme-cloud': 300_000_000,
      'benchmark-platform': 300_000_000,
      'cluster-pilot': 123_450,
    });
    expect(parseBudgets(POLICY, [])).toEqual({});
  });

  it('refuses a spec without =, an unknown category, a bad amount and a category given twice (exit 2)', () => {
    usage(() => parseBudgets(POLICY, ['3000000']), 'expected CATEGORY=AMOUNT');
    usage(() => parseBudgets(POLICY, ['=5']), 'expected CATEGORY=AMOUNT');
    usage(() => parseBudgets(POLICY, ['nope=5']), 'unknown category "nope"');
    usage(() => parseBudgets(POLICY, ['sme-cloud=abc']), '--budget sme-cloud=abc');
    usage(() => parseBudgets(POLICY, ['sme-cloud=1', '上云上平台=2']), 'category sme-cloud given twice');
  });
});

describe('roundBudgets', () => {
  it('adds a category’s yearly default (Art. 8(4)) only where no budget is given', () => {
    const talent = POLICY.categories.find((c) => c.key === 'talent-training')!.defaultBudgetFen!;
    expect(roundBudgets(POLICY, ['sme-cloud=1'])).toEqual({ 'sme-cloud': 100, 'talent-training': talent });
    expect(roundBudgets(POLICY, ['talent-training=0'])).toEqual({ 'talent-training': 0 });
  });
});

describe('allocation run options', () => {
  it('defaults to the policy', () => {
    expect(allocationRunOptions(POLICY, {})).toEqual({
      method: POLICY.allocation.method,
      shortfall: POLICY.allocation.shortfall,
      tieBreak: POLICY.allocation.tieBreak,
      refuseTies: false,
    });
  });

  it('takes a method, a shortfall rule and a chain, or refuse', () => {
    expect(allocationRunOptions(POLICY, { method: 'pro-rata', shortfall: 'stop', tieBreak: 'submitted-on-asc, score-desc' })).toEqual({
      method: 'pro-rata',
      shortfall: 'stop',
      tieBreak: ['submitted-on-asc', 'score-desc'],
      refuseTies: false,
    });
    expect(parseTieBreak(' refuse ', POLICY)).toEqual({ chain: POLICY.allocation.tieBreak, refuse: true });
  });

  it('refuses unknown values and a key given twice (exit 2)', () => {
    usage(() => allocationRunOptions(POLICY, { method: 'lottery' }), '--method lottery: expected one of ranked, pro-rata');
    usage(() => allocationRunOptions(POLICY, { shortfall: 'x' }), '--shortfall x');
    usage(() => parseTieBreak('score-desc,luck', POLICY), 'unknown key "luck"');
    usage(() => parseTieBreak('score-desc,score-desc', POLICY), '"score-desc" given twice');
  });
});
