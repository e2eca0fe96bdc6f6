// How firm is the funding line? (Art. 11 collective decision; SPEC §15.)
// Decision support only: the awards stay those of allocate. The qualities
// drawn from the expert-leniency model (leniency-model.ts) replace the
// aggregate scores, and the real planner (allocation.ts plan()) runs once per
// draw with the latest version's budgets, caps, pools, enterprise caps and
// shortfall rule: p_funded is the share of draws in which it funds an
// application. Leave-one-expert-out and the marginal budget rerun the planner
// on the aggregates themselves.
import { mapped } from './iterables.js';
import { CandidateColumns, plan, tieOrderOf, type AllocationPlan, type PlanOptions } from './allocation.js';
import { gibbsDraws, type ScoreData } from './leniency-model.js';
import type { Policy } from './policy.js';
import { aggregateApplication, formatFraction, ScoreMoments, scoreToStored, zStatistics, type ApplicationScores, type ScoringRules, type ZStatistics } from './scoring.js';

/** The grey zone (SPEC §15): a probability of being funded from 10 % to 90 %, both included. */
export const GREY_ZONE = { low: 0.1, high: 0.9 } as const;
/** The rank interval: the central 90 % of the draws. */
export const RANK_INTERVAL = 0.9;
/** Sweeps thrown away before the first draw, and sweeps per kept draw. */
export const DEFAULT_BURN_IN = 500;
export const DEFAULT_THIN = 2;

export interface LineRound {
  policy: Policy;
  /** The latest allocation's participants with the round's stored aggregate. */
  candidates: CandidateColumns;
  /** The latest version's budgets, method, shortfall rule and chain; the awards a re-allocation keeps. */
  options: PlanOptions;
  /** Funded (award > 0) in the stored latest version. */
  storedFunded: ReadonlySet<string>;
  /** The data the model is fitted to (every valid score of the round the aggregation used). */
  data: ScoreData;
  /** Every application's scores and the rules of the stored aggregate, for leave-one-expert-out. */
  scores: Iterable<ApplicationScores>;
  rules: ScoringRules;
}

export interface LineSettings {
  draws: number;
  seed: string;
  burnIn?: number;
  thin?: number;
  /** Told the number of draws planned so far (a progress bar). */
  onDraw?: (done: number) => void;
}

export interface LineApplication {
  applicationId: string;
  category: string;
  enterpriseName: string;
  /** The stored aggregate, as displayed (2 decimals). */
  score: string | null;
  /** Rank within the category on today's aggregate. */
  rank: number;
  expectedRank: number;
  rankLow: number;
  rankHigh: number;
  /** Draws in which the planner funds it, and that share of all draws. */
  fundedDraws: number;
  pFunded: number;
  /** Points above (+) or below (−) the category's line; null when the category has no line. */
  margin: number | null;
  /** Funded in the stored latest version. */
  funded: boolean;
  greyZone: boolean;
}

export interface LineCategory {
  category: string;
  budgetFen: number | null;
  participants: number;
  /** Funded in the stored version. */
  funded: number;
  /** Mean over the draws of the number funded (= Σ p_funded). */
  expectedFunded: number;
  /** Where the money ran out: midway between the first unfunded participant by rank and the one above it; null when all are funded. */
  line: number | null;
}

export interface InfluenceChange {
  applicationId: string;
  category: string;
  /** On today's aggregate, and with the expert's scores left out. */
  funded: boolean;
  fundedWithout: boolean;
}

export interface ExpertInfluence {
  expert: string;
  /** Valid scores the expert gave to the applications analysed. */
  scored: number;
  changes: InfluenceChange[];
}

export interface MarginalBudget {
  category: string;
  /** Money added to the category's budget that funds `applicationId`; null when no amount would. */
  amountFen: number | null;
  applicationId: string | null;
}

