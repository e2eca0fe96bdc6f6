// Competitive allocation (竞争性分配, Art. 8, 11; SPEC §8 and §14).
// plan() is pure: applications + policy + options → AllocationPlan. Storing,
// printing and refusing are the command's business (plan, then apply).
import { CAP_LIMITS, capInCategory, type CapLimit } from './caps.js';
import { floorToUnit } from './money.js';
import { dateNumber, dateOfNumber } from './dates.js';
import { categoryOf, type AllocationMethod, type Category, type Policy, type ShortfallRule, type TieBreakKey } from './policy.js';
import { text, type Text } from './text.js';

export type Eligibility = 'eligible' | 'ineligible' | 'needs-review';
export type ScoreStatus = 'scored' | 'insufficient-reviews' | 'below-threshold';

/** An exact aggregate score num/den (den > 0), as stored by `scores aggregate`. */
export interface ExactScore {
  num: bigint;
  den: bigint;
}

/** One application of the round as allocation sees it. */
export interface Candidate {
  applicationId: string;
  category: string;
  cluster: string | null;
  /** The enterprise key (统一社会信用代码). */
  uscc: string;
  enterpriseName: string;
  requestedAmountFen: number;
  totalInvestmentFen: number;
  submittedOn: string;
  /** null: not yet checked. */
  eligibility: Eligibility | null;
  /** null: no aggregate score. */
  scoreStatus: ScoreStatus | null;
  score: ExactScore | null;
  scoreDisplay: string | null;
}

// SPEC §14, exact words. `withdrawn` marks an award cancelled by the lifecycle
// (objection upheld, acceptance failed), excluded from a re-allocation.
export const ALLOCATION_REASONS = [
  'funded',
  'funded-in-part',
  'funded-pro-rata',
  'did-not-fit',
  'no-budget-left',
  'enterprise-cap-used-up',
  'no-budget',
  'not-allocated',
  'ineligible',
  'needs-review',
  'insufficient-reviews',
  'below-threshold',
  'withdrawn',
] as const;
export type AllocationReason = (typeof ALLOCATION_REASONS)[number];

// SPEC §14: when two limits are equal, the first in this order is named.
export const BINDING_LIMITS = ['requested', 'ratio', 'per-project-cap', 'enterprise-cap', 'category-budget', 'cluster-pool', 'pro-rata'] as const;
export type BindingLimit = (typeof BINDING_LIMITS)[number];

/** Reasons that put a participant on the reserve list (候补), SPEC §14. */
export const RESERVE_REASONS: ReadonlySet<AllocationReason> = new Set(['did-not-fit', 'no-budget-left']);

/** An award that a re-allocation must keep (already on notice or later). */
export interface KeptAward {
  awardFen: number;
  reason: AllocationReason;
  binding: BindingLimit | null;
}

export interface PlanOptions {
  /** Budget per category key in fen; a category missing here uses the policy's defaultBudgetFen, else has none. */
  budgets: Readonly<Record<string, number>>;
  method: AllocationMethod;
  shortfall: ShortfallRule;
  tieBreak: readonly TieBreakKey[];
  /** Awards fixed before the walk, counted first against budgets, pools and enterprise caps. */
  kept?: ReadonlyMap<string, KeptAward>;
  /** Applications taken out (withdrawn): award 0, never offered money again. */
  excluded?: ReadonlySet<string>;
  /**
   * tieOrderOf(the candidates, tieBreak), for many plans of the same
   * applications with other scores (jmfund line): where the chain starts with
   * the score and a category's scores are fractions of whole numbers (over a
   * common denominator of at most 2^32), the category is ordered by a numeric
   * sort of (score, this place), which is the order the chain gives, without
   * comparing pairs.
   */
  tieOrder?: Int32Array;
}

/** CandidateColumns.state is 4 × the eligibility's index here + the score status's index in SCORE_STATUS_CODES. */
export const ELIGIBILITY_CODES: readonly (Eligibility | null)[] = [null, 'eligible', 'ineligible', 'needs-review'];
export const SCORE_STATUS_CODES: readonly (ScoreStatus | null)[] = [null, 'scored', 'insufficient-reviews', 'below-threshold'];

/**
 * The round's applications as columns, one entry per application in the order
 * given (the ledger gives application_id order). At 10^6 applications, objects
 * per application would be copied by every garbage collection; columns of
 * numbers and a few strings per application are not. Categories and clusters
 * are codes into small lists, dates YYYYMMDD numbers.
 */
export class CandidateColumns {
  length = 0;
  readonly applicationId: string[] = [];
  readonly uscc: string[] = [];
  readonly enterpriseName: string[] = [];
  readonly scoreDisplay: (string | null)[] = [];
  /** The distinct categories; category[i] indexes this list. */
  readonly categories: string[] = [];
  /** The distinct clusters, [0] = none; cluster[i] indexes this list. */
  readonly clusters: (string | null)[] = [null];
  /** Scores whose num or den a double cannot hold exactly, as decimal strings. */
  readonly exact = new Map<number, { num: string; den: string }>();
  category: Int32Array;
  cluster: Int32Array;
  /** YYYYMMDD. */
  submittedOn: Int32Array;
  /** 4 × eligibility code + score status code (ELIGIBILITY_CODES, SCORE_STATUS_CODES). */
  state: Uint8Array;
  requestedAmountFen: Float64Array;
  totalInvestmentFen: Float64Array;
  /** num/den as a double (NaN without a score): orders most pairs without BigInt arithmetic. */
  approx: Float64Array;
  /** num and den as doubles, exact unless the application is in `exact`. */
  num: Float64Array;
  den: Float64Array;
  private readonly categoryCode = new Map<string, number>();
  private readonly clusterCode = new Map<string | null, number>([[null, 0]]);

