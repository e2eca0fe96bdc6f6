// jmfund finalize | award set — filing once the notice is over (备案,
// Art. 10(3)), and the awards an officer sets for category other (Art. 7(5)).
import type { Command } from 'commander';
import { stateLabel } from '../../domain/labels.js';
import { formatYuan } from '../../domain/money.js';
import { text } from '../../domain/text.js';
import { finalizeAsync, setAward } from '../../ops/filing.js';
import { opContext } from '../context.js';
import { moneyOption, pastDateOption } from '../options.js';
import { confirmThenRun, someLines } from '../prompt.js';
import { lazyArray } from '../json-stream.js';
import { handler } from '../runner.js';
import { keepHeapNearLiveSet } from '../heap.js';

export function register(program: Command): void {
  program
    .command('finalize')
    .description('file (备案) the awards on notice once the notice period is over and objections are resolved (Art. 10(3))')
    .requiredOption('--round <id>', 'round')
    .option('--on <date>', 'filing date (default today; never later than today)')
    .action(
      handler(async (ctx, opts: { round: string; on?: string }) => {
        // What it keeps is small (an id, a name and an amount per award); the rest is garbage made in waves.
        keepHeapNearLiveSet();
        const filedOn = pastDateOption('on', opts.on, ctx.today());
        const res = await confirmThenRun(
          ctx,
          'finalize',
          () => finalizeAsync(opContext(ctx), { roundId: opts.round, filedOn }),
          (p) => ({
            lines: [
              ctx.t(
                text(
                  `将于 ${filedOn} 备案批次 ${p.roundId} 的 ${p.filed.length} 项金额，合计 ${formatYuan(p.filing.total_fen)} 元：`,
                  `this files ${p.filed.length} award${p.filed.length === 1 ? '' : 's'} of round ${p.roundId} on ${filedOn}, ${formatYuan(p.filing.total_fen)} in all:`,
                ),
              ),
              ...someLines(ctx, p.filed, (f) => `${f.application_id}  ${formatYuan(f.amount_fen)}`),
              ctx.t(text('备案金额此后不可更改。', 'filed amounts can never change afterwards.')),
            ],
            question: text(`备案这 ${p.filed.length} 项？`, `file these ${p.filed.length} awards?`),
          }),
        );
        const f = res.filing;
        return {
          json: {
            round: res.roundId,
            filing_id: f.filing_id,
            filed_on: filedOn,
            count: f.award_count,
            total_fen: f.total_fen,
            hash: f.hash,
            // Written in chunks (10^6 awards at a province's scale), the same text as the whole array.
            applications: lazyArray(() => res.filed),
            not_on_notice: res.notOnNotice,
          },
          human: (out) => {
            out.line(
              ctx.t(
                text(
                  `已备案 #${f.filing_id}（${filedOn}）：${f.award_count} 项，合计 ${formatYuan(f.total_fen)} 元。备案金额不可更改（sha256 ${f.hash.slice(0, 16)}…）。`,
                  `filed #${f.filing_id} on ${filedOn}: ${f.award_count} award${f.award_count === 1 ? '' : 's'}, ${formatYuan(f.total_fen)} in all. Filed amounts cannot change (sha256 ${f.hash.slice(0, 16)}…).`,
                ),
              ),
            );
            const waiting = res.notOnNotice;
            if (waiting.length) {
              out.warn(ctx.t(text(`注意：${waiting.join('、')} 为拟支持但尚未公示，未备案；公示后可再次备案。`, `note: ${waiting.join(', ')} proposed but not yet on notice, so not filed; publicize them and file again.`)));
            }
          },
        };
      }),
    );

  const award = program.command('award').description('awards set by an officer (Art. 7(5), category other)');
  award
    .command('set <app>')
    .description("set the award of a category-other application, citing the approving document's number")
    .requiredOption('--amount <amount>', 'award (e.g. 500000 or 50万); 0 removes it')
    .requiredOption('--basis <document>', 'approving document number, e.g. 江府办〔2022〕12号')
    .option('--on <date>', 'date of the decision (default today)')
    .action(
      handler(async (ctx, appId: string, opts: { amount: string; basis: string; on?: string }) => {
        const amountFen = moneyOption('amount', opts.amount);
        const on = pastDateOption('on', opts.on, ctx.today());
        const r = await confirmThenRun(
          ctx,
          'award set',
          () => setAward(opContext(ctx), { applicationId: appId, amountFen, basis: opts.basis, on }),
          (p) => ({
            lines: [
              ctx.t(
                text(
                  `将核定 ${p.applicationId} 的金额为 ${formatYuan(p.amountFen)} 元，依据 ${p.basis}，日期 ${p.on}，状态变为 ${stateLabel(p.state).zh}；记录只增不改。`,
                  `this sets the award of ${p.applicationId} to ${formatYuan(p.amountFen)} on ${p.basis}, dated ${p.on}; it becomes ${p.state}. The record is kept for good.`,
                ),
              ),
            ],
            question: text(`核定 ${p.applicationId} 为 ${formatYuan(p.amountFen)} 元？`, `set ${p.applicationId} to ${formatYuan(p.amountFen)}?`),
          }),
        );
        return {
          json: { application_id: r.applicationId, amount_fen: r.amountFen, basis: r.basis, set_on: r.on, state: r.state },
          human: (out) => out.line(ctx.t(text(`${r.applicationId}：金额 ${formatYuan(r.amountFen)} 元，依据 ${r.basis}，状态 ${stateLabel(r.state).zh}`, `${r.applicationId}: award ${formatYuan(r.amountFen)} on ${r.basis}; now ${r.state}`))),
        };
      }),
    );
}
