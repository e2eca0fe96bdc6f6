// The summary a person reads of an allocation (sums, reserve list, cluster
// pools) and the diff of two versions, from plan columns or plain lines.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { plan, type AllocationReason, type BindingLimit } from '../../src/domain/allocation.js';
import { diffVersions, groupByCategory, planGroups, planLineOf, summarize, type LineOf } from '../../src/domain/allocation-summary.js';
import { cand, inOrder, POLICY, yuan } from './allocation-helpers.js';

const CHAIN = POLICY.allocation.tieBreak;

/** A stored-like line, read through LineOf. */
interface Row {
  id: string;
  category: string;
  cluster?: string | null;
  rank: number | null;
  award: number;
  reason: AllocationReason;
}
const ROW: LineOf<Row> = {
  id: (l) => l.id,
  category: (l) => l.category,
  cluster: (l) => l.cluster ?? null,
  rank: (l) => l.rank,
  score: () => null,
  cap: (l) => l.award,
  entitled: (l) => l.award,
  award: (l) => l.award,
  reason: (l) => l.reason,
  binding: (): BindingLimit | null => null,
  enterprise: (l) => `企业${l.id}`,
};

describe('summarize', () => {
  it('sums, counts and lists the reserve per competitive category, in policy order, with the budget or null', () => {
    const p = plan(
      inOrder([
        { id: 'S1', requested: 600_000 },
        { id: 'S2', requested: 500_000 },
        { id: 'S3', requested: 400_000 },
        { id: 'S4', requested: 100_000 },
        { id: 'S5', eligibility: 'ineligible' },
        { id: 'T1', category: 'talent-training', requested: 200_000 },
        { id: 'O1', category: 'other' },
      ]),
      POLICY,
      { budgets: { 'sme-cloud': yuan(1_000_000) }, method: 'ranked', shortfall: 'skip', tieBreak: CHAIN },
    );
    const s = summarize(POLICY, p.budgets, planGroups(POLICY, p), planLineOf(p));
    // talent-training takes its yearly default budget (Art. 8(4)); `other` is not competitive.
    expect(s.categories.map((c) => c.category)).toEqual(['benchmark-enterprise', 'benchmark-platform', 'sme-cloud', 'cluster-pilot', 'talent-training']);
    expect(s.categories.find((c) => c.category === 'sme-cloud')).toEqual({ category: 'sme-cloud', budgetFen: yuan(1_000_000), awardedFen: yuan(1_000_000), funded: 2 });
    expect(s.categories.find((c) => c.category === 'benchmark-enterprise')).toEqual({ category: 'benchmark-enterprise', budgetFen: null, awardedFen: 0, funded: 0 });
    // S1 + S3 fill the budget; S2 and S4 wait in rank order; the ineligible S5 takes no part and waits on no list.
    expect(s.reserve['sme-cloud']).toEqual(['S2', 'S4']);
    expect(s.reserve).not.toHaveProperty('other');
    expect(s.clusters).toEqual([]);
  });

  it('sums each cluster pool in the policy order of clusters, unnamed clusters last', () => {
    const rows: Row[] = [
      { id: 'A', category: 'cluster-pilot', cluster: 'zz-unknown', rank: 1, award: 5, reason: 'funded' },
      { id: 'B', category: 'cluster-pilot', cluster: 'motorcycle', rank: 2, award: 7, reason: 'funded' },
      { id: 'C', category: 'cluster-pilot', cluster: 'stainless-steel', rank: 3, award: 0, reason: 'did-not-fit' },
      { id: 'D', category: 'cluster-pilot', cluster: 'motorcycle', rank: 4, award: 3, reason: 'funded-in-part' },
      { id: 'E', category: 'cluster-pilot', cluster: 'home-appliance', rank: null, award: 0, reason: 'ineligible' },
    ];
    const s = summarize(POLICY, { 'cluster-pilot': 100 }, groupByCategory(POLICY, rows, ROW), ROW);
    const pool = POLICY.categories.find((c) => c.key === 'cluster-pilot')!.perClusterCapFen!;
    expect(s.clusters).toEqual([
      { cluster: 'stainless-steel', poolFen: pool, awardedFen: 0 },
      { cluster: 'motorcycle', poolFen: pool, awardedFen: 10 },
      { cluster: 'zz-unknown', poolFen: pool, awardedFen: 5 },
    ]);
    expect(s.categories.find((c) => c.category === 'cluster-pilot')).toEqual({ category: 'cluster-pilot', budgetFen: 100, awardedFen: 15, funded: 3 });
    expect(s.reserve['cluster-pilot']).toEqual(['C']);
  });

  it('agrees with the plan’s own totals, reserve lists and pools on random rounds', () => {
    const cats = ['sme-cloud', 'cluster-pilot', 'benchmark-enterprise', 'talent-training'];
    const arb = fc.array(
      fc.record({
        category: fc.constantFrom(...cats),
        cluster: fc.constantFrom('stainless-steel', 'motorcycle', 'home-appliance'),
        requested: fc.integer({ min: 0, max: 3_000_000 }),
        score: fc.integer({ min: 55, max: 70 }),
        eligible: fc.boolean(),
      }),
      { maxLength: 30 },
    );
    const budgets = fc.dictionary(fc.constantFrom(...cats), fc.integer({ min: 0, max: 1_000_000_000 }));
    fc.assert(
      fc.property(arb, budgets, fc.constantFrom('ranked' as const, 'pro-rata' as const), (apps, b, method) => {
        const cands = apps.map((a, i) =>
          cand({ id: `A${i}`, category: a.category, cluster: a.category === 'cluster-pilot' ? a.cluster : null, requested: a.requested, score: a.score, eligibility: a.eligible ? 'eligible' : 'ineligible' }),
        );
        const p = plan(cands, POLICY, { budgets: b, method, shortfall: 'partial', tieBreak: CHAIN });
        const s = summarize(POLICY, p.budgets, planGroups(POLICY, p), planLineOf(p));
        expect(s.categories).toEqual(p.categories.map((c) => ({ category: c.category, budgetFen: c.budgetFen, awardedFen: c.awardedFen, funded: c.funded })));
        expect(s.reserve).toEqual(p.reserve);
        const pools = (xs: { cluster: string; awardedFen: number }[]) => Object.fromEntries(xs.map((c) => [c.cluster, c.awardedFen]));
        expect(pools(s.clusters)).toEqual(pools(p.clusters));
      }),
      { numRuns: 300 },
    );
  });
});