  constructor(capacity = 64) {
    const n = Math.max(1, capacity);
    this.category = new Int32Array(n);
    this.cluster = new Int32Array(n);
    this.submittedOn = new Int32Array(n);
    this.state = new Uint8Array(n);
    this.requestedAmountFen = new Float64Array(n);
    this.totalInvestmentFen = new Float64Array(n);
    this.approx = new Float64Array(n);
    this.num = new Float64Array(n);
    this.den = new Float64Array(n);
  }

  static from(candidates: Iterable<Candidate>): CandidateColumns {
    const cols = new CandidateColumns(Array.isArray(candidates) ? candidates.length : 64);
    for (const c of candidates) cols.push(c);
    return cols;
  }

  /** The code of a category, added to the list when new. */
  categoryCodeOf(key: string): number {
    let c = this.categoryCode.get(key);
    if (c === undefined) {
      c = this.categories.push(key) - 1;
      this.categoryCode.set(key, c);
    }
    return c;
  }

  clusterCodeOf(key: string | null): number {
    let c = this.clusterCode.get(key);
    if (c === undefined) {
      c = this.clusters.push(key) - 1;
      this.clusterCode.set(key, c);
    }
    return c;
  }

  push(c: Candidate): void {
    const state = 4 * ELIGIBILITY_CODES.indexOf(c.eligibility) + SCORE_STATUS_CODES.indexOf(c.scoreStatus);
    const score = c.score === null ? [null, null] : [String(c.score.num), String(c.score.den)];
    this.pushCoded(
      c.applicationId,
      this.categoryCodeOf(c.category),
      this.clusterCodeOf(c.cluster),
      c.uscc,
      c.enterpriseName,
      c.requestedAmountFen,
      c.totalInvestmentFen,
      dateNumber(c.submittedOn),
      state,
      score[0],
      score[1],
      c.scoreDisplay,
    );
  }

  /**
   * One application, already coded. num and den: integers, as numbers when a
   * double holds them exactly, else as decimal strings; both null without a score.
   */
  pushCoded(
    applicationId: string,
    category: number,
    cluster: number,
    uscc: string,
    enterpriseName: string,
    requestedAmountFen: number,
    totalInvestmentFen: number,
    submittedOn: number,
    state: number,
    scoreNum: number | string | null,
    scoreDen: number | string | null,
    scoreDisplay: string | null,
  ): void {
    const i = this.length;
    if (i === this.approx.length) this.grow();
    let num = NaN;
    let den = NaN;
    if (scoreNum !== null && scoreDen !== null) {
      if (typeof scoreNum === 'number' && typeof scoreDen === 'number' && Number.isSafeInteger(scoreNum) && Number.isSafeInteger(scoreDen)) {
        num = scoreNum;
        den = scoreDen;
      } else {
        let n = BigInt(scoreNum);
        let d = BigInt(scoreDen);
        if (d < 0n) [n, d] = [-n, -d];
        num = Number(n);
        den = Number(d);
        if (!Number.isSafeInteger(num) || !Number.isSafeInteger(den)) this.exact.set(i, { num: String(n), den: String(d) });
      }
      if (den < 0) [num, den] = [-num, -den];
      if (!(den > 0)) throw new Error(`score of ${applicationId} has a denominator ≤ 0`);
    }
    this.applicationId.push(applicationId);
    this.uscc.push(uscc);
    this.enterpriseName.push(enterpriseName);
    this.scoreDisplay.push(scoreDisplay);
    this.category[i] = category;
    this.cluster[i] = cluster;
    this.submittedOn[i] = submittedOn;
    this.state[i] = state;
    this.requestedAmountFen[i] = requestedAmountFen;
    this.totalInvestmentFen[i] = totalInvestmentFen;
    this.num[i] = num;
    this.den[i] = den;
    this.approx[i] = num / den;
    this.length = i + 1;
  }

