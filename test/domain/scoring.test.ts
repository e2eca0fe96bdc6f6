import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  AggregateSharing,
  aggregateRound,
  compareAggregates,
  compareScores,
  expertSummaries,
  expertUnits,
  formatFraction,
  formatSqrt,
  gcd,
  isqrt,
  rankAggregates,
  rational,
  ScoreMoments,
  scoreDisplay,
  scoreFromStored,
  scoreKey,
  scoreToStored,
  scoringRules,
  type ApplicationScores,
  type Aggregate,
  type ScoreValue,
  type ScoringRules,
} from '../../src/domain/scoring.js';
import type { Policy, ScoreMethod } from '../../src/domain/policy.js';
import { loadPolicy } from '../../src/io/policies.js';

const policy = loadPolicy().policy;
const rules = (method: ScoreMethod, over: Partial<ScoringRules> = {}): ScoringRules => ({ ...scoringRules(policy, method), ...over });

/** apps: { X: { A: 90, B: 'recused', C: 70.5 } }, scores in points written as decimals. */
function round(spec: Record<string, Record<string, number | 'recused' | string>>): ApplicationScores[] {
  return Object.entries(spec).map(([applicationId, byExpert]) => ({
    applicationId,
    entries: Object.entries(byExpert).map(([expertId, s]) =>
      s === 'recused'
        ? { expertId, units: null, recused: true }
        : { expertId, units: BigInt(Math.round(Number(s) * 100)), recused: false },
    ),
  }));
}

const one = (method: ScoreMethod, scores: Record<string, number | 'recused'>, over: Partial<ScoringRules> = {}): Aggregate =>
  aggregateRound(round({ X: scores }), rules(method, over))[0];

const disp = (a: Aggregate): string | null => (a.value ? scoreDisplay(a.value) : null);

describe('mean (Art. 11, the default)', () => {
  it('is the arithmetic mean, kept exactly', () => {
    const a = one('mean', { A: 80, B: 81, C: 81 });
    expect(a.value).toEqual({ kind: 'rational', num: 242n, den: 3n });
    expect(disp(a)).toBe('80.67');
    expect(a.status).toBe('scored');
    expect(a.experts).toBe(3);
  });

  it('rounds half-up only for display', () => {
    const a = one('mean', { A: 60.01, B: 60.01, C: 60, D: 60 });
    expect(a.value).toEqual(rational(12001n, 200n));
    expect(disp(a)).toBe('60.01');
  });

  it('excludes recused experts but counts them', () => {
    const a = one('mean', { A: 90, B: 'recused', C: 70, D: 80 });
    expect(a.experts).toBe(3);
    expect(a.recused).toBe(1);
    expect(disp(a)).toBe('80.00');
  });

  it('a recused expert with a score is still not averaged', () => {
    const apps: ApplicationScores[] = [
      {
        applicationId: 'X',
        entries: [
          { expertId: 'A', units: 9000n, recused: false },
          { expertId: 'B', units: 1000n, recused: true },
          { expertId: 'C', units: 7000n, recused: false },
          { expertId: 'D', units: 8000n, recused: false },
        ],
      },
    ];
    const [a] = aggregateRound(apps, rules('mean'));
    expect(disp(a)).toBe('80.00');
    expect(a.recused).toBe(1);
  });

  it('exactly minExperts valid scores is enough; one fewer is insufficient-reviews with a null score', () => {
    expect(one('mean', { A: 70, B: 80, C: 90 }).status).toBe('scored');
    const short = one('mean', { A: 70, B: 80, C: 'recused' });
    expect(short.status).toBe('insufficient-reviews');
    expect(short.value).toBeNull();
    expect(short.experts).toBe(2);
    expect(short.recused).toBe(1);
    expect(one('mean', {}).status).toBe('insufficient-reviews');
  });

  it('exactly the threshold is scored; just below is below-threshold even when it displays as 60.00', () => {
    expect(one('mean', { A: 60, B: 60, C: 60 }).status).toBe('scored');
    const below = one('mean', { A: 59.99, B: 60, C: 60 });
    expect(below.status).toBe('below-threshold');
    expect(disp(below)).toBe('60.00');
  });

  it('takes threshold and minExperts from the policy', () => {
    const p: Policy = { ...policy, scoring: { ...policy.scoring, threshold: 70.5, minExperts: 2 } };
    const r = scoringRules(p);
    expect(r.method).toBe('mean');
    const [a, b] = aggregateRound(round({ X: { A: 70.5, B: 70.5 }, Y: { A: 70.49, B: 70.5 } }), r);
    expect(a.status).toBe('scored');
    expect(b.status).toBe('below-threshold');
  });
});

