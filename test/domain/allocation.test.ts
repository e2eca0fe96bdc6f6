// Hand-worked allocations (Art. 8, SPEC §8 and §14). Amounts in yuan unless named *Fen.
import { describe, expect, it } from 'vitest';
import {
  checkInvariants,
  compareCodePoints,
  compareExact,
  plan,
  type AllocationPlan,
  type Candidate,
  type KeptAward,
  type PlanOptions,
} from '../../src/domain/allocation.js';
import type { Policy } from '../../src/domain/policy.js';
import { cand, inOrder, POLICY, policyWith, yuan } from './allocation-helpers.js';

const CHAIN = POLICY.allocation.tieBreak;

function run(cands: Candidate[], budgets: Record<string, number>, o: Partial<PlanOptions> = {}, policy: Policy = POLICY): AllocationPlan {
  const budgetsFen = Object.fromEntries(Object.entries(budgets).map(([k, v]) => [k, yuan(v)]));
  const p = plan(cands, policy, { budgets: budgetsFen, method: 'ranked', shortfall: 'skip', tieBreak: CHAIN, ...o });
  expect(checkInvariants(p, policy)).toEqual([]);
  return p;
}

/** id → [award in yuan, reason, binding] */
const table = (p: AllocationPlan) => Object.fromEntries(p.lines.map((l) => [l.app.applicationId, [l.awardFen / 100, l.reason, l.binding]]));

describe('binding limits (SPEC §14)', () => {
  it('requested, ratio, per-project cap when the budget is ample', () => {
    const p = run(
      inOrder([
        { id: 'A', category: 'benchmark-enterprise', requested: 300_000, investment: 1_000_000 },
        { id: 'B', category: 'benchmark-enterprise', requested: 800_000, investment: 1_000_000 },
        { id: 'C', category: 'benchmark-enterprise', requested: 1_500_000, investment: 5_000_000 },
        { id: 'D', category: 'benchmark-enterprise', requested: 500_000, investment: 1_000_000 },
      ]),
      { 'benchmark-enterprise': 10_000_000 },
    );
    expect(table(p)).toEqual({
      A: [300_000, 'funded', 'requested'],
      B: [500_000, 'funded', 'ratio'],
      C: [1_000_000, 'funded', 'per-project-cap'],
      D: [500_000, 'funded', 'requested'], // requested = ratio: the first in order
    });
    expect(p.categories.find((c) => c.category === 'benchmark-enterprise')).toMatchObject({ budgetFen: yuan(10_000_000), awardedFen: yuan(2_300_000), funded: 4 });
  });

  it('enterprise cap: one enterprise with two projects in sme-cloud (Art. 8(2): 600,000 per enterprise)', () => {
    const p = run(
      inOrder([
        { id: 'X1', uscc: 'X', requested: 400_000, investment: 1_000_000 },
        { id: 'Y1', uscc: 'Y', requested: 100_000 },
        { id: 'X2', uscc: 'X', requested: 300_000, investment: 1_000_000 },
        { id: 'X3', uscc: 'X', requested: 50_000 },
      ]),
      { 'sme-cloud': 5_000_000 },
    );
    expect(table(p)).toMatchObject({
      X1: [400_000, 'funded', 'requested'],
      Y1: [100_000, 'funded', 'requested'],
      X2: [200_000, 'funded', 'enterprise-cap'],
      X3: [0, 'enterprise-cap-used-up', 'enterprise-cap'],
    });
    const x2 = p.lines.find((l) => l.app.applicationId === 'X2')!;
    expect([x2.capFen, x2.entitledFen]).toEqual([yuan(300_000), yuan(200_000)]);
    expect(p.reserve['sme-cloud']).toEqual([]); // enterprise cap used up is not the reserve
  });

  it('enterprise cap equal to the cap names the cap (requested comes first)', () => {
    const p = run(
      inOrder([
        { id: 'X1', uscc: 'X', requested: 400_000 },
        { id: 'X2', uscc: 'X', requested: 200_000 },
      ]),
      { 'sme-cloud': 5_000_000 },
    );
    expect(table(p).X2).toEqual([200_000, 'funded', 'requested']);
  });

  it('category budget and cluster pool under partial', () => {
    const small = policyWith({ 'cluster-pilot': { perClusterCapFen: yuan(700_000) } });
    const p = run(
      inOrder([
        { id: 'S1', category: 'cluster-pilot', cluster: 'stainless-steel', requested: 500_000 },
        { id: 'S2', category: 'cluster-pilot', cluster: 'stainless-steel', requested: 400_000 }, // pool 200,000 left
        { id: 'P1', category: 'cluster-pilot', cluster: 'plumbing-sanitary', requested: 500_000 },
        { id: 'P2', category: 'cluster-pilot', cluster: 'plumbing-sanitary', requested: 300_000 }, // budget 100,000 left
      ]),
      { 'cluster-pilot': 1_300_000 },
      { shortfall: 'partial' },
      small,
    );
    expect(table(p)).toEqual({
      S1: [500_000, 'funded', 'requested'],
      S2: [200_000, 'funded-in-part', 'cluster-pool'],
      P1: [500_000, 'funded', 'requested'],
      P2: [100_000, 'funded-in-part', 'category-budget'],
    });
    expect(p.clusters).toEqual([
      { category: 'cluster-pilot', cluster: 'stainless-steel', poolFen: yuan(700_000), awardedFen: yuan(700_000) },
      { category: 'cluster-pilot', cluster: 'plumbing-sanitary', poolFen: yuan(700_000), awardedFen: yuan(600_000) },
    ]);
  });

  it('pro-rata names pro-rata', () => {
    const p = run(inOrder([{ id: 'A', requested: 400_000 }, { id: 'B', requested: 400_000 }]), { 'sme-cloud': 400_000 }, { method: 'pro-rata' });
    expect(table(p)).toEqual({ A: [200_000, 'funded-pro-rata', 'pro-rata'], B: [200_000, 'funded-pro-rata', 'pro-rata'] });
  });
});