export interface FundingLine {
  draws: number;
  seed: string;
  burnIn: number;
  thin: number;
  /** By policy category, then expected rank, then today's rank. */
  applications: LineApplication[];
  categories: LineCategory[];
  greyZone: string[];
  expertInfluence: ExpertInfluence[];
  marginalBudget: MarginalBudget[];
  /** Applications whose funding on today's aggregate differs from the stored version (scores changed since). */
  stale: string[];
  /** Number funded in each draw. */
  fundedPerDraw: Int32Array;
  /** What the model was fitted to: valid scores, experts, applications. */
  model: { scores: number; experts: number; applications: number };
}

// ---------------------------------------------------------------- columns

type StoredScore = [num: number | string, den: number | string] | null;

/** Application i's stored score as pushCoded takes it. */
function storedScore(c: CandidateColumns, i: number): StoredScore {
  if (!c.hasScore(i)) return null;
  const e = c.exact.get(i);
  return e ? [e.num, e.den] : [c.num[i], c.den[i]];
}

/** A copy of some applications of `base` (indices in order), each with the score `score` gives (default: its own). */
export function copyColumns(base: CandidateColumns, indices: Iterable<number>, score: (i: number) => StoredScore = (i) => storedScore(base, i)): CandidateColumns {
  return copyFrom(base, indices, score);
}

/** What copyColumns reads of its base: a CandidateColumns, or the plain data a worker thread gets (ColumnsData). */
type ColumnsBase = Pick<
  CandidateColumns,
  'categories' | 'clusters' | 'applicationId' | 'category' | 'cluster' | 'uscc' | 'enterpriseName' | 'requestedAmountFen' | 'totalInvestmentFen' | 'submittedOn' | 'state' | 'scoreDisplay'
> & { length: number };

function copyFrom(base: ColumnsBase, indices: Iterable<number>, score: (i: number) => StoredScore): CandidateColumns {
  const out = new CandidateColumns(base.length);
  // The same category and cluster lists, so the codes carry over unchanged.
  for (const k of base.categories) out.categoryCodeOf(k);
  for (let c = 1; c < base.clusters.length; c++) out.clusterCodeOf(base.clusters[c]);
  for (const i of indices) {
    const s = score(i);
    out.pushCoded(
      base.applicationId[i],
      base.category[i],
      base.cluster[i],
      base.uscc[i],
      base.enterpriseName[i],
      base.requestedAmountFen[i],
      base.totalInvestmentFen[i],
      base.submittedOn[i],
      base.state[i],
      s === null ? null : s[0],
      s === null ? null : s[1],
      base.scoreDisplay[i],
    );
  }
  return out;
}

/** CandidateColumns as plain data (columnsFrom reads it back): for a worker thread, which gets a structured clone. */
export interface ColumnsData {
  length: number;
  categories: string[];
  clusters: (string | null)[];
  applicationId: string[];
  uscc: string[];
  enterpriseName: string[];
  scoreDisplay: (string | null)[];
  category: Int32Array;
  cluster: Int32Array;
  submittedOn: Int32Array;
  state: Uint8Array;
  requestedAmountFen: Float64Array;
  totalInvestmentFen: Float64Array;
  /** Each application's score as storedScore gives it (decimal strings where a double cannot hold it exactly), null for none. */
  scores: StoredScore[];
}

export function columnsData(c: CandidateColumns): ColumnsData {
  const n = c.length;
  return {
    length: n,
    categories: [...c.categories],
    clusters: [...c.clusters],
    applicationId: c.applicationId.slice(0, n),
    uscc: c.uscc.slice(0, n),
    enterpriseName: c.enterpriseName.slice(0, n),
    scoreDisplay: c.scoreDisplay.slice(0, n),
    category: c.category.slice(0, n),
    cluster: c.cluster.slice(0, n),
    submittedOn: c.submittedOn.slice(0, n),
    state: c.state.slice(0, n),
    requestedAmountFen: c.requestedAmountFen.slice(0, n),
    totalInvestmentFen: c.totalInvestmentFen.slice(0, n),
    scores: range(n).map((i) => storedScore(c, i)),
  };
}