describe('groupByCategory', () => {
  it('keeps the policy categories first (empty ones too), then others in the order met, each in the order given', () => {
    const rows: Row[] = [
      { id: 'X', category: 'not-in-policy', rank: null, award: 0, reason: 'ineligible' },
      { id: 'B', category: 'sme-cloud', rank: 2, award: 0, reason: 'did-not-fit' },
      { id: 'A', category: 'sme-cloud', rank: 1, award: 1, reason: 'funded' },
    ];
    const g = groupByCategory(POLICY, rows, ROW);
    expect([...g.keys()]).toEqual([...POLICY.categories.map((c) => c.key), 'not-in-policy']);
    expect(g.get('sme-cloud')!.map((r) => r.id)).toEqual(['B', 'A']);
    expect(g.get('other')).toEqual([]);
  });
});

describe('diffVersions', () => {
  const version = (rows: Row[]) => {
    const groups = groupByCategory(POLICY, rows, ROW);
    return { summary: summarize(POLICY, { 'sme-cloud': 100 }, groups, ROW), groups };
  };

  it('names the lines whose rank, award or reason changed, then the lines that left; sums per category of the later version', () => {
    const v1 = version([
      { id: 'A', category: 'sme-cloud', rank: 1, award: 60, reason: 'funded' },
      { id: 'B', category: 'sme-cloud', rank: 2, award: 0, reason: 'did-not-fit' },
      { id: 'C', category: 'sme-cloud', rank: 3, award: 40, reason: 'funded' },
      { id: 'D', category: 'sme-cloud', rank: 4, award: 0, reason: 'no-budget-left' },
    ]);
    const v2 = version([
      { id: 'A', category: 'sme-cloud', rank: 1, award: 60, reason: 'funded' },
      { id: 'C', category: 'sme-cloud', rank: 2, award: 40, reason: 'funded' },
      { id: 'E', category: 'sme-cloud', rank: 3, award: 0, reason: 'did-not-fit' },
      { id: 'B', category: 'sme-cloud', rank: null, award: 0, reason: 'withdrawn' },
    ]);
    const d = diffVersions(v1, v2, ROW);
    expect(d.changes).toEqual([
      { applicationId: 'C', category: 'sme-cloud', enterpriseName: '企业C', from: { rank: 3, awardFen: 40, reason: 'funded' }, to: { rank: 2, awardFen: 40, reason: 'funded' } },
      { applicationId: 'E', category: 'sme-cloud', enterpriseName: '企业E', from: null, to: { rank: 3, awardFen: 0, reason: 'did-not-fit' } },
      { applicationId: 'B', category: 'sme-cloud', enterpriseName: '企业B', from: { rank: 2, awardFen: 0, reason: 'did-not-fit' }, to: { rank: null, awardFen: 0, reason: 'withdrawn' } },
      { applicationId: 'D', category: 'sme-cloud', enterpriseName: '企业D', from: { rank: 4, awardFen: 0, reason: 'no-budget-left' }, to: null },
    ]);
    expect(d.categories.find((c) => c.category === 'sme-cloud')).toEqual({ category: 'sme-cloud', fromAwardedFen: 100, toAwardedFen: 100, fromFunded: 2, toFunded: 2 });
  });

  it('is empty between a version and itself', () => {
    const v = version([{ id: 'A', category: 'sme-cloud', rank: 1, award: 60, reason: 'funded' }]);
    expect(diffVersions(v, v, ROW).changes).toEqual([]);
  });
});
