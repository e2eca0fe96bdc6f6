// jmfund allocate: rank the participants and allocate each category budget (Art. 8, 11; SPEC §8, §14).
import type { Command } from 'commander';
import { ALLOCATION_METHODS, SHORTFALL_RULES, TIE_BREAK_KEYS } from '../../domain/policy.js';
import { text, type Text } from '../../domain/text.js';
import { needsReviewWarning, noParticipantsWarning, tieWarning } from '../../domain/step-order.js';
import { categoryLabel, REASON_LABELS } from '../../domain/labels.js';
import { allocateAsync, type AllocateResult } from '../../ops/allocate.js';
import { allocateWhatIf } from '../../ops/what-if.js';
import { renderView, viewJson } from '../allocation-view.js';
import { tablesInWorker, type TablesJob } from '../allocation-render.js';
import { renderWhatIf, whatIfJson } from '../what-if-view.js';
import { opContext, warnOnStderr } from '../context.js';
import { collect, handler } from '../runner.js';

interface AllocateOptions {
  round?: string;
  budget?: string[];
  method?: string;
  shortfall?: string;
  tieBreak?: string;
  dryRun?: boolean;
  whatIf?: boolean;
  budgetSteps?: string;
}

export function register(program: Command): void {
  program
    .command('allocate')
    .description('rank the participants and allocate each category budget (Art. 8, 11)')
    .option('--round <id>', 'round')
    .option('--budget <category=amount>', 'override a category budget for this run (repeat)', collect, [])
    .option('--method <method>', `${ALLOCATION_METHODS.join(' | ')} (default from the policy)`)
    .option('--shortfall <rule>', `${SHORTFALL_RULES.join(' | ')} (default from the policy)`)
    .option('--tie-break <chain>', `comma-separated ${TIE_BREAK_KEYS.join(', ')}; or refuse: stop on a tie across the funding line`)
    .option('--dry-run', 'print the plan; write nothing')
    .option('--what-if', 'compare the plan under other budgets (--budget or --budget-steps) with the stored version; write nothing')
    .option('--budget-steps <category=from:to:step>', 'with --what-if: one plan per budget of the category from FROM to TO by STEP')
    .action(
      handler(async (ctx, opts: AllocateOptions) => {
        if (opts.whatIf || opts.budgetSteps !== undefined) {
          const w = allocateWhatIf(opContext(ctx), { roundId: opts.round, budgets: opts.budget ?? [], budgetSteps: opts.budgetSteps, method: opts.method, shortfall: opts.shortfall, tieBreak: opts.tieBreak });
          return { json: whatIfJson(ctx, w), human: (out) => renderWhatIf(ctx, out, w, !!process.stdout.isTTY) };
        }
        // A stored plan's tables are written by a worker thread while the plan is stored (allocation-render.ts).
        const job: { tables: TablesJob | null } = { tables: null };
        let r: AllocateResult;
        try {
          r = await allocateAsync(opContext(ctx), {
            roundId: opts.round,
            budgets: opts.budget ?? [],
            method: opts.method,
            shortfall: opts.shortfall,
            tieBreak: opts.tieBreak,
            dryRun: opts.dryRun,
            onPlanned: (round, p) => (job.tables = tablesInWorker(ctx, round.policy, p)),
          });
        } catch (e) {
          job.tables?.cancel();
          throw e;
        }
        // Diagnostics go to stderr, also under --json.
        const warn = (t: Text) => warnOnStderr(ctx, t);
        const round = r.round.roundId;
        for (const c of r.unbudgeted) {
          const name = categoryLabel(r.round.policy, c.category);
          warn(
            text(
              `类别“${name.zh}”（${c.category}）有 ${c.applications} 件申报但没有预算，本次不安排资金；用 \`jmfund round budget ${round} ${c.category}=金额\` 补上预算后重新分配。`,
              `category ${c.category} has ${c.applications} application${c.applications === 1 ? '' : 's'} but no budget, so it funds nothing; set one with \`jmfund round budget ${round} ${c.category}=AMOUNT\` and allocate again.`,
            ),
          );
        }
        if (r.needsReview > 0) warn(needsReviewWarning(round, r.needsReview));
        if (r.noneTakePart) warn(noParticipantsWarning(round, r.round.policy.scoring, r.noneTakePart.map((x) => ({ label: REASON_LABELS[x.reason], n: x.n }))));
        for (const t of r.ties) warn(tieWarning(round, t));
        const written = await job.tables?.bytes;
        // On the same stream as the printer's text, after it: writes to a pipe or a file are synchronous.
        const writeTables = written ? () => written.forEach((b) => process.stdout.write(b)) : null;
        return {
          // A getter: the runner reads it only under --json (10^6 objects otherwise made for nothing).
          get json() {
            return viewJson(r);
          },
          human: (out) => renderView(ctx, out, r, writeTables),
        };
      }),
    );
}