export function columnsFrom(d: ColumnsData): CandidateColumns {
  return copyFrom(d, range(d.length), (i) => d.scores[i]);
}

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/**
 * A drawn quality as an exact score num/QUALITY_SCALE: whole millionths of a
 * point, so the planner's exact comparison never meets a fraction, and two
 * qualities within a millionth are a tie that the policy's chain breaks.
 */
const QUALITY_SCALE = 1e6;

function setQuality(c: CandidateColumns, i: number, q: number): void {
  const num = Math.round(q * QUALITY_SCALE);
  c.num[i] = num;
  c.den[i] = QUALITY_SCALE;
  c.approx[i] = num / QUALITY_SCALE;
}

// ---------------------------------------------------------------- the analysis

export function fundingLine(r: LineRound, s: LineSettings): FundingLine {
  const a = new LineAnalysis(r, s);
  for (const d of a.draws()) a.tally(d.draw, ...a.planHere(d.qualities));
  return a.result();
}

/** One kept draw of the model: each participant's drawn quality (NaN for one the model has no score of: it keeps its aggregate). */
export interface Draw {
  draw: number;
  /** Reused by the next draw: copy it to keep it. */
  qualities: Float64Array;
}

/**
 * Planning each draw on the drawn columns (the participants, their
 * aggregates replaced by the drawn qualities): the same here or in another
 * thread, built from the same participants and model index.
 */
export class DrawPlanning {
  readonly drawn: CandidateColumns;
  private readonly options: PlanOptions;

  constructor(
    candidates: CandidateColumns,
    private readonly inModel: Int32Array,
    private readonly policy: Policy,
    options: PlanOptions,
  ) {
    this.drawn = copyColumns(candidates, range(candidates.length), (i) => (inModel[i] >= 0 ? [0, 1] : storedScore(candidates, i)));
    // Only the scores change from draw to draw: the order of the chain's other keys is found once.
    this.options = { ...options, tieOrder: tieOrderOf(this.drawn, options.tieBreak) };
  }

  /** Each participant's rank and award (> 0: funded) in the plan of these qualities. */
  plan(qualities: Float64Array): [rank: Int32Array, award: ArrayLike<number>] {
    const { drawn, inModel } = this;
    for (let i = 0; i < drawn.length; i++) if (inModel[i] >= 0) setQuality(drawn, i, qualities[i]);
    const p = plan(drawn, this.policy, this.options);
    return [p.rank, p.awardFen];
  }
}

/**
 * The analysis in steps, so that the caller may plan draws elsewhere (ops:
 * a second core): draws() gives the model's draws in order, each one planned
 * (here by planHere, or by a DrawPlanning elsewhere) and handed to tally(),
 * in any order; result() once every draw is tallied. What is tallied does
 * not depend on the order (sums, counts, RankTails), so the output is the
 * same wherever each draw was planned.
 */
export class LineAnalysis {
  readonly inModel: Int32Array;
  readonly baseline: AllocationPlan;
  private planning: DrawPlanning | null = null;
  private readonly fundedDraws: Int32Array;
  private readonly fundedPerDraw: Int32Array;
  private ranks: RankTails | null;
  private tallied = 0;
  private readonly burnIn: number;
  private readonly thin: number;

  constructor(
    private readonly r: LineRound,
    private readonly s: LineSettings,
  ) {
    const P = r.candidates.length;
    const D = s.draws;
    if (!Number.isSafeInteger(D) || D < 1) throw new RangeError(`draws must be a positive whole number, got ${D}`);
    this.burnIn = s.burnIn ?? DEFAULT_BURN_IN;
    this.thin = s.thin ?? DEFAULT_THIN;
    this.baseline = plan(r.candidates, r.policy, r.options);
    // Each participant's place in the model's data; −1: no score there, it keeps its aggregate.
    const modelIndex = new Map(r.data.applications.map((id, k) => [id, k]));
    this.inModel = Int32Array.from(range(P), (i) => modelIndex.get(r.candidates.applicationId[i]) ?? -1);
    this.fundedDraws = new Int32Array(P);
    this.fundedPerDraw = new Int32Array(D);
    // A rank is a place within the category: at most the category's participants.
    const perCategory = new Int32Array(r.candidates.categories.length);
    for (let i = 0; i < P; i++) perCategory[r.candidates.category[i]]++;
    this.ranks = new RankTails(P, D, Math.max(0, ...perCategory));
  }