  private grow(): void {
    const n = this.approx.length * 2;
    const more = <T extends Uint8Array | Int32Array | Float64Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(n);
      b.set(a);
      return b;
    };
    this.category = more(this.category);
    this.cluster = more(this.cluster);
    this.submittedOn = more(this.submittedOn);
    this.state = more(this.state);
    this.requestedAmountFen = more(this.requestedAmountFen);
    this.totalInvestmentFen = more(this.totalInvestmentFen);
    this.approx = more(this.approx);
    this.num = more(this.num);
    this.den = more(this.den);
  }

  categoryAt(i: number): string {
    return this.categories[this.category[i]];
  }
  clusterAt(i: number): string | null {
    return this.clusters[this.cluster[i]];
  }
  eligibilityAt(i: number): Eligibility | null {
    return ELIGIBILITY_CODES[this.state[i] >> 2];
  }
  scoreStatusAt(i: number): ScoreStatus | null {
    return SCORE_STATUS_CODES[this.state[i] & 3];
  }
  hasScore(i: number): boolean {
    return this.den[i] > 0;
  }
  score(i: number): ExactScore | null {
    if (!this.hasScore(i)) return null;
    const e = this.exact.get(i);
    return e ? { num: BigInt(e.num), den: BigInt(e.den) } : { num: BigInt(this.num[i]), den: BigInt(this.den[i]) };
  }

  /** The applications as objects (tests and small rounds). */
  *[Symbol.iterator](): Iterator<Candidate> {
    for (let i = 0; i < this.length; i++) yield this.candidate(i);
  }

  /** Application i as an object (for tests and small rounds). */
  candidate(i: number): Candidate {
    return {
      applicationId: this.applicationId[i],
      category: this.categoryAt(i),
      cluster: this.clusterAt(i),
      uscc: this.uscc[i],
      enterpriseName: this.enterpriseName[i],
      requestedAmountFen: this.requestedAmountFen[i],
      totalInvestmentFen: this.totalInvestmentFen[i],
      submittedOn: dateOfNumber(this.submittedOn[i]),
      eligibility: this.eligibilityAt(i),
      scoreStatus: this.scoreStatusAt(i),
      score: this.score(i),
      scoreDisplay: this.scoreDisplay[i],
    };
  }
}

/** One application's line of a plan, as an object (AllocationPlan.lines). */
export interface PlanLine {
  app: Candidate;
  /** Rank within the category among participants; null for those that do not take part. */
  rank: number | null;
  /** The application's cap (caps.ts); the full arithmetic is recomputed where it is shown or stored. */
  capFen: number;
  capBinding: CapLimit;
  entitledFen: number;
  awardFen: number;
  reason: AllocationReason;
  binding: BindingLimit | null;
  kept: boolean;
}

export interface CategorySummary {
  category: string;
  budgetFen: number | null;
  awardedFen: number;
  funded: number;
  participants: number;
}

export interface ClusterSummary {
  category: string;
  cluster: string;
  poolFen: number;
  awardedFen: number;
}

export interface AllocationPlan {
  method: AllocationMethod;
  shortfall: ShortfallRule;
  /** The chain used, ending with application-id-asc so that the order is total. */
  tieBreak: TieBreakKey[];
  budgets: Record<string, number>;
  categories: CategorySummary[];
  clusters: ClusterSummary[];
  /** The applications planned; every column below is indexed like them. */
  apps: CandidateColumns;
  /** Rank within the category among participants; 0: does not take part. */
  rank: Int32Array;
  capFen: Float64Array;
  /** Index into CAP_LIMITS. */
  capBinding: Uint8Array;
  entitledFen: Float64Array;
  awardFen: Float64Array;
  /** Index into ALLOCATION_REASONS. */
  reason: Uint8Array;
  /** 0: none; else 1 + index into BINDING_LIMITS. */
  binding: Uint8Array;
  /** 1: an award kept from the notice. */
  kept: Uint8Array;
  /**
   * Application indices per policy category (in policy order): participants in
   * rank order, then the others by application_id. Category k's are
   * order[categoryStart[k] .. categoryStart[k + 1]).
   */
  order: Int32Array;
  categoryStart: Int32Array;
  /** The lines as objects in `order` (made on first use: tests and small rounds). */
  readonly lines: PlanLine[];
  reserve: Record<string, string[]>;
  ties: string[][];
  /** Categories with participants and no budget (SPEC §8: reported, fund nothing). */
  unbudgeted: string[];
  /** Kept awards that no longer fit a budget or pool: the run must be refused. */
  conflicts: Text[];
}

const REASON_CODE = new Map<AllocationReason, number>(ALLOCATION_REASONS.map((r, i) => [r, i]));
const BINDING_CODE = new Map<BindingLimit, number>(BINDING_LIMITS.map((b, i) => [b, i + 1]));
const CAP_CODE = new Map<CapLimit, number>(CAP_LIMITS.map((b, i) => [b, i]));

export const reasonAt = (p: Pick<AllocationPlan, 'reason'>, i: number): AllocationReason => ALLOCATION_REASONS[p.reason[i]];
export const bindingAt = (p: Pick<AllocationPlan, 'binding'>, i: number): BindingLimit | null => (p.binding[i] === 0 ? null : BINDING_LIMITS[p.binding[i] - 1]);
export const rankAt = (p: Pick<AllocationPlan, 'rank'>, i: number): number | null => (p.rank[i] === 0 ? null : p.rank[i]);

function lineAt(p: AllocationPlan, i: number): PlanLine {
  return {
    app: p.apps.candidate(i),
    rank: rankAt(p, i),
    capFen: p.capFen[i],
    capBinding: CAP_LIMITS[p.capBinding[i]],
    entitledFen: p.entitledFen[i],
    awardFen: p.awardFen[i],
    reason: reasonAt(p, i),
    binding: bindingAt(p, i),
    kept: p.kept[i] === 1,
  };
}

// ---------------------------------------------------------------- ordering

/** Exact comparison of two rationals with positive denominators. */
export function compareExact(a: ExactScore, b: ExactScore): number {
  if (a.den === b.den) return a.num < b.num ? -1 : a.num > b.num ? 1 : 0;
  const l = a.num * b.den;
  const r = b.num * a.den;
  return l < r ? -1 : l > r ? 1 : 0;
}

const isSurrogate = (u: number): boolean => u >= 0xd800 && u <= 0xdfff;

