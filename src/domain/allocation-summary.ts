// What a person reads of an allocation version, computed from its lines (SPEC
// §8, §14): per category the money awarded and the reserve list (候补), the
// cluster pools (Art. 8), and what changed between two versions. The same code
// reads a fresh plan and a stored version, so a stored version reads back
// exactly as it was planned.
import { bindingAt, rankAt, reasonAt, RESERVE_REASONS, type AllocationPlan, type AllocationReason, type BindingLimit, type CandidateColumns } from './allocation.js';
import type { Policy } from './policy.js';

/** How to read a line, so that one summary works on plan lines and stored lines without copying 10^6 objects. */
export interface LineOf<L> {
  id(l: L): string;
  category(l: L): string;
  cluster(l: L): string | null;
  rank(l: L): number | null;
  score(l: L): string | null;
  cap(l: L): number;
  entitled(l: L): number;
  award(l: L): number;
  reason(l: L): AllocationReason;
  binding(l: L): BindingLimit | null;
  enterprise(l: L): string;
}

/** One category's lines: an array, or a slice of a plan's order. */
export type Lines<L> = ArrayLike<L> & Iterable<L>;

/** A plan's line i, read from its columns. */
/**
 * What a plan's view reads of it (planLineOf, planGroups, summarize): a worker
 * thread that renders a large plan is sent these columns only.
 */
export type ViewPlan = Pick<AllocationPlan, 'budgets' | 'rank' | 'capFen' | 'entitledFen' | 'awardFen' | 'reason' | 'binding' | 'order' | 'categoryStart'> & {
  apps: Pick<CandidateColumns, 'applicationId' | 'enterpriseName' | 'scoreDisplay' | 'categoryAt' | 'clusterAt' | 'exact' | 'num' | 'den'>;
};

export const planLineOf = (p: ViewPlan): LineOf<number> => ({
  id: (i) => p.apps.applicationId[i],
  category: (i) => p.apps.categoryAt(i),
  cluster: (i) => p.apps.clusterAt(i),
  rank: (i) => rankAt(p, i),
  score: (i) => p.apps.scoreDisplay[i],
  cap: (i) => p.capFen[i],
  entitled: (i) => p.entitledFen[i],
  award: (i) => p.awardFen[i],
  reason: (i) => reasonAt(p, i),
  binding: (i) => bindingAt(p, i),
  enterprise: (i) => p.apps.enterpriseName[i],
});

/** A plan's lines per policy category: slices of its order (participants by rank, then the others), no copy. */
export const planGroups = (policy: Policy, p: Pick<AllocationPlan, 'order' | 'categoryStart'>): Map<string, Int32Array> =>
  new Map(policy.categories.map((c, k) => [c.key, p.order.subarray(p.categoryStart[k], p.categoryStart[k + 1])]));

/** Lines (already in order within a category) grouped per category: the policy's categories first, then any other in the order met. */
export function groupByCategory<L>(policy: Policy, all: Iterable<L>, of: LineOf<L>): Map<string, L[]> {
  const groups = new Map<string, L[]>(policy.categories.map((c) => [c.key, []]));
  for (const l of all) {
    let g = groups.get(of.category(l));
    if (!g) groups.set(of.category(l), (g = []));
    g.push(l);
  }
  return groups;
}

export interface CategoryTotal {
  category: string;
  budgetFen: number | null;
  awardedFen: number;
  funded: number;
}

export interface ClusterTotal {
  cluster: string;
  poolFen: number;
  awardedFen: number;
}

export interface AllocationSummary {
  /** Competitive categories, in policy order. */
  categories: CategoryTotal[];
  /** Per cluster of a category with a cluster pool, in policy cluster order. */
  clusters: ClusterTotal[];
  /** Per competitive category: the participants left waiting, in rank order (SPEC §14 reserve list). */
  reserve: Record<string, string[]>;
}

