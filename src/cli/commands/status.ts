// jmfund status — a round after allocation: applications and money per state,
// objections, notices.
import type { Command } from 'commander';
import { formatYuan } from '../../domain/money.js';
import { text } from '../../domain/text.js';
import { roundStatus } from '../../ops/status.js';
import { opContext } from '../context.js';
import { handler } from '../runner.js';
import { stateText } from '../words.js';

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
              [text('状态', 'state'), text('申报数', 'applications'), text('金额（元）', 'amount (yuan)')],
              Object.entries(s.states).map(([state, v]) => [stateText(ctx, state), v.count, formatYuan(v.amount_fen)]),
              { align: ['left', 'right', 'right'] },
            );
            out.fields([
              [text('当前补贴合计', 'awarded now'), formatYuan(s.awarded_fen)],
              [text('备案合计', 'filed'), formatYuan(s.filed_fen)],
              [text('已拨付', 'paid'), formatYuan(s.paid_fen)],
              [text('待追缴', 'clawback due'), formatYuan(s.clawback_due_fen)],
              [text('已追回', 'recovered'), formatYuan(s.recovered_fen)],
              [text('未处理异议', 'open objections'), s.open_objections.length],
            ]);
            for (const n of s.notices) {
              const phase =
                n.phase === 'running'
                  ? ctx.t(text(`还剩 ${n.days_left} 天（含今天）`, `${n.days_left} day(s) left, today included`))
                  : n.phase === 'ended'
                    ? ctx.t(text('已结束', 'ended'))
                    : ctx.t(text('尚未开始', 'not started'));
              out.line(ctx.t(text(`公示 #${n.notice_id}：${n.from} 至 ${n.through}，${n.applications} 项，`, `notice #${n.notice_id}: ${n.from} through ${n.through}, ${n.applications} awards, `)) + phase);
            }
          },
        };
      }),
    );
}
