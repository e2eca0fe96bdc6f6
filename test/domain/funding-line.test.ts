// jmfund line's analysis, checked against rounds generated from a known model.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CandidateColumns, plan } from '../../src/domain/allocation.js';
import { columnsData, columnsFrom, fundingLine, marginalBudgets, rankInterval, RankTails, tailRead } from '../../src/domain/funding-line.js';
import { FastRandom, gibbs, scoreData } from '../../src/domain/leniency-model.js';
import { CAP_FEN, CATEGORY, simulate } from './funding-line-sim.js';

describe('random numbers', () => {
  it('are fixed by the seed and differ between seeds', () => {
    const a = new FastRandom('s');
    const b = new FastRandom('s');
    const c = new FastRandom('t');
    const xs = Array.from({ length: 5 }, () => a.nextUint32());
    expect(Array.from({ length: 5 }, () => b.nextUint32())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.nextUint32())).not.toEqual(xs);
  });

  it('give normals with mean 0 and variance 1, and gammas with mean and variance = shape', () => {
    const r = new FastRandom('moments');
    const n = 200_000;
    let s = 0;
    let q = 0;
    for (let i = 0; i < n; i++) {
      const z = r.normal();
      s += z;
      q += z * z;
    }
    expect(Math.abs(s / n)).toBeLessThan(0.01);
    expect(Math.abs(q / n - 1)).toBeLessThan(0.01);
    for (const shape of [0.5, 1, 3.5, 40]) {
      let gs = 0;
      let gq = 0;
      for (let i = 0; i < n; i++) {
        const g = r.gamma(shape);
        gs += g;
        gq += g * g;
      }
      const mean = gs / n;
      expect(Math.abs(mean - shape) / shape).toBeLessThan(0.02);
      expect(Math.abs(gq / n - mean * mean - shape) / shape).toBeLessThan(0.05);
    }
  });
});

describe('the Gibbs sampler', () => {
  it('recovers the experts’ leniencies', () => {
    const sim = simulate({ seed: 'leniency', apps: 60, experts: 6, perApp: 4, leniencies: [8, -6, 0, 3, -3, 0], noiseSd: 2, fundable: 10 });
    const data = scoreData(sim.round.scores, sim.round.rules.unitsPerPoint);
    const mean = new Float64Array(6);
    const draws = 400;
    gibbs(data, { draws, burnIn: 300, thin: 2, seed: 'g' }, (_d, _mu, _a, b) => {
      // Leniency relative to the experts' average: μ and the qualities absorb a common shift.
      const avg = b.reduce((s, x) => s + x, 0) / b.length;
      for (let j = 0; j < 6; j++) mean[j] += (b[j] - avg) / draws;
    });
    const truth = [8, -6, 0, 3, -3, 0].map((x) => x - 1 / 3);
    for (let j = 0; j < 6; j++) expect(Math.abs(mean[j] - truth[j])).toBeLessThan(1);
  });
});

