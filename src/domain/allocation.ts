// Competitive allocation (竞争性分配, Art. 8, 11; SPEC §8 and §14).
// plan() is pure: applications + policy + options → AllocationPlan. Storing,
// printing and refusing are the command's business (plan, then apply).
import { capInCategory, type CapLimit } from './caps.js';
import { floorToUnit } from './money.js';
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
}

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
  /** num/den as a double (NaN without a score): orders most pairs without BigInt arithmetic. */
  approx: number;
  /** num and den as doubles, exact when safe integers: equal-looking scores compare without BigInt. */
  num: number;
  den: number;
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
  /** Per policy category: participants in rank order, then the others by application_id. */
  lines: PlanLine[];
  /**
   * The same lines in the order the candidates were given. The ledger reads them
   * by application_id, the order of allocation_lines' key: stored in this order,
   * every insert appends to the key index instead of landing at random.
   */
  given: PlanLine[];
  reserve: Record<string, string[]>;
  ties: string[][];
  /** Categories with participants and no budget (SPEC §8: reported, fund nothing). */
  unbudgeted: string[];
  /** Kept awards that no longer fit a budget or pool: the run must be refused. */
  conflicts: Text[];
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

const KEY_COMPARE: Record<TieBreakKey, Compare> = {
  'score-desc': compareScoreDesc,
  'submitted-on-asc': (a, b) => (a.submittedOn < b.submittedOn ? -1 : a.submittedOn > b.submittedOn ? 1 : 0),
  'application-id-asc': (a, b) => compareCodePoints(a.applicationId, b.applicationId),
  'requested-asc': (a, b) => a.requestedAmountFen - b.requestedAmountFen,
  'total-investment-desc': (a, b) => b.totalInvestmentFen - a.totalInvestmentFen,
};

/**
 * Score order of two lines: the doubles decide when they differ by more than
 * their rounding error could (each is within ~4·10⁻¹⁶ relative of the exact
 * value); otherwise, and for values too large for a double, exactly.
 */
function compareLineScoreDesc(a: PlanLine, b: PlanLine): number {
  const x = a.approx;
  const y = b.approx;
  // NaN: no score, which sorts last.
  if (x !== x || y !== y) return (x !== x ? 1 : 0) - (y !== y ? 1 : 0);
  const d = y - x;
  if (Number.isFinite(d) && Math.abs(d) > 1e-12 * Math.max(Math.abs(x), Math.abs(y))) return d;
  return -compareLineScores(a, b);
}

/** Exact order of two lines' scores (both present): cross products in doubles while they are exact, else BigInt. */
function compareLineScores(a: PlanLine, b: PlanLine): number {
  const l = a.num * b.den;
  const r = b.num * a.den;
  if (Number.isSafeInteger(l) && Number.isSafeInteger(r)) return l < r ? -1 : l > r ? 1 : 0;
  return compareExact(a.app.score!, b.app.score!);
}

type LineCompare = (a: PlanLine, b: PlanLine) => number;

// Every key as on candidates, except the score, which has its fast path.
const lineCompare = (k: TieBreakKey): LineCompare => (k === 'score-desc' ? compareLineScoreDesc : (a, b) => KEY_COMPARE[k](a.app, b.app));

