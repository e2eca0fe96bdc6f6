// jmfund caps | allocate | allocations list|show|diff (Art. 8, SPEC §8, §14).
import type { Command } from 'commander';
import {
  bindingAt,
  checkInvariants,
  plan as planAllocation,
  rankAt,
  reasonAt,
  RESERVE_REASONS,
  type AllocationPlan,
  type AllocationReason,
  type BindingLimit,
} from '../../domain/allocation.js';
import { capOf, capDetailJson, type CapLimit } from '../../domain/caps.js';
import { formatYuan } from '../../domain/money.js';
import { ALLOCATION_METHODS, SHORTFALL_RULES, TIE_BREAK_KEYS, type AllocationMethod, type Policy, type ShortfallRule, type TieBreakKey } from '../../domain/policy.js';
import { text, type Text } from '../../domain/text.js';
import { BINDING_LABELS, REASON_LABELS } from '../../domain/labels.js';
import { roundApplications } from '../../ledger/applications.repo.js';
import {
  allocationLines,
  getAllocation,
  latestVersion,
  listAllocations,
  linkParticipants,
  lockedAwards,
  roundCandidates,
  storeAllocation,
  type StoredLine,
} from '../../ledger/allocations.repo.js';
import { appendEvent } from '../../ledger/events.js';
import { inTransaction } from '../../ledger/open.js';
import type { Round } from '../../ledger/rounds.repo.js';
import type { Context } from '../context.js';
import { RefusedError, UserError } from '../../domain/errors.js';
import { requireRound } from '../../ops/lookup.js';
import type { Cell, Printer } from '../render.js';
import { collect, handler } from '../runner.js';
import { parseBudgets } from './round.js';

// ---------------------------------------------------------------- words

const bindingLabel = (ctx: Context, b: BindingLimit | CapLimit | null): string => (b === null ? '' : ctx.t(BINDING_LABELS[b]));

// ---------------------------------------------------------------- options

interface AllocateOptions {
  round?: string;
  budget?: string[];
  method?: string;
  shortfall?: string;
  tieBreak?: string;
  dryRun?: boolean;
}

function oneOf<T extends string>(name: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UserError(text(`--${name} ${value}：可用的值为 ${allowed.join('、')}`, `--${name} ${value}: expected one of ${allowed.join(', ')}`), 2);
}

/** CHAIN (comma-separated policy keys) or `refuse` (the policy's chain; ties across the line stop the run). */
export function parseTieBreak(spec: string | undefined, policy: Policy): { chain: TieBreakKey[]; refuse: boolean } {
  if (spec === undefined) return { chain: [...policy.allocation.tieBreak], refuse: false };
  if (spec.trim() === 'refuse') return { chain: [...policy.allocation.tieBreak], refuse: true };
  const keys = spec.split(',').map((k) => k.trim());
  const chain: TieBreakKey[] = [];
  for (const k of keys) {
    if (!(TIE_BREAK_KEYS as readonly string[]).includes(k)) {
      throw new UserError(
        text(`--tie-break：未知的排序键「${k}」。可用：${TIE_BREAK_KEYS.join('、')}，或 refuse`, `--tie-break: unknown key "${k}". Known: ${TIE_BREAK_KEYS.join(', ')}, or refuse`),
        2,
      );
    }
    if (chain.includes(k as TieBreakKey)) throw new UserError(text(`--tie-break：「${k}」重复`, `--tie-break: "${k}" given twice`), 2);
    chain.push(k as TieBreakKey);
  }
  return { chain, refuse: false };
}

// ---------------------------------------------------------------- one view for allocate and allocations show