describe('shortfall rules (SPEC §8, §14)', () => {
  // sme-cloud budget 1,000,000; entitled in rank order 600k, 500k, 300k, 100k.
  const apps = () =>
    inOrder([
      { id: 'A', requested: 600_000 },
      { id: 'B', requested: 500_000 },
      { id: 'C', requested: 300_000 },
      { id: 'D', requested: 100_000 },
    ]);

  it('skip: a later, cheaper application may still fit', () => {
    const p = run(apps(), { 'sme-cloud': 1_000_000 }, { shortfall: 'skip' });
    expect(table(p)).toEqual({
      A: [600_000, 'funded', 'requested'],
      B: [0, 'did-not-fit', 'category-budget'],
      C: [300_000, 'funded', 'requested'],
      D: [100_000, 'funded', 'requested'],
    });
    expect(p.reserve['sme-cloud']).toEqual(['B']);
  });

  it('partial: the one that does not fit gets what is left, later ones no-budget-left', () => {
    const p = run(apps(), { 'sme-cloud': 1_000_000 }, { shortfall: 'partial' });
    expect(table(p)).toEqual({
      A: [600_000, 'funded', 'requested'],
      B: [400_000, 'funded-in-part', 'category-budget'],
      C: [0, 'no-budget-left', 'category-budget'],
      D: [0, 'no-budget-left', 'category-budget'],
    });
    expect(p.reserve['sme-cloud']).toEqual(['C', 'D']);
  });

  it('partial rounds the part down to the unit; less than a unit left means did-not-fit', () => {
    const p = run(inOrder([{ id: 'A', requested: 600_000 }, { id: 'B', requested: 500_000 }, { id: 'C', requested: 1 }]), { 'sme-cloud': 1_000_000.99 }, { shortfall: 'partial' });
    expect(table(p).B).toEqual([400_000, 'funded-in-part', 'category-budget']);
    expect(table(p).C).toEqual([0, 'no-budget-left', 'category-budget']);
    const q = run(inOrder([{ id: 'A', requested: 600_000 }, { id: 'B', requested: 500_000 }]), { 'sme-cloud': 600_000.5 }, { shortfall: 'partial' });
    expect(table(q).B).toEqual([0, 'did-not-fit', 'category-budget']);
  });

  it('stop: the one that does not fit gets did-not-fit, later ones no-budget-left', () => {
    const p = run(apps(), { 'sme-cloud': 1_000_000 }, { shortfall: 'stop' });
    expect(table(p)).toEqual({
      A: [600_000, 'funded', 'requested'],
      B: [0, 'did-not-fit', 'category-budget'],
      C: [0, 'no-budget-left', 'category-budget'],
      D: [0, 'no-budget-left', 'category-budget'],
    });
    expect(p.reserve['sme-cloud']).toEqual(['B', 'C', 'D']);
  });

  it('a closed cluster pool stops only that cluster', () => {
    const small = policyWith({ 'cluster-pilot': { perClusterCapFen: yuan(500_000) } });
    const p = run(
      inOrder([
        { id: 'S1', category: 'cluster-pilot', cluster: 'stainless-steel', requested: 400_000 },
        { id: 'S2', category: 'cluster-pilot', cluster: 'stainless-steel', requested: 200_000 },
        { id: 'P1', category: 'cluster-pilot', cluster: 'plumbing-sanitary', requested: 300_000 },
        { id: 'S3', category: 'cluster-pilot', cluster: 'stainless-steel', requested: 50_000 },
      ]),
      { 'cluster-pilot': 5_000_000 },
      { shortfall: 'stop' },
      small,
    );
    expect(table(p)).toEqual({
      S1: [400_000, 'funded', 'requested'],
      S2: [0, 'did-not-fit', 'cluster-pool'],
      P1: [300_000, 'funded', 'requested'],
      S3: [0, 'no-budget-left', 'cluster-pool'],
    });
  });
});