  /** Whether the model draws anything: without participants or scores every draw is today's plan (draws() gives none). */
  get modelled(): boolean {
    return this.r.candidates.length > 0 && this.r.data.y.length > 0;
  }

  /** The model's draws, in order, lazily (the Gibbs sampler runs as they are taken). */
  *draws(): Generator<Draw> {
    if (!this.modelled) return;
    const P = this.r.candidates.length;
    const { inModel } = this;
    const qualities = new Float64Array(P);
    for (const g of gibbsDraws(this.r.data, { draws: this.s.draws, burnIn: this.burnIn, thin: this.thin, seed: this.s.seed })) {
      for (let i = 0; i < P; i++) qualities[i] = inModel[i] >= 0 ? g.mu + g.quality[inModel[i]] : NaN;
      yield { draw: g.draw, qualities };
    }
  }

  /** Plans a draw in this thread. */
  planHere(qualities: Float64Array): [rank: Int32Array, award: ArrayLike<number>] {
    this.planning ??= new DrawPlanning(this.r.candidates, this.inModel, this.r.policy, this.r.options);
    return this.planning.plan(qualities);
  }

  /** One draw's plan: each participant's rank, and its award (> 0: funded). */
  tally(d: number, rank: ArrayLike<number>, award: ArrayLike<number>): void {
    const P = this.r.candidates.length;
    const ranks = this.ranksOf();
    let funded = 0;
    for (let i = 0; i < P; i++) {
      ranks.add(i, rank[i]);
      if (award[i] > 0) {
        this.fundedDraws[i]++;
        funded++;
      }
    }
    this.fundedPerDraw[d] = funded;
    this.tallied++;
    this.s.onDraw?.(this.tallied);
  }

  result(): FundingLine {
    const { r, s, baseline, fundedDraws, fundedPerDraw } = this;
    const { candidates } = r;
    const P = candidates.length;
    const D = s.draws;
    if (!this.modelled) {
      // Nothing to fit: every draw is today's plan.
      for (let i = 0; i < P; i++) {
        for (let d = 0; d < D; d++) this.ranksOf().add(i, baseline.rank[i]);
        if (baseline.awardFen[i] > 0) fundedDraws[i] = D;
      }
      let n = 0;
      for (let i = 0; i < P; i++) if (baseline.awardFen[i] > 0) n++;
      fundedPerDraw.fill(n);
    } else if (this.tallied !== D) {
      throw new Error(`internal error: ${this.tallied} of ${D} draws tallied`);
    }
    const lines = categoryLines(r.policy, candidates, baseline, r.storedFunded);
    const applications = this.applications(lines);
    // The ranks and the drawn columns are done with: leave-one-expert-out and the marginal budget plan without them.
    this.ranks = null;
    this.planning = null;
    return finish(r, s, { baseline, fundedPerDraw, burnIn: this.burnIn, thin: this.thin }, lines, applications);
  }

  private ranksOf(): RankTails {
    if (!this.ranks) throw new Error('internal error: the analysis was already finished');
    return this.ranks;
  }