/** rankComparator on plan lines, with the fast score comparison. */
function lineComparator(chain: readonly TieBreakKey[]): LineCompare {
  const fns = effectiveChain(chain).map(lineCompare);
  if (fns.length === 3) {
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
  const fns = effectiveChain(chain).map((k) => KEY_COMPARE[k]);
  return (a, b) => {
    for (const f of fns) {
      const r = f(a, b);
      if (r !== 0) return r;
    }
    return 0;
  };
}

// ---------------------------------------------------------------- who takes part

/** SPEC §14: the first reason that applies, in the order ineligible, needs-review, insufficient-reviews, below-threshold, not-allocated. */
export function nonParticipation(c: Candidate, cat: Category): AllocationReason | null {
  if (c.eligibility === 'ineligible') return 'ineligible';
  if (c.eligibility !== 'eligible') return 'needs-review';
  if (c.scoreStatus === null || c.scoreStatus === 'insufficient-reviews' || c.score === null) return 'insufficient-reviews';
  if (c.scoreStatus === 'below-threshold') return 'below-threshold';
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

export function plan(candidates: Iterable<Candidate>, policy: Policy, opts: PlanOptions): AllocationPlan {
  const unit = policy.unitFen;
  const chain = effectiveChain(opts.tieBreak);
  const cmp = lineComparator(chain);
  const kept = opts.kept ?? new Map<string, KeptAward>();
  const excluded = opts.excluded ?? new Set<string>();

  const catCache = new Map<string, Category>();
  const groups = new Map<string, { participants: PlanLine[]; others: PlanLine[] }>();
  for (const c of policy.categories) groups.set(c.key, { participants: [], others: [] });
  const given: PlanLine[] = [];

  for (const app of candidates) {
    let cat = catCache.get(app.category);
    if (!cat) catCache.set(app.category, (cat = categoryOf(policy, app.category)));
    if (app.score !== null && app.score.den <= 0n) throw new Error(`score of ${app.applicationId} has a denominator ≤ 0`);
    const cap = capInCategory(app, cat, unit);
    const num = app.score === null ? NaN : Number(app.score.num);
    const den = app.score === null ? NaN : Number(app.score.den);
    const line: PlanLine = {
      app,
      rank: null,
      capFen: cap.capFen,
      capBinding: cap.binding,
      entitledFen: 0,
      awardFen: 0,
      reason: 'not-allocated',
      binding: null,
      kept: false,
      approx: num / den,
      num,
      den,
    };
    given.push(line);
    const g = groups.get(cat.key)!;
    const k = kept.get(app.applicationId);
    if (k) {
      // An award on notice is never taken away by a re-ranking (SPEC §8 reserve list).
      line.kept = true;
      line.entitledFen = k.awardFen;
      settle(line, k.awardFen, k.reason, k.binding);
      g.participants.push(line);
      continue;
    }
    const why = excluded.has(app.applicationId) ? 'withdrawn' : nonParticipation(app, cat);
    if (why) {
      line.reason = why;
      g.others.push(line);
    } else {
      g.participants.push(line);
    }
  }

  const result: AllocationPlan = {
    method: opts.method,
    shortfall: opts.shortfall,
    tieBreak: chain,
    budgets: {},
    categories: [],
    clusters: [],
    lines: [],
    given,
    reserve: {},
    ties: [],
    unbudgeted: [],
    conflicts: [],
  };

  for (const cat of policy.categories) {
    const g = groups.get(cat.key)!;
    g.participants.sort(cmp);
    g.others.sort((a, b) => compareCodePoints(a.app.applicationId, b.app.applicationId));
    g.participants.forEach((l, i) => (l.rank = i + 1));

    const budget = cat.allocation === 'competitive' ? budgetOf(cat, opts.budgets) : null;
    if (budget !== null) result.budgets[cat.key] = budget;
    if (cat.allocation === 'competitive') {
      const clusters = allocateCategory(cat, budget, g.participants, unit, opts, result.conflicts);
      const awarded = g.participants.reduce((s, l) => s + l.awardFen, 0);
      const funded = g.participants.filter((l) => l.awardFen > 0).length;
      result.categories.push({ category: cat.key, budgetFen: budget, awardedFen: awarded, funded, participants: g.participants.length });
      if (budget === null && g.participants.some((l) => !l.kept)) result.unbudgeted.push(cat.key);
      result.clusters.push(...clusters);
      result.reserve[cat.key] = g.participants.filter((l) => RESERVE_REASONS.has(l.reason)).map((l) => l.app.applicationId);
      for (const t of findTies(g.participants, chain[0] === 'score-desc')) result.ties.push(t);
    }
    for (const l of g.participants) result.lines.push(l);
    for (const l of g.others) result.lines.push(l);
  }
  return result;
}

/** Allocates one competitive category in place; returns its cluster pools. */
function allocateCategory(
  cat: Category,
  budget: number | null,
  lines: PlanLine[],
  unit: number,
  opts: PlanOptions,
  conflicts: Text[],
): ClusterSummary[] {
  const poolCap = cat.perClusterCapFen ?? null;
  const entCap = cat.perEnterpriseCapFen;
  const budgetScope: Scope = { remaining: budget ?? 0, closed: false };
  const pools = new Map<string, Scope>();
  const enterpriseLeft = new Map<string, number>();
  const poolOf = (l: PlanLine): Scope | null => {
    if (poolCap === null) return null;
    const key = l.app.cluster ?? '';
    let p = pools.get(key);
    if (!p) pools.set(key, (p = { remaining: poolCap, closed: false }));
    return p;
  };
  const entLeft = (l: PlanLine): number => (entCap === null ? NO_LIMIT : (enterpriseLeft.get(l.app.uscc) ?? entCap));
  const useEnterprise = (l: PlanLine, fen: number) => {
    if (entCap !== null) enterpriseLeft.set(l.app.uscc, entLeft(l) - fen);
  };
  const take = (l: PlanLine, fen: number, pool: Scope | null) => {
    budgetScope.remaining -= fen;
    if (pool) pool.remaining -= fen;
    useEnterprise(l, fen);
  };

  // Kept awards are counted first (SPEC §8: only freed money goes to the reserve).
  for (const l of lines) if (l.kept) take(l, l.awardFen, poolOf(l));
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

  const open = lines.filter((l) => !l.kept);
  if (budget === null) {
    // SPEC §8: a category with qualifying applications and no budget funds nothing.
    for (const l of open) settle(l, 0, 'no-budget', 'category-budget');
  } else if (opts.method === 'pro-rata') {
    proRata(open, budgetScope, poolOf, entLeft, unit, useEnterprise);
  } else {
    for (const l of open) ranked(l, budgetScope, poolOf(l), entLeft(l), unit, opts.shortfall, take);
  }

  if (poolCap === null) return [];
  const sums = new Map<string, number>();
  for (const l of lines) sums.set(l.app.cluster ?? '', (sums.get(l.app.cluster ?? '') ?? 0) + l.awardFen);
  return [...sums.entries()].map(([cluster, awardedFen]) => ({ category: cat.key, cluster, poolFen: poolCap, awardedFen }));
}

// Plain assignments: every PlanLine keeps one shape and no temporary objects are made.
function settle(l: PlanLine, awardFen: number, reason: AllocationReason, binding: BindingLimit | null): void {
  l.awardFen = awardFen;
  l.reason = reason;
  l.binding = binding;
}

/** entitled = 0: the enterprise cap is used up, unless the cap itself is 0 (nothing requested or invested). */
function nothingEntitled(l: PlanLine, capBinding: BindingLimit): void {
  if (l.capFen === 0) settle(l, 0, 'funded', capBinding);
  else settle(l, 0, 'enterprise-cap-used-up', 'enterprise-cap');
}

/** entitled = ⌊min(cap, enterprise remaining)⌋u and the limit that set it. */
function entitlement(l: PlanLine, entRemaining: number, unit: number): { entitled: number; binding: BindingLimit } {
  // Art. 8(2), 8(3): per enterprise cap in this category and round.
  if (entRemaining < l.capFen) return { entitled: floorToUnit(Math.max(0, entRemaining), unit), binding: 'enterprise-cap' };
  return { entitled: l.capFen, binding: l.capBinding };
}

function ranked(
  l: PlanLine,
  budget: Scope,
  pool: Scope | null,
  entRemaining: number,
  unit: number,
  shortfall: ShortfallRule,
  take: (l: PlanLine, fen: number, pool: Scope | null) => void,
): void {
  const { entitled, binding } = entitlement(l, entRemaining, unit);
  l.entitledFen = entitled;
  if (entitled === 0) {
    nothingEntitled(l, binding);
    return;
  }
  // SPEC §14: a closed scope funds no more; a closed pool stops only its cluster.
  if (budget.closed) return settle(l, 0, 'no-budget-left', 'category-budget');
  if (pool?.closed) return settle(l, 0, 'no-budget-left', 'cluster-pool');
  const poolLeft = pool ? pool.remaining : NO_LIMIT;
  const available = Math.min(budget.remaining, poolLeft);
  if (entitled <= available) {
    settle(l, entitled, 'funded', binding);
    take(l, entitled, pool);
    return;
  }
  // Short: the scope with the smaller remainder sets `available` (budget first when equal).
  const catShort = entitled > budget.remaining;
  const poolShort = pool !== null && entitled > poolLeft;
  const short: BindingLimit = budget.remaining <= poolLeft ? 'category-budget' : 'cluster-pool';
  if (shortfall === 'skip') return settle(l, 0, 'did-not-fit', short);
  const part = shortfall === 'partial' ? floorToUnit(Math.max(0, available), unit) : 0;
  if (part > 0) {
    settle(l, part, 'funded-in-part', short);
    take(l, part, pool);
  } else {
    // Nothing left to give in part (less than one unit): it did not fit.
    settle(l, 0, 'did-not-fit', short);
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
  lines: PlanLine[],
  budget: Scope,
  poolOf: (l: PlanLine) => Scope | null,
  entLeft: (l: PlanLine) => number,
  unit: number,
  useEnterprise: (l: PlanLine, fen: number) => void,
): void {
  const entitledSum = new Map<Scope, number>();
  const live: PlanLine[] = [];
  for (const l of lines) {
    const { entitled, binding } = entitlement(l, entLeft(l), unit);
    l.entitledFen = entitled;
    if (entitled === 0) {
      nothingEntitled(l, binding);
      continue;
    }
    useEnterprise(l, entitled);
    l.binding = binding;
    live.push(l);
    const p = poolOf(l);
    if (p) entitledSum.set(p, (entitledSum.get(p) ?? 0) + entitled);
  }
  // Σ' after the pools are scaled is an integer: a scaled pool contributes exactly its remainder.
  let categorySum = 0;
  for (const l of live) if (!poolOf(l)) categorySum += l.entitledFen;
  for (const [p, s] of entitledSum) categorySum += Math.min(s, Math.max(0, p.remaining));
  const catRemaining = Math.max(0, budget.remaining);
  const catScaled = categorySum > catRemaining;
  const u = BigInt(unit);
  for (const l of live) {
    const p = poolOf(l);
    let num = BigInt(l.entitledFen);
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
    if (scaled) settle(l, award, 'funded-pro-rata', 'pro-rata');
    else settle(l, award, 'funded', l.binding);
  }
}

/** SPEC §14: equal exact scores in one category where at least one is funded and at least one is not for lack of money. */
function findTies(participants: PlanLine[], scoreOrdered: boolean): string[][] {
  const relevant = participants.filter((l) => l.app.score !== null && (l.awardFen > 0 || RESERVE_REASONS.has(l.reason)));
  if (!scoreOrdered) relevant.sort((a, b) => compareLineScores(b, a) || a.rank! - b.rank!);
  const ties: string[][] = [];
  for (let i = 0; i < relevant.length; ) {
    let j = i + 1;
    while (j < relevant.length && compareLineScores(relevant[i], relevant[j]) === 0) j++;
    const run = relevant.slice(i, j);
    if (run.some((l) => l.awardFen > 0) && run.some((l) => RESERVE_REASONS.has(l.reason))) {
      ties.push(run.sort((a, b) => a.rank! - b.rank!).map((l) => l.app.applicationId));
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
  for (const l of p.lines) {
    const id = l.app.applicationId;
    const a = l.awardFen;
    if (!Number.isSafeInteger(a) || a < 0) problems.push(`${id}: award ${a} is not a non-negative integer of fen`);
    if (a % unit !== 0) problems.push(`${id}: award ${a} is not a multiple of the unit ${unit}`);
    if (a > l.capFen) problems.push(`${id}: award ${a} exceeds its cap ${l.capFen}`);
    if (l.rank === null && a !== 0 && !l.kept) problems.push(`${id}: does not take part but is awarded ${a}`);
    if (a === 0) continue;
    const cat = categories.get(l.app.category) ?? categoryOf(policy, l.app.category);
    byCat.set(cat.key, (byCat.get(cat.key) ?? 0) + a);
    if (cat.perClusterCapFen !== undefined) {
      const k = `${cat.key}\u0000${l.app.cluster ?? ''}`;
      byCluster.set(k, (byCluster.get(k) ?? 0) + a);
    }
    if (cat.perEnterpriseCapFen !== null) {
      const k = `${cat.key}\u0000${l.app.uscc}`;
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