/** Plain code-point order (SPEC §8), which is what SQLite's BINARY collation gives on UTF-8; JS `<` compares UTF-16 units. */
export function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const sx = isSurrogate(x);
    // A surrogate stands for a code point above U+FFFF: after every BMP character.
    if (sx !== isSurrogate(y)) return sx ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

type Compare = (a: Candidate, b: Candidate) => number;

// A missing score sorts last (only a kept award can be ranked without one).
function compareScoreDesc(a: Candidate, b: Candidate): number {
  if (a.score === null || b.score === null) return (a.score === null ? 1 : 0) - (b.score === null ? 1 : 0);
  return compareExact(b.score, a.score);
}

/** The tie-break keys of SPEC §8 on candidates, exactly: the definition that plan()'s faster comparator on columns must agree with (a property test checks it). */
const KEY_COMPARE: Record<TieBreakKey, Compare> = {
  'score-desc': compareScoreDesc,
  'submitted-on-asc': (a, b) => (a.submittedOn < b.submittedOn ? -1 : a.submittedOn > b.submittedOn ? 1 : 0),
  'application-id-asc': (a, b) => compareCodePoints(a.applicationId, b.applicationId),
  'requested-asc': (a, b) => a.requestedAmountFen - b.requestedAmountFen,
  'total-investment-desc': (a, b) => b.totalInvestmentFen - a.totalInvestmentFen,
};

type IndexCompare = (i: number, j: number) => number;

/** Exact order of two applications' scores (both present): cross products in doubles while they are exact, else BigInt. */
function compareScoresAt(c: CandidateColumns, i: number, j: number): number {
  const l = c.num[i] * c.den[j];
  const r = c.num[j] * c.den[i];
  if (Number.isSafeInteger(l) && Number.isSafeInteger(r)) return l < r ? -1 : l > r ? 1 : 0;
  return compareExact(c.score(i)!, c.score(j)!);
}

/**
 * rankComparator on application indices, for plan(). Scores: the doubles decide
 * when they differ by more than their rounding error could (each is within
 * ~4·10⁻¹⁶ relative of the exact value); otherwise, and for values too large
 * for a double, exactly.
 */
function indexComparator(c: CandidateColumns, chain: readonly TieBreakKey[]): IndexCompare {
  const { approx, submittedOn, applicationId, requestedAmountFen: requested, totalInvestmentFen: investment } = c;
  const key = (k: TieBreakKey): IndexCompare => {
    switch (k) {
      case 'score-desc':
        return (i, j) => {
          const x = approx[i];
          const y = approx[j];
          // NaN: no score, which sorts last (only a kept award can be ranked without one).
          if (x !== x || y !== y) return (x !== x ? 1 : 0) - (y !== y ? 1 : 0);
          const d = y - x;
          if (Number.isFinite(d) && Math.abs(d) > 1e-12 * Math.max(Math.abs(x), Math.abs(y))) return d;
          return -compareScoresAt(c, i, j);
        };
      case 'submitted-on-asc':
        return (i, j) => (submittedOn[i] < submittedOn[j] ? -1 : submittedOn[i] > submittedOn[j] ? 1 : 0);
      case 'application-id-asc':
        return (i, j) => compareCodePoints(applicationId[i], applicationId[j]);
      case 'requested-asc':
        return (i, j) => requested[i] - requested[j];
      case 'total-investment-desc':
        return (i, j) => investment[j] - investment[i];
    }
  };
  return inTurn(effectiveChain(chain).map(key));
}

/**
 * Each application's place in the order the chain gives after its score key
 * (the keys after score-desc; application-id-asc last, so no two share one):
 * PlanOptions.tieOrder for a chain that starts with score-desc.
 */
export function tieOrderOf(c: CandidateColumns, chain: readonly TieBreakKey[]): Int32Array {
  const rest = effectiveChain(chain).filter((k) => k !== 'score-desc');
  const order = Array.from({ length: c.length }, (_, i) => i).sort(indexComparator(c, rest));
  const place = new Int32Array(c.length);
  order.forEach((i, at) => (place[i] = at));
  return place;
}

/**
 * Sorts `part` by score, highest first, then by tieOrder, as one sort of
 * numbers: each score num/den is put over the denominators' least common
 * multiple L, and key = (highest − num·L/den) · 2^b + place, exact in a
 * double. Whole-number scores compare as those numerators, and equal ones
 * are ties the chain's other keys break, in tieOrder. False, `part`
 * untouched, where a score is no such fraction or the keys would not be exact.
 */