  private applications(lines: Map<string, CategoryLine>): LineApplication[] {
    const { r, s, baseline, fundedDraws } = this;
    const { candidates } = r;
    const ranks = this.ranksOf();
    const D = s.draws;
    const applications: LineApplication[] = [];
    for (let i = 0; i < candidates.length; i++) {
      // Non-participants today (their eligibility or score changed since the version) have no rank.
      if (baseline.rank[i] === 0) continue;
      const [rankLow, rankHigh] = ranks.interval(i);
      const pFunded = fundedDraws[i] / D;
      const line = lines.get(candidates.categoryAt(i));
      applications.push({
        applicationId: candidates.applicationId[i],
        category: candidates.categoryAt(i),
        enterpriseName: candidates.enterpriseName[i],
        score: candidates.scoreDisplay[i],
        rank: baseline.rank[i],
        expectedRank: ranks.sum[i] / D,
        rankLow,
        rankHigh,
        fundedDraws: fundedDraws[i],
        pFunded,
        margin: line?.margin(i) ?? null,
        funded: r.storedFunded.has(candidates.applicationId[i]),
        greyZone: pFunded >= GREY_ZONE.low && pFunded <= GREY_ZONE.high,
      });
    }
    return applications;
  }
}

interface Tallies {
  baseline: AllocationPlan;
  fundedPerDraw: Int32Array;
  burnIn: number;
  thin: number;
}

function finish(r: LineRound, s: LineSettings, t: Tallies, lines: Map<string, CategoryLine>, applications: LineApplication[]): FundingLine {
  const { policy, candidates, options } = r;
  const { baseline, fundedPerDraw, burnIn, thin } = t;
  const P = candidates.length;
  const catOrder = new Map(policy.categories.map((c, k) => [c.key, k]));
  applications.sort((x, y) => catOrder.get(x.category)! - catOrder.get(y.category)! || x.expectedRank - y.expectedRank || x.rank - y.rank);

  const categories: LineCategory[] = [];
  for (const cat of policy.categories) {
    const mine = applications.filter((a) => a.category === cat.key);
    if (mine.length === 0) continue;
    let expected = 0;
    for (const a of mine) expected += a.pFunded;
    categories.push({
      category: cat.key,
      budgetFen: baseline.budgets[cat.key] ?? null,
      participants: mine.length,
      funded: mine.filter((a) => a.funded).length,
      expectedFunded: expected,
      line: lines.get(cat.key)?.value ?? null,
    });
  }

  const stale: string[] = [];
  for (let i = 0; i < P; i++) {
    const id = candidates.applicationId[i];
    if (baseline.awardFen[i] > 0 !== r.storedFunded.has(id)) stale.push(id);
  }

  return {
    draws: s.draws,
    seed: s.seed,
    burnIn,
    thin,
    applications,
    categories,
    greyZone: applications.filter((a) => a.greyZone).map((a) => a.applicationId),
    expertInfluence: leaveOneExpertOut(policy, candidates, options, baseline, r.scores, r.rules),
    marginalBudget: marginalBudgets(policy, candidates, options, baseline),
    stale,
    fundedPerDraw,
    model: { scores: r.data.y.length, experts: r.data.experts.length, applications: r.data.applications.length },
  };
}

/**
 * The 90 % interval of an application's rank from its draws (sorted): each
 * end leaves out the share of draws nearest to 5 % that whole ranks allow
 * (the wider end when two are as near). Ranks are whole numbers, so the
 * usual quantiles (the first rank reaching 5 %, 95 %) hold more than 90 % of
 * the draws and cover the true rank more often than 90 % of the time.
 */
export function rankInterval(sorted: ArrayLike<number>): [number, number] {
  return intervalOf(sorted.length, (d) => sorted[d]);
}

const TAIL = (1 - RANK_INTERVAL) / 2;

