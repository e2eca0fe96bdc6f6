// Expert scores and their aggregate (Art. 11, SPEC §7 and §14 "Score status").
//
// Exactness: every expert's score is an integer number of *units*, where one
// point is `unitsPerPoint` units (100 for plain scores with 2 decimals; with
// per-criterion scores 100 × lcm(criterion maxima), so that a weighted sum is
// still an integer). Mean, trimmed mean and median are then rationals
// (BigInt numerator/denominator, reduced). The z-score needs square roots, so
// it is a BigInt fixed-point value with FIXED_DIGITS fractional digits,
// computed with integer square roots. No float touches a score.
import type { Policy, ScoreMethod } from './policy.js';
import { FirstCopies } from './first-copies.js';

export type ScoreValue =
  /** num/den points, reduced, den > 0. */
  | { kind: 'rational'; num: bigint; den: bigint }
  /** scaled / 10^digits points (z-score). */
  | { kind: 'fixed'; scaled: bigint; digits: number };

export type ScoreStatus = 'scored' | 'insufficient-reviews' | 'below-threshold';

/** Fractional digits of the z-score's fixed-point value. */
export const FIXED_DIGITS = 40;
/** Fractional digits kept in score_key (truncated). */
export const KEY_DIGITS = 30;

// ---------------------------------------------------------------------------
// BigInt helpers

const abs = (a: bigint): bigint => (a < 0n ? -a : a);

// Below 2^40 a value and the products formed from it here stay exact as doubles (< 2^53): the common
// cases (a mean of a few scores in hundredths) are worked in numbers, because every BigInt operation
// allocates and an aggregation of 10^5 applications made millions of them.
const SMALL = 1n << 40n;

export function gcd(a: bigint, b: bigint): bigint {
  a = abs(a);
  b = abs(b);
  if (a < SMALL && b < SMALL) {
    let x = Number(a);
    let y = Number(b);
    while (y !== 0) {
      const r = x % y;
      x = y;
      y = r;
    }
    return BigInt(x);
  }
  while (b !== 0n) {
    const r = a % b;
    a = b;
    b = r;
  }
  return a;
}

/** ⌊a / b⌋ for b > 0 (BigInt `/` truncates toward zero). */
export function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n ? q - 1n : q;
}

