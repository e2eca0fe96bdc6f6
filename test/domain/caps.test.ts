import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { capOf } from '../../src/domain/caps.js';
import { POLICY, policyWith, yuan } from './allocation-helpers.js';

const cap = (category: string, requested: number, investment: number, policy = POLICY) =>
  capOf({ category, requestedAmountFen: requested, totalInvestmentFen: investment }, policy);

describe('cap of one application (Art. 8, SPEC §8)', () => {
  it('benchmark: ≤ 50 % of investment, ≤ 1,000,000 per project', () => {
    expect(cap('benchmark-enterprise', yuan(300_000), yuan(1_000_000))).toMatchObject({ capFen: yuan(300_000), binding: 'requested', ratioFen: yuan(500_000) });
    expect(cap('benchmark-enterprise', yuan(800_000), yuan(1_000_000))).toMatchObject({ capFen: yuan(500_000), binding: 'ratio' });
    expect(cap('benchmark-platform', yuan(1_500_000), yuan(5_000_000))).toMatchObject({ capFen: yuan(1_000_000), binding: 'per-project-cap', article: '7(1), 8(1)' });
  });

  it('equal limits are named in the order requested, ratio, per-project cap (SPEC §14)', () => {
    expect(cap('benchmark-enterprise', yuan(500_000), yuan(1_000_000)).binding).toBe('requested');
    expect(cap('benchmark-enterprise', yuan(1_200_000), yuan(2_000_000)).binding).toBe('ratio');
    expect(cap('benchmark-enterprise', yuan(1_000_000), yuan(3_000_000)).binding).toBe('requested');
  });

  it('sme-cloud and cluster-pilot: 80 %, no per-project cap; talent-training: no ratio, 1,000,000', () => {
    expect(cap('sme-cloud', yuan(900_000), yuan(1_000_000))).toMatchObject({ capFen: yuan(800_000), binding: 'ratio', perProjectCapFen: null, perEnterpriseCapFen: yuan(600_000) });
    expect(cap('cluster-pilot', yuan(900_000), yuan(1_000_000))).toMatchObject({ capFen: yuan(800_000), binding: 'ratio', perEnterpriseCapFen: yuan(500_000) });
    expect(cap('talent-training', yuan(1_200_000), yuan(100))).toMatchObject({ capFen: yuan(1_000_000), binding: 'per-project-cap', ratioFen: null });
    expect(cap('other', yuan(123_456.78), yuan(1))).toMatchObject({ manual: true, capFen: yuan(123_456), binding: 'requested' });
  });

  it('rounds down to the unit, never up', () => {
    // 50 % of 1,000,001.01 = 500,000.505 → 500,000.50 fen-floor → 500,000 yuan
    expect(cap('benchmark-enterprise', yuan(900_000), yuan(1_000_001.01))).toMatchObject({ ratioFen: 50_000_050, beforeRoundingFen: 50_000_050, capFen: yuan(500_000) });
    expect(cap('sme-cloud', yuan(333_333.99), yuan(1_000_000)).capFen).toBe(yuan(333_333));
    // a unit of 1,000 yuan
    expect(cap('sme-cloud', yuan(333_333.99), yuan(1_000_000), policyWith({}, 100_000)).capFen).toBe(yuan(333_000));
  });

  it('property: cap ≤ every limit, a multiple of the unit, and within one unit of the least limit', () => {
    const cats = ['benchmark-enterprise', 'sme-cloud', 'cluster-pilot', 'talent-training'];
    fc.assert(
      fc.property(
        fc.constantFrom(...cats),
        fc.integer({ min: 0, max: 1e11 }),
        fc.integer({ min: 0, max: 1e11 }),
        fc.constantFrom(1, 100, 1000, 10_000),
        (category, requested, investment, unit) => {
          const p = policyWith({}, unit);
          const c = cap(category, requested, investment, p);
          const cat = p.categories.find((x) => x.key === category)!;
          const limits = [requested];
          if (cat.ratioPercent !== null) limits.push(Math.floor((investment * cat.ratioPercent) / 100));
          if (cat.perProjectCapFen !== null) limits.push(cat.perProjectCapFen);
          const least = Math.min(...limits);
          expect(c.capFen % unit).toBe(0);
          expect(c.capFen).toBeLessThanOrEqual(least);
          expect(least - c.capFen).toBeLessThan(unit);
        },
      ),
      { numRuns: 500 },
    );
  });
});
