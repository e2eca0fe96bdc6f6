// caps, allocate and the stored allocation versions (Art. 8, 11; SPEC §8, §14).
// allocate reads the candidates, asks domain/allocation for a plan, checks its
// invariants and stores it as a new version with one event (plan, then apply).
import { ALLOCATION_REASONS, CandidateColumns, checkInvariants, ELIGIBILITY_CODES, plan as planAllocation, type AllocationPlan, type AllocationReason } from '../domain/allocation.js';
import { allocationRunOptions } from '../domain/allocation-options.js';
import {
  diffVersions,
  groupByCategory,
  summarize,
  type AllocationSummary,
  type LineOf,
  type Lines,
  type VersionDiff,
} from '../domain/allocation-summary.js';
import { parseBudgets } from '../domain/budgets.js';
import { capOf, type Cap } from '../domain/caps.js';
import { RefusedError, UserError } from '../domain/errors.js';
import type { AllocationMethod, ShortfallRule, TieBreakKey } from '../domain/policy.js';
import { text } from '../domain/text.js';
import { scoringRules } from '../domain/scoring.js';
import { roundExactTexts, type ExactText } from '../ledger/scores.repo.js';
import { roundCapInputs } from '../ledger/applications.repo.js';
import { roundSize } from '../ledger/eligibility.repo.js';
import {
  allocationLines,
  getAllocation,
  latestVersion,
  linkParticipants,
  listAllocations,
  lockedAwards,
  roundCandidates,
  storeAllocation,
  type StoredLine,
} from '../ledger/allocations.repo.js';
import { appendEvent, refuseIfClockBehind } from '../ledger/events.js';
import type { Db } from '../ledger/open.js';
import { inReadSnapshotSync, inTransaction } from '../ledger/open.js';
import type { Round } from '../ledger/rounds.repo.js';
import type { OpContext } from './context.js';
import { requireRound } from './lookup.js';
import { runSteps, runStepsInTransaction, runStepsPausing } from './pauses.js';
import { planBody } from './plan-view.js';
import { reporter } from './progress.js';
import { requireCheckedForAllocate } from './steps.js';

// ---------------------------------------------------------------- caps

export interface CapLine {
  applicationId: string;
  enterpriseName: string;
  category: string;
  cap: Cap;
}

export interface CapsResult {
  round: Round;
  /** Read from the ledger each time it is iterated, in application_id order. */
  applications: Iterable<CapLine>;
  /** The first `limit` lines and how many applications the round has, read from one state of the ledger (a terminal's table). */
  first(limit: number): { lines: CapLine[]; total: number };
}

/** Per application, the cap and how it was reached (Art. 8). */
export function caps(op: OpContext, input: { roundId?: string }): CapsResult {
  const round = requireRound(op.db, input.roundId);
  const { db } = op;
  function* applications(limit = Infinity): Generator<CapLine> {
    for (const a of roundCapInputs(db, round.roundId, limit)) yield { applicationId: a.applicationId, enterpriseName: a.enterpriseName, category: a.category, cap: capOf(a, round.policy) };
  }
  return {
    round,
    applications: { [Symbol.iterator]: () => applications() },
    first: (limit) => inReadSnapshotSync(db, () => ({ lines: [...applications(limit)], total: roundSize(db, round.roundId) })),
  };
}

// ---------------------------------------------------------------- one view of a version

/**
 * A version as it is shown: its head, its summary and its lines per category
 * (policy categories first; participants by rank, then the others). Lines stay
 * in the plan's columns or the stored rows and are read through `of`: 10^6
 * applications are never copied into objects for a view.
 */
export interface AllocationView<L> {
  round: Round;
  /** null: a dry run, not stored. */
  version: number | null;
  dryRun: boolean;
  method: AllocationMethod;
  shortfall: ShortfallRule;
  ties: string[][];
  summary: AllocationSummary;
  groups: Map<string, Lines<L>>;
  of: LineOf<L>;
  /** The threshold of Art. 11, points as [num, den]: a rounded score equal to it cannot say which side it is on. */
  threshold: [bigint, bigint];
  /** A line's exact aggregate as stored now, as text (scoreExact), if its rounded form is still `shown` (asked for tied rows only). */
  exactText(line: L, shown: string | null): string | null;
}

/** The exact aggregate behind a stored line's rounded score, when the stored aggregate still rounds to it. */
function storedExactText(db: Db, roundId: string) {
  // The round's aggregates are read once, at the first tied row.
  let byId: Map<string, ExactText> | undefined;
  return (l: StoredLine, shown: string | null): string | null => {
    byId ??= roundExactTexts(db, roundId);
    const a = byId.get(l.application_id);
    return a && a.display === shown ? a.exact : null;
  };
}