describe('cluster pools across two clusters (Art. 8(3): 5,000,000 per cluster)', () => {
  it('the real policy: the 11th stainless-steel enterprise does not fit its pool, plumbing still funds', () => {
    const ss = Array.from({ length: 11 }, (_, i) => ({ id: `S${String(i + 1).padStart(2, '0')}`, category: 'cluster-pilot', cluster: 'stainless-steel', requested: 600_000 }));
    const pl = [{ id: 'P1', category: 'cluster-pilot', cluster: 'plumbing-sanitary', requested: 450_000 }];
    const p = run(inOrder([...ss, ...pl]), { 'cluster-pilot': 20_000_000 });
    const t = table(p);
    for (let i = 1; i <= 10; i++) expect(t[`S${String(i).padStart(2, '0')}`]).toEqual([500_000, 'funded', 'enterprise-cap']);
    expect(t.S11).toEqual([0, 'did-not-fit', 'cluster-pool']);
    expect(t.P1).toEqual([450_000, 'funded', 'requested']);
    expect(p.clusters.map((c) => [c.cluster, c.awardedFen / 100])).toEqual([
      ['stainless-steel', 5_000_000],
      ['plumbing-sanitary', 450_000],
    ]);
  });
});

describe('pro-rata (同比例核减)', () => {
  it('rounds each award down to the unit', () => {
    const p = run(inOrder([{ id: 'A', requested: 400 }, { id: 'B', requested: 400 }, { id: 'C', requested: 400 }]), { 'sme-cloud': 1_000 }, { method: 'pro-rata' });
    expect(Object.values(table(p)).map((r) => r[0])).toEqual([333, 333, 333]);
    expect(p.categories.find((c) => c.category === 'sme-cloud')!.awardedFen).toBe(yuan(999));
  });

  it('no scaling when the budget suffices', () => {
    const p = run(inOrder([{ id: 'A', requested: 400 }, { id: 'B', requested: 500 }]), { 'sme-cloud': 1_000 }, { method: 'pro-rata' });
    expect(table(p)).toEqual({ A: [400, 'funded', 'requested'], B: [500, 'funded', 'requested'] });
  });

  it('pools are scaled first, then the budget, rounding once at the end', () => {
    // stainless: 800 + 400 = 1,200 > pool 1,000 → × 5/6; plumbing 600 fits its pool.
    // Σ' = 1,000 + 600 = 1,600 > budget 1,200 → × 3/4.
    // Rounded once: 800·5/6·3/4 = 500, 400·5/6·3/4 = 250, 600·3/4 = 450.
    // (Rounding after the pool step would give 666→499 and 333→249.)
    const small = policyWith({ 'cluster-pilot': { perClusterCapFen: yuan(1_000) } });
    const p = run(
      inOrder([
        { id: 'S1', category: 'cluster-pilot', cluster: 'stainless-steel', requested: 800 },
        { id: 'S2', category: 'cluster-pilot', cluster: 'stainless-steel', requested: 400 },
        { id: 'P1', category: 'cluster-pilot', cluster: 'plumbing-sanitary', requested: 600 },
      ]),
      { 'cluster-pilot': 1_200 },
      { method: 'pro-rata' },
      small,
    );
    expect(table(p)).toEqual({
      S1: [500, 'funded-pro-rata', 'pro-rata'],
      S2: [250, 'funded-pro-rata', 'pro-rata'],
      P1: [450, 'funded-pro-rata', 'pro-rata'],
    });
  });

  it('a pool scaled while the budget is ample', () => {
    const small = policyWith({ 'cluster-pilot': { perClusterCapFen: yuan(1_000) } });
    const p = run(
      inOrder([
        { id: 'S1', category: 'cluster-pilot', cluster: 'stainless-steel', requested: 800 },
        { id: 'S2', category: 'cluster-pilot', cluster: 'stainless-steel', requested: 400 },
        { id: 'P1', category: 'cluster-pilot', cluster: 'plumbing-sanitary', requested: 600 },
      ]),
      { 'cluster-pilot': 100_000 },
      { method: 'pro-rata' },
      small,
    );
    expect(table(p)).toEqual({
      S1: [666, 'funded-pro-rata', 'pro-rata'],
      S2: [333, 'funded-pro-rata', 'pro-rata'],
      P1: [600, 'funded', 'requested'],
    });
  });

  it('enterprise caps apply to the entitlements first', () => {
    const p = run(
      inOrder([
        { id: 'X1', uscc: 'X', requested: 500_000 },
        { id: 'X2', uscc: 'X', requested: 500_000 },
        { id: 'X3', uscc: 'X', requested: 500_000 },
      ]),
      { 'sme-cloud': 300_000 },
      { method: 'pro-rata' },
    );
    // entitled 500k, 100k (enterprise cap), 0 → Σ 600k scaled × 1/2
    expect(table(p)).toEqual({
      X1: [250_000, 'funded-pro-rata', 'pro-rata'],
      X2: [50_000, 'funded-pro-rata', 'pro-rata'],
      X3: [0, 'enterprise-cap-used-up', 'enterprise-cap'],
    });
  });
});

