// jmfund spot-check [draw] | record — spot checks of filed awards (抽查, Art. 16).
import { Option, type Command } from 'commander';
import { UserError } from '../../domain/errors.js';
import { formatYuan } from '../../domain/money.js';
import { parseSampleSize, PRNG_NAME } from '../../domain/sampling.js';
import { text } from '../../domain/text.js';
import { drawSpotCheck, recordFinding } from '../../ops/spot-checks.js';
import { opContext } from '../context.js';
import { countOption, moneyOption, pastDateOption, requiredTextOption } from '../options.js';
import { handler } from '../runner.js';

export function register(program: Command): void {
  // The draw is the default subcommand: a parent's own options would also
  // swallow its subcommands' options of the same name (commander parses the
  // parent's options from everything after the subcommand).
  const spot = program.command('spot-check').description('spot checks (抽查, Art. 16): draw a sample (default), record a finding');
  spot
    .command('draw', { isDefault: true })
    .description('draw a reproducible random sample of filed awards to inspect')
    .requiredOption('--round <id>', 'round')
    .requiredOption('--sample <n|p%>', 'sample size: a count (5) or a percentage (10%)')
    .requiredOption('--seed <seed>', 'seed of the random draw (any text; the same seed gives the same sample)')
    .addOption(new Option('--stratify <key>', 'draw in proportion within each category').choices(['category']))
    .option('--always-above <amount>', 'always include awards above this amount, besides the sample')
    .option('--on <date>', 'date of the draw (default today)')
    .action(
      handler((ctx, opts: { round: string; sample: string; seed: string; stratify?: 'category'; alwaysAbove?: string; on?: string }) => {
        const size = parseSampleSize(opts.sample);
        if (!size.ok) throw new UserError(size.error, 2);
        // Checked but used as written: the seed is what the sample is reproduced from.
        requiredTextOption('seed', opts.seed);
        const seed = opts.seed;
        const above = opts.alwaysAbove === undefined ? null : moneyOption('always-above', opts.alwaysAbove);
        const drawnOn = pastDateOption('on', opts.on, ctx.today());
        const res = drawSpotCheck(opContext(ctx), { roundId: opts.round, size: size.value, seed, stratify: opts.stratify ?? null, alwaysAboveFen: above, drawnOn });
        const { sample } = res;
        return {
          json: {
            check_id: res.checkId,
            round: res.roundId,
            seed,
            method: res.method,
            drawn_on: drawnOn,
            population: sample.population,
            sample: sample.sample,
            certain: sample.certain,
            strata: sample.strata.map((s) => ({ key: s.key, population: s.population, size: s.size, sample: [...s.sample].sort() })),
          },
          human: (out) => {
            out.line(
              ctx.t(
                text(
                  `抽查 #${res.checkId}：从 ${sample.population} 项已备案补贴中抽取 ${sample.sample.length} 项（种子「${seed}」，${PRNG_NAME}）。`,
                  `spot check #${res.checkId}: ${sample.sample.length} of ${sample.population} filed awards (seed "${seed}", ${PRNG_NAME}).`,
                ),
              ),
            );
            const certain = new Set(sample.certain);
            out.table(
              [text('申报编号', 'application'), text('抽取方式', 'basis')],
              sample.sample.map((a) => [a, certain.has(a) ? ctx.t(text('金额超过门槛，必查', 'above the amount, always checked')) : ctx.t(text('随机', 'random'))]),
            );
            out.line(ctx.t(text('记录结果：jmfund spot-check record APP --finding ok|violation --note ...', 'record findings with: jmfund spot-check record APP --finding ok|violation --note ...')));
          },
        };
      }),
    );

  spot
    .command('record <app>')
    .description('record the finding of a spot check; a violation orders back what was paid (Art. 16, 10(4))')
    .addOption(new Option('--finding <finding>', 'ok or violation').choices(['ok', 'violation']).makeOptionMandatory())
    .requiredOption('--note <text>', 'what was found')
    .option('--on <date>', 'date of the inspection (default today)')
    .option('--check <id>', 'the spot check (default the newest that sampled the application)')
    .action(
      handler((ctx, appId: string, opts: { finding: 'ok' | 'violation'; note: string; on?: string; check?: string }) => {
        const note = requiredTextOption('note', opts.note);
        const on = pastDateOption('on', opts.on, ctx.today());
        const checkId = countOption('check', opts.check) ?? undefined;
        const r = recordFinding(opContext(ctx), { applicationId: appId, finding: opts.finding, note, foundOn: on, checkId });
        return {
          json: { finding_id: r.findingId, check_id: r.checkId, application_id: r.applicationId, finding: opts.finding, note, found_on: on, state: r.state, clawback_due_fen: r.clawbackFen },
          human: (out) =>
            out.line(
              opts.finding === 'ok'
                ? ctx.t(text(`${r.applicationId}：抽查 #${r.checkId} 未发现问题。`, `${r.applicationId}: spot check #${r.checkId} found nothing wrong.`))
                : ctx.t(
                    text(
                      `${r.applicationId}：抽查 #${r.checkId} 发现违规，停止拨付，追缴已拨付的 ${formatYuan(r.clawbackFen)} 元（第16条、第10条第（四）项）。`,
                      `${r.applicationId}: spot check #${r.checkId} found a violation; no further payment, ${formatYuan(r.clawbackFen)} paid is ordered back (Art. 16, 10(4)).`,
                    ),
                  ),
            ),
        };
      }),
    );
}