const STORED_LINE: LineOf<StoredLine> = {
  id: (l) => l.application_id,
  category: (l) => l.category,
  cluster: (l) => l.cluster,
  rank: (l) => l.rank,
  score: (l) => l.score_display,
  cap: (l) => l.cap_fen,
  entitled: (l) => l.entitled_fen,
  award: (l) => l.award_fen,
  reason: (l) => l.reason,
  binding: (l) => l.binding,
  enterprise: (l) => l.enterprise_name,
};

// ---------------------------------------------------------------- allocate

/** The round's step-order counts, from the candidates allocate reads anyway (each was a pass over the round's rows). */
function candidateCounts(apps: CandidateColumns): { unchecked: number; needsReview: number; byCategory: Map<string, number> } {
  const unchecked = ELIGIBILITY_CODES.indexOf(null);
  const review = ELIGIBILITY_CODES.indexOf('needs-review');
  const perCode = new Float64Array(apps.categories.length);
  const out = { unchecked: 0, needsReview: 0, byCategory: new Map<string, number>() };
  for (let i = 0; i < apps.length; i++) {
    const e = apps.state[i] >> 2;
    if (e === unchecked) out.unchecked++;
    else if (e === review) out.needsReview++;
    perCode[apps.category[i]]++;
  }
  apps.categories.forEach((c, k) => perCode[k] > 0 && out.byCategory.set(c, perCode[k]));
  return out;
}

export interface AllocateInput {
  roundId?: string;
  /** CATEGORY=AMOUNT overrides of the round's budgets for this run. */
  budgets?: readonly string[];
  method?: string;
  shortfall?: string;
  /** A comma-separated chain of tie-break keys, or `refuse`. */
  tieBreak?: string;
  dryRun?: boolean;
  /**
   * Called with the plan once it passed every check and before it is stored
   * (inside the transaction): the command may start rendering it meanwhile.
   * Shown only after the commit: a plan that is not stored is never shown as stored.
   */
  onPlanned?: (round: Round, plan: AllocationPlan) => void;
}

export interface AllocateResult extends AllocationView<number> {
  plan: AllocationPlan;
  /** Competitive categories with applications and no budget: they fund nothing (SPEC §8). */
  unbudgeted: { category: string; applications: number }[];
  /** Applications still needing review: they take no part until decided, and publicize waits for them. */
  needsReview: number;
  /** When no application of a competitive category takes part (the version funds nothing): why, by reason; else null. */
  noneTakePart: { reason: AllocationReason; n: number }[] | null;
}

function noneTakingPart(p: AllocationPlan): AllocateResult['noneTakePart'] {
  if (p.categories.some((c) => c.participants > 0)) return null;
  const n = new Array<number>(ALLOCATION_REASONS.length).fill(0);
  for (let i = 0; i < p.reason.length; i++) n[p.reason[i]]++;
  const out = ALLOCATION_REASONS.map((reason, k) => ({ reason, n: n[k] })).filter((r) => r.n > 0 && r.reason !== 'not-allocated');
  return out.length ? out : null;
}

type Planned = { p: AllocationPlan; version: number | null; counts: ReturnType<typeof candidateCounts> };

/**
 * The work of allocate in steps: it pauses (yields) where nothing of the
 * ledger is being read (after the read, after the plan), so that
 * allocateAsync can let a signal be heard before the store. Inside the
 * caller's transaction unless a dry run.
 */