/** ⌊√n⌋ for n ≥ 0, by Newton's method on integers. */
export function isqrt(n: bigint): bigint {
  if (n < 0n) throw new RangeError('isqrt of a negative number');
  if (n < 2n) return n;
  // Start above the root: 2^⌈bits/2⌉.
  let x = 1n << BigInt(Math.ceil(n.toString(2).length / 2));
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

const POW10: bigint[] = [];
export function pow10(n: number): bigint {
  return (POW10[n] ??= 10n ** BigInt(n));
}

export function rational(num: bigint, den: bigint): ScoreValue {
  if (den === 0n) throw new RangeError('rational with zero denominator');
  if (den < 0n) {
    num = -num;
    den = -den;
  }
  const g = gcd(num, den);
  return g > 1n ? { kind: 'rational', num: num / g, den: den / g } : { kind: 'rational', num, den };
}

/** The value as a fraction p/q (fixed-point values as scaled/10^digits). */
function asFraction(v: ScoreValue): [bigint, bigint] {
  return v.kind === 'rational' ? [v.num, v.den] : [v.scaled, pow10(v.digits)];
}

/** Exact comparison, like a sort comparator (negative when a < b). */
export function compareScores(a: ScoreValue, b: ScoreValue): number {
  if (a.kind === 'fixed' && b.kind === 'fixed' && a.digits === b.digits) return a.scaled < b.scaled ? -1 : a.scaled > b.scaled ? 1 : 0;
  const [an, ad] = asFraction(a);
  const [bn, bd] = asFraction(b);
  const l = an * bd;
  const r = bn * ad;
  return l < r ? -1 : l > r ? 1 : 0;
}

/** An exact decimal (a policy number such as 60 or 12.5) as a fraction. */
export function decimalToFraction(x: number | string): [bigint, bigint] {
  const s = typeof x === 'number' ? String(x) : x.trim();
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(s);
  if (!m) throw new RangeError(`not a plain decimal: ${s}`);
  const frac = m[3] ?? '';
  const num = BigInt(m[2] + frac) * (m[1] === '-' ? -1n : 1n);
  return [num, pow10(frac.length)];
}

/** Rounded half away from zero to `places` decimals: "85.50", "-3.25". */
export function formatFraction(num: bigint, den: bigint, places = 2): string {
  const neg = (num < 0n) !== (den < 0n) && num !== 0n;
  const n = abs(num);
  const d = abs(den);
  if (places <= 3 && n < SMALL && d < SMALL) {
    // 2·n·10^p + d < 2^53: exact in numbers.
    const x = 2 * Number(n) * 10 ** places + Number(d);
    const y = 2 * Number(d);
    const q = (x - (x % y)) / y;
    return signed(neg && q !== 0, q, places);
  }
  const scale = pow10(places);
  const q = (2n * n * scale + d) / (2n * d);
  return signed(neg && q !== 0n, q, places);
}

function signed(neg: boolean, q: bigint | number, places: number): string {
  const s = q.toString().padStart(places + 1, '0');
  const body = places > 0 ? `${s.slice(0, s.length - places)}.${s.slice(s.length - places)}` : s;
  return neg ? `-${body}` : body;
}

/** Display form: rounded half-up to 2 decimals, only ever for people. */
export function scoreDisplay(v: ScoreValue, places = 2): string {
  const [n, d] = asFraction(v);
  return formatFraction(n, d, places);
}

/**
 * The exact value for a person, where the rounded one cannot decide (it equals
 * the threshold or another application's): every decimal of a terminating
 * value (80.875), else the fraction and twelve decimals (24253/300 = 80.843333333333…).
 */
export function scoreExact(v: ScoreValue): string {
  let [n, d] = asFraction(v);
  const g = gcd(n, d);
  if (g > 1n) {
    n /= g;
    d /= g;
  }
  let rest = d;
  let places = 0;
  let twos = 0;
  let fives = 0;
  while (rest % 2n === 0n) {
    rest /= 2n;
    twos++;
  }
  while (rest % 5n === 0n) {
    rest /= 5n;
    fives++;
  }
  if (rest === 1n) {
    places = Math.max(2, twos, fives);
    // Terminating: exact at `places` digits (no rounding happens).
    return formatFraction(n, d, places);
  }
  const q = abs(n) * pow10(12) / abs(d);
  return `${n}/${d} = ${signed(n < 0n, q, 12)}…`;
}

/** Whether a score needs its exact value shown: its rounded form equals the threshold's or another's. */
export function roundedTies(display: string | null, threshold: [bigint, bigint], others: Iterable<string | null>): boolean {
  if (display === null) return false;
  if (formatFraction(threshold[0], threshold[1]) === display) return true;
  for (const o of others) if (o === display) return true;
  return false;
}

/** √(num/den) rounded half-up to `places` decimals, without floats. */
export function formatSqrt(num: bigint, den: bigint, places = 2): string {
  // ⌊√(n/d)·10^p + ½⌋ = ⌊(⌊√(4·10^2p·n·d)⌋ + d) / 2d⌋
  const r = isqrt(4n * pow10(2 * places) * num * den);
  return signed(false, (r + den) / (2n * den), places);
}

/**
 * Text that sorts (as SQL TEXT, BINARY collation) in the order of the exact
 * values, truncated to KEY_DIGITS fractional digits. Scores in [0, 1000) read
 * as "085.500…0"; anything else (possible only for a pathological z-score)
 * still sorts right: '-' for negatives (nines' complement), '~' for ≥ 1000.
 */
export function scoreKey(v: ScoreValue): string {
  const [n, d] = asFraction(v);
  if (n >= 0n && n < SMALL && d < SMALL && n < 1000n * d) return smallKey(Number(n), Number(d));
  const t = floorDiv(n * pow10(KEY_DIGITS), d);
  const width = 3 + KEY_DIGITS;
  // join, not a template: it makes a flat string, and comparing V8's
  // concatenated (cons) strings is several times slower when ranking 200,000.
  if (t >= 0n) {
    const s = t.toString();
    if (s.length <= width) {
      const p = s.padStart(width, '0');
      return [p.slice(0, 3), p.slice(3)].join('.');
    }
    return ['~', String(s.length).padStart(2, '0'), s].join('');
  }
  const s = (-t).toString();
  const nines = s.replace(/\d/g, (c) => String(9 - Number(c)));
  return ['-', String(99 - s.length).padStart(2, '0'), nines].join('');
}

/** scoreKey of n/d for 0 ≤ n/d < 1000 and n, d < 2^40: long division in numbers, digit by digit (each step < 10·d < 2^53). */
function smallKey(n: number, d: number): string {
  let r = n % d;
  const whole = (n - r) / d;
  const digits: number[] = [];
  for (let i = 0; i < KEY_DIGITS; i++) {
    r *= 10;
    const q = (r - (r % d)) / d;
    digits.push(48 + q);
    r -= q * d;
  }
  // A flat string (see scoreKey).
  return [String(whole).padStart(3, '0'), String.fromCharCode(...digits)].join('.');
}

/** Stored as two TEXT columns; a fixed-point value as scaled / 10^digits. */
export function scoreToStored(v: ScoreValue): { num: string; den: string } {
  const [n, d] = asFraction(v);
  return { num: n.toString(), den: d.toString() };
}

export function scoreFromStored(method: ScoreMethod, num: string, den: string): ScoreValue {
  if (method === 'z-score') {
    if (!/^10*$/.test(den)) throw new RangeError(`z-score denominator is not a power of ten: ${den}`);
    return { kind: 'fixed', scaled: BigInt(num), digits: den.length - 1 };
  }
  return rational(BigInt(num), BigInt(den));
}

// ---------------------------------------------------------------------------
// Rules from the policy

export interface Criterion {
  key: string;
  zh: string;
  en: string;
  weightPercent: number;
  max: number;
}

export interface ScoringRules {
  method: ScoreMethod;
  minExperts: number;
  /** [num, den] points. */
  threshold: [bigint, bigint];
  outlierGap: [bigint, bigint];
  /** Maximum of a plain score, points. */
  maxScore: number;
  criteria: Criterion[];
  /** Units in one point: 100 (2 decimals) × lcm of the criteria maxima. */
  unitsPerPoint: bigint;
}

const lcm = (a: bigint, b: bigint): bigint => (a / gcd(a, b)) * b;

export function scoringRules(policy: Policy, method?: ScoreMethod): ScoringRules {
  const s = policy.scoring;
  const criteria = s.criteria.map((c) => ({ ...c }));
  const m = criteria.reduce((acc, c) => lcm(acc, BigInt(c.max)), 1n);
  return {
    // Art. 11: the policy names the default method; --method may override it.
    method: method ?? s.method,
    minExperts: s.minExperts,
    threshold: decimalToFraction(s.threshold),
    outlierGap: decimalToFraction(s.outlierGap),
    maxScore: s.maxScore,
    criteria,
    unitsPerPoint: 100n * m,
  };
}

/**
 * An expert's score in units. Plain: the score itself. With criteria: the
 * weighted sum Σ weight% × score_c / max_c, on the 0-100 scale (Art. 11,
 * SPEC §7 "per-criterion scores").
 */
export function expertUnits(rules: ScoringRules, centi: number | null, criteria: Record<string, number> | null): bigint | null {
  if (rules.criteria.length === 0 || criteria === null) {
    if (centi === null) return null;
    return rules.unitsPerPoint === 100n ? BigInt(centi) : (BigInt(centi) * rules.unitsPerPoint) / 100n;
  }
  const m = rules.unitsPerPoint / 100n;
  let u = 0n;
  for (const c of rules.criteria) {
    const v = criteria[c.key];
    if (v === undefined) return null;
    // weight% × (v/100 points) / max, in units of 1/(100·m) points.
    u += BigInt(c.weightPercent) * BigInt(v) * (m / BigInt(c.max));
  }
  return u;
}

// ---------------------------------------------------------------------------
// Aggregation

export interface ScoreEntry {
  expertId: string;
  /** The expert's score in units; null only when recused without a score. */
  units: bigint | null;
  recused: boolean;
  /** Per-criterion scores in hundredths, when the policy names criteria. */
  criteria?: Record<string, number> | null;
}

export interface ApplicationScores {
  applicationId: string;
  entries: ScoreEntry[];
}

export interface ZDetail {
  expert_id: string;
  /** z rounded to 4 decimals. */
  z: string;
}

/** How the aggregate was reached, for `scores show` and the audit report. */
export interface AggregateDetails {
  /** trimmed-mean and median: the expert ids whose scores entered the aggregate (mean, z-score: every valid score). */
  used?: string[];
  /** trimmed-mean: the highest and lowest scores dropped. */
  dropped?: string[];
  /** median: the middle score(s). */
  middle?: string[];
  /** z-score: each valid score's z; the round's μ and σ (each expert's μ_e, σ_e: expertSummaries). */
  z?: ZDetail[];
  round_mean?: string;
  round_sd?: string;
  /** Per-criterion means of the valid scores, when the policy names criteria. */
  criteria?: Record<string, string>;
}

export interface Aggregate {
  applicationId: string;
  method: ScoreMethod;
  status: ScoreStatus;
  /** null when insufficient-reviews. */
  value: ScoreValue | null;
  /** scoreDisplay(value) and scoreKey(value), computed once. */
  display: string | null;
  key: string | null;
  experts: number;
  recused: number;
  outliers: string[];
  details: AggregateDetails;
}

/** An aggregate as ranked and shown once stored: all but its details (scores show reads them back from the ledger). */
export type RankedAggregate = Omit<Aggregate, 'details'>;

type Valid = ScoreEntry & { units: bigint };

const isValid = (e: ScoreEntry): e is Valid => !e.recused && e.units !== null;

const byUnits = (a: Valid, b: Valid): number => (a.units < b.units ? -1 : a.units > b.units ? 1 : a.expertId < b.expertId ? -1 : a.expertId > b.expertId ? 1 : 0);

const sumUnits = (xs: Valid[]): bigint => {
  let s = 0n;
  for (const x of xs) s += x.units;
  return s;
};

/** Statistics of a set of scores: count, Σu, Σu². */
interface Moments {
  n: bigint;
  s: bigint;
  q: bigint;
}

/** Population variance × n² (in units²): nΣu² − (Σu)². */
const varianceNumerator = (m: Moments): bigint => m.n * m.q - m.s * m.s;

/**
 * Art. 11, SPEC §7: mean of an expert's valid scores and their population
 * standard deviation, as display strings (2 decimals, half-up).
 */
export function expertStats(m: Moments, unitsPerPoint: bigint): { mean: string; sd: string } {
  if (m.n === 0n) return { mean: '', sd: '' };
  return {
    mean: formatFraction(m.s, m.n * unitsPerPoint),
    // σ = √(nΣu² − (Σu)²) / (n·L)
    sd: formatSqrt(varianceNumerator(m), m.n * m.n * unitsPerPoint * unitsPerPoint),
  };
}

/** SPEC §7: a score more than outlierGap from the mean of the *other* experts' scores (exactly the gap is not). */
function outliersOf(valid: Valid[], rules: ScoringRules): string[] {
  const k = BigInt(valid.length);
  if (k < 2n) return [];
  const s = sumUnits(valid);
  const [gn, gd] = rules.outlierGap;
  // |u − (S − u)/(k − 1)| > gap  ⇔  |k·u − S|·gd > gn·L·(k − 1)
  //                              ⇔  k·gd·u outside [S·gd − lim, S·gd + lim]
  const limit = gn * rules.unitsPerPoint * (k - 1n);
  const kg = k * gd;
  const hi = s * gd + limit;
  const lo = s * gd - limit;
  const out: string[] = [];
  for (const v of valid) {
    const t = kg * v.units;
    if (t > hi || t < lo) out.push(v.expertId);
  }
  return out;
}

function criteriaMeans(valid: Valid[], rules: ScoringRules): Record<string, string> | undefined {
  if (rules.criteria.length === 0 || valid.length === 0) return undefined;
  const out: Record<string, string> = {};
  for (const c of rules.criteria) {
    let s = 0n;
    let n = 0n;
    for (const v of valid) {
      const x = v.criteria?.[c.key];
      if (x !== undefined) {
        s += BigInt(x);
        n++;
      }
    }
    if (n > 0n) out[c.key] = formatFraction(s, n * 100n);
  }
  return out;
}

function meanOf(xs: Valid[], L: bigint): ScoreValue {
  return rational(sumUnits(xs), BigInt(xs.length) * L);
}

interface RoundExpert {
  m: Moments;
  /** ⌊√D_e · 10^P⌋ where D_e = n_eΣu² − (Σu)², so σ_e = √D_e / n_e (units). */
  rootD: bigint;
}

interface RoundZ {
  mu: bigint; // fixed
  sigma: bigint; // fixed
  experts: Map<string, RoundExpert>;
  roundMean: string;
  roundSd: string;
}

/**
 * Running totals of a round's scores, fed one score at a time so that a
 * round of 1,000,000 scores is never held in memory: per expert (count,
 * Σu, Σu², recusals) and over all valid scores.
 */
export class ScoreMoments {
  readonly experts = new Map<string, { m: Moments; recused: number }>();
  readonly all: Moments = { n: 0n, s: 0n, q: 0n };

  static of(apps: Iterable<ApplicationScores>): ScoreMoments {
    const m = new ScoreMoments();
    for (const a of apps) m.addApplication(a);
    return m;
  }

  /** Totals of one expert computed elsewhere (exact integer sums from SQL). */
  addExpert(expertId: string, n: bigint, s: bigint, q: bigint, recused: number): void {
    this.experts.set(expertId, { m: { n, s, q }, recused });
    this.all.n += n;
    this.all.s += s;
    this.all.q += q;
  }

  addApplication(a: ApplicationScores): void {
    for (const e of a.entries) this.add(e);
  }

  add(e: ScoreEntry): void {
    let p = this.experts.get(e.expertId);
    if (!p) this.experts.set(e.expertId, (p = { m: { n: 0n, s: 0n, q: 0n }, recused: 0 }));
    if (e.recused) p.recused++;
    if (e.recused || e.units === null) return;
    const u = e.units;
    const q = u * u;
    p.m.n++;
    p.m.s += u;
    p.m.q += q;
    this.all.n++;
    this.all.s += u;
    this.all.q += q;
  }
}

/** The round's statistics the z-score needs; opaque outside this module. */
export type ZStatistics = RoundZ;

/** z-score statistics over every valid score of the round (SPEC §14), whatever the applications' eligibility. */
export function zStatistics(moments: ScoreMoments, L: bigint): ZStatistics {
  const F = pow10(FIXED_DIGITS);
  const experts = new Map<string, RoundExpert>();
  for (const [id, { m }] of moments.experts) if (m.n > 0n) experts.set(id, { m, rootD: isqrt(varianceNumerator(m) * F * F) });
  const all = moments.all;
  if (all.n === 0n) return { mu: 0n, sigma: 0n, experts, roundMean: '', roundSd: '' };
  const nl = all.n * L;
  const st = expertStats(all, L);
  return {
    mu: floorDiv(all.s * F, nl),
    sigma: isqrt(varianceNumerator(all) * F * F) / nl,
    experts,
    roundMean: st.mean,
    roundSd: st.sd,
  };
}

function zValue(valid: Valid[], rz: RoundZ, details: AggregateDetails): ScoreValue {
  const F = pow10(FIXED_DIGITS);
  let sumZ = 0n;
  const z: ZDetail[] = [];
  for (const v of valid) {
    const ex = rz.experts.get(v.expertId);
    if (!ex) throw new Error(`expert ${v.expertId} missing from the round statistics`);
    // z_e = (u − μ_e)/σ_e = (n_e·u − S_e) / √D_e; an expert with σ_e = 0 contributes z = 0.
    const zf = ex.rootD === 0n ? 0n : floorDiv((ex.m.n * v.units - ex.m.s) * F * F, ex.rootD);
    sumZ += zf;
    z.push({ expert_id: v.expertId, z: formatFraction(zf, F, 4) });
  }
  details.z = z;
  details.round_mean = rz.roundMean;
  details.round_sd = rz.roundSd;
  // μ + σ · mean_e(z_e)
  const meanZ = floorDiv(sumZ, BigInt(valid.length));
  return { kind: 'fixed', scaled: rz.mu + floorDiv(rz.sigma * meanZ, F), digits: FIXED_DIGITS };
}

function atLeast(v: ScoreValue, [tn, td]: [bigint, bigint]): boolean {
  const [n, d] = asFraction(v);
  return n * td >= tn * d;
}

/**
 * Aggregates every application of a round (Art. 11, SPEC §7): recused scores
 * are kept but never averaged; fewer than minExperts valid scores →
 * insufficient-reviews; below threshold → below-threshold (exactly the
 * threshold is scored).
 */
export function aggregateRound(apps: ApplicationScores[], rules: ScoringRules): Aggregate[] {
  const z = rules.method === 'z-score' ? zStatistics(ScoreMoments.of(apps), rules.unitsPerPoint) : undefined;
  return apps.map((a) => aggregateApplication(a, rules, z));
}

/** One application's aggregate; the z-score needs the round's statistics (zStatistics) first. */
export function aggregateApplication(a: ApplicationScores, rules: ScoringRules, z?: ZStatistics): Aggregate {
  const L = rules.unitsPerPoint;
  const valid = a.entries.filter(isValid);
  let recused = 0;
  for (const e of a.entries) if (e.recused) recused++;
  const outliers = outliersOf(valid, rules);
  const details: AggregateDetails = {};
  const crit = criteriaMeans(valid, rules);
  if (crit) details.criteria = crit;
  // Every aggregate is built by this one literal, whole: `{ ...base, status, … }` cost V8 a slow copy per
  // application, and made objects whose every later read (ranking, storing, the table) was slower.
  const aggregate = (status: ScoreStatus, value: ScoreValue | null): Aggregate => ({
    applicationId: a.applicationId,
    method: rules.method,
    experts: valid.length,
    recused,
    outliers,
    details,
    status,
    value,
    display: value && scoreDisplay(value),
    key: value && scoreKey(value),
  });
  if (valid.length < rules.minExperts || valid.length === 0) return aggregate('insufficient-reviews', null);
  let value: ScoreValue;
  switch (rules.method) {
    case 'mean':
      value = meanOf(valid, L);
      break;
    case 'trimmed-mean': {
      // SPEC §7: with ≥ 5 valid scores drop one highest and one lowest; fewer → plain mean.
      if (valid.length >= 5) {
        const sorted = [...valid].sort(byUnits);
        const kept = sorted.slice(1, -1);
        details.dropped = [sorted[0].expertId, sorted[sorted.length - 1].expertId];
        details.used = kept.map((v) => v.expertId);
        value = meanOf(kept, L);
      } else {
        details.dropped = [];
        details.used = valid.map((v) => v.expertId);
        value = meanOf(valid, L);
      }
      break;
    }
    case 'median': {
      // SPEC §14: the median of an even count is the mean of the two middle values.
      const sorted = [...valid].sort(byUnits);
      const k = sorted.length;
      const mid = k % 2 === 1 ? [sorted[(k - 1) / 2]] : [sorted[k / 2 - 1], sorted[k / 2]];
      details.middle = mid.map((v) => v.expertId);
      details.used = details.middle;
      value = meanOf(mid, L);
      break;
    }
    case 'z-score':
      if (!z) throw new Error('aggregateApplication: the z-score needs the round statistics');
      value = zValue(valid, z, details);
      break;
  }
  return aggregate(atLeast(value, rules.threshold) ? 'scored' : 'below-threshold', value);
}

// Two different rationals with denominators below 10^15 differ by more than
// 10^-30, so their keys differ: for them, equal keys mean equal values.
const KEY_EXACT_DEN = 10n ** 15n;

/** Exact comparison of two values whose score keys are equal; cheap for the common cases. */
function compareEqualKeys(a: ScoreValue, b: ScoreValue): number {
  if (a.kind === 'rational' && b.kind === 'rational' && a.den < KEY_EXACT_DEN && b.den < KEY_EXACT_DEN) return 0;
  return compareScores(a, b);
}

/** Ranking order: exact value descending, unscored last, then application_id. */
export function compareAggregates(a: Aggregate, b: Aggregate): number {
  if (a.value && b.value) {
    // Keys order like the exact values; only equal keys may need the exact comparison.
    const c = a.key === b.key ? compareEqualKeys(b.value, a.value) : (a.key as string) < (b.key as string) ? 1 : -1;
    if (c !== 0) return c;
  } else if (a.value || b.value) return a.value ? -1 : 1;
  return a.applicationId < b.applicationId ? -1 : a.applicationId > b.applicationId ? 1 : 0;
}

export interface ExpertSummary {
  expertId: string;
  scored: number;
  recused: number;
  /** 2-decimal display; '' when the expert has no valid score. */
  mean: string;
  sd: string;
  /** Expert's mean minus the round's mean, signed, 2 decimals. */
  difference: string;
}

const NO_OUTLIERS: string[] = Object.freeze([]) as unknown as string[];
const NO_DETAILS: AggregateDetails = Object.freeze({});

/**
 * Makes a round's aggregates share what repeats among them, so that 10^6 of
 * them fit in memory until they are stored and ranked: an equal score (its
 * key) is one value, rounded display and key; no outliers and no details are
 * one empty array and one empty object, frozen. What each aggregate says is
 * unchanged. At most `limit` distinct scores are kept (a z-score round has
 * about as many as applications).
 */
export class AggregateSharing {
  private readonly scores: FirstCopies<{ value: ScoreValue; display: string | null; key: string }>;
  constructor(limit = 1 << 16) {
    this.scores = new FirstCopies(limit);
  }

  /** `a` itself, its parts replaced by the shared ones. */
  share(a: Aggregate): Aggregate {
    if (a.key !== null && a.value !== null) {
      const s = this.scores.get(a.key);
      if (s) {
        a.value = s.value;
        a.display = s.display;
        a.key = s.key;
      } else {
        this.scores.keep(a.key, { value: a.value, display: a.display, key: a.key });
      }
    }
    if (a.outliers.length === 0) a.outliers = NO_OUTLIERS;
    if (isEmpty(a.details)) a.details = NO_DETAILS;
    return a;
  }
  /** `a` shared (share) and without its details, for what is held once it is stored. */
  held(a: Aggregate): RankedAggregate {
    const s = this.share(a);
    return { applicationId: s.applicationId, method: s.method, status: s.status, value: s.value, display: s.display, key: s.key, experts: s.experts, recused: s.recused, outliers: s.outliers };
  }
}

function isEmpty(o: object): boolean {
  for (const _ in o) return false;
  return true;
}

/**
 * The aggregates in ranking order (compareAggregates), sorted through small
 * records: for 200,000 applications this is several times faster than
 * sorting the aggregates themselves.
 */
export function rankAggregates<A extends Pick<Aggregate, 'applicationId' | 'value' | 'key'>>(aggs: A[]): A[] {
  // '' sorts unscored last in this descending order; `exact`: the key alone decides (see KEY_EXACT_DEN).
  // `at`: a key of digits read as a double, which orders like the key where two doubles differ (parsing
  // rounds monotonically); NaN for the other forms ('', '~…', '-…'), which the text then orders.
  const recs = aggs.map((a) => {
    const key = a.key ?? '';
    const c = key.charCodeAt(0);
    return { key, at: c >= 48 && c <= 57 ? Number.parseFloat(key) : Number.NaN, id: a.applicationId, exact: a.value === null || (a.value.kind === 'rational' && a.value.den < KEY_EXACT_DEN), a };
  });
  recs.sort((x, y) => {
    if (x.at > y.at) return -1;
    if (x.at < y.at) return 1;
    if (x.key !== y.key) return x.key < y.key ? 1 : -1;
    if (!(x.exact && y.exact)) {
      const c = compareScores(y.a.value as ScoreValue, x.a.value as ScoreValue);
      if (c !== 0) return c;
    }
    return x.id < y.id ? -1 : x.id > y.id ? 1 : 0;
  });
  return recs.map((r) => r.a);
}

/** Per expert: how many applications scored, mean and population SD, so a harsh or lenient expert shows. */
export function expertSummaries(moments: ScoreMoments, L: bigint): { overall: { scores: number; mean: string; sd: string }; experts: ExpertSummary[] } {
  const all = moments.all;
  const overall = expertStats(all, L);
  const experts = [...moments.experts.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([expertId, p]) => {
      const st = expertStats(p.m, L);
      let difference = '';
      if (p.m.n > 0n && all.n > 0n) {
        // S_e/(n_e·L) − S/(N·L)
        const d = formatFraction(p.m.s * all.n - all.s * p.m.n, p.m.n * all.n * L);
        difference = d.startsWith('-') || d === '0.00' ? d : `+${d}`;
      }
      return { expertId, scored: Number(p.m.n), recused: p.recused, mean: st.mean, sd: st.sd, difference };
    });
  return { overall: { scores: Number(all.n), ...overall }, experts };
}