describe('trimmed-mean', () => {
  it('with 5 valid scores drops one highest and one lowest', () => {
    const a = one('trimmed-mean', { A: 50, B: 70, C: 80, D: 90, E: 100 });
    expect(disp(a)).toBe('80.00');
    expect(a.details.dropped).toEqual(['A', 'E']);
    expect(a.details.used).toEqual(['B', 'C', 'D']);
  });

  it('with ties drops only one of the tied lowest and one of the tied highest', () => {
    const a = one('trimmed-mean', { A: 70, B: 70, C: 80, D: 90, E: 90 });
    expect(a.value).toEqual(rational(80n, 1n));
    expect(a.details.dropped).toEqual(['A', 'E']);
  });

  it('with fewer than 5 valid scores is the plain mean (a recusal can bring it under 5)', () => {
    const a = one('trimmed-mean', { A: 50, B: 70, C: 80, D: 100, E: 'recused' });
    expect(a.value).toEqual(rational(75n, 1n));
    expect(a.details.dropped).toEqual([]);
  });
});

describe('median', () => {
  it('odd count: the middle value', () => {
    const a = one('median', { A: 60, B: 90, C: 70 });
    expect(disp(a)).toBe('70.00');
    expect(a.details.middle).toEqual(['C']);
  });

  it('even count: the mean of the two middle values, exactly', () => {
    const a = one('median', { A: 60, B: 70.01, C: 80, D: 95 });
    expect(a.value).toEqual(rational(15001n, 200n));
    expect(disp(a)).toBe('75.01');
    expect(a.details.middle).toEqual(['B', 'C']);
  });

  it('ties in the middle', () => {
    expect(disp(one('median', { A: 80, B: 80, C: 80, D: 95 }))).toBe('80.00');
  });
});

describe('z-score', () => {
  // A lenient (A: μ 85, σ 5), a harsh (B: μ 65, σ 5) and a flat expert (C: σ = 0 → z = 0).
  // All six scores: μ = 75, σ = √(500/6) = 9.1287…; X: 75 + σ·(1+1+0)/3, Y: 75 − σ·2/3.
  const apps = round({ X: { A: 90, B: 70, C: 75 }, Y: { A: 80, B: 60, C: 75 } });
  const [x, y] = aggregateRound(apps, rules('z-score'));

  it('is μ + σ·mean(z), to 30+ exact digits', () => {
    expect(x.value?.kind).toBe('fixed');
    expect(scoreKey(x.value as ScoreValue)).toBe('081.085806194501845705077442031120');
    expect(scoreKey(y.value as ScoreValue)).toBe('068.914193805498154294922557968879');
    expect(disp(x)).toBe('81.09');
    expect(disp(y)).toBe('68.91');
  });

  it('shows each z and the round’s μ and σ', () => {
    expect(x.details.z).toEqual([
      { expert_id: 'A', z: '1.0000' },
      { expert_id: 'B', z: '1.0000' },
      { expert_id: 'C', z: '0.0000' },
    ]);
    expect(y.details.z?.map((z) => z.z)).toEqual(['-1.0000', '-1.0000', '0.0000']);
    expect(x.details.round_mean).toBe('75.00');
    expect(x.details.round_sd).toBe('9.13');
  });

  it('a harsh expert does not move the ranking: the same ranks as if B were lenient', () => {
    const shifted = round({ X: { A: 90, B: 100, C: 75 }, Y: { A: 80, B: 90, C: 75 } });
    const [sx, sy] = aggregateRound(shifted, rules('z-score'));
    expect(compareScores(sx.value as ScoreValue, sy.value as ScoreValue)).toBe(1);
    expect(compareScores(x.value as ScoreValue, y.value as ScoreValue)).toBe(1);
  });

  it('σ = 0 for the whole round: every score is μ', () => {
    const [a, b] = aggregateRound(round({ X: { A: 80, B: 80, C: 80 }, Y: { A: 80, B: 80, C: 80 } }), rules('z-score'));
    expect(compareScores(a.value as ScoreValue, rational(80n, 1n))).toBe(0);
    expect(compareScores(b.value as ScoreValue, rational(80n, 1n))).toBe(0);
  });

  it('uses every valid score of the round, also those of applications with insufficient reviews', () => {
    const withShort = round({ X: { A: 90, B: 70, C: 75 }, Y: { A: 80, B: 60, C: 75 }, Z: { A: 40 } });
    const [a, , z] = aggregateRound(withShort, rules('z-score'));
    expect(z.status).toBe('insufficient-reviews');
    expect(a.details.round_mean).toBe('70.00'); // (450 + 40) / 7
  });

  it('threshold applies to the z-score too', () => {
    const [, b] = aggregateRound(apps, rules('z-score', { threshold: [69n, 1n] }));
    expect(b.status).toBe('below-threshold');
  });
});