/** rankInterval of D sorted draws, the d-th read by `at`: it reads only the 2·TAIL·D draws nearest each end (TAIL_READ). */
function intervalOf(D: number, at: (d: number) => number): [number, number] {
  const tail = TAIL;
  let low = at(0);
  let best = tail;
  // Draws below sorted[d] are the d before it (the first of each run of equal ranks).
  for (let d = 1; d < D && d / D - tail < best; d++) {
    const x = at(d);
    if (x === at(d - 1)) continue;
    const miss = Math.abs(d / D - tail);
    if (miss < best) {
      best = miss;
      low = x;
    }
  }
  let high = at(D - 1);
  best = tail;
  for (let d = D - 2; d >= 0 && (D - 1 - d) / D - tail < best; d--) {
    const x = at(d);
    if (x === at(d + 1)) continue;
    const miss = Math.abs((D - 1 - d) / D - tail);
    if (miss < best) {
      best = miss;
      high = x;
    }
  }
  return [Math.min(low, high), Math.max(low, high)];
}

/**
 * How many draws at each end intervalOf can read: its loops stop before
 * d / D − TAIL reaches TAIL, i.e. within 2·TAIL·D draws of the end (one more
 * for the neighbour each compares with, one for rounding).
 */
export const tailRead = (D: number): number => Math.min(D, Math.ceil(2 * TAIL * D) + 2);

/**
 * Each application's ranks over the draws, kept as the interval needs them:
 * the tailRead(D) lowest and highest (a bounded heap each) and their sum.
 * Exact, in 2·tailRead(D) numbers an application instead of D: at 10^5
 * participants and 1,000 draws every rank would take 400 MB.
 */
export class RankTails {
  readonly sum: Float64Array;
  private readonly k: number;
  /** Per application, k slots from i·k: a max-heap of the lowest ranks so far (its root the highest of them). */
  private readonly low: RankArray;
  /** A min-heap of the highest ranks so far. */
  private readonly high: RankArray;
  private readonly size: Int32Array;
  private readonly maxRank: number;

  /** `maxRank`: no rank added is higher (two bytes a rank below 65,536). */
  constructor(
    applications: number,
    private readonly draws: number,
    maxRank = 0x7fffffff,
  ) {
    this.k = tailRead(draws);
    this.sum = new Float64Array(applications);
    this.maxRank = maxRank;
    const Ranks = maxRank <= 0xffff ? Uint16Array : Int32Array;
    this.low = new Ranks(applications * this.k);
    this.high = new Ranks(applications * this.k);
    this.size = new Int32Array(applications);
  }

  /** One draw's rank of application i (each application gets `draws` of them). */
  add(i: number, rank: number): void {
    if (!(rank >= 0 && rank <= this.maxRank)) throw new RangeError(`internal error: rank ${rank} outside 0–${this.maxRank}`);
    this.sum[i] += rank;
    const k = this.k;
    const base = i * k;
    const n = this.size[i];
    if (n < k) {
      this.size[i] = n + 1;
      siftUp(this.low, base, n, rank, 1);
      siftUp(this.high, base, n, rank, -1);
      return;
    }
    if (rank < this.low[base]) siftDown(this.low, base, k, rank, 1);
    if (rank > this.high[base]) siftDown(this.high, base, k, rank, -1);
  }

  /** The 90 % interval of application i's ranks, as rankInterval of all its draws sorted. */
  interval(i: number): [number, number] {
    const k = this.k;
    const D = this.draws;
    const lowest = this.low.slice(i * k, i * k + this.size[i]).sort();
    const highest = this.high.slice(i * k, i * k + this.size[i]).sort();
    // Draw d of the sorted draws: among the lowest k, or among the highest k (the last k of D).
    return intervalOf(D, (d) => {
      if (d < k) return lowest[d];
      if (d >= D - k) return highest[d - (D - k)];
      throw new Error(`internal error: the rank interval read draw ${d} of ${D}, beyond the ${k} kept at each end`);
    });
  }
}

type RankArray = Int32Array | Uint16Array;

// Binary heaps in heap[base … base + n): sign 1 keeps the largest at the root, −1 the smallest.
function siftUp(heap: RankArray, base: number, n: number, v: number, sign: number): void {
  let c = n;
  while (c > 0) {
    const p = (c - 1) >> 1;
    if (sign * (heap[base + p] - v) >= 0) break;
    heap[base + c] = heap[base + p];
    c = p;
  }
  heap[base + c] = v;
}

