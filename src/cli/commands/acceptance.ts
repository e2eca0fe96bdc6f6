// jmfund accept — the acceptance of a filed project (验收, Art. 14).
import { Option, type Command } from 'commander';
import { MONEY_STAGE_LABELS, stateLabel } from '../../domain/labels.js';
import { text } from '../../domain/text.js';
import { accept } from '../../ops/acceptance.js';
import { opContext } from '../context.js';
import { countOption, moneyOption, pastDateOption } from '../options.js';
import { confirmThenRun } from '../prompt.js';
import { handler } from '../runner.js';
import { stateText, yuanOrDash } from '../words.js';

export function register(program: Command): void {
  program
    .command('accept <app>')
    .description('record the acceptance (验收, Art. 14); on pass the final award is min(filed award, cap on the actual investment)')
    .requiredOption('--date <date>', 'acceptance date')
    .addOption(new Option('--result <result>', 'pass or fail').choices(['pass', 'fail']).makeOptionMandatory())
    .requiredOption('--actual-investment <amount>', 'actual total investment as invoiced')
    .option('--events <n>', 'talent-training: training events held')
    .option('--trainees <n>', 'talent-training: people trained')
    .option('--note <text>', 'remarks')
    .action(
      handler(async (ctx, appId: string, opts: { date: string; result: 'pass' | 'fail'; actualInvestment: string; events?: string; trainees?: string; note?: string }) => {
        const on = pastDateOption('date', opts.date, ctx.today());
        const input = {
          applicationId: appId,
          on,
          result: opts.result,
          actualInvestmentFen: moneyOption('actual-investment', opts.actualInvestment),
          events: countOption('events', opts.events),
          trainees: countOption('trainees', opts.trainees),
          note: opts.note?.trim() || null,
        };
        const act = () => accept(opContext(ctx), input);
        // A fail takes the whole award away: asked first. A pass only records what was found.
        const res =
          opts.result === 'fail'
            ? await confirmThenRun(ctx, 'accept --result fail', act, (p) => ({
                lines: [
                  ctx.t(
                    text(
                      `将记录 ${p.applicationId} 验收不通过（${on}）：备案金额 ${yuanOrDash(p.filedAwardFen)} 元，最终补贴 ${yuanOrDash(p.outcome.finalAwardFen)} 元，状态变为 ${stateLabel(p.state).zh}${p.clawbackFen ? `，应追缴 ${yuanOrDash(p.clawbackFen)} 元` : ''}。`,
                      `this records that ${p.applicationId} failed acceptance on ${on}: filed award ${yuanOrDash(p.filedAwardFen)}, final award ${yuanOrDash(p.outcome.finalAwardFen)}, now ${p.state}${p.clawbackFen ? `, ${yuanOrDash(p.clawbackFen)} to be clawed back` : ''}.`,
                    ),
                  ),
                  ctx.t(text('验收只记录一次，不能更改。', 'an acceptance is recorded once and cannot change.')),
                ],
                question: text(`记录 ${p.applicationId} 验收不通过？`, `record ${p.applicationId} as failed?`),
              }))
            : act();
        const { outcome } = res;
        return {
          json: {
            application_id: res.applicationId,
            accepted_on: on,
            result: outcome.result,
            claimed_result: opts.result,
            reason: outcome.reason,
            cap_fen: outcome.capFen,
            filed_fen: res.filedAwardFen,
            final_fen: outcome.finalAwardFen,
            clawback_due_fen: res.clawbackFen,
            state: res.state,
          },
          human: (out) => {
            out.line(`${res.applicationId}${ctx.t(text('：', ': '))}${ctx.t(outcome.text)}`);
            out.fields([
              [MONEY_STAGE_LABELS.filed, yuanOrDash(res.filedAwardFen)],
              [text('重算上限', 'cap on actual investment'), yuanOrDash(outcome.capFen)],
              [MONEY_STAGE_LABELS.final, yuanOrDash(outcome.finalAwardFen)],
              [text('状态', 'state'), stateText(ctx, res.state)],
            ]);
          },
        };
      }),
    );
}