describe('outliers (集体审议)', () => {
  it('flags a score more than outlierGap from the mean of the others', () => {
    expect(one('mean', { A: 50, B: 80, C: 80 }).outliers).toEqual(['A']);
  });

  it('exactly outlierGap is not an outlier; 0.01 more is', () => {
    expect(one('mean', { A: 60, B: 80, C: 80 }).outliers).toEqual([]);
    expect(one('mean', { A: 59.99, B: 80, C: 80 }).outliers).toEqual(['A']);
  });

  it('flagged scores still count', () => {
    // B, C, D: 80 against the others' mean 60 is exactly the gap, so not flagged.
    const a = one('mean', { A: 20, B: 80, C: 80, D: 80 });
    expect(a.outliers).toEqual(['A']);
    expect(disp(a)).toBe('65.00');
    expect(a.status).toBe('scored');
  });

  it('ignores recused experts', () => {
    expect(one('mean', { A: 80, B: 80, C: 80, D: 'recused' }).outliers).toEqual([]);
  });
});

describe('per-criterion scores', () => {
  const p: Policy = {
    ...policy,
    scoring: {
      ...policy.scoring,
      criteria: [
        { key: 'innovation', zh: '创新性', en: 'Innovation', weightPercent: 40, max: 40 },
        { key: 'benefit', zh: '效益', en: 'Benefit', weightPercent: 60, max: 30 },
      ],
    },
  };
  const r = scoringRules(p);

  it('weighs each criterion: Σ weight% × score / max', () => {
    expect(r.unitsPerPoint).toBe(12000n); // 100 × lcm(40, 30)
    const u = expertUnits(r, null, { innovation: 3000, benefit: 2700 });
    expect(u).toBe(84n * 12000n); // 40·30/40 + 60·27/30 = 84
  });

  it('aggregates the weighted totals and shows each criterion’s mean', () => {
    const entries = [
      { innovation: 3000, benefit: 2700 },
      { innovation: 2000, benefit: 2000 },
      { innovation: 3333, benefit: 1000 },
    ].map((c, i) => ({ expertId: `E${i}`, units: expertUnits(r, null, c), recused: false, criteria: c }));
    const [a] = aggregateRound([{ applicationId: 'X', entries }], r);
    // 84, 60, 33.33 + 20 = 53.33 → 197.33 / 3
    expect(a.value).toEqual(rational(19733n, 300n));
    expect(a.details.criteria).toEqual({ innovation: '27.78', benefit: '19.00' });
  });
});