export function summarize<L>(policy: Policy, budgets: Readonly<Record<string, number>>, groups: ReadonlyMap<string, Lines<L>>, of: LineOf<L>): AllocationSummary {
  const categories: CategoryTotal[] = [];
  const clusters: ClusterTotal[] = [];
  const reserve: Record<string, string[]> = {};
  const clusterOrder = new Map(policy.clusters.map((c, i) => [c.key, i]));
  for (const cat of policy.categories) {
    if (cat.allocation !== 'competitive') continue;
    const g = groups.get(cat.key) ?? [];
    const pool = cat.perClusterCapFen;
    let awarded = 0;
    let funded = 0;
    const sums = new Map<string, number>();
    const waiting: string[] = [];
    for (const l of g) {
      const a = of.award(l);
      awarded += a;
      if (a > 0) funded++;
      if (of.rank(l) === null) continue;
      if (RESERVE_REASONS.has(of.reason(l))) waiting.push(of.id(l));
      if (pool === undefined) continue;
      const k = of.cluster(l) ?? '';
      sums.set(k, (sums.get(k) ?? 0) + a);
    }
    categories.push({ category: cat.key, budgetFen: budgets[cat.key] ?? null, awardedFen: awarded, funded });
    reserve[cat.key] = waiting;
    if (pool !== undefined) {
      // Clusters the policy does not name (and none, '') come last, by key.
      const keys = [...sums.keys()].sort((a, b) => (clusterOrder.get(a) ?? 1e9) - (clusterOrder.get(b) ?? 1e9) || (a < b ? -1 : a > b ? 1 : 0));
      for (const k of keys) clusters.push({ cluster: k, poolFen: pool, awardedFen: sums.get(k)! });
    }
  }
  return { categories, clusters, reserve };
}

/** What a diff shows of one line. */
export interface LineState {
  rank: number | null;
  awardFen: number;
  reason: AllocationReason;
}

export interface LineChange {
  applicationId: string;
  category: string;
  enterpriseName: string;
  /** null: not in the earlier version. */
  from: LineState | null;
  /** null: not in the later version. */
  to: LineState | null;
}

export interface CategoryChange {
  category: string;
  fromAwardedFen: number;
  toAwardedFen: number;
  fromFunded: number;
  toFunded: number;
}

export interface VersionDiff {
  /** The later version's categories, with the earlier one's figures (0 where it had none). */
  categories: CategoryChange[];
  /** Lines whose rank, award or reason differ, in the later version's order; then lines only in the earlier one. */
  changes: LineChange[];
}

/** Two versions, each as its summary and its lines per category. */
export function diffVersions<L>(
  from: { summary: AllocationSummary; groups: ReadonlyMap<string, Lines<L>> },
  to: { summary: AllocationSummary; groups: ReadonlyMap<string, Lines<L>> },
  of: LineOf<L>,
): VersionDiff {
  const state = (l: L): LineState => ({ rank: of.rank(l), awardFen: of.award(l), reason: of.reason(l) });
  const before = new Map<string, L>();
  for (const g of from.groups.values()) for (const l of g) before.set(of.id(l), l);
  const changes: LineChange[] = [];
  const seen = new Set<string>();
  for (const g of to.groups.values()) {
    for (const l of g) {
      const id = of.id(l);
      seen.add(id);
      const o = before.get(id);
      if (o === undefined || of.award(o) !== of.award(l) || of.reason(o) !== of.reason(l) || of.rank(o) !== of.rank(l)) {
        changes.push({ applicationId: id, category: of.category(l), enterpriseName: of.enterprise(l), from: o === undefined ? null : state(o), to: state(l) });
      }
    }
  }
  for (const [id, o] of before) {
    if (!seen.has(id)) changes.push({ applicationId: id, category: of.category(o), enterpriseName: of.enterprise(o), from: state(o), to: null });
  }
  const categories = to.summary.categories.map((c) => {
    const was = from.summary.categories.find((x) => x.category === c.category);
    return { category: c.category, fromAwardedFen: was?.awardedFen ?? 0, toAwardedFen: c.awardedFen, fromFunded: was?.funded ?? 0, toFunded: c.funded };
  });
  return { categories, changes };
}
