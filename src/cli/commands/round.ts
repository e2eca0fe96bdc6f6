// jmfund round create | list | show
import type { Command } from 'commander';
import type { BudgetDoubt } from '../../domain/budgets.js';
import { categoryLabel } from '../../domain/labels.js';
import { formatYuan } from '../../domain/money.js';
import { policyIdWithHash } from '../../domain/policy.js';
import { text } from '../../domain/text.js';
import { createRound, roundDetails, rounds, setBudgets, showRound } from '../../ops/rounds.js';
import { opContext, type Context, warnOnStderr } from '../context.js';
import { collect, handler } from '../runner.js';
import { stateText } from '../words.js';

/** Budgets that look wrong, on stderr (also under --json), each with the amount as written. */
async function doubtWarner(ctx: Context): Promise<(doubts: readonly BudgetDoubt[]) => void> {
  // Loaded by the commands that take budgets only: `round list` starts without it.
  const { budgetDoubtText } = await import('../../domain/budgets.js');
  return (doubts) => {
    for (const d of doubts) warnOnStderr(ctx, budgetDoubtText(d, formatYuan));
  };
}

interface CreateOptions {
  opens: string;
  closes: string;
  budget?: string[];
  policy?: string;
}

export function register(program: Command): void {
  const round = program.command('round').description('application rounds (申报批次) and their budgets');

  round
    .command('create <id>')
    .description('create a round under a policy, with a budget per category')
    .requiredOption('--opens <date>', 'first day applications are accepted')
    .requiredOption('--closes <date>', 'last day applications are accepted (the as-of date of the checks)')
    .option('--budget <category=amount>', 'budget of a category, e.g. sme-cloud=3000000 or sme-cloud=300万 (repeat)', collect, [])
    .option('--policy <id|file>', 'policy ID or JSON file (default jiangmen-2021)')
    .action(
      handler(async (ctx, id: string, opts: CreateOptions) => {
        // Loaded here, not for `round list` (cold start).
        const { dateOption } = await import('../options.js');
        const r = await createRound(opContext(ctx), {
          roundId: id,
          opensOn: dateOption('opens', opts.opens),
          closesOn: dateOption('closes', opts.closes),
          budgets: opts.budget ?? [],
          policy: opts.policy,
          // Amounts that look wrong: said on stderr; on a terminal asked before the round is made.
          onDoubts: async (doubts) => {
            (await doubtWarner(ctx))(doubts);
            const { ask, onTerminal } = await import('../prompt.js');
            if (onTerminal() && !ctx.yes) {
              await ask(ctx, { lines: [], question: text(`仍按这些预算创建批次 ${id}？`, `create round ${id} with these budgets anyway?`) });
            }
          },
        });
        return {
          json: roundDetails(r),
          human: (out) => {
            out.line(ctx.t(text(`已创建批次 ${r.roundId}（${r.opensOn} 至 ${r.closesOn}，策略 ${r.policyId}）`, `created round ${r.roundId} (${r.opensOn} to ${r.closesOn}, policy ${r.policyId})`)));
            for (const [k, v] of Object.entries(r.budgets)) out.line(ctx.lang === 'zh' ? `  ${categoryLabel(r.policy, k).zh}：${formatYuan(v)} 元` : `  ${k}: ${formatYuan(v)}`);
          },
        };
      }),
    );

  round
    .command('budget <id> <budgets...>')
    .description('correct category budgets until the round\'s first public notice: CATEGORY=AMOUNT, e.g. sme-cloud=307万 (then allocate again)')
    .action(
      handler(async (ctx, id: string, specs: string[]) => {
        const { confirmThenRun } = await import('../prompt.js');
        const warnDoubts = await doubtWarner(ctx);
        const change = (c: { category: string; beforeFen: number | null; afterFen: number }) =>
          `${c.category}: ${c.beforeFen === null ? '—' : formatYuan(c.beforeFen)} → ${formatYuan(c.afterFen)}`;
        const r = await confirmThenRun(
          ctx,
          'round budget',
          () => setBudgets(opContext(ctx), { roundId: id, budgets: specs }),
          (p) => {
            warnDoubts(p.doubts);
            return {
              lines: [
                ctx.t(text(`将更正批次 ${p.round.roundId} 的预算（元）：`, `this changes the budgets of round ${p.round.roundId} (yuan):`)),
                ...p.changes.map((c) => `  ${change(c)}`),
                ctx.t(text('记入日志；已存的分配方案将过时，须重新运行 `jmfund allocate`。', 'it is logged; the stored allocation goes out of date and `jmfund allocate` must run again.')),
              ],
              question: text(`更正这 ${p.changes.length} 项预算？`, `change ${p.changes.length === 1 ? 'this budget' : `these ${p.changes.length} budgets`}?`),
            };
          },
        );
        if (ctx.yes) warnDoubts(r.doubts);
        return {
          json: { round: r.round.roundId, changes: r.changes.map((c) => ({ category: c.category, before_fen: c.beforeFen, after_fen: c.afterFen })), budgets_fen: r.round.budgets },
          human: (out) => {
            out.line(ctx.t(text(`批次 ${r.round.roundId} 的预算已更正：`, `budgets of round ${r.round.roundId} changed:`)));
            for (const c of r.changes) out.line(`  ${change(c)}`);
            out.line(ctx.t(text(`请重新分配：\`jmfund allocate --round ${r.round.roundId}\``, `allocate again: \`jmfund allocate --round ${r.round.roundId}\``)));
          },
        };
      }),
    );

  round
    .command('list')
    .description('list the rounds')
    .action(
      handler((ctx) => {
        const all = rounds(opContext(ctx));
        return {
          json: all.map(roundDetails),
          human: (out) =>
            out.table(
              [text('批次', 'round'), text('开始', 'opens'), text('截止', 'closes'), text('策略', 'policy'), text('预算合计（元）', 'total budget (yuan)')],
              all.map((r) => [r.roundId, r.opensOn, r.closesOn, policyIdWithHash(r.policyId, r.policyHash), formatYuan(Object.values(r.budgets).reduce((a, b) => a + b, 0))]),
              { align: ['left', 'left', 'left', 'left', 'right'] },
            ),
        };
      }),
    );

  round
    .command('show <id>')
    .description('show a round: dates, policy, budgets, applications by state')
    .action(
      handler((ctx, id: string) => {
        const { round: r, applications: counts } = showRound(opContext(ctx), { roundId: id });
        return {
          json: { ...roundDetails(r), applications: counts },
          human: (out) => {
            out.fields([
              [text('批次', 'round'), r.roundId],
              [text('申报期', 'open'), `${r.opensOn} — ${r.closesOn}`],
              [text('策略', 'policy'), policyIdWithHash(r.policyId, r.policyHash)],
              [text('创建', 'created'), `${ctx.instant(r.createdAt)} ${r.createdBy}`],
            ]);
            out.table(
              [text('类别', 'category'), text('预算（元）', 'budget (yuan)')],
              r.policy.categories.map((c) => [ctx.lang === 'zh' ? categoryLabel(r.policy, c.key).zh : `${c.key} ${categoryLabel(r.policy, c.key).en}`, c.key in r.budgets ? formatYuan(r.budgets[c.key]) : '—']),
              { align: ['left', 'right'] },
            );
            const states = Object.entries(counts);
            out.line(states.length ? `${ctx.t(text('申报：', 'applications: '))}${states.map(([s, n]) => `${stateText(ctx, s)} ${n}`).join(ctx.lang === 'zh' ? '，' : ', ')}` : ctx.t(text('尚无申报。', 'no applications yet.')));
          },
        };
      }),
    );
}