describe('exact representation', () => {
  it('compareScores orders rationals and fixed-point values', () => {
    expect(compareScores(rational(1n, 3n), rational(333n, 1000n))).toBe(1);
    expect(compareScores(rational(170n, 2n), rational(85n, 1n))).toBe(0);
    expect(compareScores({ kind: 'fixed', scaled: 85n * 10n ** 40n, digits: 40 }, rational(85n, 1n))).toBe(0);
    expect(compareScores({ kind: 'fixed', scaled: 1n, digits: 40 }, { kind: 'fixed', scaled: 0n, digits: 40 })).toBe(1);
  });

  it('round-trips through storage', () => {
    const r = rational(242n, 3n);
    const s = scoreToStored(r);
    expect(s).toEqual({ num: '242', den: '3' });
    expect(scoreFromStored('mean', s.num, s.den)).toEqual(r);
    const f: ScoreValue = { kind: 'fixed', scaled: 81085806194501845705077442031120023710n, digits: 40 };
    expect(scoreFromStored('z-score', scoreToStored(f).num, scoreToStored(f).den)).toEqual(f);
  });

  it('scoreKey is fixed width in [0, 1000) and sorts negatives and large values too', () => {
    expect(scoreKey(rational(85n, 1n))).toBe(`085.${'0'.repeat(30)}`);
    expect(scoreKey(rational(1n, 3n))).toBe(`000.${'3'.repeat(30)}`);
    expect(scoreKey(rational(100n, 1n))).toBe(`100.${'0'.repeat(30)}`);
    const values = [rational(-5n, 1n), rational(-1n, 3n), rational(-1n, 1n), rational(0n, 1n), rational(99999n, 1000n), rational(2000n, 1n), rational(15000n, 1n), rational(-300n, 1n)];
    const byKey = [...values].sort((a, b) => (scoreKey(a) < scoreKey(b) ? -1 : scoreKey(a) > scoreKey(b) ? 1 : 0));
    const byValue = [...values].sort(compareScores);
    expect(byKey).toEqual(byValue);
  });

  it('property: score_key order agrees with the exact order', () => {
    const value = fc.tuple(fc.integer({ min: 0, max: 10_000_000 }), fc.integer({ min: 1, max: 10_000 })).map(([n, d]) => rational(BigInt(n), BigInt(d)));
    fc.assert(
      fc.property(value, value, (a, b) => {
        const c = compareScores(a, b);
        const k = scoreKey(a) < scoreKey(b) ? -1 : scoreKey(a) > scoreKey(b) ? 1 : 0;
        expect(k).toBe(c);
      }),
    );
  });

  it('display rounds half away from zero', () => {
    expect(formatFraction(1n, 200n)).toBe('0.01');
    expect(formatFraction(-1n, 200n)).toBe('-0.01');
    expect(formatFraction(-1n, 300n)).toBe('0.00');
    expect(formatFraction(12345n, 1000n)).toBe('12.35');
    expect(formatFraction(12344n, 1000n)).toBe('12.34');
  });

  it('property: the number paths (below 2^40) give what exact BigInt arithmetic gives', () => {
    // References in BigInt only, as the functions were before their number paths.
    const refGcd = (a: bigint, b: bigint): bigint => {
      a = a < 0n ? -a : a;
      b = b < 0n ? -b : b;
      while (b !== 0n) [a, b] = [b, a % b];
      return a;
    };
    const refFormat = (num: bigint, den: bigint, places: number): string => {
      const neg = (num < 0n) !== (den < 0n) && num !== 0n;
      const n = num < 0n ? -num : num;
      const d = den < 0n ? -den : den;
      const q = (2n * n * 10n ** BigInt(places) + d) / (2n * d);
      const t = q.toString().padStart(places + 1, '0');
      const body = places > 0 ? `${t.slice(0, t.length - places)}.${t.slice(t.length - places)}` : t;
      return neg && q !== 0n ? `-${body}` : body;
    };
    const refKey = (n: bigint, d: bigint): string => {
      const t = ((n * 10n ** 30n) / d).toString().padStart(33, '0');
      return `${t.slice(0, 3)}.${t.slice(3)}`;
    };
    // Around the 2^40 boundary as well as small values.
    const big = fc.oneof(fc.bigInt({ min: 0n, max: 100_000n }), fc.bigInt({ min: (1n << 40n) - 1000n, max: (1n << 40n) + 1000n }), fc.bigInt({ min: 0n, max: 1n << 60n }));
    fc.assert(
      fc.property(big, big, fc.boolean(), fc.integer({ min: 0, max: 4 }), (a, b0, negative, places) => {
        const b = b0 === 0n ? 1n : b0;
        const n = negative ? -a : a;
        expect(gcd(n, b)).toBe(refGcd(n, b));
        expect(formatFraction(n, b, places)).toBe(refFormat(n, b, places));
        expect(formatFraction(n, -b, places)).toBe(refFormat(n, -b, places));
        if (a < 1000n * b) expect(scoreKey({ kind: 'rational', num: a, den: b })).toBe(refKey(a, b));
      }),
      { numRuns: 2000 },
    );
  });

  it('integer square roots', () => {
    expect(isqrt(0n)).toBe(0n);
    expect(isqrt(15n)).toBe(3n);
    expect(isqrt(16n)).toBe(4n);
    expect(isqrt(10n ** 80n * 2n)).toBe(14142135623730950488016887242096980785696n);
    expect(formatSqrt(25n, 1n)).toBe('5.00');
    expect(formatSqrt(2n, 1n)).toBe('1.41');
    expect(formatSqrt(2n, 1n, 4)).toBe('1.4142');
  });
});

