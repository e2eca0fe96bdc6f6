// One rendering of an allocation version for `allocate` and `allocations show`:
// the --json shape and the tables (SPEC §14 reasons and bindings).
import { formatYuan } from '../domain/money.js';
import { text } from '../domain/text.js';
import type { AllocationView } from '../ops/allocate.js';
import type { Context } from './context.js';
import { lazyArray } from './json-stream.js';
import { words } from './words.js';
import { renderCategories } from './allocation-tables.js';
import type { Printer } from './render.js';

export function viewJson<L>(v: AllocationView<L>) {
  const { of } = v;
  // Made as they are written (json-stream.ts): 10^6 of them held at once took allocate --json past 1 GB.
  const applications = lazyArray(function* () {
    for (const g of v.groups.values()) {
      for (const l of g) {
        yield {
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
        };
      }
    }
  });
  return {
    round: v.round.roundId,
    version: v.version,
    dry_run: v.dryRun,
    method: v.method,
    shortfall: v.shortfall,
    categories: v.summary.categories.map((c) => ({ category: c.category, budget_fen: c.budgetFen, allocated_fen: c.awardedFen, funded: c.funded })),
    clusters: v.summary.clusters.map((c) => ({ cluster: c.cluster, pool_fen: c.poolFen, allocated_fen: c.awardedFen })),
    applications,
    reserve: v.summary.reserve,
    ties: v.ties,
  };
}

/**
 * `tables`: writes the category tables as renderCategories wrote them for this
 * view elsewhere (a worker thread's text, cli/allocation-render.ts).
 */
export function renderView<L>(ctx: Context, out: Printer, v: AllocationView<L>, tables: (() => void) | null = null): void {
  const round = v.round.roundId;
  const w = words(ctx);
  const method = w.method(v.method);
  const shortfall = w.shortfall(v.shortfall);
  out.line(
    v.dryRun
      ? ctx.t(text(`批次 ${round} 分配试算（${method}；预算不足时：${shortfall}）：未写入账本。`, `round ${round}: dry run (${method}, shortfall ${shortfall}); nothing written.`))
      : ctx.t(text(`批次 ${round} 分配方案第 ${v.version} 版（${method}；预算不足时：${shortfall}）`, `round ${round}: allocation version ${v.version} (${method}, shortfall ${shortfall})`)),
  );
  if (tables !== null) tables();
  else renderCategories(ctx, out, v, !!process.stdout.isTTY);
  if (v.summary.clusters.length > 0) {
    out.heading(text('产业集群', 'clusters'));
    out.table(
      [text('集群', 'cluster'), text('上限（元）', 'pool (yuan)'), text('拟安排（元）', 'allocated (yuan)')],
      v.summary.clusters.map((c) => [w.cluster(c.cluster, v.round.policy), formatYuan(c.poolFen), formatYuan(c.awardedFen)]),
      { align: ['left', 'right', 'right'] },
    );
  }
}