function sortByScoreThenTie(part: number[], c: CandidateColumns, tieOrder: Int32Array): boolean {
  const n = part.length;
  if (n < 2 || tieOrder.length !== c.length) return n < 2;
  let common = 1;
  for (const i of part) {
    const den = c.den[i];
    if (!(den > 0) || !Number.isSafeInteger(den) || !Number.isSafeInteger(c.num[i]) || c.exact.has(i)) return false;
    if (common % den !== 0) common = (common / gcd(common, den)) * den;
    if (common > MAX_COMMON_DEN) return false;
  }
  const scaled = new Float64Array(n);
  let lo = Infinity;
  let hi = -Infinity;
  for (let j = 0; j < n; j++) {
    const i = part[j];
    const v = c.num[i] * (common / c.den[i]);
    if (!Number.isSafeInteger(v)) return false;
    scaled[j] = v;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const span = 2 ** Math.max(1, Math.ceil(Math.log2(c.length)));
  if ((hi - lo + 1) * span > Number.MAX_SAFE_INTEGER) return false;
  const byPlace = new Int32Array(span);
  for (let j = 0; j < n; j++) {
    const i = part[j];
    scaled[j] = (hi - scaled[j]) * span + tieOrder[i];
    byPlace[tieOrder[i]] = i;
  }
  scaled.sort();
  for (let j = 0; j < n; j++) part[j] = byPlace[scaled[j] % span];
  return true;
}

/** Beyond this the scaled scores may leave the doubles' whole numbers: pairs are compared instead. */
const MAX_COMMON_DEN = 2 ** 32;

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** The first of the comparators that tells a and b apart. */
function inTurn<T>(fns: ((a: T, b: T) => number)[]): (a: T, b: T) => number {
  if (fns.length === 3) {
    // The policy's chain (score, date, id): unrolled, as this runs ~2·10^7 times at 10^6 applications.
    const [f, g, h] = fns;
    return (a, b) => f(a, b) || g(a, b) || h(a, b);
  }
  return (a, b) => {
    for (const f of fns) {
      const r = f(a, b);
      if (r !== 0) return r;
    }
    return 0;
  };
}

/** The chain as given, plus application-id-asc at the end so that no two applications compare equal. */
export function effectiveChain(chain: readonly TieBreakKey[]): TieBreakKey[] {
  const c = [...new Set(chain)];
  if (!c.includes('application-id-asc')) c.push('application-id-asc');
  return c;
}

export function rankComparator(chain: readonly TieBreakKey[]): Compare {
  return inTurn(effectiveChain(chain).map((k) => KEY_COMPARE[k]));
}

// ---------------------------------------------------------------- who takes part

/** SPEC §14: the first reason that applies, in the order ineligible, needs-review, insufficient-reviews, below-threshold, not-allocated. */
function whyOut(eligibility: Eligibility | null, status: ScoreStatus | null, scored: boolean, cat: Category): AllocationReason | null {
  if (eligibility === 'ineligible') return 'ineligible';
  if (eligibility !== 'eligible') return 'needs-review';
  if (status === null || status === 'insufficient-reviews' || !scored) return 'insufficient-reviews';
  if (status === 'below-threshold') return 'below-threshold';
  // Art. 7(5): other matters are set by an officer, never allocated here.
  if (cat.allocation === 'manual') return 'not-allocated';
  return null;
}

/** The budget allocate uses: the run's or round's, else the policy default (Art. 8(4): talent training 1,000,000 a year). */
export function budgetOf(cat: Category, budgets: Readonly<Record<string, number>>): number | null {
  if (Object.hasOwn(budgets, cat.key)) return budgets[cat.key];
  return cat.defaultBudgetFen ?? null;
}

// ---------------------------------------------------------------- the plan

interface Scope {
  remaining: number;
  closed: boolean;
}

const NO_LIMIT = Number.MAX_SAFE_INTEGER;

const R = (r: AllocationReason): number => REASON_CODE.get(r)!;
const B = (b: BindingLimit | null): number => (b === null ? 0 : BINDING_CODE.get(b)!);
const NOT_ALLOCATED = R('not-allocated');
const RESERVE_CODES = new Set([...RESERVE_REASONS].map(R));

/** The plan's columns while it is made; settle() writes one line. */
class Lines {
  readonly rank: Int32Array;
  readonly capFen: Float64Array;
  readonly capBinding: Uint8Array;
  readonly entitledFen: Float64Array;
  readonly awardFen: Float64Array;
  readonly reason: Uint8Array;
  readonly binding: Uint8Array;
  readonly kept: Uint8Array;
  constructor(
    readonly apps: CandidateColumns,
    n: number,
  ) {
    this.rank = new Int32Array(n);
    this.capFen = new Float64Array(n);
    this.capBinding = new Uint8Array(n);
    this.entitledFen = new Float64Array(n);
    this.awardFen = new Float64Array(n);
    this.reason = new Uint8Array(n).fill(NOT_ALLOCATED);
    this.binding = new Uint8Array(n);
    this.kept = new Uint8Array(n);
  }
  settle(i: number, awardFen: number, reason: AllocationReason, binding: BindingLimit | null): void {
    this.awardFen[i] = awardFen;
    this.reason[i] = R(reason);
    this.binding[i] = B(binding);
  }
}

export function plan(candidates: Iterable<Candidate> | CandidateColumns, policy: Policy, opts: PlanOptions): AllocationPlan {
  const apps = candidates instanceof CandidateColumns ? candidates : CandidateColumns.from(candidates);
  const n = apps.length;
  const unit = policy.unitFen;
  const chain = effectiveChain(opts.tieBreak);
  const cmp = indexComparator(apps, chain);
  const kept = opts.kept ?? new Map<string, KeptAward>();
  const excluded = opts.excluded ?? new Set<string>();
  const cats = policy.categories;
  const catIndex = new Map(cats.map((c, k) => [c.key, k]));
  const participants: number[][] = cats.map(() => []);
  const others: number[][] = cats.map(() => []);
  const L = new Lines(apps, n);

  // Category codes → policy categories, once per distinct category.
  const policyIndex = apps.categories.map((key) => {
    const k = catIndex.get(key);
    if (k === undefined) categoryOf(policy, key); // throws: not in the policy
    return k!;
  });
  for (let i = 0; i < n; i++) {
    const k = policyIndex[apps.category[i]];
    const cat = cats[k];
    const cap = capInCategory({ category: cat.key, requestedAmountFen: apps.requestedAmountFen[i], totalInvestmentFen: apps.totalInvestmentFen[i] }, cat, unit);
    L.capFen[i] = cap.capFen;
    L.capBinding[i] = CAP_CODE.get(cap.binding)!;
    const id = apps.applicationId[i];
    const keep = kept.size > 0 ? kept.get(id) : undefined;
    if (keep) {
      // An award on notice is never taken away by a re-ranking (SPEC §8 reserve list).
      L.kept[i] = 1;
      L.entitledFen[i] = keep.awardFen;
      L.settle(i, keep.awardFen, keep.reason, keep.binding);
      participants[k].push(i);
      continue;
    }
    const why = excluded.size > 0 && excluded.has(id) ? 'withdrawn' : whyOut(apps.eligibilityAt(i), apps.scoreStatusAt(i), apps.hasScore(i), cat);
    if (why) {
      L.reason[i] = R(why);
      others[k].push(i);
    } else {
      participants[k].push(i);
    }
  }

  const order = new Int32Array(n);
  const categoryStart = new Int32Array(cats.length + 1);
  let cached: PlanLine[] | null = null;
  const result: AllocationPlan = {
    method: opts.method,
    shortfall: opts.shortfall,
    tieBreak: chain,
    budgets: {},
    categories: [],
    clusters: [],
    apps,
    rank: L.rank,
    capFen: L.capFen,
    capBinding: L.capBinding,
    entitledFen: L.entitledFen,
    awardFen: L.awardFen,
    reason: L.reason,
    binding: L.binding,
    kept: L.kept,
    order,
    categoryStart,
    get lines(): PlanLine[] {
      cached ??= Array.from(order, (i) => lineAt(result, i));
      return cached;
    },
    reserve: {},
    ties: [],
    unbudgeted: [],
    conflicts: [],
  };

  const byId = (i: number, j: number) => compareCodePoints(apps.applicationId[i], apps.applicationId[j]);
  let at = 0;
  cats.forEach((cat, k) => {
    categoryStart[k] = at;
    const part = participants[k];
    if (!(opts.tieOrder && chain[0] === 'score-desc' && sortByScoreThenTie(part, apps, opts.tieOrder))) part.sort(cmp);
    others[k].sort(byId);
    for (let r = 0; r < part.length; r++) L.rank[part[r]] = r + 1;

    const budget = cat.allocation === 'competitive' ? budgetOf(cat, opts.budgets) : null;
    if (budget !== null) result.budgets[cat.key] = budget;
    if (cat.allocation === 'competitive') {
      const clusters = allocateCategory(cat, budget, part, L, unit, opts, result.conflicts);
      let awarded = 0;
      let funded = 0;
      let open = false;
      const reserve: string[] = [];
      for (const i of part) {
        awarded += L.awardFen[i];
        if (L.awardFen[i] > 0) funded++;
        if (L.kept[i] === 0) open = true;
        if (RESERVE_CODES.has(L.reason[i])) reserve.push(apps.applicationId[i]);
      }
      result.categories.push({ category: cat.key, budgetFen: budget, awardedFen: awarded, funded, participants: part.length });
      if (budget === null && open) result.unbudgeted.push(cat.key);
      result.clusters.push(...clusters);
      result.reserve[cat.key] = reserve;
      for (const t of findTies(part, L, chain[0] === 'score-desc')) result.ties.push(t);
    }
    for (const i of part) order[at++] = i;
    for (const i of others[k]) order[at++] = i;
  });
  categoryStart[cats.length] = at;
  return result;
}

/** Allocates one competitive category in place (participants in rank order); returns its cluster pools. */
function allocateCategory(
  cat: Category,
  budget: number | null,
  lines: number[],
  L: Lines,
  unit: number,
  opts: PlanOptions,
  conflicts: Text[],
): ClusterSummary[] {
  const { apps } = L;
  const poolCap = cat.perClusterCapFen ?? null;
  const entCap = cat.perEnterpriseCapFen;
  const budgetScope: Scope = { remaining: budget ?? 0, closed: false };
  const pools = new Map<string, Scope>();
  const enterpriseLeft = new Map<string, number>();
  const poolOf = (i: number): Scope | null => {
    if (poolCap === null) return null;
    const key = apps.clusterAt(i) ?? '';
    let p = pools.get(key);
    if (!p) pools.set(key, (p = { remaining: poolCap, closed: false }));
    return p;
  };
  const entLeft = (i: number): number => (entCap === null ? NO_LIMIT : (enterpriseLeft.get(apps.uscc[i]) ?? entCap));
  const useEnterprise = (i: number, fen: number) => {
    if (entCap !== null) enterpriseLeft.set(apps.uscc[i], entLeft(i) - fen);
  };
  const take = (i: number, fen: number, pool: Scope | null) => {
    budgetScope.remaining -= fen;
    if (pool) pool.remaining -= fen;
    useEnterprise(i, fen);
  };

  // Kept awards are counted first (SPEC §8: only freed money goes to the reserve).
  for (const i of lines) if (L.kept[i] === 1) take(i, L.awardFen[i], poolOf(i));
  if (budget !== null && budgetScope.remaining < 0) {
    conflicts.push(
      text(
        `类别 ${cat.key}：保留的奖励合计超过预算 ${budget} 分。`,
        `category ${cat.key}: the kept awards add up to more than its budget of ${budget} fen.`,
      ),
    );
  }
  for (const [cluster, p] of pools) {
    if (p.remaining < 0) {
      conflicts.push(text(`产业集群 ${cluster}：保留的奖励合计超过集群上限。`, `cluster ${cluster}: the kept awards add up to more than its pool.`));
    }
  }

  const open = lines.filter((i) => L.kept[i] === 0);
  if (budget === null) {
    // SPEC §8: a category with qualifying applications and no budget funds nothing.
    for (const i of open) L.settle(i, 0, 'no-budget', 'category-budget');
  } else if (opts.method === 'pro-rata') {
    proRata(open, L, budgetScope, poolOf, entLeft, unit, useEnterprise);
  } else {
    for (const i of open) ranked(i, L, budgetScope, poolOf(i), entLeft(i), unit, opts.shortfall, take);
  }

  if (poolCap === null) return [];
  const sums = new Map<string, number>();
  for (const i of lines) sums.set(apps.clusterAt(i) ?? '', (sums.get(apps.clusterAt(i) ?? '') ?? 0) + L.awardFen[i]);
  return [...sums.entries()].map(([cluster, awardedFen]) => ({ category: cat.key, cluster, poolFen: poolCap, awardedFen }));
}

/** entitled = 0: the enterprise cap is used up, unless the cap itself is 0 (nothing requested or invested). */
function nothingEntitled(i: number, L: Lines, capBinding: BindingLimit): void {
  if (L.capFen[i] === 0) L.settle(i, 0, 'funded', capBinding);
  else L.settle(i, 0, 'enterprise-cap-used-up', 'enterprise-cap');
}

/** entitled = ⌊min(cap, enterprise remaining)⌋u; returns the limit that set it. */
function entitle(i: number, L: Lines, entRemaining: number, unit: number): BindingLimit {
  // Art. 8(2), 8(3): per enterprise cap in this category and round.
  if (entRemaining < L.capFen[i]) {
    L.entitledFen[i] = floorToUnit(Math.max(0, entRemaining), unit);
    return 'enterprise-cap';
  }
  L.entitledFen[i] = L.capFen[i];
  return CAP_LIMITS[L.capBinding[i]];
}

function ranked(
  i: number,
  L: Lines,
  budget: Scope,
  pool: Scope | null,
  entRemaining: number,
  unit: number,
  shortfall: ShortfallRule,
  take: (i: number, fen: number, pool: Scope | null) => void,
): void {
  const binding = entitle(i, L, entRemaining, unit);
  const entitled = L.entitledFen[i];
  if (entitled === 0) {
    nothingEntitled(i, L, binding);
    return;
  }
  // SPEC §14: a closed scope funds no more; a closed pool stops only its cluster.
  if (budget.closed) return L.settle(i, 0, 'no-budget-left', 'category-budget');
  if (pool?.closed) return L.settle(i, 0, 'no-budget-left', 'cluster-pool');
  const poolLeft = pool ? pool.remaining : NO_LIMIT;
  const available = Math.min(budget.remaining, poolLeft);
  if (entitled <= available) {
    L.settle(i, entitled, 'funded', binding);
    take(i, entitled, pool);
    return;
  }
  // Short: the scope with the smaller remainder sets `available` (budget first when equal).
  const catShort = entitled > budget.remaining;
  const poolShort = pool !== null && entitled > poolLeft;
  const short: BindingLimit = budget.remaining <= poolLeft ? 'category-budget' : 'cluster-pool';
  if (shortfall === 'skip') return L.settle(i, 0, 'did-not-fit', short);
  const part = shortfall === 'partial' ? floorToUnit(Math.max(0, available), unit) : 0;
  if (part > 0) {
    L.settle(i, part, 'funded-in-part', short);
    take(i, part, pool);
  } else {
    // Nothing left to give in part (less than one unit): it did not fit.
    L.settle(i, 0, 'did-not-fit', short);
  }
  // SPEC §14: every scope that is short closes.
  if (catShort) budget.closed = true;
  if (poolShort) pool.closed = true;
}

/**
 * 同比例核减 (SPEC §8, §14): entitlements in rank order with unlimited money;
 * each cluster pool that is exceeded is scaled first, then the category budget;
 * each award is rounded down to the unit once, at the end.
 */
function proRata(
  lines: number[],
  L: Lines,
  budget: Scope,
  poolOf: (i: number) => Scope | null,
  entLeft: (i: number) => number,
  unit: number,
  useEnterprise: (i: number, fen: number) => void,
): void {
  const entitledSum = new Map<Scope, number>();
  const live: number[] = [];
  const liveBinding = new Map<number, BindingLimit>();
  for (const i of lines) {
    const binding = entitle(i, L, entLeft(i), unit);
    const entitled = L.entitledFen[i];
    if (entitled === 0) {
      nothingEntitled(i, L, binding);
      continue;
    }
    useEnterprise(i, entitled);
    liveBinding.set(i, binding);
    live.push(i);
    const p = poolOf(i);
    if (p) entitledSum.set(p, (entitledSum.get(p) ?? 0) + entitled);
  }
  // Σ' after the pools are scaled is an integer: a scaled pool contributes exactly its remainder.
  let categorySum = 0;
  for (const i of live) if (!poolOf(i)) categorySum += L.entitledFen[i];
  for (const [p, s] of entitledSum) categorySum += Math.min(s, Math.max(0, p.remaining));
  const catRemaining = Math.max(0, budget.remaining);
  const catScaled = categorySum > catRemaining;
  const u = BigInt(unit);
  for (const i of live) {
    const p = poolOf(i);
    let num = BigInt(L.entitledFen[i]);
    let den = 1n;
    let scaled = false;
    if (p) {
      const s = entitledSum.get(p)!;
      const r = Math.max(0, p.remaining);
      if (s > r) {
        num *= BigInt(r);
        den *= BigInt(s);
        scaled = true;
      }
    }
    if (catScaled) {
      num *= BigInt(catRemaining);
      den *= BigInt(categorySum);
      scaled = true;
    }
    const award = Number((num / (den * u)) * u);
    if (scaled) L.settle(i, award, 'funded-pro-rata', 'pro-rata');
    else L.settle(i, award, 'funded', liveBinding.get(i)!);
  }
}

/** SPEC §14: equal exact scores in one category where at least one is funded and at least one is not for lack of money. */
function findTies(participants: number[], L: Lines, scoreOrdered: boolean): string[][] {
  const { apps } = L;
  const relevant = participants.filter((i) => apps.hasScore(i) && (L.awardFen[i] > 0 || RESERVE_CODES.has(L.reason[i])));
  if (!scoreOrdered) relevant.sort((a, b) => compareScoresAt(apps, b, a) || L.rank[a] - L.rank[b]);
  const ties: string[][] = [];
  for (let i = 0; i < relevant.length; ) {
    let j = i + 1;
    while (j < relevant.length && compareScoresAt(apps, relevant[i], relevant[j]) === 0) j++;
    // A run is copied only when it is a tie (most runs are one application).
    let funded = false;
    let waiting = false;
    for (let k = i; k < j; k++) {
      if (L.awardFen[relevant[k]] > 0) funded = true;
      if (RESERVE_CODES.has(L.reason[relevant[k]])) waiting = true;
    }
    if (funded && waiting) {
      ties.push(
        relevant
          .slice(i, j)
          .sort((a, b) => L.rank[a] - L.rank[b])
          .map((x) => apps.applicationId[x]),
      );
    }
    i = j;
  }
  return ties;
}

// ---------------------------------------------------------------- invariants

/**
 * SPEC §8 invariants, checked after every plan. A violation is a bug in this
 * module, never a user error: the command stops before writing anything.
 */
export function checkInvariants(p: AllocationPlan, policy: Policy): string[] {
  const problems: string[] = [];
  const unit = policy.unitFen;
  const byCat = new Map<string, number>();
  const byCluster = new Map<string, number>();
  const byEnterprise = new Map<string, number>();
  const categories = new Map(policy.categories.map((c) => [c.key, c]));
  const { apps } = p;
  for (let i = 0; i < apps.length; i++) {
    const a = p.awardFen[i];
    // Most lines award nothing and need no more than this test.
    if (a === 0 && p.capFen[i] >= 0) continue;
    const id = apps.applicationId[i];
    if (!Number.isSafeInteger(a) || a < 0) problems.push(`${id}: award ${a} is not a non-negative integer of fen`);
    if (a % unit !== 0) problems.push(`${id}: award ${a} is not a multiple of the unit ${unit}`);
    if (a > p.capFen[i]) problems.push(`${id}: award ${a} exceeds its cap ${p.capFen[i]}`);
    if (p.rank[i] === 0 && a !== 0 && p.kept[i] === 0) problems.push(`${id}: does not take part but is awarded ${a}`);
    if (a === 0) continue;
    const cat = categories.get(apps.categoryAt(i)) ?? categoryOf(policy, apps.categoryAt(i));
    byCat.set(cat.key, (byCat.get(cat.key) ?? 0) + a);
    if (cat.perClusterCapFen !== undefined) {
      const k = `${cat.key}\u0000${apps.clusterAt(i) ?? ''}`;
      byCluster.set(k, (byCluster.get(k) ?? 0) + a);
    }
    if (cat.perEnterpriseCapFen !== null) {
      const k = `${cat.key}\u0000${apps.uscc[i]}`;
      byEnterprise.set(k, (byEnterprise.get(k) ?? 0) + a);
    }
  }
  for (const [key, sum] of byCat) {
    const cat = categoryOf(policy, key);
    const budget = cat.allocation === 'competitive' ? (p.budgets[key] ?? 0) : 0;
    if (cat.allocation === 'competitive' && sum > budget) problems.push(`category ${key}: awards ${sum} exceed the budget ${budget}`);
  }
  for (const [k, sum] of byCluster) {
    const [key, cluster] = k.split('\u0000');
    const pool = categoryOf(policy, key).perClusterCapFen!;
    if (sum > pool) problems.push(`cluster ${cluster} in ${key}: awards ${sum} exceed the pool ${pool}`);
  }
  for (const [k, sum] of byEnterprise) {
    const [key, uscc] = k.split('\u0000');
    const cap = categoryOf(policy, key).perEnterpriseCapFen!;
    if (sum > cap) problems.push(`enterprise ${uscc} in ${key}: awards ${sum} exceed the per-enterprise cap ${cap}`);
  }
  return problems;
}