describe('the rank interval', () => {
  it('leaves out the share of draws nearest to 5 % at each end', () => {
    const draws = (counts: Record<number, number>) => Int32Array.from(Object.entries(counts).flatMap(([r, n]) => Array(n).fill(Number(r)))).sort();
    expect(rankInterval(draws({ 3: 100 }))).toEqual([3, 3]);
    // 5 % exactly below 4 and above 6.
    expect(rankInterval(draws({ 3: 5, 4: 40, 5: 30, 6: 20, 7: 5 }))).toEqual([4, 6]);
    // 6 % above 4 is nearer 5 % than 0 %: rank 5 is left out (the first rank reaching 95 % would keep it).
    expect(rankInterval(draws({ 3: 50, 4: 44, 5: 6 }))).toEqual([3, 4]);
    // 8 % above: 3 % from 5 % against 5 % for leaving nothing out.
    expect(rankInterval(draws({ 1: 92, 2: 8 }))).toEqual([1, 1]);
    expect(rankInterval(draws({ 1: 50, 2: 50 }))).toEqual([1, 2]);
    expect(rankInterval([7])).toEqual([7, 7]);
  });

  it('is the same from the ranks kept at each end (RankTails) as from every draw sorted', () => {
    // Draw counts around the 10 % boundaries, and spreads of ranks from all-equal to all-distinct.
    const draws = fc.oneof(fc.integer({ min: 1, max: 60 }), fc.constantFrom(99, 100, 101, 199, 200, 201, 1000));
    fc.assert(
      fc.property(draws, fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 100_000 }), fc.boolean(), fc.integer(), (D, apps, spread, bounded, seed) => {
        const rng = new FastRandom(String(seed));
        const all = Array.from({ length: apps }, () => new Int32Array(D));
        // Told the highest rank (two bytes a rank below 65,536), or not.
        const tails = bounded ? new RankTails(apps, D, spread) : new RankTails(apps, D);
        for (let d = 0; d < D; d++) {
          for (let i = 0; i < apps; i++) {
            // Skewed: most draws near the middle, a few far out, ties common when the spread is small.
            const r = 1 + Math.floor(spread * rng.uniform() ** (1 + i));
            all[i][d] = r;
            tails.add(i, r);
          }
        }
        for (let i = 0; i < apps; i++) {
          const sorted = all[i].slice().sort();
          expect(tails.interval(i)).toEqual(rankInterval(sorted));
          expect(tails.sum[i]).toBe(sorted.reduce((a, b) => a + b, 0));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('refuses a rank above the highest it was told of, rather than keep it cut to two bytes', () => {
    const tails = new RankTails(1, 10, 70_000);
    tails.add(0, 70_000);
    expect(() => tails.add(0, 70_001)).toThrow(/rank 70001/);
    expect(() => new RankTails(1, 10, 500).add(0, -1)).toThrow(RangeError);
  });

  it('keeps a tenth of the draws and a little more at each end, all of them when there are few', () => {
    expect(tailRead(1000)).toBe(102);
    expect(tailRead(100)).toBe(12);
    expect(tailRead(5)).toBe(3);
    expect(tailRead(1)).toBe(1);
  });
});

describe('funding line, by simulation', () => {
  it('90 % rank intervals cover the true ranks in about 90 % of applications over many rounds', () => {
    let covered = 0;
    let total = 0;
    for (let k = 0; k < 24; k++) {
      const sim = simulate({ seed: `coverage-${k}`, apps: 30, experts: 8, perApp: 4, fundable: 10 });
      const line = fundingLine(sim.round, { draws: 400, seed: `draws-${k}` });
      for (const a of line.applications) {
        const t = sim.trueRank.get(a.applicationId)!;
        if (a.rankLow <= t && t <= a.rankHigh) covered++;
        total++;
      }
    }
    expect(total).toBeGreaterThan(600);
    const share = covered / total;
    expect(share).toBeGreaterThan(0.84);
    // Whole ranks: an interval cannot hold less than the rank the draws agree on, so a little above 90 %.
    expect(share).toBeLessThan(0.96);
  });

  it('funds an application far above the line in every draw and one far below in none', () => {
    const qualities = [97, 90, 85, 82, 80, 79, 78, 76, 72, 66];
    const sim = simulate({ seed: 'extremes', apps: 10, experts: 5, perApp: 3, qualities, leniencySd: 2, noiseSd: 2, fundable: 5 });
    const line = fundingLine(sim.round, { draws: 500, seed: 'x' });
    const p = new Map(line.applications.map((a) => [a.applicationId, a]));
    expect(p.get('A001')!.pFunded).toBe(1);
    expect(p.get('A010')!.pFunded).toBe(0);
    expect(p.get('A001')!.margin).toBeGreaterThan(10);
    expect(p.get('A010')!.margin).toBeLessThan(-8);
    expect(line.greyZone).not.toContain('A001');
    expect(line.greyZone).not.toContain('A010');
  });

  it('with identical experts and no noise, the expected ranks are today’s ranks', () => {
    const qualities = [70, 88, 64, 91, 79.5, 83, 67, 75, 86, 72.5];
    const sim = simulate({ seed: 'exact', apps: 10, experts: 4, perApp: 3, qualities, leniencies: [0, 0, 0, 0], noiseSd: 0, fundable: 4 });
    const line = fundingLine(sim.round, { draws: 300, seed: 'y' });
    expect(line.applications).toHaveLength(10);
    for (const a of line.applications) {
      expect(a.expectedRank).toBe(a.rank);
      expect(a.rankLow).toBe(a.rank);
      expect(a.rankHigh).toBe(a.rank);
      expect(a.pFunded).toBe(a.funded ? 1 : 0);
    }
    expect(line.greyZone).toEqual([]);
  });

  it('leave-one-expert-out names the lenient expert', () => {
    // Qualities packed around the line; E03 scores 12 points above the others.
    const qualities = Array.from({ length: 24 }, (_, i) => 78 + (i % 12) * 0.4);
    const sim = simulate({ seed: 'lenient', apps: 24, experts: 8, perApp: 3, qualities, leniencies: [0, 0, 12, 0, 0, 0, 0, 0], noiseSd: 0.5, fundable: 8 });
    const line = fundingLine(sim.round, { draws: 50, seed: 'z' });
    const most = [...line.expertInfluence].sort((a, b) => b.changes.length - a.changes.length)[0];
    expect(most.expert).toBe('E03');
    expect(most.changes.length).toBeGreaterThan(0);
    // Without the lenient expert, the applications they scored fall out and others come in.
    expect(most.changes.some((c) => c.funded && !c.fundedWithout)).toBe(true);
    expect(most.changes.some((c) => !c.funded && c.fundedWithout)).toBe(true);
  });

  it('the marginal budget is the least money that funds the next application in line', () => {
    const sim = simulate({ seed: 'marginal', apps: 12, experts: 5, perApp: 3, fundable: 4 });
    const { policy, candidates, options } = sim.round;
    const line = fundingLine(sim.round, { draws: 20, seed: 'm' });
    expect(line.marginalBudget).toHaveLength(1);
    const m = line.marginalBudget[0];
    expect(m.category).toBe(CATEGORY);
    expect(m.amountFen).toBe(CAP_FEN);
    const next = line.applications.find((a) => a.rank === 5)!;
    expect(m.applicationId).toBe(next.applicationId);
    const budget = options.budgets[CATEGORY];
    const fundedAt = (extra: number) => {
      const p = plan(candidates, policy, { ...options, budgets: { [CATEGORY]: budget + extra } });
      return p.awardFen[candidates.applicationId.indexOf(m.applicationId!)] > 0;
    };
    expect(fundedAt(m.amountFen!)).toBe(true);
    expect(fundedAt(m.amountFen! - 1)).toBe(false);
  });
});

describe('funding line, properties', () => {
  const arbRound = fc.record({
    seed: fc.string({ maxLength: 8 }),
    apps: fc.integer({ min: 2, max: 14 }),
    experts: fc.integer({ min: 3, max: 6 }),
    noiseSd: fc.constantFrom(0, 1, 4, 10),
    leniencySd: fc.constantFrom(0, 3, 8),
    fundable: fc.integer({ min: 0, max: 10 }),
    shortfall: fc.constantFrom('skip' as const, 'partial' as const, 'stop' as const),
    spare: fc.integer({ min: 0, max: CAP_FEN - 1 }),
    draws: fc.integer({ min: 1, max: 40 }),
  });

  it('p_funded lies in [0, 1], Σ p_funded is the draws’ mean number funded, and the same seed gives the same output', () => {
    fc.assert(
      fc.property(arbRound, (r) => {
        const sim = simulate({ seed: r.seed, apps: r.apps, experts: r.experts, perApp: 3, noiseSd: r.noiseSd, leniencySd: r.leniencySd, fundable: r.fundable });
        const round = { ...sim.round, options: { ...sim.round.options, shortfall: r.shortfall, budgets: { [CATEGORY]: r.fundable * CAP_FEN + r.spare } } };
        const settings = { draws: r.draws, seed: `s${r.seed}`, burnIn: 20, thin: 1 };
        const line = fundingLine(round, settings);
        let sum = 0;
        for (const a of line.applications) {
          expect(a.pFunded).toBeGreaterThanOrEqual(0);
          expect(a.pFunded).toBeLessThanOrEqual(1);
          // The central 90 % need not hold the mean, but it lies within the ranks there are.
          expect(a.rankLow).toBeGreaterThanOrEqual(1);
          expect(a.rankLow).toBeLessThanOrEqual(a.rankHigh);
          expect(a.rankHigh).toBeLessThanOrEqual(line.applications.length);
          expect(a.expectedRank).toBeGreaterThanOrEqual(1);
          expect(a.expectedRank).toBeLessThanOrEqual(line.applications.length);
          expect(a.greyZone).toBe(a.pFunded >= 0.1 && a.pFunded <= 0.9);
          sum += a.pFunded;
        }
        const mean = line.fundedPerDraw.reduce((s, x) => s + x, 0) / r.draws;
        expect(Math.abs(sum - mean)).toBeLessThan(1e-9);
        expect(line.categories.reduce((s, c) => s + c.expectedFunded, 0)).toBeCloseTo(mean, 9);
        expect(fundingLine(round, settings)).toEqual(line);
        // Every marginal amount funds its application, and one fen less does not.
        for (const m of marginalBudgets(round.policy, round.candidates, round.options, plan(round.candidates, round.policy, round.options))) {
          if (m.amountFen === null) continue;
          const i = round.candidates.applicationId.indexOf(m.applicationId!);
          const at = (extra: number) => plan(round.candidates, round.policy, { ...round.options, budgets: { [CATEGORY]: round.options.budgets[CATEGORY] + extra } }).awardFen[i] > 0;
          expect(at(m.amountFen)).toBe(true);
          expect(at(m.amountFen - 1)).toBe(false);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('another seed gives other draws', () => {
    const sim = simulate({ seed: 'seeds', apps: 12, experts: 4, perApp: 3, noiseSd: 6, fundable: 5 });
    const a = fundingLine(sim.round, { draws: 200, seed: 'one' });
    const b = fundingLine(sim.round, { draws: 200, seed: 'two' });
    expect(a.applications.map((x) => x.expectedRank)).not.toEqual(b.applications.map((x) => x.expectedRank));
  });
});

describe('the columns a worker thread gets', () => {
  it('are read back as they were: codes, dates, states, amounts, and scores a double cannot hold', () => {
    const c = new CandidateColumns(2);
    c.push({ applicationId: 'A1', category: 'sme-cloud', cluster: null, uscc: 'U1', enterpriseName: '江门甲', requestedAmountFen: 100, totalInvestmentFen: 250, submittedOn: '2022-03-01', eligibility: 'eligible', scoreStatus: 'scored', score: { num: 17n, den: 3n }, scoreDisplay: '5.67' });
    c.push({ applicationId: 'A2', category: 'cluster-pilot', cluster: 'home-appliance', uscc: 'U2', enterpriseName: '江门乙', requestedAmountFen: 0, totalInvestmentFen: 9, submittedOn: '2022-04-30', eligibility: 'needs-review', scoreStatus: null, score: null, scoreDisplay: null });
    c.push({ applicationId: 'A3', category: 'sme-cloud', cluster: 'home-appliance', uscc: 'U1', enterpriseName: '江门甲', requestedAmountFen: 5, totalInvestmentFen: 5, submittedOn: '2022-03-02', eligibility: 'eligible', scoreStatus: 'scored', score: { num: 2n ** 70n + 1n, den: 3n ** 40n }, scoreDisplay: '96.01' });
    // Through a structured clone, as postMessage sends it.
    const back = columnsFrom(structuredClone(columnsData(c)));
    expect(back.length).toBe(3);
    for (let i = 0; i < 3; i++) {
      expect(back.candidate(i)).toEqual(c.candidate(i));
      expect([back.category[i], back.cluster[i], back.submittedOn[i], back.state[i]]).toEqual([c.category[i], c.cluster[i], c.submittedOn[i], c.state[i]]);
    }
    expect(back.categories).toEqual(c.categories);
    expect(back.clusters).toEqual(c.clusters);
    expect(back.exact).toEqual(c.exact);
  });
});
