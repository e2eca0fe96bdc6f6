// The sums of `status`: per state in the lifecycle's order, and the money
// through the stages, from each award as it stands.
import { describe, expect, it } from 'vitest';
import { countBy, roundMoney, type AwardMoney } from '../../src/domain/round-status.js';

const award = (state: string, award_fen: number, more: Partial<AwardMoney> = {}): AwardMoney => ({
  state,
  award_fen,
  filed_award_fen: null,
  paid_fen: 0,
  clawback_due_fen: 0,
  recovered_fen: 0,
  clawed_back_fen: 0,
  ...more,
});

describe('roundMoney', () => {
  it('counts and sums per state, in the order of the lifecycle, and adds up each stage', () => {
    const m = roundMoney([
      award('recovered', 0, { filed_award_fen: 300, paid_fen: 240, clawed_back_fen: 240, recovered_fen: 240 }),
      award('filed', 100, { filed_award_fen: 100 }),
      award('withdrawn', 0),
      award('filed', 150, { filed_award_fen: 150 }),
      award('clawback-due', 60, { filed_award_fen: 100, paid_fen: 100, clawed_back_fen: 40, clawback_due_fen: 30, recovered_fen: 10 }),
      award('scored', 0),
    ]);
    expect(Object.keys(m.states)).toEqual(['scored', 'filed', 'clawback-due', 'recovered', 'withdrawn']);
    expect(m.states.filed).toEqual({ count: 2, amount_fen: 250 });
    expect(m).toMatchObject({ awarded_fen: 310, filed_fen: 650, paid_fen: 340, clawed_back_fen: 280, clawback_due_fen: 30, recovered_fen: 250 });
  });

  it('is all zero for a round with no application', () => {
    expect(roundMoney([])).toEqual({ states: {}, awarded_fen: 0, filed_fen: 0, paid_fen: 0, clawed_back_fen: 0, clawback_due_fen: 0, recovered_fen: 0 });
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