function* allocateSteps(op: OpContext, { round, run, budgets }: AllocateRun, input: AllocateInput): Generator<void, Planned> {
  const db = op.db;
  const policy = round.policy;

  // Read and plan inside the transaction that stores: a plan made from a ledger
  // that another officer's import changed before the write would leave applications out.
  op.progress?.phase(text('读取申报', 'reading the round'), roundSize(db, round.roundId), 'applications');
  const candidates = roundCandidates(db, round.roundId, (n) => op.progress?.tick(n));
  const counts = candidateCounts(candidates);
  requireCheckedForAllocate(round.roundId, counts.unchecked);
  const { kept, excluded } = lockedAwards(db, round.roundId);
  yield;
  const p = planAllocation(candidates, policy, { budgets, method: run.method, shortfall: run.shortfall, tieBreak: run.tieBreak, kept, excluded });
  // Kept awards over a lowered budget or pool break the invariants too: refuse them first, with the hint.
  if (p.conflicts.length > 0) {
    throw new RefusedError(
      text(`无法分配：${p.conflicts.map((c) => c.zh).join('；')}`, `cannot allocate: ${p.conflicts.map((c) => c.en).join('; ')}`),
      text('已公示的奖励不会被重新排名取消；请提高预算（--budget）。', 'awards on notice are never taken away by a re-ranking; raise the budget (--budget).'),
    );
  }
  const broken = checkInvariants(p, policy);
  if (broken.length > 0) throw new Error(`allocation invariant broken (nothing written): ${broken.slice(0, 5).join('; ')}`);
  if (run.refuseTies && p.ties.length > 0) {
    const ties = p.ties.map((t) => t.join(' = ')).join('; ');
    throw new RefusedError(
      text(`资助线两侧出现同分，需集体审议：${ties}。未写入任何内容。`, `equal scores across the funding line need a collective decision (集体审议): ${ties}. Nothing was written.`),
      text('集体审议后，用 --tie-break 指定排序规则重新分配。', 'after the collective decision, run allocate again with a --tie-break chain.'),
    );
  }
  if (input.dryRun) return { p, version: null, counts };

  // The refusals come before any write; anything that throws after them (the
  // store, the event) rolls the whole transaction back.
  input.onPlanned?.(round, p);
  yield;
  const at = op.now();
  const stored = storeAllocation(db, round.roundId, p, at, op.officer, reporter(op.progress, text('写入分配结果', 'storing the lines'), 'rows'));
  op.progress?.done();
  const event = appendEvent(db, {
    at,
    officer: op.officer,
    command: 'allocate',
    roundId: round.roundId,
    appIds: stored.participantIds,
    details: {
      version: stored.version,
      method: run.method,
      shortfall: run.shortfall,
      tie_break: p.tieBreak,
      budgets_fen: p.budgets,
      categories: p.categories.map((c) => ({ category: c.category, budget_fen: c.budgetFen, awarded_fen: c.awardedFen, funded: c.funded })),
      kept: kept.size,
      excluded: excluded.size,
      ties: p.ties,
      states: { proposed: stored.stateChanges.proposed, not_funded: stored.stateChanges.notFunded },
      participants: stored.participants,
    },
  });
  if (stored.participantIds.length < stored.participants) linkParticipants(db, event.seq, round.roundId, stored.version);
  return { p, version: stored.version, counts };
}

interface AllocateRun {
  round: Round;
  run: ReturnType<typeof allocationRunOptions>;
  budgets: Record<string, number>;
}

/** The round, the run's options and budgets, checked before anything is read; the clock, before a write. */
function allocatePrelude(op: OpContext, input: AllocateInput): AllocateRun {
  const round = requireRound(op.db, input.roundId);
  const run = allocationRunOptions(round.policy, input);
  const budgets = { ...round.budgets, ...parseBudgets(round.policy, input.budgets ?? []) };
  if (!input.dryRun) refuseIfClockBehind(op.db, op.now());
  return { round, run, budgets };
}

function allocateResult({ round, run }: AllocateRun, input: AllocateInput, { p, version, counts }: Planned): AllocateResult {
  const policy = round.policy;
  const body = planBody(policy, p);
  const unbudgeted = policy.categories
    .filter((c) => c.allocation === 'competitive' && p.budgets[c.key] === undefined && (counts.byCategory.get(c.key) ?? 0) > 0)
    .map((c) => ({ category: c.key, applications: counts.byCategory.get(c.key) ?? 0 }));
  return {
    round,
    version,
    dryRun: Boolean(input.dryRun),
    method: run.method,
    shortfall: run.shortfall,
    ties: p.ties,
    ...body,
    plan: p,
    unbudgeted,
    needsReview: counts.needsReview,
    noneTakePart: noneTakingPart(p),
  };
}

/**
 * Plans the round's allocation and, unless a dry run, stores it as the next
 * version with one event. Refuses (nothing written) when kept awards no longer
 * fit, or when ties across the funding line must go to a collective decision.
 */
export function allocate(op: OpContext, input: AllocateInput): AllocateResult {
  const db = op.db;
  const prelude = allocatePrelude(op, input);
  let planned: Planned;
  if (input.dryRun) planned = runSteps(allocateSteps(op, prelude, input));
  else {
    const restore = storeCache(db);
    try {
      planned = inTransaction(db, () => runSteps(allocateSteps(op, prelude, input)));
    } finally {
      restore();
    }
  }
  op.progress?.done();
  return allocateResult(prelude, input, planned);
}

/**
 * allocate, letting the event loop run at its pauses (after the read, after
 * the plan): at 10^6 applications Ctrl-C is then heard before the store and
 * rolls everything back, instead of after the commit. The store, its seals
 * and the commit still run in one go.
 */