/** How to read a line, so that the view works on plan lines and stored lines without copying 10^6 objects. */
interface LineOf<L> {
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

/** A plan's line i, read from its columns. */
const planLineOf = (p: AllocationPlan): LineOf<number> => ({
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

/** One category's lines: an array of stored lines, or a slice of a plan's order. */
type Lines<L> = ArrayLike<L> & Iterable<L>;

/** Stored lines (by category, then rank) grouped per category, policy categories first. */
function byCategory<L>(policy: Policy, all: Iterable<L>, of: LineOf<L>): Map<string, L[]> {
  const lines = new Map<string, L[]>(policy.categories.map((c) => [c.key, []]));
  for (const l of all) {
    let g = lines.get(of.category(l));
    if (!g) lines.set(of.category(l), (g = []));
    g.push(l);
  }
  return lines;
}

/** A plan's lines per policy category: slices of its order, no copy. */
const planGroups = (policy: Policy, p: AllocationPlan): Map<string, Int32Array> =>
  new Map(policy.categories.map((c, k) => [c.key, p.order.subarray(p.categoryStart[k], p.categoryStart[k + 1])]));

interface AllocationView<L> {
  round: string;
  version: number | null;
  dry_run: boolean;
  method: AllocationMethod;
  shortfall: ShortfallRule;
  categories: { category: string; budget_fen: number | null; awarded_fen: number; funded: number }[];
  clusters: { cluster: string; pool_fen: number; awarded_fen: number }[];
  /** Per policy category, in the order given (participants by rank, then the others). */
  lines: Map<string, Lines<L>>;
  reserve: Record<string, string[]>;
  ties: string[][];
  of: LineOf<L>;
}

/** Categories, pools and reserve are derived from the lines, so a stored version reads back exactly as it was planned. */
function buildView<L>(
  policy: Policy,
  head: { round: string; version: number | null; dryRun: boolean; method: AllocationMethod; shortfall: ShortfallRule; budgets: Record<string, number>; ties: string[][] },
  lines: Map<string, Lines<L>>,
  of: LineOf<L>,
): AllocationView<L> {
  const categories: AllocationView<L>['categories'] = [];
  const clusters: AllocationView<L>['clusters'] = [];
  const reserve: Record<string, string[]> = {};
  const clusterOrder = new Map(policy.clusters.map((c, i) => [c.key, i]));
  for (const cat of policy.categories) {
    if (cat.allocation !== 'competitive') continue;
    const g = lines.get(cat.key) ?? [];
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
    categories.push({ category: cat.key, budget_fen: head.budgets[cat.key] ?? null, awarded_fen: awarded, funded });
    reserve[cat.key] = waiting;
    if (pool !== undefined) {
      const keys = [...sums.keys()].sort((a, b) => (clusterOrder.get(a) ?? 1e9) - (clusterOrder.get(b) ?? 1e9) || (a < b ? -1 : a > b ? 1 : 0));
      for (const k of keys) clusters.push({ cluster: k, pool_fen: pool, awarded_fen: sums.get(k)! });
    }
  }
  return {
    round: head.round,
    version: head.version,
    dry_run: head.dryRun,
    method: head.method,
    shortfall: head.shortfall,
    categories,
    clusters,
    lines,
    reserve,
    ties: head.ties,
    of,
  };
}

function viewJson<L>(v: AllocationView<L>) {
  const { of } = v;
  const applications = [];
  for (const g of v.lines.values()) {
    for (const l of g) {
      applications.push({
        application_id: of.id(l),
        category: of.category(l),
        cluster: of.cluster(l),
        rank: of.rank(l),
        score: of.score(l),
        cap_fen: of.cap(l),
        entitled_fen: of.entitled(l),
        award_fen: of.award(l),
        reason: of.reason(l),
        binding: of.binding(l),
      });
    }
  }
  return {
    round: v.round,
    version: v.version,
    dry_run: v.dry_run,
    method: v.method,
    shortfall: v.shortfall,
    categories: v.categories,
    clusters: v.clusters,
    applications,
    reserve: v.reserve,
    ties: v.ties,
  };
}

function renderView<L>(ctx: Context, out: Printer, v: AllocationView<L>, policy: Policy): void {
  const { of } = v;
  out.line(
    v.dry_run
      ? ctx.t(text(`批次 ${v.round} 分配试算（${v.method}，额度不足规则 ${v.shortfall}）：未写入账本。`, `round ${v.round}: dry run (${v.method}, shortfall ${v.shortfall}); nothing written.`))
      : ctx.t(text(`批次 ${v.round} 分配方案第 ${v.version} 版（${v.method}，额度不足规则 ${v.shortfall}）`, `round ${v.round}: allocation version ${v.version} (${v.method}, shortfall ${v.shortfall})`)),
  );
  const reasonLabel = Object.fromEntries(Object.entries(REASON_LABELS).map(([k, t]) => [k, ctx.t(t)])) as Record<AllocationReason, string>;
  const limitLabel = Object.fromEntries(Object.entries(BINDING_LABELS).map(([k, t]) => [k, ctx.t(t)])) as Record<BindingLimit, string>;
  for (const c of policy.categories) {
    const lines = v.lines.get(c.key) ?? [];
    const summary = v.categories.find((s) => s.category === c.key);
    if (lines.length === 0 && (!summary || summary.budget_fen === null)) continue;
    out.heading(`${c.key} ${ctx.t({ zh: c.zh, en: c.en })}`);
    if (summary) {
      const budget = summary.budget_fen;
      out.fields([
        [text('预算（元）', 'budget (yuan)'), budget === null ? ctx.t(text('无', 'none')) : formatYuan(budget)],
        [text('已安排（元）', 'awarded (yuan)'), formatYuan(summary.awarded_fen)],
        [text('结余（元）', 'left (yuan)'), budget === null ? '' : formatYuan(budget - summary.awarded_fen)],
        [text('获资助项目', 'funded'), summary.funded],
      ]);
    }
    // One row at a time: 10^5 rows are never held as arrays of cells.
    function* rows(): Generator<Cell[]> {
      for (const l of lines) {
        const award = of.award(l);
        const limit = of.binding(l);
        yield [
          award > 0 ? '✓' : '',
          of.rank(l),
          of.id(l),
          of.enterprise(l),
          of.score(l),
          formatYuan(of.cap(l)),
          formatYuan(award),
          reasonLabel[of.reason(l)],
          limit === null ? '' : limitLabel[limit],
        ];
      }
    }
    out.table(
      [
        text('入选', 'funded'),
        text('排名', 'rank'),
        text('申报编号', 'application'),
        text('企业', 'enterprise'),
        text('得分', 'score'),
        text('上限（元）', 'cap (yuan)'),
        text('补贴（元）', 'award (yuan)'),
        text('原因', 'reason'),
        text('约束', 'binding'),
      ],
      rows(),
      { align: ['left', 'right', 'left', 'left', 'right', 'right', 'right', 'left', 'left'] },
    );
    const reserve = v.reserve[c.key] ?? [];
    if (reserve.length > 0) out.line(`${ctx.t(text('候补名单', 'reserve list'))}: ${reserve.join(', ')}`);
  }
  if (v.clusters.length > 0) {
    out.heading(text('产业集群', 'clusters'));
    out.table(
      [text('集群', 'cluster'), text('上限（元）', 'pool (yuan)'), text('已安排（元）', 'awarded (yuan)')],
      v.clusters.map((c) => [c.cluster, formatYuan(c.pool_fen), formatYuan(c.awarded_fen)]),
      { align: ['left', 'right', 'right'] },
    );
  }
}

const tieList = (ties: string[][]): string => ties.map((t) => t.join(' = ')).join('; ');

// ---------------------------------------------------------------- commands

function requireVersion(ctx: Context, round: Round, version: number | null): number {
  const db = ctx.db();
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

function versionArg(s: string): number {
  if (!/^[1-9]\d{0,8}$/.test(s.trim())) throw new UserError(text(`版本号「${s}」无效，应为正整数。`, `version "${s}" is not valid: expected a positive whole number.`), 2);
  return Number(s.trim());
}

function storedView(ctx: Context, round: Round, version: number): AllocationView<StoredLine> {
  const db = ctx.db();
  const head = getAllocation(db, round.roundId, version)!;
  return buildView(
    round.policy,
    { round: round.roundId, version, dryRun: false, method: head.method, shortfall: head.shortfall, budgets: head.budgets, ties: head.ties },
    byCategory(round.policy, allocationLines(db, round.roundId, version), STORED_LINE),
    STORED_LINE,
  );
}

export function register(program: Command): void {
  program
    .command('caps')
    .description('per application, the cap and how it was reached (Art. 8)')
    .option('--round <id>', 'round')
    .action(
      handler((ctx, opts: { round?: string }) => {
        const round = requireRound(ctx.db(), opts.round);
        const policy = round.policy;
        const apps = roundApplications(ctx.db(), round.roundId).map((a) => ({ a, cap: capOf(a, policy) }));
        return {
          json: {
            round: round.roundId,
            unit_fen: policy.unitFen,
            applications: apps.map(({ a, cap }) => ({ application_id: a.applicationId, category: a.category, manual: cap.manual, ...capDetailJson(cap) })),
          },
          human: (out) => {
            out.line(ctx.t(text(`批次 ${round.roundId}：上限 = ⌊min(申请金额, 比例 × 总投入, 单个项目上限)⌋，取整到 ${formatYuan(policy.unitFen)} 元`, `round ${round.roundId}: cap = ⌊min(requested, ratio × total investment, per-project cap)⌋ to a multiple of ${formatYuan(policy.unitFen)} yuan`)));
            out.table(
              [
                text('申报编号', 'application'),
                text('企业', 'enterprise'),
                text('类别', 'category'),
                text('申请（元）', 'requested (yuan)'),
                text('比例 × 总投入（元）', 'ratio × investment (yuan)'),
                text('单个项目上限（元）', 'per-project cap (yuan)'),
                text('上限（元）', 'cap (yuan)'),
                text('约束', 'binding'),
                text('条款', 'article'),
              ],
              apps.map(({ a, cap }) => [
                a.applicationId,
                a.enterpriseName,
                cap.manual ? `${a.category} (${ctx.t(text('人工核定', 'set by an officer'))})` : a.category,
                formatYuan(cap.requestedFen),
                cap.ratioFen === null ? '—' : `${cap.ratioPercent}% × ${formatYuan(cap.totalInvestmentFen)} = ${formatYuan(cap.ratioFen)}`,
                cap.perProjectCapFen === null ? '—' : formatYuan(cap.perProjectCapFen),
                formatYuan(cap.capFen),
                bindingLabel(ctx, cap.binding),
                cap.article,
              ]),
              { align: ['left', 'left', 'left', 'right', 'right', 'right', 'right', 'left', 'left'] },
            );
          },
        };
      }),
    );

  program
    .command('allocate')
    .description('rank the participants and allocate each category budget (Art. 8, 11)')
    .option('--round <id>', 'round')
    .option('--budget <category=amount>', 'override a category budget for this run (repeat)', collect, [])
    .option('--method <method>', `${ALLOCATION_METHODS.join(' | ')} (default from the policy)`)
    .option('--shortfall <rule>', `${SHORTFALL_RULES.join(' | ')} (default from the policy)`)
    .option('--tie-break <chain>', `comma-separated ${TIE_BREAK_KEYS.join(', ')}; or refuse: stop on a tie across the funding line`)
    .option('--dry-run', 'print the plan; write nothing')
    .action(
      handler((ctx, opts: AllocateOptions) => {
        const db = ctx.db();
        const round = requireRound(db, opts.round);
        const policy = round.policy;
        const method = oneOf('method', opts.method, ALLOCATION_METHODS, policy.allocation.method);
        const shortfall = oneOf('shortfall', opts.shortfall, SHORTFALL_RULES, policy.allocation.shortfall);
        const { chain, refuse } = parseTieBreak(opts.tieBreak, policy);
        const budgets = { ...round.budgets, ...parseBudgets(policy, opts.budget ?? []) };
        // Read, plan and store in ONE transaction: a plan made from a ledger that another
        // officer's import changed before the write would leave applications out.
        const planRound = () => {
          const { kept, excluded } = lockedAwards(db, round.roundId);

          const p = planAllocation(roundCandidates(db, round.roundId), policy, { budgets, method, shortfall, tieBreak: chain, kept, excluded });
          const broken = checkInvariants(p, policy);
          if (broken.length > 0) throw new Error(`allocation invariant broken (nothing written): ${broken.slice(0, 5).join('; ')}`);
          if (p.conflicts.length > 0) {
            throw new RefusedError(
              text(`无法分配：${p.conflicts.map((c) => c.zh).join('；')}`, `cannot allocate: ${p.conflicts.map((c) => c.en).join('; ')}`),
              text('已公示的奖励不会被重新排名取消；请提高预算（--budget）。', 'awards on notice are never taken away by a re-ranking; raise the budget (--budget).'),
            );
          }
          if (refuse && p.ties.length > 0) {
            throw new RefusedError(
              text(`资助线两侧出现同分，需集体审议：${tieList(p.ties)}。未写入任何内容。`, `equal scores across the funding line need a collective decision (集体审议): ${tieList(p.ties)}. Nothing was written.`),
              text('集体审议后，用 --tie-break 指定排序规则重新分配。', 'after the collective decision, run allocate again with a --tie-break chain.'),
            );
          }

          // Everything that could fail is done before the one transaction.
          const view = buildView(
            policy,
            { round: round.roundId, version: null, dryRun: Boolean(opts.dryRun), method, shortfall, budgets: p.budgets, ties: p.ties },
            planGroups(policy, p),
            planLineOf(p),
          );
          return { kept, excluded, p, view };
        };
        let planned!: ReturnType<typeof planRound>;
        if (opts.dryRun) planned = planRound();
        else {
          inTransaction(db, () => {
            planned = planRound();
            const { p, view, kept, excluded } = planned;
            const at = ctx.now();
            const stored = storeAllocation(db, round.roundId, p, at, ctx.officer);
            view.version = stored.version;
            const event = appendEvent(db, {
              at,
              officer: ctx.officer,
              command: 'allocate',
              roundId: round.roundId,
              appIds: stored.participantIds,
              details: {
                version: stored.version,
                method,
                shortfall,
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
          });
        }

        const { p, view } = planned;
        // Diagnostics go to stderr, also under --json.
        const warn = (t: Text) => process.stderr.write(`${ctx.t(text('警告', 'warning'))}: ${ctx.t(t)}\n`);
        for (const c of p.unbudgeted) {
          warn(text(`类别 ${c} 有符合条件的申报但没有预算，本次不安排资金。`, `category ${c} has qualifying applications and no budget; it funds nothing.`));
        }
        for (const t of p.ties) {
          warn(text(`资助线两侧同分，请集体审议：${t.join(' = ')}`, `equal scores across the funding line, for a collective decision (集体审议): ${t.join(' = ')}`));
        }

        return {
          // A getter: the runner reads it only under --json (10^6 objects otherwise made for nothing).
          get json() {
            return viewJson(view);
          },
          human: (out) => renderView(ctx, out, view, policy),
        };
      }),
    );

  const allocations = program.command('allocations').description('stored allocation versions');

  allocations
    .command('list')
    .description('the allocation versions of a round; the latest is the proposal')
    .option('--round <id>', 'round')
    .action(
      handler((ctx, opts: { round?: string }) => {
        const round = requireRound(ctx.db(), opts.round);
        const versions = listAllocations(ctx.db(), round.roundId);
        const latest = versions.length ? versions[versions.length - 1].version : null;
        const json = {
          round: round.roundId,
          versions: versions.map((v) => ({
            version: v.version,
            proposal: v.version === latest,
            method: v.method,
            shortfall: v.shortfall,
            tie_break: v.tieBreak,
            budgets_fen: v.budgets,
            funded: v.funded,
            awarded_fen: v.awardedFen,
            ties: v.ties.length,
            created_at: v.createdAt,
            created_by: v.createdBy,
          })),
        };
        return {
          json,
          human: (out) =>
            versions.length === 0
              ? out.line(ctx.t(text(`批次 ${round.roundId} 尚无分配方案。`, `round ${round.roundId} has no allocation yet.`)))
              : out.table(
                  [text('版本', 'version'), text('方法', 'method'), text('额度不足', 'shortfall'), text('获资助', 'funded'), text('合计（元）', 'awarded (yuan)'), text('同分', 'ties'), text('时间', 'created'), text('经办人', 'by')],
                  json.versions.map((v) => [v.proposal ? `${v.version} *` : v.version, v.method, v.shortfall, v.funded, formatYuan(v.awarded_fen), v.ties, v.created_at, v.created_by]),
                  { align: ['right', 'left', 'left', 'right', 'right', 'right', 'left', 'left'] },
                ),
        };
      }),
    );

  allocations
    .command('show [n]')
    .description('one allocation version N (default: the latest, which is the proposal)')
    .option('--round <id>', 'round')
    // The root program's --version (print jmfund's version) takes this flag wherever it
    // appears, so the version number is also accepted as the argument N.
    .option('--version <n>', 'version number (same as N)')
    .action(
      handler((ctx, n: string | undefined, opts: { round?: string; version?: string }) => {
        const round = requireRound(ctx.db(), opts.round);
        const v = n ?? opts.version;
        const version = requireVersion(ctx, round, v === undefined ? null : versionArg(v));
        const view = storedView(ctx, round, version);
        return {
          get json() {
            return viewJson(view);
          },
          human: (out) => renderView(ctx, out, view, round.policy),
        };
      }),
    );

  allocations
    .command('diff <a> <b>')
    .description('what changed between two allocation versions')
    .option('--round <id>', 'round')
    .action(
      handler((ctx, a: string, b: string, opts: { round?: string }) => {
        const round = requireRound(ctx.db(), opts.round);
        const va = requireVersion(ctx, round, versionArg(a));
        const vb = requireVersion(ctx, round, versionArg(b));
        const from = storedView(ctx, round, va);
        const to = storedView(ctx, round, vb);
        const before = new Map<string, StoredLine>();
        for (const g of from.lines.values()) for (const l of g) before.set(l.application_id, l);
        const pick = (l: StoredLine | undefined) => (l ? { rank: l.rank, award_fen: l.award_fen, reason: l.reason } : null);
        const changes: { application_id: string; category: string; enterprise: string; from: ReturnType<typeof pick>; to: ReturnType<typeof pick> }[] = [];
        const seen = new Set<string>();
        for (const l of [...to.lines.values()].flatMap((g) => Array.from(g))) {
          seen.add(l.application_id);
          const o = before.get(l.application_id);
          if (!o || o.award_fen !== l.award_fen || o.reason !== l.reason || o.rank !== l.rank) {
            changes.push({ application_id: l.application_id, category: l.category, enterprise: l.enterprise_name, from: pick(o), to: pick(l) });
          }
        }
        for (const o of before.values()) {
          if (!seen.has(o.application_id)) changes.push({ application_id: o.application_id, category: o.category, enterprise: o.enterprise_name, from: pick(o), to: null });
        }
        const categories = to.categories.map((c) => ({
          category: c.category,
          from_awarded_fen: from.categories.find((x) => x.category === c.category)?.awarded_fen ?? 0,
          to_awarded_fen: c.awarded_fen,
          from_funded: from.categories.find((x) => x.category === c.category)?.funded ?? 0,
          to_funded: c.funded,
        }));
        const json = { round: round.roundId, from: va, to: vb, categories, changes: changes.map(({ enterprise: _e, ...rest }) => rest) };
        const money = (x: { award_fen: number } | null) => (x ? formatYuan(x.award_fen) : '—');
        return {
          json,
          human: (out) => {
            out.line(ctx.t(text(`批次 ${round.roundId}：第 ${va} 版 → 第 ${vb} 版，${changes.length} 项变化`, `round ${round.roundId}: version ${va} → ${vb}, ${changes.length} changed`)));
            out.table(
              [text('类别', 'category'), text(`第 ${va} 版合计（元）`, `v${va} awarded (yuan)`), text(`第 ${vb} 版合计（元）`, `v${vb} awarded (yuan)`)],
              categories.map((c) => [c.category, formatYuan(c.from_awarded_fen), formatYuan(c.to_awarded_fen)]),
              { align: ['left', 'right', 'right'] },
            );
            if (changes.length > 0) {
              out.table(
                [text('申报编号', 'application'), text('企业', 'enterprise'), text('类别', 'category'), text('排名', 'rank'), text('补贴（元）', 'award (yuan)'), text('原因', 'reason')],
                changes.map((c) => [
                  c.application_id,
                  c.enterprise,
                  c.category,
                  `${c.from?.rank ?? '—'} → ${c.to?.rank ?? '—'}`,
                  `${money(c.from)} → ${money(c.to)}`,
                  `${c.from ? ctx.t(REASON_LABELS[c.from.reason]) : '—'} → ${c.to ? ctx.t(REASON_LABELS[c.to.reason]) : '—'}`,
                ]),
              );
            }
          },
        };
      }),
    );
}