describe('ties', () => {
  it('equal exact values compare equal however they were reached', () => {
    const [a, b, c] = aggregateRound(round({ X: { A: 80, B: 90, C: 85 }, Y: { A: 85, B: 85, C: 85 }, Z: { A: 85.01, B: 85, C: 85 } }), rules('mean'));
    expect(compareScores(a.value as ScoreValue, b.value as ScoreValue)).toBe(0);
    expect(scoreKey(a.value as ScoreValue)).toBe(scoreKey(b.value as ScoreValue));
    expect(compareScores(c.value as ScoreValue, a.value as ScoreValue)).toBe(1);
    // Ranking: exact value descending, then application_id.
    expect([b, c, a].sort(compareAggregates).map((x) => x.applicationId)).toEqual(['Z', 'X', 'Y']);
  });
});

describe('rankAggregates', () => {
  it('property: the same order as sorting with compareAggregates', () => {
    const methods: ScoreMethod[] = ['mean', 'trimmed-mean', 'median', 'z-score'];
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.option(fc.integer({ min: 0, max: 10000 }), { freq: 6 }), { minLength: 5, maxLength: 5 }), { minLength: 1, maxLength: 30 }),
        fc.constantFrom(...methods),
        (table, method) => {
          const apps: ApplicationScores[] = table.map((scores, i) => ({
            applicationId: `A${String(i).padStart(2, '0')}`,
            entries: scores.map((c, e) => ({ expertId: `E${e}`, units: c === null ? null : BigInt(c), recused: c === null })),
          }));
          const aggs = aggregateRound(apps, rules(method));
          expect(rankAggregates(aggs).map((a) => a.applicationId)).toEqual([...aggs].sort(compareAggregates).map((a) => a.applicationId));
        },
      ),
    );
  });
});

describe('rankAggregates over every form of key', () => {
  it('property: keys that agree in their first 17 digits, negatives, values of 1000 and more and unscored: the order of compareAggregates', () => {
    const agg = (i: number, value: ScoreValue | null): Aggregate => ({
      applicationId: `A${String(i).padStart(3, '0')}`,
      method: 'mean',
      experts: 3,
      recused: 0,
      outliers: [],
      details: {},
      status: value ? 'scored' : 'insufficient-reviews',
      value,
      display: value && scoreDisplay(value),
      key: value && scoreKey(value),
    });
    const value = fc.oneof(
      // Near 80: the doubles of the keys are equal, the keys and values are not.
      fc.tuple(fc.bigInt({ min: -5n, max: 5n }), fc.bigInt({ min: 1n, max: 10n ** 18n })).map(([k, d]) => rational(80n * d * 10n ** 20n + k, d * 10n ** 20n)),
      fc.tuple(fc.bigInt({ min: -2_000_000n, max: 20_000_000n }), fc.bigInt({ min: 1n, max: 10_000n })).map(([n, d]) => rational(n, d)),
      fc.bigInt({ min: -(10n ** 44n), max: 10n ** 44n }).map((scaled): ScoreValue => ({ kind: 'fixed', scaled, digits: 40 })),
      fc.constant(null),
    );
    fc.assert(
      fc.property(fc.array(value, { minLength: 1, maxLength: 40 }), (values) => {
        const aggs = values.map((v, i) => agg(i, v));
        expect(rankAggregates(aggs).map((a) => a.applicationId)).toEqual([...aggs].sort(compareAggregates).map((a) => a.applicationId));
      }),
      { numRuns: 300 },
    );
  });
});

describe('property: identical scores', () => {
  const methods: ScoreMethod[] = ['mean', 'trimmed-mean', 'median', 'z-score'];
  it('the aggregate of k identical scores is that score, for every method', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 3, max: 9 }), fc.constantFrom(...methods), (centi, k, method) => {
        const entries = Array.from({ length: k }, (_, i) => ({ expertId: `E${i}`, units: BigInt(centi), recused: false }));
        const [a] = aggregateRound([{ applicationId: 'X', entries }], rules(method));
        expect(a.value).not.toBeNull();
        expect(compareScores(a.value as ScoreValue, rational(BigInt(centi), 100n))).toBe(0);
        expect(a.outliers).toEqual([]);
      }),
    );
  });

  it('the mean lies between the lowest and highest score', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 10_000 }), { minLength: 3, maxLength: 12 }), (cs) => {
        const entries = cs.map((c, i) => ({ expertId: `E${i}`, units: BigInt(c), recused: false }));
        const [a] = aggregateRound([{ applicationId: 'X', entries }], rules('mean'));
        const v = a.value as ScoreValue;
        expect(compareScores(v, rational(BigInt(Math.min(...cs)), 100n))).toBeGreaterThanOrEqual(0);
        expect(compareScores(v, rational(BigInt(Math.max(...cs)), 100n))).toBeLessThanOrEqual(0);
      }),
    );
  });
});