describe('who takes part, rank order', () => {
  it('reasons for those who do not take part, in the order of SPEC §14', () => {
    const p = run(
      [
        cand({ id: 'I', eligibility: 'ineligible', score: null }),
        cand({ id: 'N', eligibility: null }),
        cand({ id: 'R', eligibility: 'needs-review', score: null }),
        cand({ id: 'Q', score: null }),
        cand({ id: 'Q2', score: null, status: 'insufficient-reviews' }),
        cand({ id: 'T', score: 55, status: 'below-threshold' }),
        cand({ id: 'O', category: 'other' }),
        cand({ id: 'OI', category: 'other', eligibility: 'ineligible' }),
        cand({ id: 'OK' }),
      ],
      { 'sme-cloud': 1_000_000 },
    );
    expect(Object.fromEntries(p.lines.map((l) => [l.app.applicationId, [l.reason, l.rank]]))).toEqual({
      I: ['ineligible', null],
      N: ['needs-review', null],
      R: ['needs-review', null],
      Q: ['insufficient-reviews', null],
      Q2: ['insufficient-reviews', null],
      T: ['below-threshold', null],
      O: ['not-allocated', null],
      OI: ['ineligible', null],
      OK: ['funded', 1],
    });
  });

  it('default chain: score desc (exact), then earlier submitted_on, then application_id in code-point order', () => {
    const p = run(
      [
        cand({ id: 'b', score: [170, 2] }), // 85
        cand({ id: 'a', score: [255, 3] }), // 85
        cand({ id: 'c', score: [257, 3], submittedOn: '2022-03-20' }), // 85.67
        cand({ id: 'd', score: 85, submittedOn: '2022-03-01' }),
        cand({ id: '\u{20000}', score: 85 }),
        cand({ id: '\uff21', score: 85 }),
      ],
      { 'sme-cloud': 10_000_000 },
    );
    expect(p.lines.map((l) => l.app.applicationId)).toEqual(['c', 'd', 'a', 'b', '\uff21', '\u{20000}']);
    expect(p.lines.map((l) => l.rank)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('another chain: requested ascending first', () => {
    const p = run(
      [cand({ id: 'A', score: 90, requested: 300 }), cand({ id: 'B', score: 70, requested: 100 }), cand({ id: 'C', score: 80, requested: 100 })],
      { 'sme-cloud': 10_000 },
      { tieBreak: ['requested-asc', 'score-desc'] },
    );
    expect(p.lines.map((l) => l.app.applicationId)).toEqual(['C', 'B', 'A']);
    expect(p.tieBreak).toEqual(['requested-asc', 'score-desc', 'application-id-asc']);
  });

  it('a category with participants and no budget funds nothing and is reported', () => {
    const p = run([cand({ id: 'A', category: 'benchmark-platform' })], { 'sme-cloud': 1_000 });
    expect(table(p).A).toEqual([0, 'no-budget', 'category-budget']);
    expect(p.unbudgeted).toEqual(['benchmark-platform']);
    expect(p.categories.find((c) => c.category === 'benchmark-platform')!.budgetFen).toBeNull();
  });

  it("talent-training's budget defaults to the policy's yearly 1,000,000 (Art. 8(4))", () => {
    const p = run([cand({ id: 'T', category: 'talent-training', requested: 1_200_000 })], {});
    expect(table(p).T).toEqual([1_000_000, 'funded', 'per-project-cap']);
    expect(p.budgets['talent-training']).toBe(yuan(1_000_000));
  });
});

describe('ties across the funding line (SPEC §8, §14)', () => {
  it('equal exact scores, one funded and one not for lack of money', () => {
    const p = run(
      [
        cand({ id: 'A', score: 90, requested: 600_000 }),
        cand({ id: 'B', score: 80, requested: 500_000, submittedOn: '2022-03-01' }),
        cand({ id: 'C', score: [160, 2], requested: 400_000, submittedOn: '2022-03-02' }),
        cand({ id: 'D', score: 70, requested: 500_000 }),
      ],
      { 'sme-cloud': 1_000_000 },
    );
    expect(table(p)).toMatchObject({ B: [0, 'did-not-fit', 'category-budget'], C: [400_000, 'funded', 'requested'] });
    expect(p.ties).toEqual([['B', 'C']]);
  });

  it('equal scores on the same side are no tie; nor is a 80.00 display over unequal exact values', () => {
    const p = run(
      [cand({ id: 'A', score: 80, requested: 100 }), cand({ id: 'B', score: 80, requested: 100 }), cand({ id: 'C', score: [24001, 300], requested: 900_000 }), cand({ id: 'D', score: [800_033, 10_000], requested: 900_000 })],
      { 'sme-cloud': 1_000 },
    );
    expect(p.lines.find((l) => l.app.applicationId === 'C')!.app.scoreDisplay).toBe('80.00');
    expect(p.ties).toEqual([]);
  });

  it('found also when the chain does not start with the score', () => {
    const p = run(
      [cand({ id: 'A', score: 80, requested: 600 }), cand({ id: 'B', score: 80, requested: 500 }), cand({ id: 'C', score: 90, requested: 700 })],
      { 'sme-cloud': 1_000 },
      { tieBreak: ['requested-asc'] },
    );
    // order B (500), A (600), C (700): B funded, A did not fit, C did not fit
    expect(p.ties).toEqual([['B', 'A']]);
  });
});

describe('kept and excluded awards (re-allocation after a withdrawal)', () => {
  it('keeps awards on notice and offers only the freed money to the reserve, in rank order', () => {
    const apps = inOrder([
      { id: 'A', requested: 600_000 },
      { id: 'B', requested: 300_000 },
      { id: 'C', requested: 500_000 },
      { id: 'D', requested: 100_000 },
      { id: 'E', requested: 200_000 },
    ]);
    const first = run(apps, { 'sme-cloud': 1_000_000 });
    expect(Object.fromEntries(first.lines.map((l) => [l.app.applicationId, l.awardFen / 100]))).toEqual({ A: 600_000, B: 300_000, C: 0, D: 100_000, E: 0 });
    expect(first.reserve['sme-cloud']).toEqual(['C', 'E']);
    // B's award is withdrawn; A and D are on notice and kept.
    const kept = new Map<string, KeptAward>([
      ['A', { awardFen: yuan(600_000), reason: 'funded', binding: 'requested' }],
      ['D', { awardFen: yuan(100_000), reason: 'funded', binding: 'requested' }],
    ]);
    const second = run(apps, { 'sme-cloud': 1_000_000 }, { kept, excluded: new Set(['B']) });
    expect(table(second)).toEqual({
      A: [600_000, 'funded', 'requested'],
      D: [100_000, 'funded', 'requested'],
      C: [0, 'did-not-fit', 'category-budget'], // 500k > the 300k freed
      E: [200_000, 'funded', 'requested'],
      B: [0, 'withdrawn', null],
    });
    expect(second.lines.filter((l) => l.kept).map((l) => l.app.applicationId)).toEqual(['A', 'D']);
  });

  it('kept awards that exceed a lowered budget are a conflict, not a silent cut', () => {
    const kept = new Map<string, KeptAward>([['A', { awardFen: yuan(600_000), reason: 'funded', binding: 'requested' }]]);
    const p = plan(inOrder([{ id: 'A', requested: 600_000 }]), POLICY, { budgets: { 'sme-cloud': yuan(500_000) }, method: 'ranked', shortfall: 'skip', tieBreak: CHAIN, kept });
    expect(p.conflicts).toHaveLength(1);
  });
});

describe('helpers', () => {
  it('compareExact cross-multiplies', () => {
    expect(compareExact({ num: 1n, den: 3n }, { num: 333333n, den: 1000000n })).toBe(1);
    expect(compareExact({ num: 2n, den: 6n }, { num: 1n, den: 3n })).toBe(0);
  });
  it('compareCodePoints puts astral characters after every BMP character', () => {
    expect(compareCodePoints('\u{1F600}', '\uFFFF')).toBeGreaterThan(0);
    expect('\u{1F600}' < '\uFFFF').toBe(true); // what plain JS would do
    expect(compareCodePoints('a', 'ab')).toBeLessThan(0);
  });
  it('checkInvariants catches a broken plan', () => {
    const p = run(inOrder([{ id: 'A', requested: 600 }]), { 'sme-cloud': 1_000 });
    p.awardFen[p.order[0]] = yuan(1_000.5);
    const problems = checkInvariants(p, POLICY);
    expect(problems.join('\n')).toMatch(/multiple of the unit/);
    expect(problems.join('\n')).toMatch(/exceeds its cap/);
    expect(problems.join('\n')).toMatch(/exceed the budget/);
  });
});
