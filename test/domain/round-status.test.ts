// The sums of `status`: per state in the lifecycle's order (each award as it
// stands), and the money through the stages per category and round, from
// the one function of domain/money-stages.
import { describe, expect, it } from 'vitest';
import { MoneyTally, moneyJson, type MoneyFacts } from '../../src/domain/money-stages.js';
import { countBy, tallyRound } from '../../src/domain/round-status.js';
import { loadPolicy } from '../../src/io/policies.js';

const POLICY = loadPolicy().policy;

const app = (category: string, f: Partial<MoneyFacts>) => ({
  category,
  facts: { state: 'proposed', proposedFen: 0, filedFen: null, acceptance: null, paidFen: 0, clawbackFen: 0, recoveredFen: 0, ...f },
});

describe('tallyRound', () => {
  it('counts and sums each award as it stands per state, in the order of the lifecycle, and adds up each stage per category and round', () => {
    const tally = new MoneyTally(POLICY, (k) => (k === 'sme-cloud' ? 1_000 : null));
    const { states, categories } = tallyRound(
      [
        app('sme-cloud', { state: 'recovered', proposedFen: 300, filedFen: 300, acceptance: { result: 'pass', finalAwardFen: 240 }, paidFen: 240, clawbackFen: 240, recoveredFen: 240 }),
        app('sme-cloud', { state: 'filed', proposedFen: 100, filedFen: 100 }),
        app('sme-cloud', { state: 'withdrawn', proposedFen: 500 }),
        app('talent-training', { state: 'filed', proposedFen: 150, filedFen: 150 }),
        app('talent-training', { state: 'clawback-due', proposedFen: 100, filedFen: 100, acceptance: { result: 'fail', finalAwardFen: 0 }, paidFen: 100, clawbackFen: 40, recoveredFen: 10 }),
        app('sme-cloud', { state: 'scored' }),
      ],
      tally,
    );
    expect(Object.keys(states)).toEqual(['scored', 'filed', 'clawback-due', 'recovered', 'withdrawn']);
    expect(states.filed).toEqual({ count: 2, amount_fen: 250n });
    expect(states.recovered).toEqual({ count: 1, amount_fen: 240n });
    expect(states['clawback-due']).toEqual({ count: 1, amount_fen: 0n });
    expect(states.withdrawn).toEqual({ count: 1, amount_fen: 0n });
    expect([...categories]).toEqual(['sme-cloud', 'talent-training']);
    expect(moneyJson(tally.category('sme-cloud'))).toEqual({
      budget_fen: 1_000,
      allocated_fen: 400,
      filed_fen: 400,
      final_fen: 340,
      paid_fen: 240,
      clawback_due_fen: 240,
      recovered_fen: 240,
      outstanding_fen: 0,
      net_paid_fen: 0,
    });
    expect(moneyJson(tally.round())).toEqual({
      budget_fen: 1_000,
      allocated_fen: 650,
      filed_fen: 650,
      final_fen: 490,
      paid_fen: 340,
      clawback_due_fen: 280,
      recovered_fen: 250,
      outstanding_fen: 30,
      net_paid_fen: 90,
    });
  });

  it('is all zero for a round with no application, the budget aside', () => {
    const tally = new MoneyTally(POLICY, () => null);
    expect(tallyRound([], tally).states).toEqual({});
    expect(moneyJson(tally.round())).toEqual({ budget_fen: null, allocated_fen: 0, filed_fen: 0, final_fen: 0, paid_fen: 0, clawback_due_fen: 0, recovered_fen: 0, outstanding_fen: 0, net_paid_fen: 0 });
  });

  it('keeps sums past 2^53 fen exact, as bigint', () => {
    const tally = new MoneyTally(POLICY, () => 100_000_000_000_000);
    const big = 100_000_000_000_000;
    const apps = Array.from({ length: 200 }, () => app('other', { state: 'filed', proposedFen: big, filedFen: big }));
    const { states } = tallyRound(apps, tally);
    expect(states.filed.amount_fen).toBe(20_000_000_000_000_000n);
    const j = moneyJson(tally.round());
    expect(j.allocated_fen).toBe(20_000_000_000_000_000n);
    // Six budgets at the limit still fit a safe integer: a plain number.
    expect(j.budget_fen).toBe(big * POLICY.categories.length);
  });
});

describe('countBy', () => {
  it('counts by key in first-seen order', () => {
    expect(Object.entries(countBy(['open', 'upheld', 'open'], (s) => s))).toEqual([
      ['open', 2],
      ['upheld', 1],
    ]);
  });
});