export async function allocateAsync(op: OpContext, input: AllocateInput): Promise<AllocateResult> {
  const db = op.db;
  const prelude = allocatePrelude(op, input);
  let planned: Planned;
  // Two steps, each long at scale: a pause at each (0 ms).
  if (input.dryRun) planned = await runStepsPausing(allocateSteps(op, prelude, input), 0);
  else {
    const restore = storeCache(db);
    try {
      planned = await runStepsInTransaction(db, allocateSteps(op, prelude, input), 0);
    } finally {
      restore();
    }
  }
  op.progress?.done();
  return allocateResult(prelude, input, planned);
}

/** The page cache of allocate's write (KiB, negative as the pragma takes it). */
const STORE_CACHE_KIB = -8192;

/**
 * Gives the connection a small page cache for allocate's write; returns what
 * gives it its own back. The round is read and its lines written in key
 * order, each page once: 8 MiB serves them as well as open.ts's 64 MiB (the
 * transaction's pages spill to the file before the commit), and keeps a round
 * of 10^6 within 500 MB.
 */
function storeCache(db: Db): () => void {
  const cache = db.pragma('cache_size', { simple: true }) as number;
  db.pragma(`cache_size = ${STORE_CACHE_KIB}`);
  return () => void db.pragma(`cache_size = ${cache}`);
}

// ---------------------------------------------------------------- stored versions

export interface VersionRow {
  version: number;
  /** The latest version is the proposal. */
  proposal: boolean;
  method: AllocationMethod;
  shortfall: ShortfallRule;
  tieBreak: TieBreakKey[];
  budgets: Record<string, number>;
  funded: number;
  awardedFen: number;
  ties: number;
  createdAt: string;
  createdBy: string;
}

export function allocationVersions(op: OpContext, input: { roundId?: string }): { round: Round; versions: VersionRow[] } {
  const round = requireRound(op.db, input.roundId);
  const stored = listAllocations(op.db, round.roundId);
  const latest = stored.length ? stored[stored.length - 1].version : null;
  const versions = stored.map((v) => ({
    version: v.version,
    proposal: v.version === latest,
    method: v.method,
    shortfall: v.shortfall,
    tieBreak: v.tieBreak,
    budgets: v.budgets,
    funded: v.funded,
    awardedFen: v.awardedFen,
    ties: v.ties.length,
    createdAt: v.createdAt,
    createdBy: v.createdBy,
  }));
  return { round, versions };
}

/** Version N of the round, or its latest with null; a usage error when there is none. */
function requireVersion(db: Db, round: Round, version: number | null): number {
  const latest = latestVersion(db, round.roundId);
  if (latest === null) {
    throw new UserError(text(`批次 ${round.roundId} 尚无分配方案。`, `round ${round.roundId} has no allocation yet.`), 2, text('先运行 `jmfund allocate`。', 'run `jmfund allocate` first.'));
  }
  if (version === null) return latest;
  if (!getAllocation(db, round.roundId, version)) {
    throw new UserError(text(`批次 ${round.roundId} 没有第 ${version} 版分配方案（最新为第 ${latest} 版）。`, `round ${round.roundId} has no allocation version ${version} (the latest is ${latest}).`), 2);
  }
  return version;
}

function storedView(db: Db, round: Round, version: number): AllocationView<StoredLine> {
  const head = getAllocation(db, round.roundId, version)!;
  const groups = groupByCategory(round.policy, allocationLines(db, round.roundId, version), STORED_LINE);
  return {
    round,
    version,
    dryRun: false,
    method: head.method,
    shortfall: head.shortfall,
    ties: head.ties,
    summary: summarize(round.policy, head.budgets, groups, STORED_LINE),
    groups,
    of: STORED_LINE,
    threshold: scoringRules(round.policy).threshold,
    exactText: storedExactText(db, round.roundId),
  };
}

/** One stored version (null: the latest, which is the proposal). */
export function allocationVersion(op: OpContext, input: { roundId?: string; version: number | null }): AllocationView<StoredLine> {
  const round = requireRound(op.db, input.roundId);
  return storedView(op.db, round, requireVersion(op.db, round, input.version));
}

export interface AllocationDiffResult extends VersionDiff {
  round: Round;
  from: number;
  to: number;
}

/** What changed between two stored versions. */
export function allocationDiff(op: OpContext, input: { roundId?: string; from: number; to: number }): AllocationDiffResult {
  const round = requireRound(op.db, input.roundId);
  const from = requireVersion(op.db, round, input.from);
  const to = requireVersion(op.db, round, input.to);
  const a = storedView(op.db, round, from);
  const b = storedView(op.db, round, to);
  return { round, from, to, ...diffVersions(a, b, STORED_LINE) };
}