/** Replaces the root by v and restores the heap of n. */
function siftDown(heap: RankArray, base: number, n: number, v: number, sign: number): void {
  let p = 0;
  for (;;) {
    let c = 2 * p + 1;
    if (c >= n) break;
    if (c + 1 < n && sign * (heap[base + c + 1] - heap[base + c]) > 0) c++;
    if (sign * (heap[base + c] - v) <= 0) break;
    heap[base + p] = heap[base + c];
    p = c;
  }
  heap[base + p] = v;
}

// ---------------------------------------------------------------- the line and the margin

interface CategoryLine {
  value: number;
  margin(i: number): number | null;
}

/** Exact num/den of application i's aggregate. */
function exactOf(c: CandidateColumns, i: number): [bigint, bigint] {
  const s = c.score(i)!;
  return [s.num, s.den];
}

/**
 * Per category, the line where the money ran out in the stored version:
 * midway between the first participant by rank left unfunded and the one
 * ranked just above it (at its score when it is first). A cheaper
 * application further down that still fit stands below the line, funded;
 * its p_funded says how firm that is. Margins are exact until rounded to 2
 * decimals (half away from zero), as scores are shown.
 */
function categoryLines(policy: Policy, c: CandidateColumns, baseline: AllocationPlan, funded: ReadonlySet<string>): Map<string, CategoryLine> {
  const lines = new Map<string, CategoryLine>();
  policy.categories.forEach((cat, k) => {
    let above: [bigint, bigint] | null = null;
    for (let at = baseline.categoryStart[k]; at < baseline.categoryStart[k + 1]; at++) {
      const i = baseline.order[at];
      if (baseline.rank[i] === 0 || !c.hasScore(i)) continue;
      const s = exactOf(c, i);
      if (funded.has(c.applicationId[i])) {
        above = s;
        continue;
      }
      // line = (a + s) / 2 = (a_n·s_d + s_n·a_d) / (2·a_d·s_d)
      const [an, ad] = above ?? s;
      const lineNum = an * s[1] + s[0] * ad;
      const lineDen = 2n * ad * s[1];
      lines.set(cat.key, {
        value: Number(formatFraction(lineNum, lineDen, 2)),
        margin: (j) => {
          if (!c.hasScore(j)) return null;
          const [sn, sd] = exactOf(c, j);
          return Number(formatFraction(sn * lineDen - lineNum * sd, sd * lineDen, 2));
        },
      });
      return;
    }
  });
  return lines;
}

// ---------------------------------------------------------------- leave one expert out

/**
 * For each expert, the applications whose funding would change if the
 * expert's scores were left out: the aggregate is recomputed by the stored
 * method from the other experts' scores (the z-score with the round's
 * statistics without them), and the planner reruns on the same participants.
 * Who takes part does not change: a review count falling below the minimum is
 * not what this asks.
 */