describe('expert summaries', () => {
  it('counts, mean, population SD and difference from the round mean', () => {
    const s = expertSummaries(ScoreMoments.of(round({ X: { A: 90, B: 70, C: 'recused' }, Y: { A: 80, B: 60, C: 75 } })), 100n);
    expect(s.overall).toEqual({ scores: 5, mean: '75.00', sd: '10.00' });
    expect(s.experts).toEqual([
      { expertId: 'A', scored: 2, recused: 0, mean: '85.00', sd: '5.00', difference: '+10.00' },
      { expertId: 'B', scored: 2, recused: 0, mean: '65.00', sd: '5.00', difference: '-10.00' },
      { expertId: 'C', scored: 1, recused: 1, mean: '75.00', sd: '0.00', difference: '0.00' },
    ]);
  });
});

describe('scoreExact and roundedTies (issue 18: the exact value where the rounded one cannot decide)', () => {
  it('shows every decimal of a terminating value and the fraction of a repeating one', async () => {
    const { scoreExact, roundedTies } = await import('../../src/domain/scoring.js');
    expect(scoreExact({ kind: 'rational', num: 647n, den: 8n })).toBe('80.875');
    expect(scoreExact({ kind: 'rational', num: 60n, den: 1n })).toBe('60.00');
    expect(scoreExact({ kind: 'rational', num: 24253n, den: 300n })).toBe('24253/300 = 80.843333333333…');
    expect(scoreExact({ kind: 'rational', num: 17999n, den: 300n })).toBe('17999/300 = 59.996666666666…');
    expect(scoreExact({ kind: 'fixed', scaled: 12345n, digits: 3 })).toBe('12.345');
    // 59.9966… rounds to 60.00: the threshold's own shown value, so the exact one is needed.
    expect(roundedTies('60.00', [60n, 1n], [])).toBe(true);
    expect(roundedTies('80.88', [60n, 1n], ['80.88'])).toBe(true);
    expect(roundedTies('80.88', [60n, 1n], ['80.87'])).toBe(false);
    expect(roundedTies(null, [60n, 1n], [null])).toBe(false);
  });
});

describe('AggregateSharing', () => {
  it('property: every aggregate says what it said, ranks the same, and equal scores share one value', () => {
    const methods: ScoreMethod[] = ['mean', 'trimmed-mean', 'median', 'z-score'];
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.option(fc.constantFrom(6000, 7050, 8000, 8125, 9000, 10000), { freq: 5 }), { minLength: 5, maxLength: 5 }), { minLength: 1, maxLength: 40 }),
        fc.constantFrom(...methods),
        fc.integer({ min: 0, max: 8 }),
        (table, method, limit) => {
          const apps: ApplicationScores[] = table.map((scores, i) => ({
            applicationId: `A${String(i).padStart(2, '0')}`,
            entries: scores.map((c, e) => ({ expertId: `E${e}`, units: c === null ? null : BigInt(c), recused: c === null })),
          }));
          const plain = aggregateRound(apps, rules(method));
          const sharing = new AggregateSharing(limit);
          const shared = aggregateRound(apps, rules(method)).map((a) => sharing.share(a));
          expect(shared).toEqual(plain);
          expect(rankAggregates(shared).map((a) => a.applicationId)).toEqual(rankAggregates(plain).map((a) => a.applicationId));
          // Within the limit, two aggregates of one score hold the same objects.
          const first = new Map<string, Aggregate>();
          for (const a of shared) {
            if (a.key === null) continue;
            const f = first.get(a.key);
            if (!f) first.set(a.key, a);
            else if (first.size <= limit) expect(a.value).toBe(f.value);
          }
          // What nothing holds is one frozen empty array or object, which nothing can change.
          for (const a of shared) {
            if (a.outliers.length === 0) expect(Object.isFrozen(a.outliers)).toBe(true);
            if (Object.keys(a.details).length === 0) expect(Object.isFrozen(a.details)).toBe(true);
          }
        },
      ),
    );
  });
});
