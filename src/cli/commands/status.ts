// jmfund status — a round after allocation: applications and money per state,
// the money through the stages per category and in all, objections, notices.
import type { Command } from 'commander';
import { MONEY_STAGE_LABELS } from '../../domain/labels.js';
import { formatYuan } from '../../domain/money.js';
import { MONEY_STAGES, type MoneyJson, type MoneyStage } from '../../domain/money-stages.js';
import { text } from '../../domain/text.js';
import { roundStatus } from '../../ops/status.js';
import { opContext } from '../context.js';
import { handler } from '../runner.js';
import { stateText } from '../words.js';

/** The words the per-category table shows (a table may show fewer, never other words). */
const CATEGORY_COLUMNS: readonly MoneyStage[] = ['budget', 'allocated', 'filed', 'final', 'paid', 'outstanding'];

const yuan = (m: MoneyJson, s: MoneyStage): string => {
  const v = m[`${s}_fen`];
  return v === null ? '—' : formatYuan(v);
};
/** Amounts right-aligned in a list of fields. */
const aligned = (xs: string[]): string[] => {
  const w = Math.max(...xs.map((x) => x.length));
  return xs.map((x) => x.padStart(w));
};

export function register(program: Command): void {
  program
    .command('status')
    .description('a round after allocation: applications and money per state, objections, notices, payments, clawbacks')
    .requiredOption('--round <id>', 'round')
    .action(
      handler((ctx, opts: { round: string }) => {
        const s = roundStatus(opContext(ctx), { roundId: opts.round });
        return {
          json: s,
          human: (out) => {
            out.heading(text(`批次 ${s.round}（${s.today}）`, `round ${s.round} (${s.today})`));
            out.table(
              [text('状态', 'state'), text('申报数', 'applications'), text('当前补贴（元）', 'award now (yuan)')],
              Object.entries(s.states).map(([state, v]) => [stateText(ctx, state), v.count, formatYuan(v.amount_fen)]),
              { align: ['left', 'right', 'right'], empty: text('（本批次尚无申报）', '(no applications in this round yet)') },
            );
            out.line(ctx.t(text('当前补贴：备案后为核定金额，备案前为拟安排金额。', 'award now: the final amount once filed, the allocated amount before.')));
            out.heading(text('资金（元）', 'money (yuan)'));
            const amounts = aligned(MONEY_STAGES.map((st) => yuan(s.money, st)));
            out.fields(MONEY_STAGES.map((st, i) => [MONEY_STAGE_LABELS[st], amounts[i]]));
            if (s.categories.length > 0) {
              out.heading(text('按类别（元）', 'by category (yuan)'));
              out.table(
                [text('类别', 'category'), ...CATEGORY_COLUMNS.map((st) => MONEY_STAGE_LABELS[st])],
                s.categories.map((c) => [ctx.t(c.name), ...CATEGORY_COLUMNS.map((st) => yuan(c.money, st))]),
                { align: ['left', ...CATEGORY_COLUMNS.map(() => 'right' as const)] },
              );
            }
            out.fields([[text('未处理异议', 'open objections'), s.open_objections.length]]);
            for (const n of s.notices) {
              const phase =
                n.phase === 'running'
                  ? ctx.t(text(`还剩 ${n.days_left} 天（含今天）`, `${n.days_left} day(s) left, today included`))
                  : n.phase === 'ended'
                    ? ctx.t(text('已结束', 'ended'))
                    : ctx.t(text('尚未开始', 'not started'));
              out.line(ctx.t(text(`公示 #${n.notice_id}：${n.from} 至 ${n.through}，${n.applications} 项，`, `notice #${n.notice_id}: ${n.from} through ${n.through}, ${n.applications} award${n.applications === 1 ? '' : 's'}, `)) + phase);
            }
          },
        };
      }),
    );
}
