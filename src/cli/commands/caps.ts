// jmfund caps: per application, the cap and how it was reached (Art. 8).
import type { Command } from 'commander';
import { capDetailJson } from '../../domain/caps.js';
import { BINDING_LABELS } from '../../domain/labels.js';
import { formatYuan } from '../../domain/money.js';
import { text } from '../../domain/text.js';
import { caps } from '../../ops/allocate.js';
import { opContext } from '../context.js';
import { lazyArray } from '../json-stream.js';
import { firstRowsShown, listRows, TTY_TABLE_ROWS } from '../render.js';
import { handler } from '../runner.js';
import { words } from '../words.js';
import { articleLabel } from '../../domain/eligibility.js';

export function register(program: Command): void {
  program
    .command('caps')
    .description('per application, the cap and how it was reached (Art. 8)')
    .option('--round <id>', 'round')
    .action(
      handler((ctx, opts: { round?: string }) => {
        const { round, applications, first } = caps(opContext(ctx), { roundId: opts.round });
        const unit = round.policy.unitFen;
        return {
          // A getter, the lines made as written (json-stream.ts): a province's 10^6 are never held.
          get json() {
            return {
              round: round.roundId,
              unit_fen: unit,
              applications: lazyArray(function* () {
                for (const a of applications) yield { application_id: a.applicationId, category: a.category, manual: a.cap.manual, ...capDetailJson(a.cap) };
              }),
            };
          },
          human: (out) => {
            const w = words(ctx);
            out.line(ctx.t(text(`批次 ${round.roundId}：上限 = ⌊min(申请金额, 比例 × 总投入, 单个项目上限)⌋，取整到 ${formatYuan(unit)} 元`, `round ${round.roundId}: cap = ⌊min(requested, ratio × total investment, per-project cap)⌋ to a multiple of ${formatYuan(unit)} yuan`)));
            // On a terminal the first TTY_TABLE_ROWS; piped, every line as it is read.
            const tty = !!process.stdout.isTTY;
            const page = tty ? first(TTY_TABLE_ROWS) : null;
            const list = listRows(page ? { rows: page.lines, total: page.total } : applications, tty, ({ cap, ...a }) => [
              a.applicationId,
              a.enterpriseName,
              cap.manual ? `${w.category(a.category, round.policy)} (${ctx.t(text('人工核定', 'set by an officer'))})` : w.category(a.category, round.policy),
              formatYuan(cap.requestedFen),
              cap.ratioFen === null ? '—' : `${cap.ratioPercent}% × ${formatYuan(cap.totalInvestmentFen)} = ${formatYuan(cap.ratioFen)}`,
              cap.perProjectCapFen === null ? '—' : formatYuan(cap.perProjectCapFen),
              formatYuan(cap.capFen),
              ctx.t(BINDING_LABELS[cap.binding]),
              ctx.t(articleLabel(cap.article)),
            ]);
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
              list.rows,
              { align: ['left', 'left', 'left', 'right', 'right', 'right', 'right', 'left', 'left'] },
            );
            const n = list.count();
            if (tty && n > TTY_TABLE_ROWS) {
              out.line(ctx.t(firstRowsShown(n)));
            }
          },
        };
      }),
    );
}