export function leaveOneExpertOut(
  policy: Policy,
  candidates: CandidateColumns,
  options: PlanOptions,
  baseline: AllocationPlan,
  scores: Iterable<ApplicationScores>,
  rules: ScoringRules,
): ExpertInfluence[] {
  const index = new Map(range(candidates.length).map((i) => [candidates.applicationId[i], i]));
  // minExperts 1: the aggregate of whatever scores are left.
  const relaxed: ScoringRules = { ...rules, minExperts: 1 };
  const byExpert = new Map<string, number>();
  for (const a of scores) {
    const analysed = index.has(a.applicationId);
    for (const e of a.entries) {
      if (e.recused || e.units === null) continue;
      byExpert.set(e.expertId, (byExpert.get(e.expertId) ?? 0) + (analysed ? 1 : 0));
    }
  }
  // Experts who scored none of the applications analysed change nothing to report.
  const experts = [...byExpert.keys()].filter((e) => byExpert.get(e)! > 0).sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  const zScore = rules.method === 'z-score';
  // Each expert's plan has the same applications, with other scores.
  const withTieOrder: PlanOptions = { ...options, tieOrder: tieOrderOf(candidates, options.tieBreak) };
  return experts.map((expert) => {
    const without = (a: ApplicationScores): ApplicationScores => ({ applicationId: a.applicationId, entries: a.entries.filter((e) => e.expertId !== expert) });
    let z: ZStatistics | undefined;
    if (zScore) z = zStatistics(ScoreMoments.of(mapped(scores, without)), rules.unitsPerPoint);
    const replaced = new Map<number, StoredScore>();
    for (const a of scores) {
      const i = index.get(a.applicationId);
      if (i === undefined) continue;
      if (!zScore && !a.entries.some((e) => e.expertId === expert && !e.recused && e.units !== null)) continue;
      const agg = aggregateApplication(without(a), relaxed, z);
      // No score left: it keeps its aggregate.
      if (agg.value === null) continue;
      const st = scoreToStored(agg.value);
      replaced.set(i, [st.num, st.den]);
    }
    const changes: InfluenceChange[] = [];
    if (replaced.size > 0) {
      const cols = copyColumns(candidates, range(candidates.length), (i) => replaced.get(i) ?? storedScore(candidates, i));
      const p = plan(cols, policy, withTieOrder);
      for (let k = 0; k < policy.categories.length; k++) {
        for (let at = baseline.categoryStart[k]; at < baseline.categoryStart[k + 1]; at++) {
          const i = baseline.order[at];
          const before = baseline.awardFen[i] > 0;
          const after = p.awardFen[i] > 0;
          if (before !== after) changes.push({ applicationId: candidates.applicationId[i], category: candidates.categoryAt(i), funded: before, fundedWithout: after });
        }
      }
    }
    return { expert, scored: byExpert.get(expert)!, changes };
  });
}

// ---------------------------------------------------------------- the marginal budget

/**
 * Per competitive category with participants: the next application in line
 * (the first by rank that today's budget leaves unfunded and more money
 * would fund) and the least money that, added to the category's budget,
 * funds it, found by bisection on the planner itself. Categories are
 * planned apart, so each search plans only its own applications.
 */
export function marginalBudgets(policy: Policy, candidates: CandidateColumns, options: PlanOptions, baseline: AllocationPlan): MarginalBudget[] {
  const out: MarginalBudget[] = [];
  policy.categories.forEach((cat, k) => {
    if (cat.allocation !== 'competitive') return;
    const order = Array.from(baseline.order.subarray(baseline.categoryStart[k], baseline.categoryStart[k + 1])).filter((i) => baseline.rank[i] !== 0);
    if (order.length === 0) return;
    const budget = baseline.budgets[cat.key];
    const none = { category: cat.key, amountFen: null, applicationId: null };
    if (budget === undefined) return void out.push(none);
    const cols = copyColumns(candidates, order);
    // The bisection plans the same applications with the same scores dozens of times.
    const tieOrder = tieOrderOf(cols, options.tieBreak);
    let enough = 0;
    for (const i of order) enough += baseline.capFen[i];
    const planWith = (extra: number) => plan(cols, policy, { ...options, tieOrder, budgets: { ...options.budgets, [cat.key]: budget + extra } });
    const rich = planWith(enough);
    // cols holds `order` in its order: position j is application order[j].
    const j = order.findIndex((i, at) => baseline.awardFen[i] === 0 && baseline.kept[i] === 0 && rich.awardFen[at] > 0);
    if (j < 0) return void out.push(none);
    // Funded at `enough`, not at 0: bisect on the least amount that funds it.
    let lo = 0;
    let hi = enough;
    while (hi - lo > 1) {
      const mid = lo + Math.floor((hi - lo) / 2);
      if (planWith(mid).awardFen[j] > 0) hi = mid;
      else lo = mid;
    }
    out.push({ category: cat.key, amountFen: hi, applicationId: candidates.applicationId[order[j]] });
  });
  return out;
}
