// jmfund clawback [order] | recover — money ordered back and recovered
// (追缴, Art. 10(4)).
import type { Command } from 'commander';
import { stateLabel } from '../../domain/labels.js';
import { formatYuan } from '../../domain/money.js';
import { text } from '../../domain/text.js';
import { orderClawback, recover } from '../../ops/clawbacks.js';
import { opContext } from '../context.js';
import { moneyOption, pastDateOption, requiredTextOption } from '../options.js';
import { confirmThenRun } from '../prompt.js';
import { handler } from '../runner.js';

export function register(program: Command): void {
  // Ordering is the default subcommand, so that `clawback APP` and
  // `clawback recover APP` each read their own --amount (see spot-check).
  const claw = program.command('clawback').description('clawbacks (追缴, Art. 10(4)): order money back (default), record a recovery');
  claw
    .command('order <app>', { isDefault: true })
    .description('order money paid to be returned: jmfund clawback APP --amount A --reason TEXT')
    .requiredOption('--amount <amount>', 'amount to be returned (at most what was paid and not yet ordered back)')
    .requiredOption('--reason <text>', 'why')
    .option('--on <date>', 'date of the decision (default today)')
    .action(
      handler(async (ctx, appId: string, opts: { amount: string; reason: string; on?: string }) => {
        const amount = moneyOption('amount', opts.amount);
        const reason = requiredTextOption('reason', opts.reason);
        const on = pastDateOption('on', opts.on, ctx.today());
        const r = await confirmThenRun(
          ctx,
          'clawback',
          () => orderClawback(opContext(ctx), { applicationId: appId, amountFen: amount, reason, on }),
          (p) => ({
            lines: [
              ctx.t(
                text(
                  `将向 ${p.applicationId} 追缴 ${formatYuan(amount)} 元（${on}，理由：${reason}）；已拨付 ${formatYuan(p.paidFen)} 元，应追缴合计将为 ${formatYuan(p.clawbackDueFen)} 元，状态变为 clawback-due。`,
                  `this orders ${formatYuan(amount)} back from ${p.applicationId} on ${on} (reason: ${reason}); paid ${formatYuan(p.paidFen)}, clawback due becomes ${formatYuan(p.clawbackDueFen)} in all; the state becomes clawback-due.`,
                ),
              ),
              ctx.t(text('追缴决定记录后不能撤销。', 'a clawback order cannot be withdrawn once recorded.')),
            ],
            question: text(`向 ${p.applicationId} 追缴 ${formatYuan(amount)} 元？`, `order ${formatYuan(amount)} back from ${p.applicationId}?`),
          }),
        );
        return {
          json: { clawback_id: r.clawbackId, application_id: r.applicationId, amount_fen: amount, reason, ordered_on: on, state: 'clawback-due', paid_fen: r.paidFen, clawback_due_fen: r.clawbackDueFen, outstanding_fen: r.outstandingFen },
          human: (out) =>
            out.line(
              ctx.t(
                text(
                  `${r.applicationId}：追缴 ${formatYuan(amount)} 元；应追缴合计 ${formatYuan(r.clawbackDueFen)} 元，待追回 ${formatYuan(r.outstandingFen)} 元。`,
                  `${r.applicationId}: ${formatYuan(amount)} ordered back; clawback due ${formatYuan(r.clawbackDueFen)} in all, outstanding ${formatYuan(r.outstandingFen)}.`,
                ),
              ),
            ),
        };
      }),
    );

  claw
    .command('recover <app>')
    .description('record money returned against a clawback; never more than is due')
    .requiredOption('--amount <amount>', 'amount returned')
    .requiredOption('--date <date>', 'date it was received')
    .option('--voucher <no>', 'receipt number')
    .action(
      handler((ctx, appId: string, opts: { amount: string; date: string; voucher?: string }) => {
        const amount = moneyOption('amount', opts.amount);
        const on = pastDateOption('date', opts.date, ctx.today());
        const voucher = opts.voucher?.normalize('NFKC').trim() || null;
        const r = recover(opContext(ctx), { applicationId: appId, amountFen: amount, recoveredOn: on, voucher });
        return {
          json: { recovery_id: r.recoveryId, application_id: r.applicationId, amount_fen: amount, recovered_on: on, voucher, state: r.state, clawback_due_fen: r.clawbackDueFen, recovered_fen: r.recoveredFen, outstanding_fen: r.outstandingFen },
          human: (out) =>
            out.line(
              ctx.t(
                text(
                  `${r.applicationId}：追回 ${formatYuan(amount)} 元（${on}）；已追回合计 ${formatYuan(r.recoveredFen)} 元，待追回 ${formatYuan(r.outstandingFen)} 元，状态 ${stateLabel(r.state).zh}。`,
                  `${r.applicationId}: ${formatYuan(amount)} recovered on ${on}; recovered ${formatYuan(r.recoveredFen)} in all, outstanding ${formatYuan(r.outstandingFen)}; now ${r.state}.`,
                ),
              ),
            ),
        };
      }),
    );
}
