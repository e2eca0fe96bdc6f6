// jmfund disburse — a payment against the final award (拨付, Art. 13).
import type { Command } from 'commander';
import { formatYuan } from '../../domain/money.js';
import { text } from '../../domain/text.js';
import { disburse } from '../../ops/payments.js';
import { opContext } from '../context.js';
import { moneyOption, pastDateOption } from '../options.js';
import { handler } from '../runner.js';

export function register(program: Command): void {
  program
    .command('disburse <app>')
    .description('record a payment (拨付); cumulative payments never exceed the final award (专账专户, Art. 13)')
    .requiredOption('--amount <amount>', 'amount paid')
    .requiredOption('--date <date>', 'payment date')
    .option('--voucher <no>', 'payment voucher number')
    .action(
      handler((ctx, appId: string, opts: { amount: string; date: string; voucher?: string }) => {
        const amount = moneyOption('amount', opts.amount);
        const on = pastDateOption('date', opts.date, ctx.today());
        const voucher = opts.voucher?.normalize('NFKC').trim() || null;
        const r = disburse(opContext(ctx), { applicationId: appId, amountFen: amount, paidOn: on, voucher });
        const left = r.finalAwardFen - r.paidFen;
        return {
          json: {
            payment_id: r.paymentId,
            application_id: r.applicationId,
            amount_fen: amount,
            paid_on: on,
            voucher,
            paid_fen: r.paidFen,
            final_fen: r.finalAwardFen,
            remaining_fen: left,
            state: 'disbursed',
          },
          human: (out) =>
            out.line(
              ctx.t(
                text(
                  `${r.applicationId}：拨付 ${formatYuan(amount)} 元（${on}），累计 ${formatYuan(r.paidFen)} / ${formatYuan(r.finalAwardFen)} 元，尚可拨 ${formatYuan(left)} 元。`,
                  `${r.applicationId}: paid ${formatYuan(amount)} on ${on}; ${formatYuan(r.paidFen)} of ${formatYuan(r.finalAwardFen)} paid, ${formatYuan(left)} left.`,
                ),
              ),
            ),
        };
      }),
    );
}
