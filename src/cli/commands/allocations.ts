// jmfund allocations list | show | diff: the stored allocation versions of a round.
import type { Command } from 'commander';
import { UserError } from '../../domain/errors.js';
import { REASON_LABELS } from '../../domain/labels.js';
import { formatYuan } from '../../domain/money.js';
import { text } from '../../domain/text.js';
import { allocationDiff, allocationVersion, allocationVersions } from '../../ops/allocate.js';
import { renderView, viewJson } from '../allocation-view.js';
import { opContext } from '../context.js';
import { handler } from '../runner.js';
import { words } from '../words.js';
import { timeHeader } from './log.js';

function versionArg(s: string): number {
  if (!/^[1-9]\d{0,8}$/.test(s.trim())) throw new UserError(text(`版本号「${s}」无效，应为正整数。`, `version "${s}" is not valid: expected a positive whole number.`), 2);
  return Number(s.trim());
}

export function register(program: Command): void {
  const allocations = program.command('allocations').description('stored allocation versions');

  allocations
    .command('list')
    .description('the allocation versions of a round; the latest is the proposal')
    .option('--round <id>', 'round')
    .action(
      handler((ctx, opts: { round?: string }) => {
        const { round, versions } = allocationVersions(opContext(ctx), { roundId: opts.round });
        const json = {
          round: round.roundId,
          versions: versions.map((v) => ({
            version: v.version,
            proposal: v.proposal,
            method: v.method,
            shortfall: v.shortfall,
            tie_break: v.tieBreak,
            budgets_fen: v.budgets,
            funded: v.funded,
            allocated_fen: v.awardedFen,
            ties: v.ties,
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
                  [text('版本', 'version'), text('方法', 'method'), text('额度不足', 'shortfall'), text('获资助', 'funded'), text('拟安排合计（元）', 'allocated (yuan)'), text('同分', 'ties'), timeHeader(ctx.tz), text('经办人', 'by')],
                  versions.map((v) => [v.proposal ? `${v.version} *` : v.version, words(ctx).method(v.method), words(ctx).shortfall(v.shortfall), v.funded, formatYuan(v.awardedFen), v.ties, ctx.instant(v.createdAt), v.createdBy]),
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
        const op = opContext(ctx);
        const v = n ?? opts.version;
        const view = allocationVersion(op, { roundId: opts.round, version: v === undefined ? null : versionArg(v) });
        return {
          get json() {
            return viewJson(view);
          },
          human: (out) => renderView(ctx, out, view),
        };
      }),
    );

  allocations
    .command('diff <a> <b>')
    .description('what changed between two allocation versions')
    .option('--round <id>', 'round')
    .action(
      handler((ctx, a: string, b: string, opts: { round?: string }) => {
        const d = allocationDiff(opContext(ctx), { roundId: opts.round, from: versionArg(a), to: versionArg(b) });
        const state = (s: (typeof d.changes)[number]['from']) => (s ? { rank: s.rank, award_fen: s.awardFen, reason: s.reason } : null);
        const json = {
          round: d.round.roundId,
          from: d.from,
          to: d.to,
          categories: d.categories.map((c) => ({ category: c.category, from_allocated_fen: c.fromAwardedFen, to_allocated_fen: c.toAwardedFen, from_funded: c.fromFunded, to_funded: c.toFunded })),
          changes: d.changes.map((c) => ({ application_id: c.applicationId, category: c.category, from: state(c.from), to: state(c.to) })),
        };
        const money = (x: { awardFen: number } | null) => (x ? formatYuan(x.awardFen) : '—');
        return {
          json,
          human: (out) => {
            const w = words(ctx);
            out.line(ctx.t(text(`批次 ${d.round.roundId}：第 ${d.from} 版 → 第 ${d.to} 版，${d.changes.length} 项变化`, `round ${d.round.roundId}: version ${d.from} → ${d.to}, ${d.changes.length} changed`)));
            out.table(
              [text('类别', 'category'), text(`第 ${d.from} 版拟安排（元）`, `v${d.from} allocated (yuan)`), text(`第 ${d.to} 版拟安排（元）`, `v${d.to} allocated (yuan)`)],
              d.categories.map((c) => [w.category(c.category, d.round.policy), formatYuan(c.fromAwardedFen), formatYuan(c.toAwardedFen)]),
              { align: ['left', 'right', 'right'] },
            );
            if (d.changes.length > 0) {
              out.table(
                [text('申报编号', 'application'), text('企业', 'enterprise'), text('类别', 'category'), text('排名', 'rank'), text('补贴（元）', 'award (yuan)'), text('原因', 'reason')],
                d.changes.map((c) => [
                  c.applicationId,
                  c.enterpriseName,
                  w.category(c.category, d.round.policy),
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
